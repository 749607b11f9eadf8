"""The notify app's writes.

- 超期督办: escalating a case whose statutory clock has run out, as an entry of its timeline (do_escalate_case,
  called by the supervision round in supervision.py). Not a step of the case lifecycle: it leaves the case's state
  and version alone, so it lives here, above the core, not among the core's actions.
- Marking notifications read: a person's own bookkeeping, not a change to any case, so no audit record.
"""

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases.access import lock_case
from jiefen.cases.errors import ActionError
from jiefen.cases.models import Deadline
from jiefen.cases.steps.perform import atomic_action, write_event
from jiefen.clocks.calendar import WorkCalendar, fmt

from . import recipients
from .models import Notification, Supervision, SupervisionRule
from .outbox import notify
from .pdf import render_supervision_notice


def overdue_text(clock_name, working_days):
    return _("%(clock)s已超期%(n)s个工作日") % {"clock": clock_name, "n": working_days}


@atomic_action
def do_escalate_case(case, deadline, *, rule, now=None, calendar=None, acting_user=None):
    """Escalate the overdue `deadline` of `case` under `rule`; return the Supervision, or None if done before.

    One 督办记录, one timeline event and one audit record in one transaction, with the 督办单 (PDF) filed on the
    record and the rule's recipients notified; SMS and e-mail go out only after commit. "Done before" means this
    rule already escalated this clock for this due date, in an earlier round or in another worker at the same time.

    Not a state transition: like do_recompute_deadlines it writes its event itself and leaves the case version
    alone, so nobody with the case open is told it changed under them. `acting_user` is None when the worker
    escalates on its schedule; the timeline shows 系统.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Lock the case row, as every step that stops or moves a clock updates it first (compare-and-swap), then read
    # case and clock afresh: a reply given while the worker was on its way must not be escalated.
    lock_case(case.pk)
    case.refresh_from_db()
    deadline.refresh_from_db(fields=["state", "due_on"])
    if deadline.state != Deadline.State.RUNNING or deadline.due_on is None or deadline.due_on >= today:
        raise ActionError(_("该期限已完成或尚未超期，无需督办"))
    calendar = calendar or WorkCalendar.around(deadline.due_on, span_days=(today - deadline.due_on).days)
    overdue = calendar.working_days_between(deadline.due_on, today)
    supervision = Supervision.objects.claim(
        case=case, deadline=deadline, rule=rule, kind=SupervisionRule.Kind.ESCALATION, due_on=deadline.due_on,
        fired_at=now, working_days=overdue,
    )
    if supervision is None:
        return None

    clock = deadline.rule.name
    data = {
        "supervision": supervision.pk,
        "rule": deadline.rule.code,
        "due_on": deadline.due_on.isoformat(),
        "overdue_working_days": overdue,
    }
    event = write_event(
        case, "supervise", acting_user, at=now, from_status=case.status,
        summary=_("超期督办：%(text)s") % {"text": overdue_text(clock, overdue)}, data=data,
    )
    record(acting_user, "case.supervise", case, **data)

    nth = Supervision.objects.filter(case=case, kind=SupervisionRule.Kind.ESCALATION).count()
    pdf = render_supervision_notice(case, deadline, issued_on=today, overdue_days=overdue, nth=nth, calendar=calendar)
    supervision.event = event
    supervision.notice.save(f"supervision-{case.number}-{supervision.pk}.pdf", ContentFile(pdf))

    title = _("超期督办：%(number)s %(text)s") % {"number": case.number, "text": overdue_text(clock, overdue)}
    body = _(
        "%(number)s（%(request)s）的%(clock)s已于%(due)s届满，已超期%(n)s个工作日，中心已发出督办单。"
        "责任单位：%(unit)s。请即组织办理，并书面报告办理进展。"
    ) % {
        "number": case.number,
        "request": Truncator(" ".join(case.request.split())).chars(40),
        "clock": clock,
        "due": fmt(deadline.due_on),
        "n": overdue,
        "unit": case.responsible_unit.name if case.responsible_unit_id else _("未交办"),
    }
    link = reverse("case_detail", args=[case.number])
    for user in recipients.for_rule(rule, case):
        notify(
            user, kind=Notification.Kind.ESCALATION, title=title, body=body, link=link, case=case,
            supervision=supervision,
            dedupe_key=f"escalation:{deadline.pk}:{deadline.due_on:%Y%m%d}:{rule.pk}:{user.pk}",
        )
    return supervision



def mark_read(notification):
    """Mark `notification` read (once: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        type(notification).objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(user):
    """Mark all of `user`'s unread notifications read; return how many."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
