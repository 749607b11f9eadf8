"""Handing a matter down (上级交办、转送): the desk staff of an organ above the township (the county's 信访局, for
the organ it works in) send a matter to a township below them, with the 交办单 number and the deadline.

The matter is registered in the township as any other (actions.intake: one intake check, one case number), with
the channel 上级交办; its Handover row keeps the sender, the number and the deadline, and the township's report back
(报结) and the sender's review of it are steps (jiefen.cases.steps.upper). The township has the 5 working days of
the 异议 window (信访工作条例 第二十三条第三款, clocks rule objection_window) and its 15-day notice.
"""

import datetime as dt
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.org import authz, organs
from jiefen.org.models import Unit

from ..errors import ActionError
from ..models import Channel, Event, Handover
from ..steps.perform import announce, atomic_action, register_after_step, write_event
from .intake import Intake, PartyInput, do_register_case, open_case

# Long enough for a claim's 60 days and its extension (第三十四条); a sender may set any later day.
MAX_DAYS = 120


def sender_organ(user):
    """The organ `user` hands matters down for: that of their unit (a county's 信访局, or its 人民政府); ActionError
    if they are not the desk staff of an organ above a township."""
    scope = authz.scope_of(user)
    if not authz.in_roles(user, authz.DESK) or scope.centre is not None or not scope.centre_ids:
        raise ActionError(_("只有县（区）级及以上机关的工作人员可以交办、转送信访事项"))
    return organs.organ_of(user.unit)


def next_doc_number(user, year=None):
    """The 交办单 number proposed for `user`'s organ: its code, 交, the year and the next serial
    (青信交〔2026〕3号)."""
    organ = sender_organ(user)
    year = year or timezone.localdate().year
    return Handover.next_number(organ.unit, _("%(code)s交〔%(year)s〕") % {"code": organ.doc_code, "year": year})


@atomic_action
def do_hand_down(user, intake: Intake, *, mode, doc_number, due_on, requirements=""):
    """Register `intake` (built with Intake.build(user, centre=...)) in its township as handed down by `user`'s
    organ, and return the case."""
    organ = sender_organ(user)
    if mode not in Handover.Mode.values:
        raise ActionError(_("请选择交办或转送"), field="mode")
    doc_number = (doc_number or "").strip()
    if not doc_number:
        raise ActionError(_("请填写交办单编号"), field="doc_number")
    Unit.objects.select_for_update().filter(pk=organ.unit.pk).first()  # one sender numbers at a time
    if Handover.objects.filter(from_unit=organ.unit, doc_number=doc_number).exists():
        raise ActionError(_("交办单编号%(number)s已经使用，请核对") % {"number": doc_number}, field="doc_number")
    today = timezone.localdate()
    if mode == Handover.Mode.ASSIGN and due_on is None:
        raise ActionError(_("交办事项须规定办理期限"), field="due_on")
    if due_on is not None and not today < due_on <= today + dt.timedelta(days=MAX_DAYS):
        raise ActionError(
            _("办理期限应在今天之后、%(n)s日之内") % {"n": MAX_DAYS}, field="due_on",
        )
    case = do_register_case(user, replace(intake, channel=Channel.ASSIGNED))
    Handover.objects.create(
        case=case, mode=mode, from_unit=organ.unit, from_organ=organ.name, doc_number=doc_number, due_on=due_on,
        requirements=(requirements or "").strip(), sent_by=user, sent_at=case.received_at,
    )
    words = {"organ": organ.name, "mode": Handover.Mode(mode).label, "number": doc_number, "town": case.centre.name}
    summary = _("%(organ)s%(mode)s%(town)s（%(number)s）") % words
    if due_on is not None:
        summary += _("，限%(day)s前办结并报结") % {"day": due_on}
    event = write_event(
        case, "hand_down", user, at=case.received_at, summary=summary, note=requirements,
        data={"mode": mode, "organ": organ.name, "doc_number": doc_number,
              "due_on": due_on.isoformat() if due_on else ""},
    )
    announce(case, event)  # the 交办单 is issued (jiefen.cases.notices)
    record(user, "case.hand_down", case, status=case.status)
    return case


def transfer(case, event):
    """After 转送 to another township on jiefen (steps.decisions.do_forward_case with `to_centre`): register the
    matter there as handed over by this township's organ, with the 转送函 the step numbered; the receiving
    township's report (报结) comes back to `case` as feedback (steps.upper). Runs inside the step's transaction."""
    if event.kind != "forward" or not event.data.get("to_centre"):
        return None
    to_centre = Unit.objects.get(pk=event.data["to_centre"])
    sender = organs.handling_organ(case)
    parties = tuple(
        PartyInput(name=p.name, role=p.role, id_number=p.id_number, phone=p.phone, address=p.address)
        for p in case.parties.order_by("id")
    )
    intake = Intake(
        centre=to_centre, kind=case.kind, channel=Channel.ASSIGNED, legal_class=case.legal_class,
        category=case.category, request=case.request, facts=case.facts, parties=parties,
        identity_unknown=case.identity_unknown, received_at=event.at,
        head_count=getattr(case.contacts.order_by("id").first(), "head_count", 1),  # a group stays a group
    ).with_defaults()
    received = open_case(event.actor, intake)
    Handover.objects.create(
        case=received, mode=Handover.Mode.FORWARD, from_unit=sender.unit, from_organ=sender.name, from_case=case,
        doc_number=event.data["doc_number"], requirements=event.note, sent_by=event.actor, sent_at=event.at,
    )
    slip = write_event(
        received, "hand_down", event.actor, at=event.at, note=event.note,
        summary=_("%(organ)s转送%(town)s（%(number)s），原案件编号%(case)s") % {
            "organ": sender.name, "town": to_centre.name, "number": event.data["doc_number"], "case": case.number,
        },
        data={"mode": Handover.Mode.FORWARD, "organ": sender.name, "doc_number": event.data["doc_number"],
              "due_on": "", "from_case": case.number},
    )
    announce(received, slip)  # its 转送函, the sender's document
    Event.objects.filter(pk=event.pk).update(data={**event.data, "received_as": received.number})
    event.data["received_as"] = received.number
    return received


register_after_step(transfer)


@atomic_action
def do_receive_handed_down(user, intake: Intake, *, mode, doc_number, due_on, from_organ, requirements=""):
    """Register, at `user`'s township, an item the organ above handed down on its own system or on paper (a row of
    its exchange file, jiefen.excel): the same case and Handover as do_hand_down, sent by the organ above this
    township and named as the file names it. No 交办单 is issued here: that document is the sender's own."""
    centre = intake.centre
    if mode not in Handover.Mode.values:
        raise ActionError(_("请选择交办或转送"), field="mode")
    doc_number, from_organ = (doc_number or "").strip(), (from_organ or "").strip()
    if not doc_number:
        raise ActionError(_("请填写交办单编号"), field="doc_number")
    if not from_organ:
        raise ActionError(_("请填写交办机关"), field="from_organ")
    if mode == Handover.Mode.ASSIGN and due_on is None:
        raise ActionError(_("交办事项须规定办理期限"), field="due_on")
    above = organs.organ_above(organs.organ_of(centre))
    if above is None:
        raise ActionError(_("本乡镇（街道）没有上一级机关，不能登记上级交办事项"))
    if Handover.objects.filter(from_unit=above.unit, doc_number=doc_number).exists():
        raise ActionError(_("交办单编号%(number)s已经登记过，请核对") % {"number": doc_number}, field="doc_number")
    case = do_register_case(user, replace(intake, channel=Channel.ASSIGNED))
    Handover.objects.create(
        case=case, mode=mode, from_unit=above.unit, from_organ=from_organ, doc_number=doc_number, due_on=due_on,
        requirements=(requirements or "").strip(), sent_by=user, sent_at=case.received_at,
    )
    words = {"organ": from_organ, "mode": Handover.Mode(mode).label, "number": doc_number}
    summary = _("登记%(organ)s%(mode)s事项（%(number)s）") % words
    if due_on is not None:
        summary += _("，限%(day)s前办结并报结") % {"day": due_on}
    event = write_event(
        case, "hand_down", user, at=case.received_at, summary=summary, note=requirements,
        data={"mode": mode, "organ": from_organ, "doc_number": doc_number,
              "due_on": due_on.isoformat() if due_on else "", "from_file": True},
    )
    announce(case, event)  # the apps' hooks (the township's desk is told); no 交办单 is issued for it here
    record(user, "case.receive_handed_down", case, status=case.status)
    return case
