"""The audit log: a hash chain that shows edits, deletions, insertions, swaps and truncation; purging; the admin."""

import contextlib
import datetime as dt
import itertools
import threading

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory
from django.utils import timezone

from jiefen.audit import chain
from jiefen.audit.context import client_address, current_address
from jiefen.audit.models import GENESIS_HASH, AuditChainHead, AuditRecord
from jiefen.audit.records import record, record_export, record_reveal

from . import factories

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")


@contextlib.contextmanager
def tampering():
    """What an intruder with database access does: on PostgreSQL, first switch the append-only triggers off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = origin")


def verify_fails():
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.fixture
def ten_records(people):
    for i in range(10):
        record(people["clerk"], "test.step", None, n=i)
    return list(AuditRecord.objects.order_by("seq"))


def test_every_record_carries_the_hash_of_the_one_before(people):
    case = factories.register(people["clerk"])
    record(people["director"], "test.step", case, note="一")
    records = list(AuditRecord.objects.order_by("seq"))
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert records[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(records))
    assert all(chain.digest(r) == r.hash for r in records)
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (records[-1].seq, records[-1].hash)


def test_verify_audit_passes_an_untouched_chain_and_prints_the_head_to_keep(ten_records, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "审计链完整：已校验 10 条记录" in out
    assert f"--expect 10:{ten_records[-1].hash}" in out


def test_an_empty_log_verifies(db):
    call_command("verify_audit")


def test_an_edited_record_is_reported_as_the_first_bad_one(ten_records):
    with tampering():
        AuditRecord.objects.filter(seq=4).update(result="failed")
    assert "第 4 条" in (message := verify_fails()) and "已被修改" in message


def test_an_edited_time_is_detected_too(ten_records):
    with tampering():
        AuditRecord.objects.filter(seq=7).update(at=ten_records[6].at - dt.timedelta(days=1))
    assert "第 7 条" in verify_fails()


def test_a_deleted_record_is_reported_at_the_gap(ten_records):
    with tampering():
        AuditRecord.objects.filter(seq=5).delete()
    message = verify_fails()
    assert "第 6 条" in message and "缺少第 5 条" in message


def test_an_inserted_record_is_detected_even_with_a_correct_hash_of_its_own(ten_records):
    with tampering():
        for r in reversed(ten_records[2:]):
            AuditRecord.objects.filter(pk=r.pk).update(seq=r.seq + 1)
        forged = AuditRecord(seq=3, at=ten_records[1].at, action="test.step", prev_hash=ten_records[1].hash, details={})
        forged.hash = chain.digest(forged)
        forged.save(force_insert=True)
    assert "第 4 条" in (message := verify_fails()) and "插入" in message


def test_a_record_appended_behind_the_heads_back_is_detected(ten_records):
    with tampering():
        forged = AuditRecord(seq=11, at=timezone.now(), action="test.step", prev_hash=ten_records[-1].hash, details={})
        forged.hash = chain.digest(forged)
        forged.save(force_insert=True)
    assert "第 11 条" in (message := verify_fails()) and "插入" in message


def test_two_swapped_records_are_detected(ten_records):
    second, third = ten_records[1], ten_records[2]
    with tampering():
        AuditRecord.objects.filter(pk=second.pk).update(seq=-1)
        AuditRecord.objects.filter(pk=third.pk).update(seq=2)
        AuditRecord.objects.filter(pk=second.pk).update(seq=3)
    assert "第 2 条" in (message := verify_fails()) and "调换" in message


def test_a_truncated_tail_is_detected_through_the_chain_head(ten_records):
    with tampering():
        AuditRecord.objects.filter(seq__gte=8).delete()
    message = verify_fails()
    assert "截断" in message and "最后一条为第 10 条" in message and "只到第 7 条" in message


def test_a_deleted_chain_head_is_reported_and_a_rebuilt_one_stays_suspect(ten_records, people):
    with tampering():
        AuditChainHead.objects.all().delete()
    assert "链头记录缺失" in verify_fails()
    record(people["clerk"], "test.step")  # appending goes on, from the last record
    assert AuditRecord.objects.order_by("-seq").first().seq == 11
    assert "重建" in verify_fails()


def test_a_chain_rewritten_whole_is_caught_by_the_hash_kept_elsewhere(ten_records):
    kept = (10, ten_records[-1].hash)
    with tampering():
        prev = GENESIS_HASH
        for r in AuditRecord.objects.order_by("seq"):
            r.details, r.prev_hash = ({"n": "改"}, prev)
            r.hash = prev = chain.digest(r)
            r.save()
        AuditChainHead.objects.update(last_hash=prev)
    call_command("verify_audit")  # consistent in itself...
    with pytest.raises(CommandError):
        call_command("verify_audit", "--expect", f"{kept[0]}:{kept[1]}")  # ...but not what was kept


def test_record_turns_dates_into_text_and_clips_long_references(people):
    class Long:
        class _meta:
            model_name = "thing"

        def __str__(self):
            return "编号" * 30

    r = record(people["clerk"], "test.step", Long(), day=dt.date(2026, 11, 26))
    r.refresh_from_db()
    assert r.details == {"day": "2026-11-26"} and len(r.object_ref) == 40
    assert chain.digest(r) == r.hash


def test_export_and_reveal_helpers_write_their_records(people):
    case = factories.register(people["clerk"])
    token = current_address.set("10.1.2.3")
    try:
        export = record_export(people["director"], "cases.xlsx", 120, filters={"status": "open"})
        reveal = record_reveal(people["director"], case, "id_number", party=1)
    finally:
        current_address.reset(token)
    assert (export.action, export.details["what"], export.details["count"]) == ("data.export", "cases.xlsx", 120)
    assert (reveal.action, reveal.object_ref, reveal.details["field"]) == ("personal.reveal", case.number, "id_number")
    assert reveal.address == "10.1.2.3" and reveal.actor == people["director"]


# --- concurrency -----------------------------------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_never_fork_the_chain():
    barrier = threading.Barrier(2)
    errors = []

    def writer(name):
        try:
            barrier.wait()
            for i in range(40):
                with transaction.atomic():
                    record(None, "test.race", None, writer=name, n=i)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 81))
    assert {w for w in AuditRecord.objects.values_list("details__writer", flat=True)} == {"a", "b"}
    assert chain.verify().ok


# --- the database's own guard (PostgreSQL) ---------------------------------------------------------------------


@on_postgresql
def test_the_database_refuses_to_update_an_audit_record(ten_records):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(seq=3).update(result="failed")
    assert AuditRecord.objects.get(seq=3).result == "ok"


@on_postgresql
def test_the_database_refuses_to_delete_an_audit_record(ten_records):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(seq=3).delete()
    assert AuditRecord.objects.count() == 10


@on_postgresql
def test_the_database_refuses_even_the_purge_switch_for_young_records(ten_records):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jiefen.audit_purge = 'on'")
        AuditRecord.objects.filter(seq=3).delete()
    assert AuditRecord.objects.count() == 10


@on_postgresql
def test_the_chain_head_cannot_be_deleted_or_moved_back(ten_records):
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        AuditChainHead.objects.update(last_seq=7)
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        AuditChainHead.objects.all().delete()
    assert AuditChainHead.objects.get().last_seq == 10


# --- purging ---------------------------------------------------------------------------------------------------


@pytest.fixture
def old_and_new_records(people):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=400), tick=False):
        for i in range(3):
            record(people["clerk"], "test.old", None, n=i)
    with time_machine.travel(now - dt.timedelta(days=185), tick=False):
        for i in range(2):
            record(people["clerk"], "test.185_days_old", None, n=i)
    for i in range(4):
        record(people["clerk"], "test.new", None, n=i)


def test_purge_deletes_only_records_before_the_date_and_the_chain_still_verifies(old_and_new_records):
    before = timezone.localdate() - dt.timedelta(days=190)
    call_command("purge_audit", "--before", before.isoformat())
    assert list(AuditRecord.objects.order_by("seq").values_list("action", flat=True)) == [
        "test.185_days_old", "test.185_days_old", "test.new", "test.new", "test.new", "test.new", "audit.purge"]
    head = AuditChainHead.objects.get()
    assert head.first_seq == 4 and AuditRecord.objects.get(seq=4).prev_hash == head.anchor_hash
    purge = AuditRecord.objects.get(action="audit.purge")
    assert purge.details["deleted"] == 3 and purge.details["first_seq"] == 4
    call_command("verify_audit")


def test_purge_refuses_anything_younger_than_180_days(old_and_new_records):
    too_late = timezone.localdate() - dt.timedelta(days=179)
    with pytest.raises(CommandError, match="至少保存180天") as refused:
        call_command("purge_audit", "--before", too_late.isoformat())
    assert refused.value.returncode == 2
    assert AuditRecord.objects.count() == 9 and not AuditRecord.objects.filter(action="audit.purge").exists()


def test_purge_refuses_a_broken_chain(old_and_new_records):
    with tampering():
        AuditRecord.objects.filter(seq=2).update(result="failed")
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("purge_audit", "--before", (timezone.localdate() - dt.timedelta(days=190)).isoformat())
    assert AuditRecord.objects.count() == 9


def test_purging_twice_keeps_one_verifiable_chain(old_and_new_records):
    call_command("purge_audit", "--before", (timezone.localdate() - dt.timedelta(days=300)).isoformat())
    call_command("purge_audit", "--before", (timezone.localdate() - dt.timedelta(days=181)).isoformat())
    assert not AuditRecord.objects.filter(action__in=["test.old", "test.185_days_old"]).exists()
    assert AuditRecord.objects.filter(action="audit.purge").count() == 2
    call_command("verify_audit")


# --- the client address ----------------------------------------------------------------------------------------


def request_from(peer, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


def test_the_address_is_the_direct_peer_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("203.0.113.9", "10.0.0.1")) == "203.0.113.9"


def test_a_trusted_proxy_passes_on_the_client_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client may send its own X-Forwarded-For; only the hop our proxy appended is believed.
    assert client_address(request_from("10.0.0.5", "1.2.3.4, 198.51.100.7, 10.0.0.4")) == "198.51.100.7"


def test_a_garbled_forwarded_header_falls_back_to_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_address(request_from("10.0.0.5", "not-an-address")) == "10.0.0.5"


def test_the_audit_record_of_a_page_carries_the_forwarded_address(client, people, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    client.post("/accounts/login/", {"username": "clerk", "password": "wrong"},
                REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AuditRecord.objects.get(action="auth.login").address == "198.51.100.7"


# --- the admin -------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_director(people):
    director = people["director"]
    director.is_staff = True
    director.save()
    return director


def test_the_admin_lists_and_searches_the_log(client, staff_director, people):
    record(people["clerk"], "case.accept", None)
    record(None, "auth.login", None, result="failed", username="leader")
    client.force_login(staff_director)
    url = "/admin/audit/auditrecord/"
    assert client.get(url).status_code == 200
    found = client.get(url, {"q": "case.accept"})
    assert found.status_code == 200 and list(found.context["cl"].result_list) == [
        AuditRecord.objects.get(action="case.accept")]
    # a failed login has no actor: it is found by the username tried
    assert [r.action for r in client.get(url, {"q": "leader"}).context["cl"].result_list] == ["auth.login"]


def test_the_admin_filters_by_a_date_range(client, staff_director, people):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=10), tick=False):
        record(people["clerk"], "test.earlier")
    record(people["clerk"], "test.today")
    client.force_login(staff_director)
    today = timezone.localdate()
    page = client.get("/admin/audit/auditrecord/", {"at_from": today.isoformat(), "at_to": today.isoformat()})
    assert page.status_code == 200
    assert [r.action for r in page.context["cl"].result_list] == ["test.today"]
    assert 'name="at_from"' in page.content.decode()


def test_the_admin_shows_a_director_only_the_own_townships_staff(client, staff_director, people):
    record(people["clerk"], "test.mine")
    record(people["outsider"], "test.theirs")
    client.force_login(staff_director)
    actions = [r.action for r in client.get("/admin/audit/auditrecord/").context["cl"].result_list]
    assert "test.mine" in actions and "test.theirs" not in actions


def test_nobody_adds_changes_or_deletes_through_the_admin(client, people):
    superuser = people["director"]
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    r = record(people["clerk"], "test.step")
    client.force_login(superuser)
    assert client.get("/admin/audit/auditrecord/add/").status_code == 403
    assert client.post(f"/admin/audit/auditrecord/{r.pk}/change/", {"result": "failed"}).status_code == 403
    assert client.post(f"/admin/audit/auditrecord/{r.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/audit/auditrecord/{r.pk}/change/").status_code == 200  # read-only view
    assert AuditRecord.objects.get(pk=r.pk).result == "ok"


def test_staff_who_are_not_directors_do_not_see_the_log(client, people):
    clerk = people["clerk"]
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    assert client.get("/admin/audit/auditrecord/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/admin/audit/auditrecord/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_admin_filters_by_kind_of_action_and_result(client, staff_director, people):
    record(people["clerk"], "case.accept")
    record(people["clerk"], "auth.login", result="failed", username="clerk")
    client.force_login(staff_director)
    url = "/admin/audit/auditrecord/"
    assert [r.action for r in client.get(url, {"kind": "auth."}).context["cl"].result_list] == ["auth.login"]
    assert [r.action for r in client.get(url, {"result": "ok"}).context["cl"].result_list] == ["case.accept"]
