"""One scope per user (jiefen.org.authz.scope_of): what each reach opens, and what it must not."""

from jiefen.cases.access import cases_for
from jiefen.excel.queries import export_units
from jiefen.grid.access import grids_for, ledger_for, villages_for
from jiefen.leadership.access import visits_for
from jiefen.org import authz
from jiefen.org.models import Role

from .factories import person, register


def test_a_desk_role_above_the_township_reads_the_county_cases_and_nothing_of_the_townships_grid(org, people):
    """A clerk posted at the county reaches the county's cases, as before; households, the ledger, leaders' visits
    and exports (with unmasked ID numbers) stay with the townships and the read-only county supervisor."""
    case = register(people["clerk"], village=org["village_a"])
    county_clerk = person("county_clerk", Role.CLERK, org["county"])
    scope = authz.scope_of(county_clerk)
    assert scope.county_wide and not scope.read_only and not scope.county_read
    assert cases_for(county_clerk).filter(pk=case.pk).exists()
    assert not grids_for(county_clerk).exists() and not villages_for(county_clerk).exists()
    assert not ledger_for(county_clerk).exists() and not visits_for(county_clerk).exists()
    assert export_units(county_clerk, "ledger") == []


def test_the_county_supervisor_reads_every_township_below(org, people):
    scope = authz.scope_of(people["supervisor"])
    assert scope.county_read and scope.read_only and scope.centre is None
    assert set(scope.centre_ids) == {org["town"].pk, org["other_town"].pk}
    assert villages_for(people["supervisor"]).filter(pk=org["village_a"].pk).exists()
    assert [u.pk for u in export_units(people["supervisor"], "ledger")][:1] == [org["county"].pk]


def test_the_scope_is_derived_again_when_the_account_changes(org, people):
    clerk = people["clerk"]
    assert authz.scope_of(clerk).centre == org["town"]
    clerk.unit = org["other_town"]
    assert authz.scope_of(clerk).centre == org["other_town"]
    clerk.is_active = False
    assert authz.scope_of(clerk).centre is None and not authz.scope_of(clerk).active
