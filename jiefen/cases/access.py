"""The one read path for cases: every fetch applies the user's data scope (DESIGN.md §2, §4).

Outsiders get 404 whether or not the case exists; a read-only role asking to write gets 403.
"""

import hmac

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from jiefen.audit.records import record_reveal
from jiefen.org import authz
from jiefen.org.models import Unit

from .models import Case, LegalClass


def scope_q(user):
    """A filter on Case for everything `user` may see (authz.scope_of); matches nothing for a user without a unit."""
    scope = authz.scope_of(user)
    if not scope.active:
        return Q(pk__in=[])
    unit = scope.unit
    if scope.whole_centre:
        q = Q(centre=scope.centre)
    elif scope.county_wide:
        q = Q(centre_id__in=list(scope.centre_ids))
    else:  # cases assigned to own unit only (as lead, handed over and not yet signed for, or co-handler)
        q = _unit_cases_q(scope.unit_ids)
        if scope.village:  # a grid worker or mediator: also every case of the village
            q |= Q(village=scope.village)
    # 信访工作条例 第三十条第三款 (第四十六条第五项 the sanction): an accused unit never sees the accusation that
    # names it. Only departments, villages and grids can be accused here (actions.intake), so only their staff
    # need the clause.
    if unit.kind in (Unit.Kind.DEPARTMENT, Unit.Kind.VILLAGE, Unit.Kind.GRID):
        q &= ~Q(legal_class=LegalClass.ACCUSATION, accused_unit_id__in=accused_side_ids(user))
    # An accusation whose accused unit is not known yet (online, by letter): the centre's desk only, until a
    # leader names the unit (steps.decisions.do_set_accused_unit); until then it cannot be handed over either.
    if not authz.in_roles(user, authz.DESK):
        q &= ~Q(legal_class=LegalClass.ACCUSATION, accused_unit__isnull=True)
    return q


def accused_side_ids(user):
    """The units whose accusations `user` must never see: their own unit and every unit above it (an accusation
    against a unit is kept from everyone in it and under it), and, for village staff, the village's grids (the
    village is directly responsible for its grids). Kept from the whole case, not only from the identity: the
    accused side learns nothing of the matter from jiefen."""
    unit = authz.scope_of(user).unit
    if unit is None:
        return []
    known = user.__dict__.setdefault("_accused_side_ids", {})  # per request user; keyed by unit if it changes
    if unit.pk not in known:
        ids = list(unit.ancestor_ids)
        if unit.kind == Unit.Kind.VILLAGE:
            ids += Unit.objects.filter(parent=unit, kind=Unit.Kind.GRID).values_list("id", flat=True)
        known[unit.pk] = ids
    return known[unit.pk]


def _unit_cases_q(unit_ids):
    units = list(unit_ids)
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
    if write and authz.scope_of(user).read_only:
        raise PermissionDenied("县级督办账号只读，不能办理案件")
    return case


def may_see_identity(user, case):
    """Whether `user` may see who the petitioners are (masked values still need a reveal)."""
    if case.legal_class != LegalClass.ACCUSATION or case.accused_unit_id is None or user.unit_id is None:
        return True
    return case.accused_unit_id not in accused_side_ids(user)


REVEALABLE_FIELDS = {"id_number", "phone"}


def may_reveal(user, case):
    """Whether `user` may unmask a party's ID number or phone on `case` (each reveal is audited)."""
    return not authz.scope_of(user).read_only and may_see_identity(user, case)


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
    """Units a case may be assigned to: within its centre, never on the accused side of an accusation."""
    units = Unit.objects.filter(path__startswith=case.centre.path).exclude(
        kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.GRID]
    )
    if case.legal_class == LegalClass.ACCUSATION and case.accused_unit_id:
        units = units.exclude(accused_side_q(case.accused_unit))
    return units


def accused_side_q(accused):
    """A filter on Unit for the accused side of `accused`: the unit, every unit under it, and the units above it
    (for a grid: its village, directly responsible for it; above that only the centre and the county)."""
    return Q(path__startswith=accused.path) | Q(id__in=accused.ancestor_ids)


# ---- reads without a staff user -----------------------------------------------------------------------------------
# The only other ways to a case row. Each says whose it is: a citizen's by number and query code, a centre's as a
# whole for those whose scope names it, the system's for a row lock. The lint (scripts/lint_rules.py) keeps
# `Case.objects` in this module and the write path.

CITIZEN_RELATED = ("centre", "category", "village")


def citizen_case(number, code):
    """The case with this number and query code, or None (compared in constant time): a citizen's only way in
    (the public portal, DESIGN.md §2: own cases only)."""
    case = Case.objects.filter(number=number).select_related(*CITIZEN_RELATED).first()
    if case is None or not hmac.compare_digest(case.query_code.upper().encode(), (code or "").upper().encode()):
        return None
    return case


def remembered_case(pk):
    """The case a citizen's session names (set by the portal after a tracking check or a submission), or None."""
    if pk is None:
        return None
    return Case.objects.filter(pk=pk).select_related(*CITIZEN_RELATED).first()


def public_claims():
    """Claims, for a read without a login by an app that publishes some of them (jiefen.api's GeoReport v2: those
    its reporters sent in, without personal data). Never an accusation: who accused whom is never public."""
    return Case.objects.filter(legal_class=LegalClass.CLAIM)


def centre_cases(centre_ids):
    """Every case of these townships: reads of a centre as a whole (figures, the meeting pack), whose callers take
    the townships from the reader's scope (authz.scope_of(user).centres)."""
    return Case.objects.filter(centre_id__in=list(centre_ids))


def lock_case(case_id):
    """Lock the case row for a write outside the lifecycle (the supervision round): every step that stops or moves
    a clock updates that row first (compare-and-swap), so holding its lock serialises with them."""
    Case.objects.select_for_update().only("pk").get(pk=case_id)
