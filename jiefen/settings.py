"""Settings for jiefen, read from the environment (see README for each variable)."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
# Keyed hash for matching ID numbers and phones without storing them searchable.
PERSONAL_DATA_HASH_KEY = os.environ.get("PERSONAL_DATA_HASH_KEY", SECRET_KEY)
# Encryption at rest of ID numbers and phones (jiefen.cases.personal): comma-separated Fernet keys, the first
# encrypts, all decrypt. Rotation: put a new key first, run `manage.py rotate_personal_data`, then drop the old
# one. Unset, a key is derived from SECRET_KEY (development only; production settings require the variable).
PERSONAL_DATA_KEYS = [k.strip() for k in os.environ.get("PERSONAL_DATA_KEYS", "").split(",") if k.strip()]
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "jiefen.org",
    "jiefen.clocks",
    "jiefen.cases",
    "jiefen.audit",
    "jiefen.leadership",
    "jiefen.notify",
    "jiefen.duty",
    "jiefen.routing",
    "jiefen.grid",
    "jiefen.warning",
    "jiefen.figures",
    "jiefen.portal",
    "jiefen.api",
    "jiefen.excel",
    "jiefen.accounts",
    # The top of the house (STYLE.md §13): demo and synthetic data, and operations commands; no app imports them.
    "jiefen.demo",
    "jiefen.ops",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside everything that may answer before the API does (inside the headers set on every answer): under /api/
    # every error is JSON.
    "jiefen.api.middleware.ApiJsonErrorsMiddleware",
    "jiefen.audit.context.AuditContextMiddleware",
    # Every request through an API token audited under the token's name (inside the audit context: its address).
    "jiefen.api.middleware.ApiTokenAuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jiefen.accounts.middleware.SessionTimeoutMiddleware",
    "jiefen.accounts.middleware.OTPRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: refuses roles the access policy (jiefen/policy.py) does not allow, and URLs it does not list.
    "jiefen.policy.PolicyMiddleware",
]

ROOT_URLCONF = "jiefen.urls"
WSGI_APPLICATION = "jiefen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiefen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiefen.notify.context_processors.unread_notifications",
                "jiefen.org.context_processors.authz_flags",
                "jiefen.policy.menu",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL is chosen with DATABASE_URL.
_default_db = f"sqlite:///{BASE_DIR / 'var' / 'jiefen.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + synchronous=FULL: an acknowledged write survives a crash (DESIGN.md §4).
    # IMMEDIATE: take the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME")}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # On a 2-core server parallel plans cost more than they save for the list pages (see README, benchmark).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c max_parallel_workers_per_gather=0"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first: new and changed passwords are hashed with it; older PBKDF2 hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Lockout (jiefen.accounts): this many failures of one username from one address within the window lock that
# pair (never a whole address: a village shares one) for LOGIN_LOCKOUT seconds.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", str(15 * 60)))
LOGIN_LOCKOUT = int(os.environ.get("LOGIN_LOCKOUT", str(15 * 60)))
# One-time passwords (TOTP, django-otp) for leaders, directors, staff and superusers: required when true
# (production settings), optional otherwise; anyone who enrols a device is asked for codes from then on.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_TOTP_ISSUER = "解纷"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin may reset a device, never read its secret
# Sessions end after this many seconds without a request, and this many after login however busy.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Addresses or networks of reverse proxies whose X-Forwarded-For is believed (jiefen.audit.context); empty: none.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "jiefen" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Front-end packages come from npm at set-up (package.json); served by the app itself, never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "jiefen" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"
# Uploads (jiefen.cases.uploads): per file, and per submission. Stored under random names in MEDIA_ROOT, which
# is never served directly: files are handed out by views that check access.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_MAX_FILES = int(os.environ.get("UPLOAD_MAX_FILES", str(5)))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Content-Security-Policy (django-csp 4): scripts only from our own static files, no inline scripts or handlers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# A deadline within this many days is flagged "due soon" (临期) on every list.
DUE_SOON_DAYS = int(os.environ.get("DUE_SOON_DAYS", "3"))
CASES_PER_PAGE = 25

# Outside channels for notifications, {channel: backend class} (jiefen/notify/backends.py); console by default.
NOTIFY_BACKENDS = {
    "sms": os.environ.get("NOTIFY_SMS_BACKEND", "jiefen.notify.backends.ConsoleBackend"),
    "email": os.environ.get("NOTIFY_EMAIL_BACKEND", "jiefen.notify.backends.ConsoleBackend"),
}
# A delivery still failing after this many attempts is given up (and shown as failed in the admin).
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
