"""The few queries that pick people by their role: the leadership of a centre, its director, a unit's handlers.

Role filters live here and in jiefen.org.authz only (scripts/lint_rules.py); everything else asks these.
"""

from django.db.models import Case, Q, When

from . import authz
from .models import Unit, User


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


def organ_desk_staff(unit, *, government):
    """Active desk staff who act for the organ that is `unit` (jiefen.org.organs.sits_in, as one query)."""
    staff = User.objects.filter(is_active=True, role__in=authz.DESK)
    if not government:
        return staff.filter(unit__path__startswith=unit.path)
    acting = Q(unit=unit) | Q(unit__acts_for=unit)
    if unit.kind == Unit.Kind.TOWNSHIP:
        # A township's offices without a seal of their own (and so without an organ name) act in its name.
        acting |= Q(unit__path__startswith=unit.path, unit__organ_name="") & ~Q(unit__kind=Unit.Kind.TOWNSHIP)
    return staff.filter(acting).order_by("id")


def organ_has_desk_staff(unit, *, government):
    """Whether active desk staff act for the organ that is `unit`."""
    return organ_desk_staff(unit, government=government).exists()


def desk_of(centre):
    """The centre's active desk staff (接待员, 领导, 主任): who takes in what arrives for the township."""
    return User.objects.filter(is_active=True, role__in=authz.DESK, unit=centre).order_by("id")
