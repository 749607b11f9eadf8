"""Making, checking and revoking API tokens (each change one audit record)."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.audit.records import record
from jiefen.cases.actions import ActionError

from .models import ApiToken, Scope

TOKEN_PREFIX = "jf_"


def _digest(raw):
    # The token carries 256 random bits: a plain SHA-256 is enough, no slow hash needed.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_api_token(user, *, name, scopes, created_by=None):
    """Make a token acting as `user`; return (token row, the token itself, to be shown once)."""
    name = (name or "").strip()
    if not name:
        raise ActionError(_("请填写令牌名称"), field="name")
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ActionError(_("权限只能是：%(all)s") % {"all": "、".join(Scope.values)}, field="scopes")
    if not user.is_active or user.unit_id is None:
        raise ActionError(_("令牌代表的账号必须在用并归属单位"), field="user")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, user=user, scopes=sorted(set(scopes)), token_hash=_digest(raw), prefix=raw[:10],
        created_by=created_by,
    )
    record(created_by, "api.token_create", token, user=user.username, scopes=token.scopes)
    return token, raw


@transaction.atomic
def do_revoke_api_token(token, *, revoked_by=None):
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        token.refresh_from_db(fields=["revoked_at"])
        record(revoked_by, "api.token_revoke", token)
    return token


def authenticate(raw):
    """The live token for `raw`, or None; notes when it was last used."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user__unit").filter(token_hash=_digest(raw), revoked_at__isnull=True).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Bookkeeping, not a business change: at most one write a minute per token.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
