"""The few queries that pick people by their role: the leadership of a centre, its director, a unit's handlers.

Role filters live here and in jiefen.org.authz only (scripts/lint_rules.py); everything else asks these.
"""

from django.db.models import Case, Q, When

from . import authz
from .models import User


def leadership_of(centre, *, directors_last=False):
    """Active leaders and directors of a centre (its 领导班子): who may own a case, go on a visit, be on duty.

    By role then id; `directors_last` keeps the order of joining but puts the director after the leaders (the
    roster's order)."""
    people = User.objects.filter(is_active=True, role__in=authz.LEADERSHIP, unit=centre)
    if directors_last:
        return people.order_by(Case(When(role=authz.DIRECTOR, then=1), default=0), "id")
    return people.order_by("role", "id")


def directors_of(centre_id):
    """The director (中心主任) of a centre, active."""
    return User.objects.filter(unit_id=centre_id, role=authz.DIRECTOR, is_active=True).order_by("pk")


def handlers_of(unit_id):
    """The handlers (承办人) of a unit and its head, active."""
    return (
        User.objects.filter(unit_id=unit_id, is_active=True)
        .filter(Q(role=authz.HANDLER) | Q(is_unit_head=True))
        .order_by("pk")
    )


def desk_staff_within(unit):
    """Active desk staff (接待、领导、主任) whose unit is `unit` or below it."""
    return User.objects.filter(
        is_active=True, role__in=authz.DESK, unit__path__startswith=unit.path,
    ).select_related("unit")
