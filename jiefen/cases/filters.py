"""The case list's filters, declared once: the list page's form, queries.case_list, the API's list query
(jiefen.api.filters) and the links from a figure down to its cases (jiefen.figures.drill) all use CaseFilter.

The drill-down filters select exactly the cases behind a figure (closed in a period, contacted in a period, open
at the end of a day, an outcome); the figures count with closed_q and open_on_q below, so a figure and its list
agree. Day boundaries are local midnights (Asia/Shanghai) as aware datetimes, the days the figures count in.
"""

import datetime as dt

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.org import authz
from jiefen.org.models import Unit

from . import extensions
from .models import SATISFACTION, Case, Category, Channel, Contact, Deadline, Event, Status, StatusGroup
from .widgets import DateInput

EMPTY = (None, "", False)
SORT_CHOICES = [
    ("received", _("登记时间（新→旧）")), ("-received", _("登记时间（旧→新）")),
    ("due", _("期限（近→远）")), ("number", _("编号")),
]
OUTCOMES = {
    "resolved": _("办结且实际化解"),
    "on_time": _("按期办结"),
    "late": _("超期办结"),
    "single": _("只来访一次即办结"),
    "repeat": _("再次来访"),
    "answered": _("已回访或评价"),
    "satisfied": _("满意或基本满意"),
    "hard": _("疑难积案（1211）"),
}
SATISFIED = SATISFACTION[:2]  # 满意、基本满意: the answers the 满意率 counts


def day_start(day):
    """The aware datetime at which local day `day` begins."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _finals_between(start=None, end=None):
    events = Event.objects.filter(kind="decide_rereview")
    if start is not None:
        events = events.filter(at__gte=day_start(start))
    if end is not None:
        events = events.filter(at__lt=day_start(end + dt.timedelta(days=1)))
    return events.values("case_id")


def closed_q(start, end):
    """Cases finished (StatusGroup.COUNTED_AS_DONE) on a day start..end; a 终结 recorded without closed_at counts
    on the day of its re-review decision (jiefen.figures.counting.finished_day)."""
    after_end = day_start(end + dt.timedelta(days=1))
    return Q(status__in=StatusGroup.COUNTED_AS_DONE) & (
        Q(closed_at__gte=day_start(start), closed_at__lt=after_end)
        | Q(status=Status.FINAL, closed_at__isnull=True, id__in=_finals_between(start, end))
    )


def open_on_q(day):
    """Cases open at the end of `day`: registered by then and not finished by then."""
    next_day = day + dt.timedelta(days=1)
    return Q(received_at__lt=day_start(next_day)) & (
        Q(status__in=StatusGroup.OPEN)
        | Q(closed_at__gte=day_start(next_day))
        | Q(status=Status.FINAL, closed_at__isnull=True, id__in=_finals_between(start=next_day))
    )


def _by_the_list(queryset, name, value):
    # The keyword and the order decide how the list is walked and counted: queries.case_list applies them.
    return queryset


class CheckFilter(django_filters.BooleanFilter):
    """On or off, never "unknown": set means filter, absent means not."""

    field_class = forms.BooleanField


class CaseListForm(forms.Form):
    """The case list's filter form; CaseFilter gives it its fields."""

    def filters(self):
        """The filters as queries.case_list takes them: none (every case) while one of them is not valid."""
        if not self.is_valid():
            return {}
        return {**self.cleaned_data, "sort": self.cleaned_data.get("sort") or "received"}


class CaseFilter(django_filters.FilterSet):
    """Every filter of the case list. `q` and `sort` are applied by queries.case_list (the search table and the
    newest-first walk); narrow() applies the others to a queryset of cases."""

    # Above township level a county's hundreds of villages make no usable select: its users pick the township
    # instead (see form).
    centre = django_filters.ModelChoiceFilter(
        label=_("乡镇（街道）"), queryset=Unit.objects.none(), empty_label=_("全部乡镇"),
    )
    q = django_filters.CharFilter(
        label=_("关键词"), max_length=50, method=_by_the_list,
        widget=forms.TextInput(attrs={"placeholder": _("编号、姓名、诉求关键词"), "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("open", _("未办结"))] + Status.choices, empty_label=_("全部状态"),
        method="filter_status",
    )
    flag = django_filters.ChoiceFilter(
        label=_("期限"), choices=[("soon", _("临期")), ("overdue", _("超期"))], empty_label=_("全部"),
        method="filter_flag",
    )
    category = django_filters.ModelChoiceFilter(
        label=_("分类"), queryset=Category.objects.all(), empty_label=_("全部分类"),
    )
    village = django_filters.ModelChoiceFilter(
        label=_("村（社区）"), queryset=Unit.objects.none(), empty_label=_("全部村（社区）"),
    )
    channel = django_filters.ChoiceFilter(
        label=_("渠道"), choices=Channel.choices, empty_label=_("全部渠道"), method="filter_channel"
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), field_name="responsible_unit", queryset=Unit.objects.none(), empty_label=_("全部单位"),
    )
    date_from = django_filters.DateFilter(
        label=_("登记自"), field_name="received_at", lookup_expr="date__gte", widget=DateInput,
    )
    date_to = django_filters.DateFilter(
        label=_("至"), field_name="received_at", lookup_expr="date__lte", widget=DateInput,
    )
    # 终结后重复信访 (Case.final_repeat_of): counted apart from new matters.
    final_repeat = CheckFilter(label=_("终结后重复信访"), method="filter_final_repeat")
    sort = django_filters.ChoiceFilter(label=_("排序"), choices=SORT_CHOICES, empty_label=None, method=_by_the_list)
    # From a figure down to its cases: hidden, set by the figure's link (jiefen.figures.drill.case_list_url).
    closed_from = django_filters.DateFilter(label=_("办结自"), widget=forms.HiddenInput, method="filter_closed")
    closed_to = django_filters.DateFilter(label=_("办结至"), widget=forms.HiddenInput, method="filter_closed")
    contacted_from = django_filters.DateFilter(
        label=_("来访（电、信）自"), widget=forms.HiddenInput, method="filter_contacted",
    )
    contacted_to = django_filters.DateFilter(
        label=_("来访（电、信）至"), widget=forms.HiddenInput, method="filter_contacted",
    )
    open_on = django_filters.DateFilter(
        label=_("该日终了时未办结"), widget=forms.HiddenInput, method="filter_open_on",
    )
    ledger_from = django_filters.DateFilter(label=_("排查自"), widget=forms.HiddenInput, method="filter_ledger")
    ledger_to = django_filters.DateFilter(label=_("排查至"), widget=forms.HiddenInput, method="filter_ledger")
    no_village = CheckFilter(label=_("未填村（社区）"), widget=forms.HiddenInput, method="filter_no_village")
    outcome = django_filters.ChoiceFilter(
        label=_("结果"), choices=list(OUTCOMES.items()), widget=forms.HiddenInput, method="filter_outcome",
    )

    class Meta:
        model = Case
        fields = ()
        form = CaseListForm

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.values = {}

    @property
    def form(self):
        """The filter form as `user` sees it: villages and units of their township, or the townships above it."""
        if not hasattr(self, "_form"):
            form = super().form
            user = self.user
            township = authz.scope_of(user).centre
            if township is not None:
                del form.fields["centre"]
                form.fields["village"].queryset = Unit.objects.filter(
                    path__startswith=township.path, kind=Unit.Kind.VILLAGE
                )
                form.fields["unit"].queryset = Unit.objects.filter(
                    path__startswith=township.path, kind__in=[Unit.Kind.VILLAGE, Unit.Kind.DEPARTMENT]
                )
            else:
                del form.fields["village"], form.fields["unit"]
                form.fields["centre"].queryset = (
                    Unit.objects.filter(path__startswith=user.unit.path, kind=Unit.Kind.TOWNSHIP)
                    if user.unit_id else Unit.objects.none()
                )
        return self._form

    @property
    def qs(self):
        # Read the list with queries.case_list: it adds the user's scope, the keyword search and the order.
        raise RuntimeError("read the case list with jiefen.cases.queries.case_list(user, **form.filters())")

    def narrow(self, queryset, values):
        """Apply `values` ({filter name: cleaned value}; an empty value is no filter) to a queryset of cases."""
        unknown = set(values) - set(self.filters)
        if unknown:
            raise TypeError(f"not a case list filter: {', '.join(sorted(unknown))}")
        self.values = values
        for name, case_filter in self.filters.items():
            if values.get(name) not in EMPTY:
                queryset = case_filter.filter(queryset, values[name])
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=StatusGroup.OPEN) if value == "open" else queryset.filter(status=value)

    def filter_flag(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(next_due_on__lt=today)
        if value == "soon":
            soon = today + dt.timedelta(days=settings.DUE_SOON_DAYS)
            return queryset.filter(next_due_on__gte=today, next_due_on__lte=soon)
        return queryset

    def _period(self, name):
        """(from, to) of the pair of dates NAME_from, NAME_to that `name` belongs to, either end None; None for
        the _to half when the _from half is given (the pair is applied once)."""
        pair, half = name.rsplit("_", 1)
        start, end = self.values.get(f"{pair}_from"), self.values.get(f"{pair}_to")
        return None if half == "to" and start else (start, end)

    def filter_closed(self, queryset, name, value):
        """Finished on a day of the period: the cases of the 办结 figure."""
        if (period := self._period(name)) is None:
            return queryset
        start, end = period
        return queryset.filter(closed_q(start or dt.date(1900, 1, 1), end or timezone.localdate()))

    def _by_contacts(self):
        return bool(self.values.get("contacted_from") or self.values.get("contacted_to"))

    def filter_channel(self, queryset, name, value):
        """The channel the case came in by; with a contact period, the channel of the contacts instead (a call on a
        visit case is a call: figures.counting counts each contact under its own channel)."""
        return queryset if self._by_contacts() else queryset.filter(channel=value)

    def filter_contacted(self, queryset, name, value):
        """With a visit, letter or call in the period (of the chosen channel, if one is): the cases of the 人次 and
        来访次数 figures."""
        if (period := self._period(name)) is None:
            return queryset
        start, end = period
        contacts = Contact.objects.all()
        if self.values.get("channel"):
            contacts = contacts.filter(channel=self.values["channel"])
        if start:
            contacts = contacts.filter(occurred_at__gte=day_start(start))
        if end:
            contacts = contacts.filter(occurred_at__lt=day_start(end + dt.timedelta(days=1)))
        return queryset.filter(id__in=contacts.values("case_id"))

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(open_on_q(value))

    def filter_ledger(self, queryset, name, value):
        """Found in the period by the household visits: the disputes of jiefen.grid's ledger (台账)."""
        if (period := self._period(name)) is None:
            return queryset
        return extensions.narrow(queryset, "ledger", period)  # jiefen.grid's ledger, registered when it loads

    def filter_no_village(self, queryset, name, value):
        return queryset.filter(village__isnull=True) if value else queryset

    def filter_final_repeat(self, queryset, name, value):
        return queryset.filter(final_repeat_of__isnull=False) if value else queryset

    def filter_outcome(self, queryset, name, value):
        done = StatusGroup.COUNTED_AS_DONE
        late = Exists(Deadline.objects.filter(
            case_id=OuterRef("pk"), rule__is_obligation=True, due_on__isnull=False, finished_on__gt=F("due_on")
        ))
        if value == "resolved":
            return queryset.filter(status__in=done, resolved=True)
        if value == "on_time":
            return queryset.filter(~late, status__in=done)
        if value == "late":
            return queryset.filter(late, status__in=done)
        if value == "single":
            return queryset.filter(status__in=done, contact_count=1)
        if value == "repeat":
            return queryset.filter(contact_count__gt=1)
        if value == "answered":
            return queryset.exclude(satisfaction="")
        if value == "satisfied":
            return queryset.filter(satisfaction__in=SATISFIED)
        if value == "hard":
            return extensions.narrow(queryset, "hard", True)  # jiefen.leadership's hard cases
        return queryset
