"""ID numbers and phone numbers: validation (GB 11643), keyed hashing for matching, masking for display,
encryption at rest."""

import base64
import functools
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def clean_id_number(value):
    """Return the canonical 18-character ID number, or raise ValidationError with a message in Chinese."""
    value = (value or "").strip().upper().replace(" ", "")
    if not value:
        return ""
    # GB 11643: 17 digits and a check digit. Region codes are not checked against stdnum's table: it knows only
    # codes valid in the birth year, and many older residents' codes were renamed since.
    try:
        value = ric.compact(value)
        if len(value) != 18:
            raise InvalidLength()
        if not value[:-1].isdigit():
            raise InvalidFormat()
        ric.get_birth_date(value)
        if ric.calc_check_digit(value) != value[-1]:
            raise InvalidChecksum()
        return value
    except InvalidLength:
        raise ValidationError(_("身份证号应为18位"), code="length")
    except InvalidChecksum:
        raise ValidationError(_("身份证号校验位不正确，请核对后重新输入"), code="checksum")
    except InvalidComponent:
        raise ValidationError(_("身份证号中的出生日期无效"), code="component")
    except InvalidFormat:
        raise ValidationError(_("身份证号格式不正确，只能包含数字和末位X"), code="format")


def clean_phone(value):
    value = re.sub(r"[\s()]", "", value or "")
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("电话号码格式不正确，请输入11位手机号或带区号的固定电话"), code="phone")
    return value


def keyed_hash(value):
    if not value:
        return ""
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_id_number(value):
    return f"{value[:3]}***********{value[-4:]}" if value else ""


def mask_phone(value):
    if not value:
        return ""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 8 else "****"


def mask_name(name):
    """For a whistleblower shown to those who may not know who they are: only the surname."""
    return f"{name[0]}**" if name else ""


# ---- Encryption at rest (DESIGN.md §4) ----
# Fernet (AES-128-CBC + HMAC-SHA256, random IV): the same number encrypts differently each time, so nothing can
# be matched on the ciphertext; matching uses keyed_hash above. MultiFernet decrypts with any configured key and
# encrypts with the first, which is what key rotation needs.

def _fernet():
    return _fernet_for(tuple(settings.PERSONAL_DATA_KEYS), settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _fernet_for(keys, secret_key):
    keys = keys or (_development_key(secret_key),)
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured("PERSONAL_DATA_KEYS must be Fernet keys (Fernet.generate_key())") from error


def _development_key(secret_key):
    digest = hashlib.sha256(b"jiefen personal data:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def encrypt(value):
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token):
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # Never show ciphertext or guess: the key that wrote this value is not configured.
        raise ImproperlyConfigured("a personal-data value cannot be decrypted with PERSONAL_DATA_KEYS") from None


def reencrypt(token):
    """The same value under the first (current) key."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def encrypt_plain_columns(connection, table, columns, batch=5000):
    """Encrypt, in place, values a table holds in plain text (for migrations that turn a column into an
    EncryptedCharField). Raw SQL: the model field would try to decrypt them."""
    quoted = connection.ops.quote_name(table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT id, {cols} FROM {quoted} WHERE id > %s ORDER BY id LIMIT {int(batch)}", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            changed = [(*(encrypt(v or "") for v in values), pk) for pk, *values in rows if any(values)]
            if changed:
                cursor.executemany(f"UPDATE {quoted} SET {sets} WHERE id = %s", changed)
