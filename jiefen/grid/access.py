"""The one read path of the grid module: who sees which households, visits, ledger rows, campaigns and key people.

In step with the cases' (jiefen.cases.access): grid workers and mediators (Role.MEDIATOR) work in their grid or
village, the centre's desk and leadership in the whole township, the county supervisor reads the county; handlers
do not use this module. A row outside the user's scope is a 404 whether or not it exists; a read-only role asking
to write gets 403. Key people (重点人群) are visible only to the centre's leadership and the mediators of the
person's village.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from jiefen.cases.access import READ_ONLY_ROLES
from jiefen.org.models import CENTRE_ROLES, Role, Unit

from .models import Campaign, DisputeRecord, Household, HouseholdVisit, KeyPerson, Visitor

GRID_ROLES = {Role.MEDIATOR, Role.CLERK, Role.LEADER, Role.DIRECTOR, Role.SUPERVISOR}
# Who records households, visits and disputes: the people on the ground and the centre's desk and leadership.
WRITE_ROLES = {Role.MEDIATOR, Role.CLERK, Role.LEADER, Role.DIRECTOR}
# Who keeps the register of visitors and mediators, and the household register of the whole township.
REGISTER_ROLES = {Role.CLERK, Role.LEADER, Role.DIRECTOR}
CAMPAIGN_ROLES = {Role.LEADER, Role.DIRECTOR}
# 重点人群: the centre's leadership and the village's mediators; not the desk, handlers or the county.
KEY_GROUP_ROLES = {Role.LEADER, Role.DIRECTOR, Role.MEDIATOR}
KEY_GROUP_MANAGERS = {Role.LEADER, Role.DIRECTOR}


def require_role(user, roles):
    if user.role not in roles:
        raise PermissionDenied(_("您的角色不能使用此页面"))


def require_write(user, roles=WRITE_ROLES):
    if user.role in READ_ONLY_ROLES:
        raise PermissionDenied(_("县级督办账号只读"))
    require_role(user, roles)


def centre_of(user):
    """The township the user works in, or None (county level, or no unit)."""
    return user.unit.township if user.is_authenticated and user.unit_id else None


def _active(user):
    return user.is_authenticated and user.is_active and user.unit_id is not None and user.role in GRID_ROLES


def units_q(user, prefix=""):
    """A filter on rows carrying denormalised `grid`, `village` and `centre` (households, visits) for `user`.

    A grid worker sees their grid, a village's mediator the village, the centre's roles the township, the county
    supervisor every township of the county. Matches nothing for anyone else. Every branch is one indexed column.
    """
    if not _active(user):
        return Q(pk__in=[])
    unit = user.unit
    if user.role == Role.MEDIATOR:
        if unit.kind == Unit.Kind.GRID:
            return Q(**{f"{prefix}grid": unit})
        village = unit.village
        return Q(**{f"{prefix}village": village}) if village else Q(pk__in=[])
    if user.role in CENTRE_ROLES and unit.township:
        return Q(**{f"{prefix}centre": unit.township})
    if user.role == Role.SUPERVISOR:
        towns = list(unit.subtree().filter(kind=Unit.Kind.TOWNSHIP).values_list("id", flat=True))
        return Q(**{f"{prefix}centre_id__in": towns})
    return Q(pk__in=[])


def grids_for(user):
    """The grids (org units) `user` works over."""
    if not _active(user):
        return Unit.objects.none()
    unit = user.unit
    if user.role == Role.MEDIATOR:
        base = unit if unit.kind == Unit.Kind.GRID else unit.village
        if base is None:
            return Unit.objects.none()
        return Unit.objects.filter(path__startswith=base.path, kind=Unit.Kind.GRID)
    if user.role in CENTRE_ROLES and unit.township:
        return Unit.objects.filter(path__startswith=unit.township.path, kind=Unit.Kind.GRID)
    if user.role == Role.SUPERVISOR:
        return Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.GRID)
    return Unit.objects.none()


def villages_for(user):
    """The villages `user` works over (a grid worker: the grid's village)."""
    if not _active(user):
        return Unit.objects.none()
    unit = user.unit
    if user.role == Role.MEDIATOR:
        village = unit.village
        return Unit.objects.filter(pk=village.pk) if village else Unit.objects.none()
    base = unit.township if user.role in CENTRE_ROLES else unit if user.role == Role.SUPERVISOR else None
    if base is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=base.path, kind=Unit.Kind.VILLAGE)


def households_for(user):
    return Household.objects.filter(units_q(user))


def visits_for(user):
    return HouseholdVisit.objects.filter(units_q(user))


def visitors_for(user):
    """The register of visitors and mediators: the centre's (the county's for the supervisor)."""
    if not _active(user):
        return Visitor.objects.none()
    if user.role == Role.SUPERVISOR:
        return Visitor.objects.filter(centre__path__startswith=user.unit.path)
    centre = centre_of(user)
    return Visitor.objects.filter(centre=centre) if centre else Visitor.objects.none()


def ledger_for(user):
    """Ledger rows of the dispute cases `user` may see (the cases' own scope, jiefen.cases.access)."""
    from jiefen.cases.access import cases_for

    if not _active(user):
        return DisputeRecord.objects.none()
    return DisputeRecord.objects.filter(case__in=cases_for(user))


def campaigns_for(user):
    if not _active(user):
        return Campaign.objects.none()
    if user.role == Role.SUPERVISOR:
        return Campaign.objects.filter(centre__path__startswith=user.unit.path)
    centre = centre_of(user)
    if centre is None:
        return Campaign.objects.none()
    campaigns = Campaign.objects.filter(centre=centre)
    if user.role == Role.MEDIATOR:
        campaigns = campaigns.filter(villages=user.unit.village)
    return campaigns


def key_people_for(user):
    """Key people `user` may see: the leadership's whole township, a mediator's village; nobody else's."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None or user.role not in KEY_GROUP_ROLES:
        return KeyPerson.objects.none()
    if user.role == Role.MEDIATOR:
        village = user.unit.village
        return KeyPerson.objects.filter(village=village) if village else KeyPerson.objects.none()
    centre = centre_of(user)
    return KeyPerson.objects.filter(centre=centre) if centre else KeyPerson.objects.none()


def _get(queryset, pk, message):
    """The row `pk` of `queryset` (the user's scope), else 404; a role outside the module gets 403 first, which
    says nothing about the row."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message)


def _write_check(user, write):
    if write and user.role in READ_ONLY_ROLES:
        raise PermissionDenied(_("县级督办账号只读"))


def access_household(user, pk, *, write=False):
    require_role(user, GRID_ROLES)
    household = _get(households_for(user).select_related("grid", "village", "centre"), pk, "住户不存在")
    _write_check(user, write)
    return household


def access_visit(user, pk, *, write=False):
    require_role(user, GRID_ROLES)
    visit = _get(
        visits_for(user).select_related("household", "visitor", "grid", "village", "case", "recorded_by"), pk,
        "走访记录不存在",
    )
    _write_check(user, write)
    return visit


def access_grid(user, pk):
    require_role(user, GRID_ROLES)
    return _get(grids_for(user).select_related("parent"), pk, "网格不存在")


def access_visitor(user, pk, *, write=False):
    require_role(user, GRID_ROLES)
    visitor = _get(visitors_for(user).select_related("user"), pk, "人员不存在")
    _write_check(user, write)
    return visitor


def access_campaign(user, pk):
    require_role(user, GRID_ROLES)
    return _get(campaigns_for(user), pk, "专项行动不存在")


def access_key_person(user, pk, *, write=False):
    require_role(user, KEY_GROUP_ROLES)
    person = _get(key_people_for(user).select_related("village", "household", "responsible"), pk, "人员不存在")
    _write_check(user, write)
    return person
