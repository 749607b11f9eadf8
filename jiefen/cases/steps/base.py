"""What every step's form and action share: the form base, the file field, and the checks of a field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import ActionError
from ..models import Status
from ..widgets import DateInput

__all__ = ["OPEN_WORK", "DateInput", "MultipleFileField", "StepForm", "date_not_future", "required"]


class StepForm(forms.Form):
    """A step's form: validation only, the action does the work. `expected_version` is the version the person
    saw; the registry drops it from the form of a step that does not move the version (Step.build_form)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case, user, **kwargs):
        self.case, self.user = case, user
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_version", case.version)
        super().__init__(*args, **kwargs)

    def action_kwargs(self):
        return dict(self.cleaned_data)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list. Their content is checked by the action (uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data] or super().clean(None, initial)
        return [super().clean(data, initial)]


def required(value, message, field):
    """`value`, stripped if text; ActionError(`message`) on `field` if it is empty."""
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise ActionError(message, field=field)
    return value.strip() if isinstance(value, str) else value


def date_not_future(day, label, field):
    if day is None:
        raise ActionError(_("请填写%(label)s") % {"label": label}, field=field)
    if day > timezone.localdate():
        raise ActionError(_("%(label)s不能晚于今天") % {"label": label}, field=field)
    return day


# Where work on a case is under way: the states in which records (notes, materials, recusals) are taken.
OPEN_WORK = frozenset({
    Status.ACCEPTED, Status.ASSIGNED, Status.IN_HANDLING, Status.MEDIATING, Status.REVIEW_REQUESTED,
    Status.REREVIEW_REQUESTED,
})
