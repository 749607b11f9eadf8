"""Review (复查) and re-review (复核): requested at the centre, decided by the organs above, with the hearing
(听证) that pauses the re-review clock.

复查 is decided by the organ above the one that handled the matter (信访工作条例 第三十五条), 复核 by the organ above
that (第三十六条): their decisions are their documents, not the township's. The centre records each as that organ
served it (organ, 文号, outcome 维持/变更/撤销, service date), the paper filed as material. After 复核 the matter is
终结: the same facts and reasons are not accepted again (第三十六条第三款, jiefen.cases.law.FINAL). Only 申诉求决
matters have these steps: their windows are clocks of that class alone (clocks rule legal_classes)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.org import organs
from jiefen.org.authz import DESK, LEADERSHIP

from ..errors import ActionError
from ..models import Case, Deadline, IssuedDocument, ReviewOutcome, ServiceMethod, Status
from .base import DateInput, StepForm, date_not_future, required
from .handling import check_served_on
from .perform import perform
from .registry import Move, step

PETITION = frozenset({Case.Kind.PETITION})
S = Status


class RequestForm(StepForm):
    requested_on = forms.DateField(label=gettext_lazy("申请日期"), widget=DateInput, initial=timezone.localdate)


def _window(case, window_code):
    return case.deadlines.filter(rule__code=window_code).order_by("-id").first()


def _window_open(window_code):
    """Guard: a request may be registered only while its window clock runs."""

    def guard(case):
        window = _window(case, window_code)
        if window is None or window.state != Deadline.State.RUNNING:
            return _("本案没有正在计算的申请期限，不能登记该申请")
        return None

    guard.__name__ = f"window_open_{window_code}"
    return guard


def _request_within_window(user, case, window_code, *, requested_on, summary, at=None):
    date_not_future(requested_on, _("申请日期"), "requested_on")
    window = _window(case, window_code)
    if requested_on < window.started_on:
        raise ActionError(_("申请日期不能早于书面意见送达日期"), field="requested_on")
    if requested_on > window.due_on:
        raise ActionError(
            _("申请期限已于%(day)s届满（%(rule)s），依法不再受理该申请")
            % {"day": window.due_on, "rule": window.rule.legal_basis},
            field="requested_on",
        )
    return perform(
        case, user, at=at, summary=summary,
        data={"requested_on": requested_on.isoformat()}, changes={"closed_at": None}, clock_date=requested_on,
    )


@step("request_review", form=RequestForm, guards=[_window_open("review_window")], moves=[
    Move(gettext_lazy("登记复查申请"), PETITION, frozenset({S.REPLIED, S.CLOSED}), S.REVIEW_REQUESTED, DESK,
         style="secondary", organ_scope="review_organ", centre_too=True),
])
def do_request_review(user, case, *, requested_on=None, at=None):
    """复查申请: within 30 days of service of the written reply."""
    return _request_within_window(
        user, case, "review_window", at=at,
        requested_on=requested_on, summary=_("信访人请求复查"),
    )


def deciding_organ(case, level):
    """The organ that decides a 复查 (level 1: above the handling organ) or a 复核 (level 2: above that)."""
    organ = organs.handling_organ(case)
    for _level in range(level):
        organ = organs.organ_above(organ) if organ is not None else None
    return organ


# A decision that stands (维持) or changes the opinion itself (变更). One that revokes it and orders it handled again
# (撤销并责令重新办理) sends the case back to handling: its own step, review_remand.
DECIDED = [(o.value, o.label) for o in (ReviewOutcome.UPHOLD, ReviewOutcome.VARY)]


class HigherDecisionForm(StepForm):
    organ = forms.CharField(label=gettext_lazy("作出机关"), max_length=100)
    doc_number = forms.CharField(label=gettext_lazy("文号"), max_length=60,
                                 help_text=gettext_lazy("如：青山县政复〔2026〕8号"))
    outcome = forms.ChoiceField(label=gettext_lazy("结论"), choices=DECIDED, widget=forms.RadioSelect)
    served_on = forms.DateField(label=gettext_lazy("送达日期"), widget=DateInput, initial=timezone.localdate)
    service_method = forms.ChoiceField(
        label=gettext_lazy("送达方式"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT,
    )
    content = forms.CharField(label=gettext_lazy("意见摘要"), widget=forms.Textarea(attrs={"rows": 4}))

    level = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _prefill_organ(self, self.level)


def _prefill_organ(form, level):
    """The deciding organ, proposed; fixed when the person acts for it on jiefen (its own decision)."""
    organ = deciding_organ(form.case, level)
    if organ is None:
        return
    form.fields["organ"].initial = organ.name
    if organs.sits_in(form.user, organ.unit):
        form.fields["organ"].disabled = True
        form.fields["doc_number"].help_text = _("本机关%(word)s意见书的文号") % {
            "word": _("复核") if level == 2 else _("复查"),
        }


class RereviewDecisionForm(HigherDecisionForm):
    level = 2


def record_higher_decision(user, case, *, organ, doc_number, outcome, served_on, content, word, level,
                           service_method=ServiceMethod.DIRECT, changes=None, at=None, allowed=None):
    """The decision of the organ above: taken here by its own staff where it is on jiefen (its document issued in
    its name, jiefen.cases.notices), else recorded as it served it on paper: who decided, its number, what it
    decided and when."""
    deciding = deciding_organ(case, level)
    on_jiefen = deciding is not None and organs.sits_in(user, deciding.unit)
    if on_jiefen:
        organ = deciding.name  # its own decision: the organ is the one the user acts for, not a typed name
    organ = required(organ, _("请填写作出%(word)s意见的机关") % {"word": word}, "organ")
    doc_number = required(doc_number, _("请填写%(word)s意见书的文号") % {"word": word}, "doc_number")
    if outcome not in (allowed or dict(DECIDED)):
        raise ActionError(_("请选择%(word)s结论：维持或变更（撤销并责令重新办理的，请登记撤销意见）") % {"word": word},
                          field="outcome")
    check_served_on(case, served_on)
    content = required(content, _("请填写%(word)s意见摘要") % {"word": word}, "content")
    if service_method not in ServiceMethod.values:
        raise ActionError(_("请选择送达方式"), field="service_method")
    label = ReviewOutcome(outcome).label
    event = perform(
        case, user, at=at,
        summary=_("%(organ)s%(word)s意见（%(number)s）：%(outcome)s，%(day)s送达")
        % {"organ": organ, "word": word, "number": doc_number, "outcome": label, "day": served_on},
        data={"organ": organ, "doc_number": doc_number, "outcome": outcome, "served_on": served_on.isoformat(),
              "content": content, "level": level, "on_jiefen": on_jiefen, "service_method": service_method},
        changes=changes or {}, clock_date=served_on,
    )
    # Decided here: its document was issued by the step (jiefen.cases.notices) and served as recorded.
    IssuedDocument.objects.filter(event=event).update(
        service_method=service_method, served_on=served_on, served_by=user,
    )
    return event


@step("decide_review", form=HigherDecisionForm, moves=[
    Move(gettext_lazy("复查意见"), PETITION, frozenset({S.REVIEW_REQUESTED}), S.REVIEW_DECIDED, DESK,
         organ_scope="review_organ"),
])
def do_decide_review(user, case, *, organ="", doc_number="", outcome="", served_on=None, content="",
                     service_method=ServiceMethod.DIRECT, at=None):
    """复查意见 of the organ above the handling organ (第三十五条), as it served it."""
    return record_higher_decision(
        user, case, at=at, organ=organ, doc_number=doc_number, outcome=outcome, served_on=served_on,
        content=content, word=_("复查"), level=1, service_method=service_method,
    )


@step("request_rereview", form=RequestForm, guards=[_window_open("rereview_window")], moves=[
    Move(gettext_lazy("登记复核申请"), PETITION, frozenset({S.REVIEW_DECIDED, S.CLOSED}), S.REREVIEW_REQUESTED, DESK,
         style="secondary", organ_scope="rereview_organ", centre_too=True),
])
def do_request_rereview(user, case, *, requested_on=None, at=None):
    """复核申请: within 30 days of service of the review decision."""
    return _request_within_window(
        user, case, "rereview_window", at=at,
        requested_on=requested_on, summary=_("信访人请求复核"),
    )


class HearingForm(StepForm):
    on_date = forms.DateField(label=gettext_lazy("日期"), widget=DateInput, initial=timezone.localdate)


def _hearing(case):
    return case.deadlines.filter(state=Deadline.State.PAUSED).first()


def no_hearing_running(case):
    """Guard of 举行听证: one hearing at a time."""
    return _("听证已在进行中") if _hearing(case) is not None else None


def hearing_running(case):
    """Guard of 听证结束: only a hearing that has started can end."""
    return _("本案没有进行中的听证") if _hearing(case) is None else None


@step("start_hearing", form=HearingForm, guards=[no_hearing_running], moves=[
    Move(gettext_lazy("举行听证"), PETITION, frozenset({S.REREVIEW_REQUESTED}), None, LEADERSHIP, style="secondary",
         organ_scope="rereview_organ"),
])
def do_start_hearing(user, case, *, on_date=None, at=None):
    """听证: the re-review clock stops while the hearing runs (the rule's pause events, jiefen.clocks)."""
    on_date = date_not_future(on_date or timezone.localdate(at), _("听证日期"), "on_date")
    # A clock cannot be paused before it started (the re-review request date).
    for running in case.deadlines.select_related("rule").filter(state="running"):
        if "start_hearing" in running.rule.events("pause_events") and on_date < running.started_on:
            raise ActionError(
                _("听证日期不能早于%(rule)s的起算日 %(day)s") % {"rule": running.rule.name, "day": running.started_on},
                field="on_date",
            )
    return perform(
        case, user, at=at, summary=_("举行听证，复核期限中止计算"),
        clock_date=on_date,
    )


@step("end_hearing", form=HearingForm, guards=[hearing_running], moves=[
    Move(gettext_lazy("听证结束"), PETITION, frozenset({S.REREVIEW_REQUESTED}), None, LEADERSHIP, style="secondary",
         organ_scope="rereview_organ"),
])
def do_end_hearing(user, case, *, on_date=None, at=None):
    on_date = date_not_future(on_date or timezone.localdate(at), _("听证结束日期"), "on_date")
    paused = _hearing(case)
    # The paused days are added back to the period: ending before the start would shorten it instead.
    if on_date < paused.paused_on:
        raise ActionError(_("听证结束日期不能早于听证开始日期 %(day)s") % {"day": paused.paused_on}, field="on_date")
    return perform(
        case, user, at=at, summary=_("听证结束，复核期限恢复计算"),
        clock_date=on_date,
    )


@step("decide_rereview", form=RereviewDecisionForm, moves=[
    Move(gettext_lazy("复核意见（终结）"), PETITION, frozenset({S.REREVIEW_REQUESTED}), S.FINAL, DESK,
         organ_scope="rereview_organ"),
])
def do_decide_rereview(user, case, *, organ="", doc_number="", outcome="", served_on=None, content="",
                       service_method=ServiceMethod.DIRECT, at=None):
    """复核意见 of the organ above the reviewing organ (第三十六条): the matter is final (终结); the same facts and
    reasons are not accepted again."""
    return record_higher_decision(
        user, case, at=at, organ=organ, doc_number=doc_number, outcome=outcome, served_on=served_on,
        content=content, word=_("复核"), level=2, service_method=service_method,
        changes={"closed_at": at or timezone.now()},
    )


class RemandForm(StepForm):
    organ = forms.CharField(label=gettext_lazy("作出机关"), max_length=100)
    doc_number = forms.CharField(label=gettext_lazy("文号"), max_length=60)
    served_on = forms.DateField(label=gettext_lazy("送达日期"), widget=DateInput, initial=timezone.localdate)
    service_method = forms.ChoiceField(
        label=gettext_lazy("送达方式"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT,
    )
    content = forms.CharField(label=gettext_lazy("意见摘要"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("撤销的理由及重新办理的要求"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _prefill_organ(self, 2 if self.case.status == S.REREVIEW_REQUESTED else 1)


@step("review_remand", form=RemandForm, moves=[
    Move(gettext_lazy("撤销意见（责令重新办理）"), PETITION, frozenset({S.REVIEW_REQUESTED}), S.IN_HANDLING, DESK,
         style="secondary", organ_scope="review_organ"),
    Move(gettext_lazy("撤销意见（责令重新办理）"), PETITION, frozenset({S.REREVIEW_REQUESTED}), S.IN_HANDLING, DESK,
         style="secondary", organ_scope="rereview_organ"),
])
def do_review_remand(user, case, *, organ="", doc_number="", served_on=None, content="",
                     service_method=ServiceMethod.DIRECT, at=None):
    """The organ above revoked the opinion under review and ordered it handled again (撤销并责令重新办理): the case
    goes back to the unit that handled it, for a new written answer, drafted, signed off and served again."""
    level = 2 if case.status == S.REREVIEW_REQUESTED else 1
    word = _("复核") if level == 2 else _("复查")
    return record_higher_decision(
        user, case, at=at, organ=organ, doc_number=doc_number, outcome=ReviewOutcome.REVOKE, served_on=served_on,
        content=content, word=word, level=level, service_method=service_method,
        changes={"reply_outcome": "", "reply_served_on": None, "closed_at": None},
        allowed=(ReviewOutcome.REVOKE,),
    )
