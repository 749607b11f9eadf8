"""ID numbers and phone numbers: validation (GB 11643), keyed hashing for matching, masking for display."""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
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
