"""ID numbers and phones: encrypted at rest, matched by keyed hash, masked on pages, revealed only with an audit row."""

import importlib
import os
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from jiefen.audit.models import AuditRecord
from jiefen.cases import queries
from jiefen.cases.models import LegalClass, Party
from jiefen.cases.personal import keyed_hash

from .factories import VALID_IDS, register

PHONE = "13800138000"


def raw_party(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM cases_party WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.fixture
def case(people, org):
    return register(people["clerk"], village=org["village_a"])


def test_id_number_and_phone_are_stored_encrypted_and_read_back_plain(case):
    party = case.parties.get()
    stored_id, stored_phone = raw_party(party.pk)
    assert VALID_IDS[0] not in stored_id and PHONE not in stored_phone
    assert stored_id != stored_phone
    assert party.id_number == VALID_IDS[0] and party.phone == PHONE


def test_the_same_number_encrypts_differently_each_time(people, org):
    first = register(people["clerk"]).parties.get()
    second = register(people["clerk"]).parties.get()
    assert raw_party(first.pk)[0] != raw_party(second.pk)[0]
    assert first.id_number_hash == second.id_number_hash == keyed_hash(VALID_IDS[0])


def test_the_desk_still_finds_an_open_case_of_the_same_person(case, people):
    found = queries.open_cases_of(keyed_hash(VALID_IDS[0]), "", people["clerk"])
    assert [c.pk for c in found] == [case.pk]


def test_an_empty_number_stays_empty(people):
    party = register(people["clerk"], parties=[{"name": "匿名", "id_number": "", "phone": ""}]).parties.get()
    assert raw_party(party.pk) == ("", "")


def test_rotation_reencrypts_under_the_new_key_and_the_old_key_can_then_go(case, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PERSONAL_DATA_KEYS = [old]
    party = case.parties.only("pk").defer("id_number", "phone").get()
    Party.objects.filter(pk=party.pk).update(id_number=VALID_IDS[1], phone=PHONE)
    under_old = raw_party(party.pk)

    settings.PERSONAL_DATA_KEYS = [new, old]
    with open(os.devnull, "w") as devnull:
        call_command("rotate_personal_data", stdout=devnull)
    assert raw_party(party.pk) != under_old

    settings.PERSONAL_DATA_KEYS = [new]
    party.refresh_from_db()
    assert (party.id_number, party.phone) == (VALID_IDS[1], PHONE)


def test_a_value_under_a_key_no_longer_configured_is_an_error_not_ciphertext_on_screen(case, settings):
    settings.PERSONAL_DATA_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured):
        Party.objects.get(case=case)


def test_rehash_recomputes_the_matching_hashes_under_a_new_hash_key(case, people, settings):
    settings.PERSONAL_DATA_HASH_KEY = "a-new-hash-key"
    assert not queries.open_cases_of(keyed_hash(VALID_IDS[0]), "", people["clerk"])
    with open(os.devnull, "w") as devnull:
        call_command("rotate_personal_data", "--rehash", stdout=devnull)
    assert [c.pk for c in queries.open_cases_of(keyed_hash(VALID_IDS[0]), "", people["clerk"])] == [case.pk]


def test_the_migration_encrypts_rows_written_in_plain_text_before_it(case):
    party = case.parties.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_party SET id_number = %s, phone = %s WHERE id = %s", [VALID_IDS[2], PHONE, party.pk]
        )
    migration = importlib.import_module("jiefen.cases.migrations.0007_encrypt_personal_data")
    migration.encrypt_existing(None, SimpleNamespace(connection=connection))
    assert VALID_IDS[2] not in raw_party(party.pk)[0]
    party.refresh_from_db()
    assert (party.id_number, party.phone) == (VALID_IDS[2], PHONE)


# ---- Masking and reveal ----

def reveal_url(case, field):
    return reverse("case_reveal", args=[case.number, case.parties.get().pk, field])


def test_the_case_page_shows_the_numbers_masked_with_a_reveal_button(client, case, people):
    client.force_login(people["clerk"])
    html = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert VALID_IDS[0] not in html and PHONE not in html
    assert VALID_IDS[0][:3] + "***********" + VALID_IDS[0][-4:] in html
    assert reveal_url(case, "id_number") in html


def test_a_clerk_reveals_a_number_and_the_reveal_is_audited_without_the_value(client, case, people):
    client.force_login(people["clerk"])
    response = client.post(reveal_url(case, "id_number"))
    assert response.status_code == 200
    assert VALID_IDS[0] in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    audit = AuditRecord.objects.filter(action="personal.reveal").get()
    assert audit.actor == people["clerk"] and audit.object_ref == case.number
    assert audit.details == {"party": case.parties.get().pk, "field": "id_number"}
    assert VALID_IDS[0] not in str(audit.details)


def test_the_handler_of_the_case_may_reveal_the_phone(client, people, org):
    from jiefen.cases.steps import do_accept_case, do_assign_case

    case = register(people["clerk"], village=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["village_a"])
    client.force_login(people["handler"])
    assert PHONE in client.post(reveal_url(case, "phone")).content.decode()


def test_the_county_supervisor_sees_masks_only(client, case, people):
    client.force_login(people["supervisor"])
    assert reveal_url(case, "id_number") not in client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert client.post(reveal_url(case, "id_number")).status_code == 403
    assert not AuditRecord.objects.filter(action="personal.reveal").exists()


def test_an_outsider_gets_404_and_learns_nothing(client, case, people):
    client.force_login(people["outsider"])
    assert client.post(reveal_url(case, "id_number")).status_code == 404


def test_only_id_numbers_and_phones_can_be_revealed_and_only_by_post(client, case, people):
    client.force_login(people["clerk"])
    assert client.post(reveal_url(case, "address")).status_code == 404
    assert client.get(reveal_url(case, "id_number")).status_code == 405
    other = reverse("case_reveal", args=[case.number, 999999, "id_number"])
    assert client.post(other).status_code == 404


def test_anonymous_is_sent_to_log_in(client, case):
    response = client.post(reveal_url(case, "id_number"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_accused_unit_cannot_reveal_the_accuser(client, people, org):
    from jiefen.cases.steps import do_accept_case, do_assign_case

    case = register(people["clerk"], legal_class=LegalClass.ACCUSATION, accused_unit=org["village_a"])
    do_accept_case(people["leader"], case, expected_version=case.version)
    do_assign_case(people["leader"], case, expected_version=case.version, unit=org["land_office"])
    client.force_login(people["handler"])  # of the accused village: the case does not exist for them
    assert client.post(reveal_url(case, "id_number")).status_code == 404
    client.force_login(people["land_handler"])  # the unit handling it, not accused
    assert client.post(reveal_url(case, "id_number")).status_code == 200


def test_household_and_key_person_phones_are_encrypted_at_rest_too(people, org):
    from jiefen.grid.actions import do_add_household

    household = do_add_household(
        people["director"], grid=org["grid_a"], head_name="林户主", address="东村3组", phone=PHONE
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM grid_household WHERE id = %s", [household.pk])
        assert PHONE not in cursor.fetchone()[0]
    household.refresh_from_db()
    assert household.phone == PHONE
