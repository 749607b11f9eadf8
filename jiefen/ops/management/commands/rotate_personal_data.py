"""Re-encrypt every stored ID number and phone under the current key, and optionally recompute their keyed hashes.

Key rotation (README, "Personal data"): 1. put the new Fernet key first in PERSONAL_DATA_KEYS, keeping the old one
after it; 2. run this command; 3. drop the old key. To change PERSONAL_DATA_HASH_KEY, set the new one and run this
command with --rehash: hashes are recomputed from the decrypted values.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from jiefen.cases.fields import EncryptedCharField
from jiefen.cases.personal import keyed_hash

BATCH = 2000


class Command(BaseCommand):
    help = "用当前密钥重新加密身份证号、电话号码（密钥轮换）；--rehash 同时重算匹配用的散列值"

    def add_arguments(self, parser):
        parser.add_argument("--rehash", action="store_true", help="按当前 PERSONAL_DATA_HASH_KEY 重算散列值")

    def handle(self, *args, rehash, **options):
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
            if not fields:
                continue
            hashed = [f for f in fields if rehash and _has_field(model, f"{f}_hash")]
            done = self._rotate(model, fields, hashed)
            self.stdout.write(f"{model._meta.label}: {done} 行已重新加密" + ("，散列已重算" if hashed else ""))

    def _rotate(self, model, fields, hashed):
        done, last = 0, 0
        while True:
            with transaction.atomic():
                # Read (decrypting with any configured key) and write back (encrypting with the first key).
                rows = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
                if not rows:
                    return done
                for row in rows:
                    for name in hashed:
                        setattr(row, f"{name}_hash", keyed_hash(getattr(row, name)))
                model.objects.bulk_update(rows, fields + [f"{n}_hash" for n in hashed])
            done += len(rows)
            last = rows[-1].pk


def _has_field(model, name):
    return any(f.name == name for f in model._meta.concrete_fields)
