"""Notifications: written with the change that causes them, sent on to SMS and e-mail only after it commits.

`notify` writes the in-app notification and one Delivery row per configured channel in the caller's transaction,
so a rolled-back change tells no one. `deliver` empties the outbox: `notify` asks for it on commit, so a message
written by a page or a command goes out at once, and the worker calls it every round, for its own round's messages
and for those still to retry. A row is claimed before it is sent, so no two callers ever send it twice.
"""

import contextlib
import dataclasses
import datetime as dt
import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import backends
from .models import Delivery, Notification

logger = logging.getLogger(__name__)

# How long a claimed row is left to the worker that claimed it before another may try it (a crash while sending).
CLAIM_LEASE = dt.timedelta(minutes=5)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
DEFAULT_MAX_ATTEMPTS = 8
ERROR_CHARS = 1000

# Off inside `delivered_by_caller()`: the worker sends a round's notifications itself, right after the round.
_send_on_commit = ContextVar("send_on_commit", default=True)


@contextlib.contextmanager
def delivered_by_caller():
    """Leave what `notify` writes in here to the caller's own `deliver()` instead of sending it on each commit."""
    token = _send_on_commit.set(False)
    try:
        yield
    finally:
        _send_on_commit.reset(token)


def notify(recipient, *, kind, title, body="", link="", case=None, supervision=None, dedupe_key=None):
    """Tell `recipient`: a notification in the app, and a delivery per channel sent after commit.

    With `dedupe_key`, a notification already made under that key is not made again: returns None.
    """
    notification = Notification.objects.create_once(
        recipient=recipient, kind=kind, title=title, body=body, link=link, case=case, supervision=supervision,
        dedupe_key=dedupe_key,
    )
    if notification is None:
        return None
    now = timezone.now()
    channels = getattr(settings, "NOTIFY_BACKENDS", backends.DEFAULT_BACKENDS)
    ids = [
        Delivery.objects.create(notification=notification, channel=channel, next_attempt_at=now).pk
        for channel in channels
    ]
    if ids and _send_on_commit.get():
        transaction.on_commit(lambda: _deliver_quietly(ids))
    return notification


def _deliver_quietly(ids):
    # Runs after the commit of whatever wrote the notification: an error here must not reach that caller, and the
    # rows stay in the outbox for the worker.
    try:
        deliver(ids=ids)
    except Exception:
        logger.exception("delivering notifications %s after commit failed; the worker will retry", ids)


@dataclasses.dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


def deliver(*, now=None, ids=None, limit=500):
    """Send what the outbox holds and is due, oldest first; return how many were sent, failed and given up."""
    now = now or timezone.now()
    pending = Delivery.objects.pending(now)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    rows = list(pending.select_related("notification__recipient").order_by("next_attempt_at", "id")[:limit])
    if not rows:
        return DeliveryReport()
    channels = backends.configured()

    def send(delivery):
        backend = channels.get(delivery.channel)
        if backend is None:
            raise backends.Undeliverable(_("未配置“%(channel)s”渠道") % {"channel": delivery.get_channel_display()})
        notification = delivery.notification
        backend.send(notification.recipient, notification.title, notification.body)

    return attempt(rows, send, now=now)


def attempt(rows, send, *, now):
    """Send each row of an outbox (a model with DeliveryManager's fields: attempts, next_attempt_at, sent_at,
    given_up_at, last_error) through `send(row)`, each claimed first so that no two callers send it; a row that
    cannot be delivered is given up, one that failed is tried again after a growing pause, up to
    NOTIFY_MAX_ATTEMPTS. Returns the DeliveryReport. The staff's notifications and the petitioners' SMS
    (petitioners.send) both go out this way."""
    report = DeliveryReport()
    max_attempts = getattr(settings, "NOTIFY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
    for row in rows:
        manager = type(row).objects
        if not manager.claim(row, now, CLAIM_LEASE):
            continue
        mine = manager.filter(pk=row.pk, attempts=row.attempts)
        try:
            send(row)
        except backends.Undeliverable as error:
            mine.update(given_up_at=now, last_error=_error_text(error))
            report.given_up += 1
        except Exception as error:  # noqa: BLE001 (any backend failure is retried later: the round must go on)
            logger.warning("%s %s failed: %s", type(row).__name__, row.pk, error)
            if row.attempts >= max_attempts:
                mine.update(given_up_at=now, last_error=_error_text(error))
                report.given_up += 1
            else:
                mine.update(next_attempt_at=now + _pause(row.attempts), last_error=_error_text(error))
                report.failed += 1
        else:
            mine.update(sent_at=now, last_error="")
            report.sent += 1
    return report


def _pause(attempts):
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … failure, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _error_text(error):
    return (f"{type(error).__name__}: {error}")[:ERROR_CHARS]
