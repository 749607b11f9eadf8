"""The one read path for cases: every fetch applies the user's data scope (DESIGN.md §2, §4).

Outsiders get 404 whether or not the case exists; a read-only role asking to write gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from jiefen.audit.records import record_reveal
from jiefen.org.models import Role, Unit

from .models import Case, LegalClass

READ_ONLY_ROLES = {Role.SUPERVISOR}


def scope_q(user):
    """A filter on Case for everything `user` may see; matches nothing for a user without a unit."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return Q(pk__in=[])
    unit = user.unit
    if user.role in (Role.CLERK, Role.LEADER, Role.DIRECTOR) and unit.township:
        q = Q(centre=unit.township)
    elif user.role in (Role.CLERK, Role.LEADER, Role.DIRECTOR, Role.SUPERVISOR):
        # A literal list of centres, not a join on the unit path: the planner then counts and pages by index.
        q = Q(centre_id__in=list(unit.subtree().filter(kind=Unit.Kind.TOWNSHIP).values_list("id", flat=True)))
    elif user.role == Role.MEDIATOR:
        village = unit.village
        q = _unit_cases_q(village or unit)
        if village:
            q |= Q(village=village)
    else:  # handler: cases assigned to own unit only (as lead, handed over and not yet signed for, or co-handler)
        q = _unit_cases_q(unit)
    # 信访工作条例 第四十六条(五): an accused unit never sees the accusation that names it. Only departments,
    # villages and grids can be accused here (actions.intake), so only their staff need the clause.
    if unit.kind in (Unit.Kind.DEPARTMENT, Unit.Kind.VILLAGE, Unit.Kind.GRID):
        q &= ~Q(legal_class=LegalClass.ACCUSATION, accused_unit_id__in=unit.ancestor_ids)
    return q


def _unit_cases_q(unit):
    units = list(unit.subtree().values_list("id", flat=True))
    co_handled = Case.co_units.through.objects.filter(unit_id__in=units).values("case_id")
    return Q(responsible_unit_id__in=units) | Q(pending_unit_id__in=units) | Q(id__in=co_handled)


def cases_for(user):
    return Case.objects.filter(scope_q(user))


def access_case(user, number, *, write=False):
    """The case `number` as `user` may see it; 404 if out of scope, 403 if `write` and the role is read-only."""
    try:
        case = cases_for(user).select_related(
            "centre", "category", "village", "responsible_unit", "pending_unit", "accused_unit", "received_by",
            "receiving_leader", "handler",
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


REVEALABLE_FIELDS = {"id_number", "phone"}


def may_reveal(user, case):
    """Whether `user` may unmask a party's ID number or phone on `case` (each reveal is audited)."""
    return user.role not in READ_ONLY_ROLES and may_see_identity(user, case)


def reveal_party_field(user, case, party_id, field):
    """The plain value of one party's ID number or phone, for a user allowed to see it; records the reveal.

    The audit record names the case, the party and the field, never the value.
    """
    if field not in REVEALABLE_FIELDS:
        raise Http404("无此字段")
    if not may_reveal(user, case):
        raise PermissionDenied("您无权查看完整的身份证号、电话号码")
    party = case.parties.filter(pk=party_id).first()
    if party is None:
        raise Http404("当事人不存在")
    with transaction.atomic():
        record_reveal(user, case, field, party=party.pk)
    return getattr(party, field)


def assignable_units(case):
    """Units a case may be assigned to: within its centre, never the accused unit or above/below it."""
    units = Unit.objects.filter(path__startswith=case.centre.path).exclude(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.GRID])
    if case.legal_class == LegalClass.ACCUSATION and case.accused_unit_id:
        # Neither the accused unit, nor a unit under it, nor the village a accused grid belongs to.
        units = units.exclude(path__startswith=case.accused_unit.path).exclude(id__in=case.accused_unit.ancestor_ids)
    return units
