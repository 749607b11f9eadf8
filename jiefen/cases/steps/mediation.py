"""Mediation of disputes: sessions (调解记录), the agreement (调解协议书), failure, referral to another lawful route,
and the follow-up of whether the agreement is kept (协议履行回访)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org.authz import LEADERSHIP, UNIT_WORKERS

from .. import deadlines, extensions
from ..errors import ActionError
from ..models import FOLLOW_UP_RESULTS, REFERRAL_ROUTES, Case, ReceivingOrgan, Status
from .base import DateInput, StepForm, date_not_future, required
from .decisions import diverted_to, receiving_organ_field
from .perform import perform
from .registry import Move, step

DISPUTE = frozenset({Case.Kind.DISPUTE})
S = Status


class MediationSessionForm(StepForm):
    held_on = forms.DateField(label=gettext_lazy("调解日期"), widget=DateInput, initial=timezone.localdate)
    place = forms.CharField(label=gettext_lazy("地点"), required=False, max_length=100)
    visitors: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=gettext_lazy("调解人员（名册）"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
    )
    mediators = forms.CharField(label=gettext_lazy("其他调解人员"), required=False, max_length=200,
                                help_text=gettext_lazy("名册以外的人员，多人用顿号分隔"))
    parties_present: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=gettext_lazy("到场当事人"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(label=gettext_lazy("调解经过"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        register = extensions.mediator_register(self.case)
        if register is None:
            del self.fields["visitors"]
        else:
            self.fields["visitors"].queryset = register
        self.fields["parties_present"].queryset = self.case.parties.order_by("id")
        self.fields["parties_present"].label_from_instance = lambda p: f"{p.name}（{p.get_role_display()}）"


@step("mediation_session", form=MediationSessionForm, versioned=False, moves=[
    Move(gettext_lazy("调解记录"), DISPUTE, frozenset({S.MEDIATING}), None, LEADERSHIP, unit_roles=UNIT_WORKERS,
         style="secondary"),
])
def do_record_mediation_session(user, case, *, held_on=None, place="", mediators="", minutes="", visitors=(),
                                parties_present=(), at=None):
    """调解记录: one session, with who mediated (free text and/or people of the centre's register) and which of
    the case's parties attended. Names are kept as they were that day, beside the ids."""
    date_not_future(held_on, _("调解日期"), "held_on")
    minutes = required(minutes, _("请填写调解经过"), "minutes")
    visitors, parties_present = list(visitors or []), list(parties_present or [])
    if any(v.centre_id != case.centre_id for v in visitors):
        raise ActionError(_("调解人员须为本中心排查调解人员名册中的人员"), field="visitors")
    if any(p.case_id != case.pk for p in parties_present):
        raise ActionError(_("到场当事人须为本案当事人"), field="parties_present")
    mediators = (mediators or "").strip()
    names = [v.name for v in visitors] + [n for n in _split_names(mediators) if n not in {v.name for v in visitors}]
    return perform(
        case, user, at=at,
        summary=_("%(day)s在%(place)s调解") % {"day": held_on, "place": place or _("调解室")},
        note=minutes, data={
            "held_on": held_on.isoformat(), "place": place, "mediators": "、".join(names),
            "visitors": [v.pk for v in visitors], "parties_present": [p.pk for p in parties_present],
            "present_names": [p.name for p in parties_present],
        },
    )


def _split_names(text):
    return [n.strip() for n in text.replace("，", "、").replace(",", "、").split("、") if n.strip()]


def session_mediators(case):
    """Everyone named as mediator in the case's sessions, in order of first appearance."""
    names = []
    for data in case.events.filter(kind="mediation_session").order_by("at", "id").values_list("data", flat=True):
        names += [n for n in _split_names(data.get("mediators", "")) if n not in names]
    return "、".join(names)


class AgreementForm(StepForm):
    facts = forms.CharField(label=gettext_lazy("纠纷事实"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=gettext_lazy("不填则使用登记的事实和理由"))
    terms = forms.CharField(label=gettext_lazy("协议内容"), widget=forms.Textarea(attrs={"rows": 4}))
    performance = forms.CharField(label=gettext_lazy("履行方式、时限"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=gettext_lazy("如：甲方于2026年12月31日前一次性支付"))
    mediators = forms.CharField(label=gettext_lazy("调解员"), required=False, max_length=200,
                                help_text=gettext_lazy("不填则使用调解记录中的调解人员"))
    signed_on = forms.DateField(label=gettext_lazy("签订日期"), widget=DateInput, initial=timezone.localdate)


@step(
    "agree",
    form=AgreementForm,
    moves=[
        Move(
            gettext_lazy("达成调解协议"),
            DISPUTE,
            frozenset({S.MEDIATING}),
            S.AGREED,
            LEADERSHIP,
            unit_roles=UNIT_WORKERS,
        ),
    ],
)
def do_record_agreement(user, case, *, terms="", signed_on=None, facts="", performance="",
                        mediators="", at=None):
    """达成调解协议 (调解协议书): the dispute's facts, the terms, how and by when they are performed (履行方式、时限,
    人民调解法 第二十九条), the signing date and the mediators (default: those of the sessions)."""
    terms = required(terms, _("请填写协议内容"), "terms")
    date_not_future(signed_on, _("签订日期"), "signed_on")
    # The agreement stops the mediation clock, which starts on acceptance: it cannot end before it started.
    if case.accepted_on and signed_on < case.accepted_on:
        raise ActionError(_("签订日期不能早于受理日期"), field="signed_on")
    facts = (facts or "").strip() or case.facts or case.request
    mediators = (mediators or "").strip() or session_mediators(case)
    return perform(
        case, user, at=at, summary=_("达成调解协议"),
        data={
            "terms": terms, "signed_on": signed_on.isoformat(), "facts": facts,
            "performance": (performance or "").strip(), "mediators": mediators,
        },
        clock_date=signed_on,
    )


class MediationFailureForm(StepForm):
    reason = forms.CharField(label=gettext_lazy("调解不成原因"), widget=forms.Textarea(attrs={"rows": 2}))


def mediation_period_running(case):
    """Guard of 延长调解期限: the one-month period runs."""
    return None if deadlines.running(case, "mediation") else _("本案没有正在计算的调解期限")


class ProlongMediationForm(StepForm):
    days = forms.IntegerField(label=gettext_lazy("延长天数"), min_value=1, max_value=90)
    consent = forms.BooleanField(label=gettext_lazy("各方当事人同意延长"), required=False)
    reason = forms.CharField(label=gettext_lazy("延长理由"), widget=forms.Textarea(attrs={"rows": 2}))


@step("prolong_mediation", form=ProlongMediationForm, guards=[mediation_period_running], moves=[
    Move(gettext_lazy("延长调解期限"), DISPUTE, frozenset({S.MEDIATING}), None, LEADERSHIP, unit_roles=UNIT_WORKERS,
         style="secondary"),
])
def do_prolong_mediation(user, case, *, days=0, consent=False, reason="", at=None):
    """The one-month mediation period (一般在一个月内调结) is advisory: with the parties' consent it runs longer.
    Never overdue either way; the new date is what the parties and the mediators aim at."""
    if not days or days < 1:
        raise ActionError(_("延长天数至少为1天"), field="days")
    if days > 90:
        raise ActionError(_("延长天数请在1至90日之间；需要更长的，可再次征得当事人同意后延长"), field="days")
    if not consent:
        raise ActionError(_("延长调解期限须经各方当事人同意"), field="consent")
    reason = required(reason, _("请填写延长理由"), "reason")

    def add_days(case, event):
        deadline = deadlines.prolong(case, "mediation", days, _("当事人同意延长"))
        event.data = {"days": days, "due_on": deadline.due_on.isoformat()}
        event.save(update_fields=["data"])

    return perform(
        case, user, at=at, summary=_("经各方当事人同意，调解期限延长%(n)s日") % {"n": days}, note=reason,
        extra=add_days,
    )


@step("mediation_failed", form=MediationFailureForm, moves=[
    Move(gettext_lazy("调解不成"), DISPUTE, frozenset({S.MEDIATING}), S.MEDIATION_FAILED, LEADERSHIP,
         unit_roles=UNIT_WORKERS, style="danger"),
])
def do_record_mediation_failure(user, case, *, reason="", at=None):
    reason = required(reason, _("请填写调解不成的原因"), "reason")
    return perform(
        case, user, at=at, summary=_("调解不成"), note=reason
    )


class ReferForm(StepForm):
    route = forms.ChoiceField(label=gettext_lazy("法定途径"), choices=list(REFERRAL_ROUTES.items()))
    receiving_organ = receiving_organ_field(help_text=gettext_lazy("受理该途径的机关，导入后跟踪办理情况"))
    guidance = forms.CharField(label=gettext_lazy("引导说明"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_organ"].queryset = ReceivingOrgan.for_case(self.case)


@step("refer", form=ReferForm, moves=[
    Move(gettext_lazy("导入诉讼、仲裁等途径"), DISPUTE, frozenset({S.MEDIATION_FAILED}), S.REFERRED, LEADERSHIP,
         unit_roles=UNIT_WORKERS),
])
def do_refer_case(user, case, *, route="", guidance="", receiving_organ=None, at=None):
    """导入诉讼、仲裁、行政复议等法定途径, with the guidance given to the parties and, where chosen, the organ that
    hears it (then followed up: 导入跟踪)."""
    if route not in REFERRAL_ROUTES:
        raise ActionError(_("请选择导入的法定途径"), field="route")
    diversion = diverted_to(case, receiving_organ, route)
    guidance = required(guidance, _("请填写对当事人的引导说明"), "guidance")
    summary = _("引导通过%(route)s解决") % {"route": REFERRAL_ROUTES[route]}
    if diversion:
        summary += _("（%(organ)s）") % {"organ": receiving_organ.name}
    return perform(case, user, at=at, summary=summary, note=guidance, data={"route": route, **diversion})


class AgreementFollowUpForm(StepForm):
    result = forms.ChoiceField(label=gettext_lazy("履行情况"), choices=list(FOLLOW_UP_RESULTS.items()),
                               widget=forms.RadioSelect)
    checked_on = forms.DateField(label=gettext_lazy("回访日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("回访情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=gettext_lazy("部分履行或未履行时必填"))


def _agreement(case):
    return case.events.filter(kind="agree").order_by("-at", "-id").values_list("data", flat=True).first()


def has_agreement(case):
    """Guard of 协议履行回访: there is an agreement to follow up (a referred dispute closed without one has none)."""
    return _("本案没有达成调解协议，无需协议履行回访") if _agreement(case) is None else None


# A record: no state change, no version; also after closure.
@step("agreement_follow_up", form=AgreementFollowUpForm, versioned=False, public=False, guards=[has_agreement], moves=[
    Move(gettext_lazy("协议履行回访"), DISPUTE, frozenset({S.AGREED, S.CLOSED}), None, LEADERSHIP,
         unit_roles=UNIT_WORKERS, style="secondary"),
])
def do_follow_up_agreement(user, case, *, result="", checked_on=None, note="", at=None):
    """协议履行回访: record whether the agreement is kept; the latest follow-up is what the case page shows."""
    if result not in FOLLOW_UP_RESULTS:
        raise ActionError(_("请选择履行情况：已履行、部分履行或未履行"), field="result")
    date_not_future(checked_on, _("回访日期"), "checked_on")
    signed_on = _agreement(case).get("signed_on")
    if signed_on and checked_on.isoformat() < signed_on:
        raise ActionError(_("回访日期不能早于协议签订日期"), field="checked_on")
    note = (note or "").strip()
    if result != "kept" and not note:
        raise ActionError(_("部分履行或未履行的，请写明未履行的内容和下一步措施"), field="note")
    return perform(
        case, user, at=at,
        summary=_("协议履行回访：%(r)s") % {"r": FOLLOW_UP_RESULTS[result]}, note=note,
        data={"result": result, "checked_on": checked_on.isoformat()},
    )
