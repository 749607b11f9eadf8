from django import template
from django.conf import settings

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
