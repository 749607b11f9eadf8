"""Closure (办结), satisfaction (满意度回访), and the records kept in any state: 更正属地 and a later contact."""

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org import authz
from jiefen.org.authz import DESK, LEADERSHIP, UNIT_WORKERS
from jiefen.org.models import Unit, User

from ..errors import ActionError
from ..inputs import centre_leaders
from ..models import GROUP_SIZE, SATISFACTION, SATISFACTION_SOURCES, Case, Channel, Contact, Status
from .base import StepForm, required
from .perform import perform
from .registry import Move, step

PETITION, DISPUTE = Case.Kind.PETITION, Case.Kind.DISPUTE
BOTH = frozenset({PETITION, DISPUTE})
S = Status


class CloseForm(StepForm):
    resolved = forms.TypedChoiceField(
        label=gettext_lazy("问题是否实际化解"),
        choices=[("1", gettext_lazy("已实际化解")), ("0", gettext_lazy("未实际化解"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("办结说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# Apps above the core add their refusals to 办结 (jiefen.leadership: a "1211" hard case closes only complete).
@step("close", form=CloseForm, moves=[
    Move(gettext_lazy("办结"), frozenset({PETITION}), frozenset({S.REPLIED, S.REVIEW_DECIDED}), S.CLOSED, LEADERSHIP,
         unit_roles=authz.HANDLERS),
    Move(gettext_lazy("办结"), frozenset({DISPUTE}), frozenset({S.AGREED, S.REFERRED}), S.CLOSED, LEADERSHIP,
         unit_roles=UNIT_WORKERS),
])
def do_close_case(user, case, *, resolved=None, note="", at=None):
    """办结. Whether the matter was really resolved is recorded apart from closure."""
    if resolved is None:
        raise ActionError(_("请选择问题是否实际化解"), field="resolved")
    return perform(
        case, user, at=at,
        summary=_("办结（%(r)s）") % {"r": _("已实际化解") if resolved else _("未实际化解")}, note=note,
        changes={"closed_at": at or timezone.now(), "resolved": resolved},
    )


class SatisfactionForm(StepForm):
    """A staff follow-up call (回访): the same answers the petitioner gives on the portal."""

    rating = forms.ChoiceField(label=gettext_lazy("满意度"), choices=[(r, r) for r in SATISFACTION],
                               widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("基本满意或不满意时必填"))

    def action_kwargs(self):
        return {**super().action_kwargs(), "source": "callback"}


# Satisfaction (满意度) once there is an answer to rate: from the portal (through the centre's service account)
# or a staff follow-up call (回访). Changes no state and leaves the version alone.
@step("satisfaction", form=SatisfactionForm, versioned=False, moves=[
    Move(gettext_lazy("满意度回访"), BOTH, frozenset({S.REPLIED, S.REVIEW_DECIDED, S.FINAL, S.CLOSED, S.AGREED,
                                                   S.REFERRED}), None, DESK, style="secondary"),
])
def do_record_satisfaction(user, case, *, rating="", reason="", source="callback", at=None):
    """满意度: record the petitioner's answer on the case and its timeline; a later answer replaces an earlier one."""
    if rating not in SATISFACTION:
        raise ActionError(_("请选择满意、基本满意或不满意"), field="rating")
    if source not in SATISFACTION_SOURCES:
        raise ActionError(_("评价来源只能是网上或回访"), field="source")
    reason = (reason or "").strip()
    if rating != SATISFACTION[0] and not reason:
        raise ActionError(_("请填写%(rating)s的原因") % {"rating": rating}, field="reason")
    return perform(
        case, user, at=at,
        summary=_("%(source)s评价：%(rating)s") % {"source": SATISFACTION_SOURCES[source], "rating": rating},
        note=reason, data={"rating": rating, "source": source, "reason": reason}, changes={"satisfaction": rating},
    )


class CorrectPlaceForm(StepForm):
    village = forms.ModelChoiceField(label=gettext_lazy("更正为"), queryset=Unit.objects.none(), required=False,
                                     empty_label=gettext_lazy("不属于具体村（社区）"))
    reason = forms.CharField(label=gettext_lazy("更正理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Unit.objects.filter(
            path__startswith=self.case.centre.path, kind=Unit.Kind.VILLAGE
        )


# 更正属地: the matter belongs to another village than registered; the figures move with it.
@step("correct_place", form=CorrectPlaceForm, public=False, moves=[
    Move(gettext_lazy("更正属地"), BOTH, frozenset(Status), None, DESK, style="secondary"),
])
def do_correct_place(user, case, *, village=None, reason="", at=None):
    """更正属地: the matter belongs to another village (community) of the centre, or to none, than registered."""
    reason = required(reason, _("请填写更正理由"), "reason")
    if village is not None and (village.kind != Unit.Kind.VILLAGE or not village.is_within(case.centre)):
        raise ActionError(_("只能选择本乡镇（街道）的村（社区）"), field="village")
    if village == case.village:
        raise ActionError(_("所属村（社区）没有变化"), field="village")
    before = case.village.name if case.village_id else _("不属于具体村（社区）")
    after = village.name if village else _("不属于具体村（社区）")
    return perform(
        case, user, at=at,
        summary=_("更正属地：%(before)s → %(after)s") % {"before": before, "after": after}, note=reason,
        data={"from": case.village_id, "to": village.pk if village else None}, changes={"village": village},
    )


class ContactForm(StepForm):
    channel = forms.ChoiceField(label=gettext_lazy("渠道"), choices=Channel.choices, initial=Channel.VISIT)
    head_count = forms.IntegerField(label=gettext_lazy("人数"), min_value=1, max_value=9999, initial=1)
    note = forms.CharField(label=gettext_lazy("情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    receiving_leader = forms.ModelChoiceField(label=gettext_lazy("接待领导"), queryset=User.objects.none(),
                                              required=False, empty_label=gettext_lazy("无"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_leader"].queryset = centre_leaders(self.user)


# A later visit, letter or call on the same matter: a new contact, never a new case. The API has an endpoint of
# its own for it (/api/cases/{number}/contacts).
@step("contact", form=ContactForm, versioned=False, public=False, api=False, moves=[
    Move(gettext_lazy("登记来访（来电）"), BOTH, frozenset(Status), None, DESK, style="secondary"),
])
def do_record_contact(acting_user, case, *, channel="", head_count=1, note="", receiving_leader=None, occurred_at=None):
    """Record a later visit, letter or call on an existing case: person-times add up, the case counts once."""
    if channel not in Channel.values:
        raise ActionError(_("请选择渠道：来访、来信、来电等"), field="channel")
    if head_count < 1:
        raise ActionError(_("来访人数至少为1人"), field="head_count")
    occurred_at = occurred_at or timezone.now()

    def add_contact(case, event):
        Contact.objects.create(
            case=case, channel=channel, occurred_at=occurred_at, head_count=head_count,
            receiving_leader=receiving_leader, recorded_by=acting_user, note=note,
        )

    summary = _("再次%(channel)s，%(n)s人") % {"channel": Channel(channel).label, "n": head_count}
    perform(
        case, acting_user, summary=summary, note=note,
        changes={
            "contact_count": F("contact_count") + 1,
            "person_times": F("person_times") + head_count,
            **({"is_group": True} if head_count >= GROUP_SIZE else {}),
        },
        data={"head_count": head_count, "channel": channel}, extra=add_contact, at=occurred_at,
    )
    return case
