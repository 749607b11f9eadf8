"""The one read path for cases: every fetch applies the user's data scope (DESIGN.md §2, §4).

Outsiders get 404 whether or not the case exists; a read-only role asking to write gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from jiefen.org.models import Role, Unit

from .models import Case, LegalClass

READ_ONLY_ROLES = {Role.SUPERVISOR}


def scope_q(user):
    """A filter on Case for everything `user` may see; matches nothing for a user without a unit."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return Q(pk__in=[])
    unit = user.unit
    if user.role in (Role.CLERK, Role.LEADER, Role.DIRECTOR):
        township = unit.township
        q = Q(centre=township) if township else Q(centre__path__startswith=unit.path)
    elif user.role == Role.SUPERVISOR:
        q = Q(centre__path__startswith=unit.path)
    elif user.role == Role.MEDIATOR:
        village = unit.village
        q = Q(responsible_unit__path__startswith=unit.path)
        if village:
            q |= Q(village=village)
    else:  # handler: cases assigned to own unit only
        q = Q(responsible_unit__path__startswith=unit.path)
    # 信访工作条例 第四十六条(五): an accused unit never sees the accusation that names it.
    q &= ~Q(legal_class=LegalClass.ACCUSATION, accused_unit_id__in=unit.ancestor_ids)
    return q


def cases_for(user):
    return Case.objects.filter(scope_q(user))


def access_case(user, number, *, write=False):
    """The case `number` as `user` may see it; 404 if out of scope, 403 if `write` and the role is read-only."""
    try:
        case = cases_for(user).select_related(
            "centre", "category", "village", "responsible_unit", "accused_unit", "received_by", "receiving_leader"
        ).get(number=number)
    except Case.DoesNotExist:
        raise Http404("案件不存在")
    if write and user.role in READ_ONLY_ROLES:
        raise PermissionDenied("县级督办账号只读，不能办理案件")
    return case


def may_see_identity(user, case):
    """Whether `user` may see who the petitioners are (masked values still need a reveal)."""
    if case.legal_class != LegalClass.ACCUSATION or case.accused_unit_id is None or user.unit_id is None:
        return True
    return case.accused_unit_id not in user.unit.ancestor_ids


def assignable_units(case):
    """Units a case may be assigned to: within its centre, never the accused unit or above/below it."""
    units = Unit.objects.filter(path__startswith=case.centre.path).exclude(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.GRID])
    if case.legal_class == LegalClass.ACCUSATION and case.accused_unit_id:
        units = units.exclude(path__startswith=case.accused_unit.path)
    return units
