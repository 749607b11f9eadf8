from django import template
from django.conf import settings
from django.utils import timezone

from jiefen.cases import deadlines, personal

register = template.Library()


@register.filter
def due_flag(due_on):
    """'overdue', 'soon' or '' for a due date."""
    return deadlines.flag(due_on, soon_days=settings.DUE_SOON_DAYS)


@register.filter
def mask_id(value):
    return personal.mask_id_number(value)


@register.filter
def mask_phone(value):
    return personal.mask_phone(value)


@register.filter
def mask_name(value):
    return personal.mask_name(value)


@register.simple_tag
def status_label(value):
    from jiefen.cases.models import Status

    try:
        return Status(value).label
    except ValueError:
        return value


@register.simple_tag
def choice_label(enum_name, value):
    from jiefen.cases import models

    try:
        return getattr(models, enum_name)(value).label
    except ValueError:
        return value


@register.inclusion_tag("cases/_issued.html")
def issued_documents(case):
    """The documents the case issued, with their service, the return of their 送达回证 and, for the 受理告知书 (and
    the other notices the 15-day rule covers), whether they were served within the acceptance period."""
    from jiefen.cases.models import Deadline
    from jiefen.cases.steps.service import BETWEEN_ORGANS

    rows = list(case.issued.select_related("served_by").order_by("issued_on", "id"))
    acceptance = case.deadlines.filter(rule__code="acceptance").exclude(state=Deadline.State.EXEMPT).first()
    for row in rows:
        row.late = bool(
            acceptance and acceptance.due_on and row.kind in ("acceptance_notice", "non_acceptance_notice",
                                                               "forward_notice")
            and (row.served_on or timezone.localdate()) > acceptance.due_on
        )
        row.between_organs = row.kind in BETWEEN_ORGANS
    return {"case": case, "rows": rows, "acceptance": acceptance}


@register.inclusion_tag("cases/_handover.html")
def handover_card(case):
    """An item handed down (上级交办、转送): from whom, its 交办单 and deadline, and where its report stands."""
    from jiefen.cases.models import Handover

    handover = Handover.objects.filter(case=case).first()
    overdue = bool(
        handover and handover.due_on and handover.due_on < timezone.localdate()
        and handover.report in (Handover.Report.PENDING, Handover.Report.RETURNED)
    )
    return {"handover": handover, "overdue": overdue}
