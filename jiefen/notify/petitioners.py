"""SMS to petitioners (issue 13, point 5): a petitioner who agreed at intake (Party.sms_consent) is told by SMS of
the steps that concern them: 受理 or 不予受理, 转送, 延期, 答复送达 and the window to ask for 复查, the 复查意见
and the window for 复核, the 复核意见. Once per step and person (a unique row per event and party), written in the
step's transaction (a step rolled back tells no one), sent through the SMS backend (NOTIFY_BACKENDS["sms"], the
deployment's 政务短信平台) after it commits and retried by the worker; the step's timeline entry records to whom.

A step entered after the fact (handoffs.CAUGHT_UP) texts no one: the petitioner was told on paper long since.
"""

import dataclasses
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Event, Party
from jiefen.cases.personal import mask_name, mask_phone
from jiefen.cases.queries import WINDOW_CLOCKS

from . import backends
from .handoffs import CAUGHT_UP
from .models import PetitionerMessage
from .outbox import DeliveryReport, attempt

logger = logging.getLogger(__name__)


def _day(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _window(case):
    """The last day to ask for 复查/复核 (the window clock the step just started), or None."""
    clock = case.deadlines.filter(rule__code__in=WINDOW_CLOCKS, finished_on__isnull=True).order_by("-id").first()
    return clock.due_on if clock is not None else None


def _accept(case, event):
    due = _day(case.next_due_on)
    return _("已受理，") + (_("将于%(due)s前办结并书面答复。") % {"due": due} if due else _("将依法办理并书面答复。"))


def _reply(case, event):
    due = _day(_window(case))
    text = _("处理意见书已送达，请查收。")
    return text + (_("如不服，可在%(due)s前向上一级机关请求复查。") % {"due": due} if due else "")


def _decide_review(case, event):
    due = _day(_window(case))
    text = _("复查意见已作出并送达，请查收。")
    return text + (_("如不服，可在%(due)s前请求复核。") % {"due": due} if due else "")


# What each step says, after "【中心】您反映的事项（编号…）".
TEXTS = {
    "accept": _accept,
    "not_accept": lambda case, event: _("经审查不予受理，不予受理告知书将送达您，请查收。"),
    "forward": lambda case, event: _("已转送有权处理的机关办理，转送告知将送达您，请查收。"),
    "extend": lambda case, event: _("办理期限依法延长至%(due)s。") % {"due": _day(case.next_due_on)},
    "reply": _reply,
    "decide_review": _decide_review,
    "decide_rereview": lambda case, event: _("复核意见已作出并送达，请查收。"),
}


def text_for(case, event):
    said = TEXTS[event.kind](case, event)
    return _("【%(centre)s矛调中心】您反映的事项（编号%(number)s）%(said)s凭编号和查询码可在网上查询办理进展。") % {
        "centre": case.centre.name, "number": case.number, "said": said,
    }


def tell_petitioners(case, event: Event):
    """Write the SMS of step `event` to each petitioner of `case` who agreed to it; returns how many were written.
    The step's timeline entry records the (masked) numbers they go to."""
    if event.kind not in TEXTS or event.at < timezone.now() - CAUGHT_UP:
        return 0
    by_phone = {}  # two petitioners on one phone get one text
    for party in case.parties.filter(sms_consent=True).exclude(role=Party.Role.RESPONDENT).order_by("id"):
        if party.phone:
            by_phone.setdefault(party.phone, party)
    parties = list(by_phone.values())
    if not parties:
        return 0
    case.refresh_from_db(fields=["next_due_on"])  # as the step's clocks left it
    text = text_for(case, event)
    now = timezone.now()
    written = []
    for party in parties:
        try:
            with transaction.atomic():
                written.append(PetitionerMessage.objects.create(
                    case=case, party=party, event=event, text=text, next_attempt_at=now,
                ))
        except IntegrityError:  # this step has texted this person already
            continue
    if written:
        told = [f"{mask_name(m.party.name)}（{mask_phone(m.party.phone)}）" for m in written]
        Event.objects.filter(pk=event.pk).update(data={**event.data, "sms": told})
        event.data = {**event.data, "sms": told}
        ids = [m.pk for m in written]
        transaction.on_commit(lambda: _send_quietly(ids))
    return len(written)


@dataclasses.dataclass
class Recipient:
    """What an SMS backend reads of whom it sends to (a staff account has the same two attributes)."""

    display_name: str
    phone: str
    email: str = ""


def _send_quietly(ids):
    try:
        send(ids=ids)
    except Exception:
        logger.exception("sending petitioner SMS %s after commit failed; the worker will retry", ids)


def send(*, now=None, ids=None, limit=500):
    """Send the petitioner SMS that are due, oldest first, each claimed before it is sent (never twice); return
    how many were sent, failed and given up (the staff outbox's DeliveryReport)."""
    now = now or timezone.now()
    pending = PetitionerMessage.objects.pending(now)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    rows = list(pending.select_related("party").order_by("next_attempt_at", "id")[:limit])
    if not rows:
        return DeliveryReport()
    backend = backends.configured().get("sms")

    def send_one(message):
        if backend is None:
            raise backends.Undeliverable(_("未配置短信渠道"))
        if not message.party.phone:
            raise backends.Undeliverable(_("信访人未登记手机号码"))
        backend.send(Recipient(message.party.name, message.party.phone), _("办理进展告知"), message.text)

    return attempt(rows, send_one, now=now)
