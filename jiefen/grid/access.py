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

from jiefen.org import authz
from jiefen.org.models import Unit

from .models import Campaign, DisputeRecord, Household, HouseholdVisit, KeyPerson, Visitor


def _scope(user):
    """The user's scope if they use the grid module at all (handlers do not: their scope is their unit's cases)."""
    scope = authz.scope_of(user)
    return scope if scope.active and not scope.own_unit else authz.NOWHERE


def units_q(user, prefix=""):
    """A filter on rows carrying denormalised `grid`, `village` and `centre` (households, visits) for `user`.

    A grid worker sees their grid, a village's mediator the village, the centre's roles the township, the county
    supervisor every township of the county. Matches nothing for anyone else. Every branch is one indexed column.
    """
    scope = _scope(user)
    if scope.local:
        if scope.grid is not None:
            return Q(**{f"{prefix}grid": scope.grid})
        return Q(**{f"{prefix}village": scope.village}) if scope.village else Q(pk__in=[])
    if scope.whole_centre:
        return Q(**{f"{prefix}centre": scope.centre})
    if scope.county_read:
        return Q(**{f"{prefix}centre_id__in": list(scope.centre_ids)})
    return Q(pk__in=[])


def _area(scope):
    """The unit whose subtree the user works over: a grid worker's grid, a mediator's village, the centre, or the
    county unit of the county's roles; None for anyone else."""
    if scope.local:
        return scope.grid or scope.village
    if scope.whole_centre:
        return scope.centre
    if scope.county_read:
        return scope.unit
    return None


def grids_for(user):
    """The grids (org units) `user` works over."""
    area = _area(_scope(user))
    if area is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=area.path, kind=Unit.Kind.GRID)


def villages_for(user):
    """The villages `user` works over (a grid worker: the grid's village)."""
    scope = _scope(user)
    if scope.local:
        return Unit.objects.filter(pk=scope.village.pk) if scope.village else Unit.objects.none()
    area = _area(scope)
    if area is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=area.path, kind=Unit.Kind.VILLAGE)


def households_for(user):
    return Household.objects.filter(units_q(user))


def visits_for(user):
    return HouseholdVisit.objects.filter(units_q(user))


def visitors_for(user):
    """The register of visitors and mediators: the centre's (the county's for the supervisor)."""
    scope = _scope(user)
    if scope.county_read:
        return Visitor.objects.filter(centre_id__in=list(scope.centre_ids))
    return Visitor.objects.filter(centre=scope.centre) if scope.centre else Visitor.objects.none()


def ledger_for(user):
    """Ledger rows of the dispute cases `user` may see (the cases' own scope, jiefen.cases.access)."""
    from jiefen.cases.access import cases_for

    if not _scope(user).active:
        return DisputeRecord.objects.none()
    return DisputeRecord.objects.filter(case__in=cases_for(user))


def campaigns_for(user):
    scope = _scope(user)
    if scope.county_read:
        return Campaign.objects.filter(centre_id__in=list(scope.centre_ids))
    if scope.centre is None:
        return Campaign.objects.none()
    campaigns = Campaign.objects.filter(centre=scope.centre)
    if scope.local:
        campaigns = campaigns.filter(villages=scope.village)
    return campaigns


def key_people_for(user):
    """Key people `user` may see: the leadership's whole township, a mediator's village; nobody else's."""
    scope = _scope(user)
    if not authz.in_roles(user, authz.KEY_GROUPS):
        return KeyPerson.objects.none()
    if scope.local:
        return KeyPerson.objects.filter(village=scope.village) if scope.village else KeyPerson.objects.none()
    return KeyPerson.objects.filter(centre=scope.centre) if scope.centre else KeyPerson.objects.none()


def _get(queryset, pk, message):
    """The row `pk` of `queryset` (the user's scope), else 404. A role outside the module never gets here: the URL
    policy (jiefen.policy) refuses it first with a 403, which says nothing about the row."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message)


def _write_check(user, write):
    if write and authz.scope_of(user).read_only:
        raise PermissionDenied(_("县级督办账号只读"))


def access_household(user, pk, *, write=False):
    household = _get(households_for(user).select_related("grid", "village", "centre"), pk, "住户不存在")
    _write_check(user, write)
    return household


def access_visit(user, pk, *, write=False):
    visit = _get(
        visits_for(user).select_related("household", "visitor", "grid", "village", "case", "recorded_by"), pk,
        "走访记录不存在",
    )
    _write_check(user, write)
    return visit


def access_grid(user, pk):
    return _get(grids_for(user).select_related("parent"), pk, "网格不存在")


def access_visitor(user, pk, *, write=False):
    visitor = _get(visitors_for(user).select_related("user"), pk, "人员不存在")
    _write_check(user, write)
    return visitor


def access_campaign(user, pk):
    return _get(campaigns_for(user), pk, "专项行动不存在")


def access_key_person(user, pk, *, write=False):
    person = _get(key_people_for(user).select_related("village", "household", "responsible"), pk, "人员不存在")
    _write_check(user, write)
    return person
