"""Items handed down by an organ above (上级交办、转送) and their report back: 报结 by the township, 审核报结 by the
organ that sent them (accept, or send back to be handled again with its reasons).

The item itself comes in through registration (jiefen.cases.actions.handover); its row (Handover) says where the
exchange stands, the timeline keeps every report and review. The sender's steps are taken on jiefen by the sender's
own staff (organ scope "sender"); nothing of them is recorded from paper.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org.authz import DESK, LEADERSHIP

from ..errors import ActionError
from ..models import Case, Handover, Status
from .base import DateInput, StepForm, date_not_future, required
from .perform import perform, write_event
from .registry import Move, step
from .service import BETWEEN_ORGANS

PETITION, DISPUTE = Case.Kind.PETITION, Case.Kind.DISPUTE
BOTH = frozenset({PETITION, DISPUTE})
S = Status

# Where the township has a result to report: an answer served, a decision, an agreement or its failure, the end.
RESULTS = frozenset({
    S.REPLIED, S.REVIEW_DECIDED, S.FINAL, S.NOT_ACCEPTED, S.AGREED, S.MEDIATION_FAILED, S.REFERRED, S.CLOSED,
})
# A result the sender may send back to be handled again; a decision of the organs above (复查, 复核) is not the
# township's to redo, and a 不予受理 of an item handed down is objected to (异议) or accepted, not sent back.
PETITION_REDO = frozenset({S.REPLIED, S.CLOSED})
DISPUTE_REDO = frozenset({S.AGREED, S.MEDIATION_FAILED, S.REFERRED, S.CLOSED})


def handover_of(case):
    """The item's Handover, or None for a matter that was not handed down."""
    try:
        return case.handover
    except Handover.DoesNotExist:
        return None


def report_due(case):
    """Guard of 报结: an item handed down, not reported yet (or sent back since)."""
    handover = handover_of(case)
    if handover is None:
        return _("本案不是上级交办、转送的事项，无需报结")
    if handover.report == Handover.Report.REPORTED:
        return _("已报结，等待%(organ)s审核") % {"organ": handover.from_organ}
    if handover.report == Handover.Report.ACCEPTED:
        return _("%(organ)s已审核通过报结") % {"organ": handover.from_organ}
    if handover.report == Handover.Report.FED_BACK:
        return _("已向%(organ)s反馈办理结果") % {"organ": handover.from_organ}
    return None


def report_waiting(case):
    """Guard of 审核报结: a report is waiting for the sender's review."""
    handover = handover_of(case)
    if handover is None or handover.report != Handover.Report.REPORTED:
        return _("本案没有待审核的报结")
    return None


def not_decided_above(case):
    """Guard of 退回重办: the answer under report has not been reviewed since it was served (a 复查 or 复核 decided
    on it is the organ above's, not the township's to redo)."""
    last = case.events.filter(kind__in=("reply", "decide_review", "decide_rereview")).order_by("-id").first()
    if last is not None and last.kind != "reply":
        return _("处理意见已经复查（复核）机关作出决定，不能退回重办")
    return None


def _served_documents(case):
    """The documents served on the petitioner so far, as the report lists them."""
    return [
        {"title": d.title, "doc_number": d.doc_number, "served_on": d.served_on.isoformat() if d.served_on else ""}
        for d in case.issued.exclude(kind__in=BETWEEN_ORGANS).order_by("issued_on", "id")
    ]


def _update(handover, **fields):
    """Move the exchange on: the row, and the instance the case holds (its guards read it next)."""
    Handover.objects.filter(pk=handover.pk).update(**fields)
    for name, value in fields.items():
        setattr(handover, name, value)


class ReportForm(StepForm):
    reported_on = forms.DateField(label=gettext_lazy("报结日期"), widget=DateInput, initial=timezone.localdate)
    result = forms.CharField(
        label=gettext_lazy("办理结果"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("调查核实情况、处理意见及送达情况、信访人态度；已送达的文书随报结一并报送"),
    )


@step("report_back", form=ReportForm, guards=[report_due], public=False, moves=[
    Move(gettext_lazy("报结"), BOTH, RESULTS, None, LEADERSHIP, style="secondary"),
])
def do_report_back(user, case, *, reported_on=None, result="", at=None):
    """报结: the township tells the organ that handed the item down what was done, with the documents served."""
    reported_on = date_not_future(reported_on, _("报结日期"), "reported_on")
    result = required(result, _("请填写办理结果"), "result")
    handover = case.handover
    if reported_on < timezone.localdate(handover.sent_at):
        raise ActionError(_("报结日期不能早于交办日期"), field="reported_on")
    late = handover.due_on is not None and reported_on > handover.due_on
    peer = handover.from_case_id is not None  # transferred by another township: fed back, nobody reviews it
    words = {"organ": handover.from_organ, "number": handover.doc_number}
    summary = _("向%(organ)s反馈办理结果（%(number)s）") % words if peer else _("向%(organ)s报结（%(number)s）") % words
    if late:
        summary += _("，超过办理期限%(day)s") % {"day": handover.due_on}

    def mark(case, event):
        report = Handover.Report.FED_BACK if peer else Handover.Report.REPORTED
        _update(handover, report=report, reported_on=reported_on)
        if peer:
            # The township that transferred it reads the feedback on its own case.
            write_event(
                handover.from_case, "transfer_feedback", user, at=event.at, note=result,
                summary=_("%(town)s反馈办理结果（%(number)s，案件编号%(case)s）")
                % {"town": case.centre.name, "number": handover.doc_number, "case": case.number},
                data={"case": case.number, "result": result, "reported_on": reported_on.isoformat()},
            )

    return perform(
        case, user, at=at, summary=summary, note=result,
        data={"result": result, "reported_on": reported_on.isoformat(), "late": late,
              "documents": _served_documents(case)},
        extra=mark,
    )


class AcceptReportForm(StepForm):
    note = forms.CharField(label=gettext_lazy("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@step("accept_report", form=AcceptReportForm, guards=[report_waiting], public=False, moves=[
    Move(gettext_lazy("审核通过报结"), BOTH, RESULTS, None, DESK, organ_scope="sender", organ_only=True),
])
def do_accept_report(user, case, *, note="", at=None):
    """审核报结 passed: the item is done for the organ that handed it down."""
    handover = case.handover
    today = timezone.localdate(at) if at else timezone.localdate()

    def mark(case, event):
        _update(handover, report=Handover.Report.ACCEPTED, reviewed_on=today)

    return perform(
        case, user, at=at, note=note,
        summary=_("%(organ)s审核通过报结（%(number)s）")
        % {"organ": handover.from_organ, "number": handover.doc_number},
        extra=mark,
    )


class ReturnReportForm(StepForm):
    reason = forms.CharField(
        label=gettext_lazy("退回理由"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("说明报结不符合要求之处及重新办理的要求"),
    )
    due_on = forms.DateField(label=gettext_lazy("重新办理期限"), widget=DateInput)


@step("return_report", form=ReturnReportForm, guards=[report_waiting, not_decided_above], public=False, moves=[
    Move(gettext_lazy("退回重办"), frozenset({PETITION}), PETITION_REDO, S.IN_HANDLING, DESK, style="danger",
         organ_scope="sender", organ_only=True),
    Move(gettext_lazy("退回重办"), frozenset({DISPUTE}), DISPUTE_REDO, S.MEDIATING, DESK, style="danger",
         organ_scope="sender", organ_only=True),
])
def do_return_report(user, case, *, reason="", due_on=None, at=None):
    """审核报结 not passed: the case goes back to the unit that handled it, with the reasons and a new deadline; its
    written answer is drafted, signed off and served afresh (steps.handling.DRAFT_RESETS)."""
    reason = required(reason, _("请填写退回理由"), "reason")
    today = timezone.localdate(at) if at else timezone.localdate()
    if due_on is None:
        raise ActionError(_("请填写重新办理期限"), field="due_on")
    if due_on <= today:
        raise ActionError(_("重新办理期限应晚于今天"), field="due_on")
    handover = case.handover

    def mark(case, event):
        _update(handover, report=Handover.Report.RETURNED, reviewed_on=today, due_on=due_on, reported_on=None)

    changes = {"closed_at": None}
    if case.kind == PETITION:
        changes.update(reply_outcome="", reply_served_on=None)
    return perform(
        case, user, at=at, note=reason, changes=changes,
        summary=_("%(organ)s退回重办，限%(day)s前重新报结") % {"organ": handover.from_organ, "day": due_on},
        data={"reason": reason, "due_on": due_on.isoformat()},
        extra=mark,
    )
