"""The hash chain over audit records: canonical form, appending, verification.

Each record's hash is SHA-256 over a canonical JSON serialisation of its own fields and the previous record's hash,
so changing, removing, inserting or reordering any record breaks the chain at that point.

What truncation detection relies on: removing the newest records leaves a chain that is consistent in itself, so it
is caught only by comparing it with the chain head row (AuditChainHead.last_seq/last_hash), which every append
updates in the same transaction. Someone able to rewrite both the records and the head (full write access to the
database, which the PostgreSQL triggers of migration 0004 deny to the application's own statements) could rebuild
a consistent chain; against that, keep the last sequence number and hash that `manage.py verify_audit` prints
somewhere else (a printed log, a mail to the county) and check them later with `--expect SEQ:HASH`.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import GENESIS_HASH, AuditChainHead, AuditRecord

HEAD_PK = 1


def canonical(record):
    """The bytes a record's hash covers: every field but the id and the hash itself."""
    at = record.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": record.seq,
        "at": at,
        "actor": record.actor_id,
        "address": record.address or "",
        "action": record.action,
        "object_type": record.object_type,
        "object_ref": record.object_ref,
        "result": record.result,
        "details": record.details,
        "prev": record.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(record):
    return hashlib.sha256(canonical(record)).hexdigest()


def lock_head():
    """The chain head, locked until the end of the current transaction; created if missing.

    Must be called inside transaction.atomic. On PostgreSQL SELECT ... FOR UPDATE makes a second writer wait here
    until the first commits, so it reads the head the first one wrote; SQLite's IMMEDIATE transactions hold the
    database's write lock from BEGIN, which serialises writers the same way.
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    last = AuditRecord.objects.order_by("-seq").first()
    seed = AuditChainHead(pk=HEAD_PK)
    if last is not None:
        # The head vanished while records exist: continue the chain from the last record, but say so for ever.
        first = AuditRecord.objects.order_by("seq").first()
        seed.last_seq, seed.last_hash = last.seq, last.hash
        seed.first_seq, seed.anchor_hash = first.seq, first.prev_hash
        seed.rebuilt_at = timezone.now()
    # Two first writers may race to create it: ON CONFLICT DO NOTHING / INSERT OR IGNORE, then lock what is there.
    AuditChainHead.objects.bulk_create([seed], ignore_conflicts=True)
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)


def _lock_tail():
    """(last_seq, last_hash) of the locked head: the hot path of every audited write, in plain SQL."""
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE id = %s{lock}", [HEAD_PK])
        row = cursor.fetchone()
    if row is None:
        head = lock_head()
        row = (head.last_seq, head.last_hash)
    return row


def _move_tail(seq, digest_):
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_seq = %s, last_hash = %s WHERE id = %s", [seq, digest_, HEAD_PK])


def append(**fields):
    """Append one record at the head of the chain and move the head, in the caller's transaction (or a new one).

    No savepoint of its own: if the insert fails, the caller's transaction fails with it, head and all.
    """
    with transaction.atomic(savepoint=False):
        last_seq, last_hash = _lock_tail()
        record = AuditRecord(seq=last_seq + 1, prev_hash=last_hash, at=timezone.now(), **fields)
        record.hash = digest(record)
        record.save(force_insert=True)
        _move_tail(record.seq, record.hash)
    return record


@dataclass
class Verdict:
    ok: bool
    checked: int
    head_hash: str
    bad_seq: int | None = None
    bad_id: int | None = None
    reason: str = ""

    def __str__(self):
        if self.ok:
            return _("审计链完整：已校验 %(n)d 条记录，链头哈希 %(hash)s") % {"n": self.checked, "hash": self.head_hash}
        where = _("第 %(seq)s 条（id %(id)s）") % {"seq": self.bad_seq, "id": self.bad_id} if self.bad_seq else ""
        return _("审计链损坏：%(where)s%(reason)s") % {"where": where, "reason": self.reason}


def verify(*, expect=None, chunk_size=2000):
    """Walk the chain in sequence order and return a Verdict naming the first bad record, if any.

    `expect` is an optional (seq, hash) kept elsewhere from an earlier run: that record must still carry that hash.
    """
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    records = AuditRecord.objects.order_by("seq")
    if head is None:
        if records.exists():
            return Verdict(False, 0, "", reason=_("链头记录缺失，无法确认末尾是否被截断"))
        head = AuditChainHead(pk=HEAD_PK)
    expected_seq, expected_prev, checked = head.first_seq, head.anchor_hash, 0
    for record in records.iterator(chunk_size=chunk_size):
        bad = None
        if record.seq > head.last_seq:
            bad = _("链头记载的最后一条之后多出记录，疑为插入的记录")
        elif record.seq < expected_seq:
            bad = _("序号重复或早于链首，疑为插入的记录")
        elif record.seq > expected_seq:
            bad = _("之前缺少第 %(seq)d 条，疑为记录被删除") % {"seq": expected_seq}
        elif record.prev_hash != expected_prev:
            bad = _("前一条哈希与上一条记录不符，疑为插入或调换的记录")
        elif digest(record) != record.hash:
            bad = _("内容与其哈希不符，记录已被修改")
        elif expect and record.seq == expect[0] and record.hash != expect[1]:
            bad = _("哈希与另行保存的哈希不符，链条已被整体改写")
        if bad:
            return Verdict(False, checked, head.last_hash, record.seq, record.pk, bad)
        expected_seq, expected_prev, checked = record.seq + 1, record.hash, checked + 1
    if expected_seq - 1 != head.last_seq or expected_prev != head.last_hash:
        return Verdict(
            False, checked, head.last_hash, expected_seq, None,
            _("链头记载最后一条为第 %(head)d 条，实际只到第 %(last)d 条，疑为末尾记录被截断")
            % {"head": head.last_seq, "last": expected_seq - 1},
        )
    if head.rebuilt_at:
        return Verdict(
            False,
            checked,
            head.last_hash,
            reason=_("链头记录曾于 %(at)s 丢失并重建，末尾是否被截断无法确认")
            % {"at": timezone.localtime(head.rebuilt_at)},
        )
    if expect and expect[0] > head.last_seq:
        return Verdict(False, checked, head.last_hash, reason=_("另行保存的第 %(seq)d 条不在链中") % {"seq": expect[0]})
    return Verdict(True, checked, head.last_hash)


__all__ = ["GENESIS_HASH", "Verdict", "append", "canonical", "digest", "lock_head", "verify"]
