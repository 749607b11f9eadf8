"""Purging old audit records: only a prefix of the chain, only records at least 180 days old, chain kept verifiable."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import chain
from .models import AuditChainHead, AuditRecord
from .records import record

# DESIGN.md §4: audit records are kept at least 180 days; the PostgreSQL trigger (migration 0004) says the same.
MIN_AGE = dt.timedelta(days=180)


class PurgeRefused(Exception):
    pass


def earliest_allowed_cutoff(now=None):
    return (now or timezone.now()) - MIN_AGE


@transaction.atomic
def do_purge_audit(before, *, acting_user=None):
    """Delete the oldest records made before `before` (an aware datetime); return how many.

    Stops at the first record not older than `before`, so what remains is one unbroken chain; the head then
    anchors it: first_seq is the first kept record, anchor_hash the hash of the last deleted one, which the first
    kept record carries as its prev_hash. The chain is verified first: evidence of tampering is never purged away.
    """
    if before > earliest_allowed_cutoff():
        raise PurgeRefused(
            _("审计记录至少保存180天，只能清理 %(date)s 之前的记录")
            % {"date": timezone.localdate(earliest_allowed_cutoff()).isoformat()}
        )
    head = chain.lock_head()
    verdict = chain.verify()
    if not verdict.ok:
        raise PurgeRefused(_("审计链校验未通过，不能清理：%(verdict)s") % {"verdict": verdict})
    young = AuditRecord.objects.filter(at__gte=before).order_by("seq").values_list("seq", flat=True).first()
    cutoff = head.last_seq if young is None else young - 1
    if cutoff < head.first_seq:
        return 0
    anchor = AuditRecord.objects.values_list("hash", flat=True).get(seq=cutoff)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jiefen.audit_purge = 'on'")
        deleted, _by_model = AuditRecord.objects.filter(seq__gte=head.first_seq, seq__lte=cutoff).delete()
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jiefen.audit_purge = 'off'")
    AuditChainHead.objects.filter(pk=head.pk).update(first_seq=cutoff + 1, anchor_hash=anchor, purged_before=before)
    record(acting_user, "audit.purge", None, before=before, deleted=deleted, first_seq=cutoff + 1, anchor_hash=anchor)
    return deleted
