"""Writing audit records. Every write path calls one of these inside the transaction of the change it records.

- record(actor, action, obj=None, *, result="ok", **details): the general form; `details` must be JSON-able
  (dates and decimals are turned into strings).
- record_export(user, what, count, **details): an export of personal or case data, e.g.
  record_export(user, "cases.xlsx", 120, filters={"status": "open"}). Call it when the file is produced.
- record_reveal(user, obj, field, **details): a masked ID number or phone shown in full, e.g.
  record_reveal(user, case, "id_number", party=party.pk). Never pass the revealed value itself.
- record_login(user_or_none, username, result, **details): a login attempt (accounts app); `result` is ok, failed
  or locked. The password never reaches this module.

Each record carries the client address of the current request (jiefen.audit.context), the API token it came
through if any (details "via"), and is appended to the hash chain (jiefen.audit.chain).
"""

import ipaddress
import json

from django.core.serializers.json import DjangoJSONEncoder

from . import chain
from .context import current_address, current_via
from .models import AuditRecord

_CLIPPED = ("action", "object_type", "object_ref", "result")
_FIELD_LIMITS = {name: AuditRecord._meta.get_field(name).max_length for name in _CLIPPED}


def _clip(name, value):
    return (value or "")[: _FIELD_LIMITS[name]]


def _address():
    value = current_address.get()
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def record(actor, action, obj=None, *, result="ok", **details):
    """Append one audit record; call inside the transaction of the change it records."""
    # Stored as the JSON the database gives back, so the hash computed now matches the one recomputed on verify.
    if (via := current_via.get()) and "via" not in details:
        details["via"] = via
    details = json.loads(json.dumps(details, cls=DjangoJSONEncoder))
    return chain.append(
        actor=actor if actor is not None and actor.is_authenticated else None,
        address=_address(),
        action=_clip("action", action),
        object_type=_clip("object_type", obj._meta.model_name if obj is not None else ""),
        object_ref=_clip("object_ref", str(obj) if obj is not None else ""),
        result=_clip("result", result),
        details=details,
    )


def record_export(user, what, count, **details):
    """An export (Excel, PDF pack, API bulk read) of `count` rows of `what`."""
    return record(user, "data.export", None, what=what, count=count, **details)


def record_reveal(user, obj, field, **details):
    """`field` ("id_number", "phone") of `obj` shown unmasked to `user`."""
    return record(user, "personal.reveal", obj, field=field, **details)


def record_login(user, username, result, **details):
    """A login attempt for `username` (as typed, clipped); `user` when the password was right."""
    return record(user, "auth.login", None, result=result, username=(username or "")[:150], **details)
