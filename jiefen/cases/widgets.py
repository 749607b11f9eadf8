"""Form widgets shared by the case forms and filters."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # <input type=date> takes ISO dates whatever the locale.
        super().__init__(attrs, format="%Y-%m-%d")
