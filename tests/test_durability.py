"""A write is acknowledged only after it is committed, and SQLite commits durably (WAL, synchronous=FULL)."""

import pytest
from django.db import connection, connections
from django.urls import reverse

from jiefen.cases import views
from jiefen.cases.models import Case, Event

from . import factories
from .test_views import intake_post


def test_sqlite_opens_every_connection_in_wal_mode_with_synchronous_full_and_immediate_transactions(db, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    # The test database lives in memory, where WAL does not apply: open a file database with the same settings.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**connections["default"].settings_dict, "NAME": str(tmp_path / "p.sqlite3")}, "pragmas")
    try:
        with wrapper.cursor() as cursor:
            pragmas = {}
            for name in ("journal_mode", "synchronous", "foreign_keys"):
                cursor.execute(f"PRAGMA {name}")
                pragmas[name] = cursor.fetchone()[0]
        assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}  # 2 = FULL
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_no_request_wide_transaction_holds_a_write_past_its_action():
    # With ATOMIC_REQUESTS a response could be rendered before the commit that may still fail.
    assert connections["default"].settings_dict["ATOMIC_REQUESTS"] is False


@pytest.fixture
def commit_state_at_redirect(monkeypatch):
    """Whether a transaction was still open at the moment each view built its success redirect."""
    seen = []
    real_redirect = views.redirect

    def redirect(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real_redirect(*args, **kwargs)

    monkeypatch.setattr(views, "redirect", redirect)
    return seen


@pytest.mark.django_db(transaction=True)
def test_the_desk_acknowledges_a_registration_only_after_it_is_committed(client, commit_state_at_redirect):
    factories.reseed()
    org = factories.build_org()
    people = factories.build_personas(org)
    client.force_login(people["clerk"])
    response = client.post(reverse("desk"), intake_post(org))
    assert response.status_code == 302
    assert commit_state_at_redirect == [False]
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_case_step_is_acknowledged_only_after_it_is_committed(client, commit_state_at_redirect):
    factories.reseed()
    org = factories.build_org()
    people = factories.build_personas(org)
    case = factories.register(people["clerk"], village=org["village_a"])
    client.force_login(people["leader"])
    response = client.post(reverse("case_act", args=[case.number, "accept"]), {"accept-expected_version": case.version})
    assert response.status_code == 302
    assert commit_state_at_redirect == [False]
    assert Event.objects.filter(case=case, kind="accept").count() == 1
