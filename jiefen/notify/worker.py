"""The background worker's loop: a supervision round, then the outbox, then a pause; no broker (DESIGN.md §4).

Any number of workers may run: each reminder and escalation is claimed by a unique row and each delivery by a
conditional update, so running two only shares the work.
"""

import logging

from django.db import close_old_connections
from django.utils import timezone

from jiefen.warning.actions import refresh_warnings_if_due

from . import petitioners
from .outbox import deliver, delivered_by_caller
from .supervision import supervise

logger = logging.getLogger(__name__)


def run_round():
    """One round: supervise, then deliver. Returns (SupervisionReport, DeliveryReport)."""
    # A worker lives for weeks: a connection the database dropped meanwhile is replaced, not reused.
    close_old_connections()
    try:
        # What the round writes is sent by the deliver() that follows, with whatever earlier rounds left to retry.
        with delivered_by_caller():
            supervision = supervise()
            refresh_warnings_if_due()  # early warning (jiefen.warning): grades, orange and red told to leaders
        delivery = deliver()
        texts = petitioners.send()  # the petitioners' SMS still to send or retry
        delivery.sent += texts.sent
        delivery.failed += texts.failed
        delivery.given_up += texts.given_up
        return supervision, delivery
    finally:
        close_old_connections()


def run_imports():
    """Excel imports queued by uploads (jiefen.excel): each is checked whole, then written or rejected; and the
    large exports queued from the case list (a job whose page was closed before it ran)."""
    from jiefen.excel.actions import run_queued_imports
    from jiefen.excel.forms_ledgers import run_queued_exports

    try:
        return run_queued_imports() + run_queued_exports()
    finally:
        close_old_connections()


def run(*, stop, interval=60, once=False, log=print):
    """Run rounds every `interval` seconds until `stop` (a threading.Event) is set, or once.

    A round in progress is finished before stopping, so no firing is cut off between its claim and its commit.
    """
    while not stop.is_set():
        try:
            supervision, delivery = run_round()
            imports = run_imports()
        except Exception:
            # The database away for a moment, say: log it and try again next round rather than die.
            logger.exception("worker round failed")
        else:
            busy = supervision.reminded or supervision.escalated or supervision.errors or delivery.sent \
                or delivery.failed or delivery.given_up or imports
            if busy or once:
                log(
                    f"{timezone.localtime():%Y-%m-%d %H:%M:%S} 到期提醒 {supervision.reminded} 件，超期督办 "
                    f"{supervision.escalated} 件，出错 {supervision.errors} 件；通知发送 {delivery.sent} 条，"
                    f"待重试 {delivery.failed} 条，放弃 {delivery.given_up} 条；Excel导入导出 {imports} 个"
                )
        if once:
            break
        stop.wait(interval)
