"""Model fields for personal data stored encrypted (ID numbers, citizens' phone numbers)."""

from django.db import models

from . import personal


class EncryptedCharField(models.TextField):
    """A short text stored as a Fernet token and read back as plain text.

    Only equality on the empty string can be queried: look values up by their keyed hash field instead. `max_length`
    bounds the plain value in forms; the column holds the longer token.
    """

    def __init__(self, *args, plain_max_length=None, **kwargs):
        self.plain_max_length = plain_max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return personal.decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return personal.encrypt(value) if value else value

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(
            max_length=self.plain_max_length, required=not self.blank, label=self.verbose_name, **kwargs
        )
