"""Intake decisions and hand-over: 受理 / 不予受理 / 转送 (duty leader or director), 交办, 签收 and 退回.

首办负责: a case handed to a unit waits for it to sign for it (签收); until then whoever had it stays responsible.
The unit may send it back with a reason (退回) but has no way to close a case as "not ours".
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org import organs
from jiefen.org.authz import DESK, LEADERSHIP, UNIT_WORKERS
from jiefen.org.models import Unit

from .. import access, deadlines, extensions, law
from ..errors import ActionError
from ..models import (
    ACCUSABLE_KINDS,
    DIVERSION_RESULTS,
    REFERRAL_ROUTES,
    ROUTE_PHRASES,
    Case,
    Handover,
    LegalClass,
    ReceivingOrgan,
    Status,
)
from .base import DateInput, StepForm, date_not_future, required
from .perform import perform
from .registry import Move, step

PETITION, DISPUTE = Case.Kind.PETITION, Case.Kind.DISPUTE
BOTH = frozenset({PETITION, DISPUTE})
S = Status


class AcceptForm(StepForm):
    note = forms.CharField(label=gettext_lazy("受理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@step("accept", form=AcceptForm, moves=[
    Move(gettext_lazy("受理"), BOTH, frozenset({S.REGISTERED}), S.ACCEPTED, LEADERSHIP),
])
def do_accept_case(user, case, *, note="", at=None):
    today = timezone.localdate(at) if at else timezone.localdate()
    return perform(
        case, user, at=at, summary=_("受理"), note=note,
        changes={"accepted_on": today}, clock_date=today,
    )


class OrganChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_route_display()}）"


def receiving_organ_field(**kwargs):
    return OrganChoice(
        label=gettext_lazy("受理机关"), queryset=ReceivingOrgan.objects.none(), required=False,
        empty_label=gettext_lazy("不导入具体机关"), **kwargs,
    )


class NotAcceptForm(StepForm):
    reason = forms.CharField(label=gettext_lazy("不予受理理由"), widget=forms.Textarea(attrs={"rows": 2}))
    receiving_organ = receiving_organ_field(
        help_text=gettext_lazy("属于诉讼、仲裁、行政复议等法定途径的，选择受理机关，导入后跟踪办理情况"),
    )
    lawful_channel = forms.CharField(
        label=gettext_lazy("告知的法定途径"), required=False,
        help_text=gettext_lazy("如：向人民法院提起诉讼、申请劳动仲裁、申请行政复议；选择了受理机关的可不填"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_organ"].queryset = ReceivingOrgan.for_case(self.case)
        if self.case.final_repeat_of_id and not self.is_bound:
            self.initial.setdefault("reason", self.final_repeat_reason(self.case.final_repeat_of))

    @staticmethod
    def final_repeat_reason(earlier):
        """The reason proposed for not accepting a 终结后重复信访 of the case `earlier` (law.FINAL)."""
        values = {"number": earlier.number, "cite": law.FINAL.cite}
        if earlier.status == Status.FINAL and earlier.closed_at:
            day = timezone.localdate(earlier.closed_at)
            values["day"] = _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}
            return _(
                "该事项已于%(day)s复核终结（原案件编号%(number)s），依照%(cite)s，同一事实和理由不再受理。"
            ) % values
        # Not a 复核 decision: 第三十六条第三款 speaks of those only, so no article is cited here.
        return _(
            "该事项已作出处理意见（原案件编号%(number)s），信访人未在规定期限内请求复查、复核，"
            "同一事实和理由不再受理。"
        ) % values


@step("not_accept", form=NotAcceptForm, moves=[
    Move(gettext_lazy("不予受理"), BOTH, frozenset({S.REGISTERED}), S.NOT_ACCEPTED, LEADERSHIP, style="danger"),
])
def do_not_accept_case(user, case, *, reason="", lawful_channel="", receiving_organ=None, at=None):
    """不予受理 with the reason and the lawful channel to go to instead (诉访分离); diverted (导入) to a receiving
    organ of the list where one is chosen, and then followed up (导入跟踪)."""
    reason = required(reason, _("请填写不予受理的理由"), "reason")
    diversion = diverted_to(case, receiving_organ)
    if diversion and not (lawful_channel or "").strip():
        lawful_channel = _("向%(organ)s%(phrase)s") % {
            "organ": receiving_organ.name, "phrase": ROUTE_PHRASES[receiving_organ.route],
        }
    lawful_channel = required(lawful_channel, _("请告知信访人应当通过的法定途径"), "lawful_channel")
    return perform(
        case, user, at=at,
        summary=_("不予受理，告知通过%(channel)s解决") % {"channel": lawful_channel},
        note=reason, data={"reason": reason, "lawful_channel": lawful_channel, **diversion},
        changes={"closed_at": at or timezone.now()},
    )


def diverted_to(case, organ, route=None):
    """What a diversion (导入) to `organ` records on the step's event: the organ and its route; {} for none.
    ActionError if the organ is not one `case` may be diverted to, or does not hear `route`."""
    if organ is None:
        return {}
    if not ReceivingOrgan.for_case(case).filter(pk=getattr(organ, "pk", None)).exists():
        raise ActionError(_("请从列表中选择受理机关"), field="receiving_organ")
    if route is not None and organ.route != route:
        raise ActionError(
            _("%(organ)s不受理%(route)s事项，请重新选择") % {"organ": organ.name, "route": REFERRAL_ROUTES[route]},
            field="receiving_organ",
        )
    return {"route": organ.route, "receiving_organ": organ.name, "receiving_organ_id": organ.pk}


def diverted(case):
    """Guard of 导入跟踪: the matter was diverted to an organ (or, for a dispute, to a lawful route)."""
    found = case.events.filter(kind__in=("not_accept", "refer")).order_by("-id").values_list("data", flat=True)
    if any(data.get("route") for data in found):
        return None
    return _("本案未导入诉讼、仲裁等法定途径")


class DiversionForm(StepForm):
    result = forms.ChoiceField(label=gettext_lazy("跟踪情况"), choices=list(DIVERSION_RESULTS.items()),
                               widget=forms.RadioSelect)
    checked_on = forms.DateField(label=gettext_lazy("跟踪日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=gettext_lazy("如：立案案号、裁判（决定）结果、未提出的原因"))


# A record: no state change, no version; on a matter diverted and done with here.
@step("track_diversion", form=DiversionForm, versioned=False, public=False, guards=[diverted], moves=[
    Move(gettext_lazy("导入跟踪"), frozenset({PETITION}), frozenset({S.NOT_ACCEPTED}), None, DESK,
         style="secondary"),
    Move(gettext_lazy("导入跟踪"), frozenset({DISPUTE}), frozenset({S.REFERRED, S.CLOSED}), None, DESK,
         unit_roles=UNIT_WORKERS, style="secondary"),
])
def do_track_diversion(user, case, *, result="", checked_on=None, note="", at=None):
    """导入跟踪: whether the petitioner took the matter to the organ it was diverted to, and what became of it."""
    if result not in DIVERSION_RESULTS:
        raise ActionError(_("请选择跟踪情况"), field="result")
    date_not_future(checked_on, _("跟踪日期"), "checked_on")
    return perform(
        case, user, at=at, summary=_("导入跟踪：%(result)s") % {"result": DIVERSION_RESULTS[result]},
        note=note, data={"result": result, "checked_on": checked_on.isoformat()},
    )


def peer_townships(case):
    """The other townships on this jiefen a matter can be transferred to in-system (转送 with a 转送函)."""
    return Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).exclude(pk=case.centre_id).order_by("path")


class ForwardForm(StepForm):
    to_centre = forms.ModelChoiceField(
        label=gettext_lazy("转送本系统内的乡镇（街道）"), queryset=Unit.objects.none(), required=False,
        empty_label=gettext_lazy("不是（转送系统外的机关）"),
        help_text=gettext_lazy("选择后出具转送函，对方乡镇即收到并登记，办结后向本机关反馈"),
    )
    organ = forms.CharField(label=gettext_lazy("转送机关（单位）"), required=False,
                            help_text=gettext_lazy("转送系统外的机关时填写其全称"))
    reason = forms.CharField(label=gettext_lazy("转送说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_centre"].queryset = peer_townships(self.case)


@step("forward", form=ForwardForm, moves=[
    Move(gettext_lazy("转送"), frozenset({PETITION}), frozenset({S.REGISTERED, S.ACCEPTED}), S.FORWARDED, LEADERSHIP,
         style="secondary"),
])
def do_forward_case(user, case, *, organ="", reason="", to_centre=None, at=None):
    """转送 to the organ that owns the matter outside this centre: another township on jiefen (in-system: a 转送函
    is issued and the matter registered there, jiefen.cases.actions.handover.transfer; its feedback comes back to
    this case), or an organ outside it, named."""
    data = {}
    if to_centre is not None:
        if not peer_townships(case).filter(pk=getattr(to_centre, "pk", None)).exists():
            raise ActionError(_("只能转送本系统内的其他乡镇（街道）"), field="to_centre")
        sender = organs.handling_organ(case)
        organ = organs.organ_of(to_centre).name
        data = {"to_centre": to_centre.pk, "doc_number": transfer_number(sender, timezone.localdate(at))}
    organ = required(organ, _("请填写转送的机关或单位"), "organ")
    return perform(
        case, user, at=at,
        summary=_("转送%(organ)s") % {"organ": organ}, note=reason, data={"organ": organ, **data},
        changes={"closed_at": at or timezone.now()},
    )


def transfer_number(sender, day):
    """The next 转送函 number of organ `sender` this year (青山镇信访转〔2026〕4号), its series locked until the
    step's transaction ends."""
    prefix = _("%(code)s转〔%(year)s〕") % {"code": sender.doc_code, "year": day.year}
    return Handover.next_number(sender.unit, prefix, lock=True)


def objection_window_open(case):
    """Guard of 提出异议: the 5-working-day window of an item handed down runs and is not past its last day."""
    window = deadlines.running(case, "objection_window")
    if window is None:
        return _("本案不是上级转送、交办的事项，或异议期限已经结束")
    if window.due_on and timezone.localdate() > window.due_on:
        return _("异议期限已于%(day)s届满") % {"day": window.due_on}
    return None


class ObjectForm(StepForm):
    reason = forms.CharField(
        label=gettext_lazy("异议理由"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("详细说明不属于本机关职权范围的理由；经转送、交办机关核实同意后交还材料"),
    )


@step("object", form=ObjectForm, public=False, guards=[objection_window_open], moves=[
    Move(gettext_lazy("提出异议"), frozenset({PETITION}), frozenset({S.REGISTERED}), None, LEADERSHIP,
         style="secondary"),
])
def do_object_to_handing_down(user, case, *, reason="", at=None):
    """异议 (信访工作条例 第二十三条第三款): an item handed down that is not this organ's, objected to within 5
    working days with the reasons; once the organ that sent it agrees, the case is 转送 back (转送)."""
    reason = required(reason, _("请详细说明异议理由"), "reason")
    return perform(case, user, at=at, summary=_("对上级转送、交办提出异议"), note=reason, data={"reason": reason})


class AssignForm(StepForm):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("承办单位（牵头）"), queryset=Unit.objects.none(), empty_label=gettext_lazy("请选择")
    )
    co_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=gettext_lazy("跨单位事项可选协办单位（按住Ctrl多选）"),
    )
    note = forms.CharField(label=gettext_lazy("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = access.assignable_units(self.case).order_by("kind", "sort", "name")
        self.fields["unit"].queryset = self.fields["co_units"].queryset = units
        proposal = extensions.propose_route(self.case)
        if proposal and not proposal.forward:
            self.fields["unit"].help_text = _("建议：%(unit)s。%(reason)s") % {
                "unit": proposal.unit,
                "reason": proposal.reason,
            }
            if not self.is_bound:
                self.initial.setdefault("unit", proposal.unit.pk)
        elif proposal:
            self.fields["unit"].help_text = _("建议转送%(unit)s。%(reason)s") % {
                "unit": proposal.unit, "reason": proposal.reason,
            }
        elif self.case.village_id and not self.is_bound:
            self.initial.setdefault("unit", self.case.village_id)


def accused_unit_known(case):
    """Guard of 交办: an accusation goes to a unit only once its accused unit is known (who must not get it)."""
    if case.legal_class == LegalClass.ACCUSATION and case.accused_unit_id is None:
        return _("检举控告事项须先确定被检举控告单位，再交办")
    return None


# 交办: to a unit (lead unit and co-handlers); for a dispute, to the mediators of a unit.
@step("assign", form=AssignForm, guards=[accused_unit_known], moves=[
    Move(gettext_lazy("交办"), frozenset({PETITION}), frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_HANDLING}), S.ASSIGNED,
         LEADERSHIP),
    Move(gettext_lazy("指派调解"), frozenset({DISPUTE}), frozenset({S.ACCEPTED, S.ASSIGNED, S.MEDIATING}), S.ASSIGNED,
         LEADERSHIP),
])
def do_assign_case(user, case, *, unit=None, co_units=(), note="", at=None):
    """交办 to a lead unit (and co-handling units); the case waits for the lead unit to sign for it (首办负责)."""
    if unit is None:
        raise ActionError(_("请选择承办单位"), field="unit")
    assignable = access.assignable_units(case)
    for candidate, field in [(unit, "unit")] + [(u, "co_units") for u in co_units]:
        if not assignable.filter(pk=candidate.pk).exists():
            if case.accused_unit_id and candidate.is_within(case.accused_unit):
                raise ActionError(_("检举控告事项不得交由被检举控告的单位办理"), field=field)
            raise ActionError(_("只能交办给本中心所辖的部门或村（社区）"), field=field)
    co_units = [u for u in co_units if u.pk != unit.pk]
    summary = _("交办%(unit)s，待签收") % {"unit": unit.name}
    if co_units:
        summary = _("交办%(unit)s（协办：%(co)s），待签收") % {
            "unit": unit.name, "co": "、".join(u.name for u in co_units),
        }

    def set_co_units(case, event):
        case.co_units.set(co_units)

    return perform(
        case, user, at=at, summary=summary, note=note,
        data={"unit": unit.pk, "co_units": [u.pk for u in co_units]}, changes={"pending_unit": unit},
        extra=set_co_units,
    )


class SignForForm(StepForm):
    """签收 takes nothing but the version the person saw."""


@step("sign_for", form=SignForForm, moves=[
    Move(gettext_lazy("签收"), frozenset({PETITION}), frozenset({S.ASSIGNED}), S.IN_HANDLING,
         unit_roles=UNIT_WORKERS, unit_scope="pending"),
    Move(gettext_lazy("签收"), frozenset({DISPUTE}), frozenset({S.ASSIGNED}), S.MEDIATING,
         unit_roles=UNIT_WORKERS, unit_scope="pending"),
])
def do_sign_for_case(user, case, *, at=None):
    """签收: the unit handed the case takes it over; the person signing becomes its handler (承办人)."""
    unit = case.pending_unit
    return perform(
        case, user, at=at,
        summary=_("%(unit)s签收，承办人%(who)s") % {"unit": unit.name, "who": user.display_name},
        data={"unit": unit.pk}, changes={"responsible_unit": unit, "pending_unit": None, "handler": user},
    )


class ReturnForm(StepForm):
    reason = forms.CharField(label=gettext_lazy("退回理由"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("如：不属于本单位职责，应由某部门办理"))


@step("return_case", form=ReturnForm, moves=[
    Move(gettext_lazy("退回"), BOTH, frozenset({S.ASSIGNED}), S.ACCEPTED, unit_roles=UNIT_WORKERS,
         unit_scope="pending", style="danger"),
    Move(gettext_lazy("退回"), BOTH, frozenset({S.IN_HANDLING, S.MEDIATING}), S.ACCEPTED, unit_roles=UNIT_WORKERS,
         style="danger"),
])
def do_return_case(user, case, *, reason="", at=None):
    """退回 with a reason: the case goes back to the centre to be assigned again. Never "not ours, closed"."""
    reason = required(reason, _("请填写退回理由"), "reason")
    unit = case.pending_unit if case.status == Status.ASSIGNED else case.responsible_unit

    def clear_co_units(case, event):
        case.co_units.clear()

    return perform(
        case, user, at=at,
        summary=_("%(unit)s退回：%(reason)s") % {"unit": unit.name, "reason": reason}, note=reason,
        data={"unit": unit.pk}, changes={"pending_unit": None, "responsible_unit": None, "handler": None},
        extra=clear_co_units,
    )


class AccusedUnitForm(StepForm):
    accused_unit = forms.ModelChoiceField(
        label=gettext_lazy("被检举控告单位"), queryset=Unit.objects.none(), empty_label=gettext_lazy("请选择"),
        help_text=gettext_lazy("该单位、其下属单位和直接负责它的村（社区）都看不到本案，也不能承办"),
    )
    reason = forms.CharField(label=gettext_lazy("依据"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("如：信访人来电补充说明反映的是某网格的网格员"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accused_unit"].queryset = Unit.objects.filter(
            path__startswith=self.case.centre.path, kind__in=ACCUSABLE_KINDS
        ).order_by("path")


def is_accusation(case):
    """Guard of 确定被检举控告单位: only an accusation names an accused unit."""
    return None if case.legal_class == LegalClass.ACCUSATION else _("只有检举控告事项才确定被检举控告单位")


# 确定/更正被检举控告单位: an online accusation comes in without one; a later call may show it was another unit.
# Before the hand-over the unit is simply set; after it, the case goes back to the centre to be handed over again
# (the unit it was with may now be the accused side), and whatever the new accused side was told is withdrawn.
@step("set_accused_unit", form=AccusedUnitForm, public=False, guards=[is_accusation], moves=[
    Move(gettext_lazy("确定被检举控告单位"), frozenset({PETITION}), frozenset({S.REGISTERED, S.ACCEPTED}), None,
         LEADERSHIP, style="secondary"),
    Move(gettext_lazy("更正被检举控告单位（退回中心重新交办）"), frozenset({PETITION}),
         frozenset({S.ASSIGNED, S.IN_HANDLING}), S.ACCEPTED, LEADERSHIP, style="danger"),
])
def do_set_accused_unit(user, case, *, accused_unit=None, reason="", at=None):
    """Name (or correct) the accused unit; the whistleblower rule applies to the new accused side at once."""
    if accused_unit is None:
        raise ActionError(_("请选择被检举控告单位"), field="accused_unit")
    if accused_unit.kind not in ACCUSABLE_KINDS or not accused_unit.is_within(case.centre):
        raise ActionError(_("只能选择本乡镇（街道）的部门、村（社区）或网格"), field="accused_unit")
    if accused_unit.pk == case.accused_unit_id:
        raise ActionError(_("被检举控告单位没有变化"), field="accused_unit")
    reason = required(reason, _("请填写确定（更正）的依据"), "reason")
    handed_over = case.status in (S.ASSIGNED, S.IN_HANDLING)
    changes = {"accused_unit": accused_unit}
    withdrawn = []
    if handed_over:
        withdrawn = [u.name for u in [case.pending_unit, case.responsible_unit, *case.co_units.all()] if u]
        changes.update(pending_unit=None, responsible_unit=None, handler=None)
    before = case.accused_unit.name if case.accused_unit_id else _("未确定")

    def apply_rule(case, event):
        if handed_over:
            case.co_units.clear()
        side = access.accused_side_q(accused_unit)
        event.data["notifications_withdrawn"] = sum(hook(case, side) for hook in extensions.accused_side_hooks)
        event.save(update_fields=["data"])

    summary = _("被检举控告单位：%(before)s → %(after)s") % {"before": before, "after": accused_unit.name}
    if handed_over:
        summary += _("，退回中心重新交办")
    return perform(
        case, user, at=at, summary=summary, note=reason, changes=changes, extra=apply_rule,
        data={"from": case.accused_unit_id, "to": accused_unit.pk, "withdrawn_units": withdrawn},
    )
