"""Forms of the import and export pages. Validation only: the actions and queries do the work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiefen.cases.widgets import DateInput

from .models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportJob.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("文件（.xlsx；上级交办事项也可为交换格式 .json）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.json"}),
    )


class ExportForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("填报单位"), coerce=int, required=False, empty_value=None)
    start = forms.DateField(label=_("统计期间自"), widget=DateInput, required=False)
    end = forms.DateField(label=_("至"), widget=DateInput, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data
