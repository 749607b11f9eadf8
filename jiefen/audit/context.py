"""The client address of the current request (and the API token it came through), for audit records written deep
in action functions.

The address is the direct peer (REMOTE_ADDR) unless that peer is one of settings.TRUSTED_PROXIES (addresses or
networks, e.g. the load balancer): only then is X-Forwarded-For believed, read from the right, skipping the trusted
proxies, so a client cannot choose its own address by sending the header.
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

current_address: ContextVar[str | None] = ContextVar("current_address", default=None)
# The API token the current request came through ("12345热线（jf_AbC12…）"), set by the API's authentication: every
# audit record written during the request names it (jiefen.audit.records), so a change through a token is told
# apart from the same account's own work.
current_via: ContextVar[str | None] = ContextVar("current_via", default=None)


def _ip(value):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(ip):
    networks = [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "TRUSTED_PROXIES", [])]
    return ip is not None and any(ip in network for network in networks)


def client_address(request):
    """The client's address as a string, or None when there is no valid one."""
    peer = _ip(request.META.get("REMOTE_ADDR"))
    if not _trusted(peer):
        return str(peer) if peer else None
    hops = [_ip(hop) for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop is None:
            break  # a garbled hop: what lies left of it cannot be trusted
        if not _trusted(hop):
            return str(hop)
    return str(peer)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_address.set(client_address(request))
        via = current_via.set(None)
        try:
            return self.get_response(request)
        finally:
            current_via.reset(via)
            current_address.reset(token)
