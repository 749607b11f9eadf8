"""Notifications on the steps that hand work to someone (issue 13, point 5): whoever is now to act is told, in the
app and through the outbox, once per step (dedupe key: the event and the person).

- 交办 (assign): the handlers of the unit that is to sign for it.
- 退回 (return_case): the centre's leadership, who handed it.
- 拟写处理意见 (draft_reply): the head of the organ handling it, to sign it off (审签).
- 审签 sent back (sign_off, not approved): the handler who drafted it.
- 确定包案领导 (assign_owner): the leader named.
- 上级交办 (hand_down) arriving at a township, and a new online petition: the township's desk.
- 报结 (report_back): the staff of the organ that handed it down; 退回重办 (return_report): the township's leadership.

Whoever stays out of the case (回避) is told nothing of it. Called after each step by the core's after-step hook,
inside the step's transaction: a step rolled back tells no one. A step entered after the fact from a paper ledger,
more than CAUGHT_UP days after it happened, tells no one either: that work was handed on over paper long since.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from jiefen.cases.models import Channel, Event, Handover
from jiefen.cases.steps.handling import organ_heads
from jiefen.org.models import User
from jiefen.org.organs import GOVERNMENTS, organ_of
from jiefen.org.queries import desk_of, handlers_of, leadership_of, organ_desk_staff

from .models import Notification
from .outbox import notify


def _brief(case):
    return Truncator(" ".join(case.request.split())).chars(40)


def _assign(case, event):
    if not case.pending_unit_id:
        return [], ""
    return list(handlers_of(case.pending_unit_id)), _("交办待签收：%(n)s（%(r)s），请及时签收办理") % {
        "n": case.number, "r": _brief(case)}


def _return_case(case, event):
    return list(leadership_of(case.centre)), _("退回：%(n)s被承办单位退回，理由：%(why)s") % {
        "n": case.number, "why": Truncator(event.note or "").chars(60)}


def _draft_reply(case, event):
    return list(organ_heads(case)), _("待审签：%(n)s的书面答复已拟写，请审签") % {"n": case.number}


def _sign_off(case, event):
    if event.data.get("approved", True):
        return [], ""
    draft = Event.objects.filter(pk=event.data.get("draft")).first()
    drafter = [draft.actor] if draft is not None and draft.actor_id else []
    return drafter, _("审签退回：%(n)s的书面答复需修改，意见：%(c)s") % {
        "n": case.number, "c": Truncator(event.note or event.data.get("comment", "")).chars(60)}


def _assign_owner(case, event):
    leader = User.objects.filter(pk=event.data.get("leader"), is_active=True).first()
    return ([leader] if leader else []), _("包案：您已被确定为%(n)s（%(r)s）的包案领导") % {
        "n": case.number, "r": _brief(case)}


def _hand_down(case, event):
    return list(desk_of(case.centre)), _("上级%(mode)s：%(organ)s%(number)s，%(n)s（%(r)s）") % {
        "mode": Handover.Mode(event.data.get("mode", "assign")).label, "organ": event.data.get("organ", ""),
        "number": event.data.get("doc_number", ""), "n": case.number, "r": _brief(case)}


def _register(case, event):
    if case.channel != Channel.ONLINE:
        return [], ""
    return list(desk_of(case.centre)), _("新的网上信访：%(n)s（%(r)s），请及时处理") % {
        "n": case.number, "r": _brief(case)}


def _report_back(case, event):
    handover = Handover.objects.filter(case=case).select_related("from_unit").first()
    if handover is None or handover.from_case_id:
        return [], ""
    sender = organ_of(handover.from_unit)
    staff = organ_desk_staff(sender.unit, government=sender.unit.kind in GOVERNMENTS)
    return list(staff), _("待审核报结：%(town)s报结%(number)s（%(n)s）") % {
        "town": case.centre.name, "number": handover.doc_number, "n": case.number}


def _return_report(case, event):
    return list(leadership_of(case.centre)), _("退回重办：%(n)s的报结未通过审核，理由：%(why)s") % {
        "n": case.number, "why": Truncator(event.note or "").chars(60)}


WHO = {
    "assign": _assign, "return_case": _return_case, "draft_reply": _draft_reply, "sign_off": _sign_off,
    "assign_owner": _assign_owner, "hand_down": _hand_down, "register": _register, "report_back": _report_back,
    "return_report": _return_report,
}


CAUGHT_UP = dt.timedelta(days=3)


def tell(case, event: Event):
    """Tell whoever the step `event` hands work to (WHO), each once; returns how many were told."""
    find = WHO.get(event.kind)
    if find is None or event.at < timezone.now() - CAUGHT_UP:
        return 0
    people, title = find(case, event)
    recused = set(case.recusals.values_list("user_id", flat=True)) if people else set()
    told = 0
    link = reverse("case_detail", args=[case.number])
    for user in {u.pk: u for u in people if u is not None}.values():
        if user.pk in recused or user.pk == event.actor_id:
            continue  # 回避; and nobody is told of their own step
        notify(user, kind=Notification.Kind.NOTICE, title=title, body=title, link=link, case=case,
               dedupe_key=f"step:{event.pk}:{user.pk}")
        told += 1
    return told
