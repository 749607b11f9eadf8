from django.core.management.base import BaseCommand, CommandError

from jiefen.audit import chain


def seq_and_hash(value):
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise ValueError(value)
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = "Verify the audit hash chain; report the first bad record and exit non-zero if there is one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect", type=seq_and_hash, metavar="SEQ:HASH",
            help="a sequence number and hash printed by an earlier run and kept elsewhere: that record must be intact",
        )

    def handle(self, *args, expect=None, **options):
        verdict = chain.verify(expect=expect)
        if not verdict.ok:
            raise CommandError(str(verdict), returncode=1)
        self.stdout.write(str(verdict))
        if verdict.checked:
            head = chain.AuditChainHead.objects.get(pk=chain.HEAD_PK)
            self.stdout.write(f"--expect {head.last_seq}:{head.last_hash}")
