"""Production settings: the base settings, hardened. Select with DJANGO_SETTINGS_MODULE=jiefen.settings_production.

Required in the environment: SECRET_KEY, ALLOWED_HOSTS, PERSONAL_DATA_KEYS (see README). Behind a TLS-terminating
reverse proxy, list it in TRUSTED_PROXIES: X-Forwarded-Proto and X-Forwarded-For are then believed from it.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *
from .settings import TRUSTED_PROXIES, env_bool


def required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production (see README)")
    return value


DEBUG = False
SECRET_KEY = required("SECRET_KEY")
PERSONAL_DATA_HASH_KEY = os.environ.get("PERSONAL_DATA_HASH_KEY", SECRET_KEY)
PERSONAL_DATA_KEYS = [k.strip() for k in required("PERSONAL_DATA_KEYS").split(",") if k.strip()]
ALLOWED_HOSTS = [h.strip() for h in required("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if "*" not in h]

OTP_REQUIRED = env_bool("OTP_REQUIRED", True)

SECURE_SSL_REDIRECT = True
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
