"""Leadhunter settings: one module, read from environment variables.

Development defaults just work on a machine with local PostgreSQL and Redis. With
DEBUG off, the secure defaults switch on, so that `manage.py check --deploy` is clean
(tests/test_deploy_check.py proves it).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from leadhunter.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)  # development by default; production sets DEBUG=0
_DEV_SECRET = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    "django_htmx",
    "template_partials",
    # Two-factor authentication (R-SEC-1): TOTP devices and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "apps.core",
    "apps.accounts",
    "apps.audit",
    "apps.clients",
    "apps.assignments",
    "apps.prospects",
    "apps.callnotes",
    "apps.privacy",
    "apps.calling",
    "apps.appointments",
    "apps.retention",
    "apps.imports",
    "apps.hr",
    "apps.registers",
]

MIDDLEWARE = [
    # Outermost: CSP, Permissions-Policy and no-store on every response, error pages and
    # static files included (R-SEC-2).
    "apps.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # 503 instead of 500 when a view meets PostgreSQL or Redis away (R-JOB-1); failures in
    # the middleware below are caught by handler500 (leadhunter/urls.py).
    "apps.core.middleware.ServiceOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the session's user read from the cache (apps.accounts.cached, issue 16 #2).
    "apps.accounts.cached.CachedUserAuthenticationMiddleware",
    # The request's user is the acting user of account changes (apps/accounts/guards.py).
    "apps.accounts.guards.AccountGuardMiddleware",
    # request.user.otp_device: the device that verified this session, loaded only when the
    # session names one (so an agent without a device costs no query).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Idle and maximum session times (issue 15 #9); before the agreement check, so that an
    # ended session goes to the login page, not to the agreement page.
    "apps.accounts.middleware.SessionTimeoutMiddleware",
    "apps.accounts.middleware.ConfidentialityAgreementMiddleware",
    # R-SEC-1: staff who must use two-factor authentication reach nothing but its pages and
    # logout until this session is verified (apps.accounts.twofactor).
    "apps.accounts.middleware.TwoFactorMiddleware",
]

ROOT_URLCONF = "leadhunter.urls"
WSGI_APPLICATION = "leadhunter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data stores ------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leadhunter"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# While PostgreSQL restarts, a page answers 503 within seconds (apps.core.outage), not after
# the operating system's connect timeout.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3, minimum=1)
# The agent's hot path ("next", the call screen) runs its statements prepared, parsed and
# planned once per connection (apps.core.prepared); psycopg prepares nothing by itself.
# DB_PREPARED_STATEMENTS=0 for a pooler that cannot keep prepared statements.
if env_bool("DB_PREPARED_STATEMENTS", True):
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1  # never by itself; None refuses all
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    # The import path (COPY), the queue (SKIP LOCKED) and the constraints need PostgreSQL.
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL")
# The test database is named after the database in use, so that two checkouts testing at
# once on one server (parallel work, CI beside a developer) never share or drop each other's.
DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
    "TEST_DATABASE_NAME", f"test_{DATABASES['default']['NAME']}"
)

# R-SEC-3, issue 15 #11: two database roles. DATABASE_URL is the application's role (data
# rights only: no TRUNCATE, owns nothing, so it cannot ALTER TABLE or disable a trigger);
# DATABASE_OWNER_URL is the role that owns the schema and runs `migrate` (and `restore`,
# `flush`, `db_roles`): those commands swap to its credentials for their run
# (`apps.core.dbroles.as_owner`). Same database; only the user, password, host and port of
# the owner URL are used. Unset: one role does both (warned by `check --deploy`).
_owner_url = env_str("DATABASE_OWNER_URL", "")
DATABASE_OWNER: dict[str, object] | None = None
if _owner_url:
    _owner = dj_database_url.parse(_owner_url)
    DATABASE_OWNER = {key: _owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
# Seconds before a Redis that does not answer counts as away: the rate limits then count in
# the database and Celery tasks go to the outbox (apps.core.ratelimit, apps.core.enqueue).
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT", 2, minimum=1)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "leadhunter",
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
}
# Retry-After (seconds) of the 503 page shown while PostgreSQL or Redis is away (R-JOB-1).
SERVICE_UNAVAILABLE_RETRY_AFTER = env_int("SERVICE_UNAVAILABLE_RETRY_AFTER", 10, minimum=1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# R-SEC-1 (issue 15 #6): at least 12 characters for everyone, client users included (they
# open their own database of personal data too); Django's similarity check at its default
# 0.7 (its quick_ratio is loose: lower values refuse good passphrases that merely share
# letters with a long username); and apps.accounts.passwords, which refuses common passwords
# with digits or symbols added and the site's own name, offline. Only seed_demo bypasses
# these (its documented demo password).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"max_similarity": 0.7},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.passwords.GuessablePasswordValidator"},
]
# Words of this site a password may not be built on, and the letters a password must keep
# once the digits and symbols around it are taken off; an optional offline list of further
# breached passwords (one a line, .gz allowed), e.g. from a password-list download.
PASSWORD_CONTEXT_WORDS = ["leadhunter", "lead hunter", "leadhunters", "cooperatie", "coöperatie", "welkom", "welcome"]
PASSWORD_MIN_CORE = env_int("PASSWORD_MIN_CORE", 6, minimum=1)
PASSWORD_EXTRA_LIST = env_str("PASSWORD_EXTRA_LIST", "")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Language: Dutch first, English second ------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# "en" is shown in the British form (dates 27/11/2026, weeks from Monday): leadhunter/formats/en.
FORMAT_MODULE_PATH = ["leadhunter.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files are private: they are never served from a public URL, only read
    # by the import job and by permission-checked views.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# --- Security ---------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Django's cached_db sessions, their cache calls tolerant of Redis being away (issue 16 #2).
SESSION_ENGINE = "apps.accounts.cached"
# Issue 15 #9 (apps.accounts.middleware.SessionTimeoutMiddleware): staff sessions end after
# this long without a request and at the maximum age; client users may idle longer (their
# maximum is SESSION_COOKIE_AGE). The page warns SESSION_IDLE_WARNING_SECONDS before.
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
STAFF_SESSION_MAX_AGE_SECONDS = env_int("STAFF_SESSION_MAX_AGE_SECONDS", 10 * 3600, minimum=600)
CLIENT_SESSION_IDLE_SECONDS = env_int("CLIENT_SESSION_IDLE_SECONDS", 2 * 3600, minimum=60)
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", 5 * 60, minimum=30)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # one working day
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Behind our own TLS-terminating proxy, which appends the caller's address to
# X-Forwarded-For. Only that last entry is trusted (apps.core.net.client_ip); whatever a
# caller puts in the header themselves is ignored.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Failed logins per IP address per minute before the login pages and the token
# endpoint refuse for a while (password guessing).
LOGIN_ATTEMPTS_PER_MINUTE = env_int("LOGIN_ATTEMPTS_PER_MINUTE", 10, minimum=1)
# Per account (apps.accounts.throttle): this many failures in the window are free, then each
# failure makes the account's login wait BASE * 2^k seconds, at most CAP; a browser that has
# logged in to the account before is not held. The user is emailed once per window.
LOGIN_ACCOUNT_FREE_FAILURES = env_int("LOGIN_ACCOUNT_FREE_FAILURES", 5, minimum=1)
LOGIN_ACCOUNT_WINDOW = env_int("LOGIN_ACCOUNT_WINDOW", 15 * 60, minimum=60)
LOGIN_ACCOUNT_BACKOFF_BASE = env_int("LOGIN_ACCOUNT_BACKOFF_BASE", 2, minimum=1)
LOGIN_ACCOUNT_BACKOFF_CAP = env_int("LOGIN_ACCOUNT_BACKOFF_CAP", 300, minimum=1)
# Two-factor authentication (R-SEC-1, apps.accounts.twofactor): administrators, supervisors,
# board members (and so privacy officers) must verify every session with a TOTP code or a
# recovery code before anything else opens; agents too when OTP_REQUIRED_FOR_AGENTS is on.
# OTP_ISSUER names the account in the authenticator app. Wrong codes: at most
# OTP_FAILURES_PER_WINDOW per account in OTP_FAILURE_WINDOW seconds (429 beyond), on top of
# django-otp's own doubling delay per device after each failure.
OTP_REQUIRED_FOR_AGENTS = env_bool("OTP_REQUIRED_FOR_AGENTS", False)
OTP_ISSUER = env_str("OTP_ISSUER", "Leadhunter")
OTP_TOTP_ISSUER = OTP_ISSUER  # django-otp's name for it (the otpauth:// URL)
OTP_RECOVERY_CODES = env_int("OTP_RECOVERY_CODES", 10, minimum=4)
OTP_FAILURES_PER_WINDOW = env_int("OTP_FAILURES_PER_WINDOW", 5, minimum=1)
OTP_FAILURE_WINDOW = env_int("OTP_FAILURE_WINDOW", 15 * 60, minimum=60)

# --- Dialling (R-DIAL-1) -------------------------------------------------------------
# How a phone number on the agent's screen dials: {e164} (+31201234567) or {national}
# (0201234567) in a URI, e.g. "sip:{e164}@pbx.example", "callto:{e164}" or a softphone's scheme.
DIAL_URI_TEMPLATE = env_str("DIAL_URI_TEMPLATE", "tel:{e164}")
if not ("{e164}" in DIAL_URI_TEMPLATE or "{national}" in DIAL_URI_TEMPLATE) or ":" not in DIAL_URI_TEMPLATE:
    raise ImproperlyConfigured("DIAL_URI_TEMPLATE must be a URI holding {e164} or {national}, e.g. tel:{e164}")

# --- Email ------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a hanging mail server gives up: the privacy office sends some emails
# while a person waits for the page (an erasure's notices, a consent withdrawal).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Leadhunter <privacy@leadhunter.example>")

# --- REST API ---------------------------------------------------------------------
# Days an API token lives (apps.accounts.tokens); a password change or deactivation ends it sooner.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 30, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call gets 401 with "WWW-Authenticate: Token".
        "apps.core.api.TokenAuthentication",
        "apps.core.api.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.core.api.HasConfidentialityAgreement",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: DRF's browsable pages style with inline style="" attributes, which the
    # CSP refuses (R-SEC-2); the API is explored at /api/docs/ (Swagger UI).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    # DRF's scoped rates, counted by apps.core.ratelimit (Redis, or the database while it is away).
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.api.ScopedThrottle"],
    # Password guessing against the token endpoint, per IP address.
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("API_AUTH_RATE", "10/min")},
    # DRF's own reading of X-Forwarded-For for throttling: trust only our proxy's entry.
    "NUM_PROXIES": 1 if BEHIND_TLS_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Leadhunter API",
    "DESCRIPTION": "Client integrations and the agent workflow. Every object is scoped to the caller.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",  # self-hosted: the CSP allows no CDN (R-SEC-2)
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets are both called "kind": named apart in the schema.
    "ENUM_NAME_OVERRIDES": {
        "AppointmentKindEnum": "apps.appointments.models.AppointmentKind",
        "RequestKindEnum": "apps.privacy.models.RequestKind",
    },
}

# --- Guardian and auditlog --------------------------------------------------------
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no anonymous guardian user: the public gets nothing by permission
# The access log holds the IP address (and forgets it after 4 weeks, R-RET-6); auditlog
# would take it from a header the caller controls.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_MASK_CALLABLE = "apps.audit.masking.mask_fully"

# --- Celery: one broker, one static beat schedule ---------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None  # results live in our own tables (import progress, job runs)
# A broker that does not answer is away after REDIS_TIMEOUT seconds (the request then puts
# its task in the outbox, apps.core.enqueue).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": REDIS_TIMEOUT}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
# The periodic jobs of the clock rules (SPEC §3, R-RET-1), one entry per rule with a
# descriptive key; each task's docstring (apps/retention/tasks.py) cites its rule. Times
# are Europe/Amsterdam, at night, one after another so that they do not compete.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # R-NTK-2: expired leases out of the queue, every 5 minutes.
    "expire-prospect-leases": {"task": "retention.lease_expiry", "schedule": crontab(minute="*/5")},
    # R-DEL-2: the daily backup first, so the day's deletions happen after it.
    "daily-database-backup": {"task": "retention.backup", "schedule": crontab(hour=1, minute=30)},
    # R-RET-3: delete persons not verified for 12 months.
    "purge-persons-unverified-12-months": {"task": "retention.person_purge", "schedule": crontab(hour=2, minute=30)},
    # R-RET-2: announce records not verified for 6 months to agents and supervisors.
    "flag-records-unverified-6-months": {
        "task": "retention.verification_flags",
        "schedule": crontab(hour=3, minute=0),
    },
    # R-RET-6: remove IP addresses older than 4 weeks.
    "remove-ip-addresses-after-4-weeks": {"task": "retention.ip_removal", "schedule": crontab(hour=3, minute=30)},
    # R-DEL-1, R-SEC-1: expired sessions out of django_session (what clearsessions does).
    "clear-expired-sessions-daily": {"task": "retention.session_cleanup", "schedule": crontab(hour=4, minute=20)},
    # R-JOB-1: Celery tasks a request could not hand to the broker (the outbox), sent again.
    "send-deferred-tasks-every-5-minutes": {"task": "retention.deferred_tasks_send", "schedule": crontab(minute="*/5")},
    # R-RET-6: rate counters kept in the database while Redis was away, once their window passed.
    "delete-expired-rate-counters-hourly": {"task": "retention.rate_counter_expiry", "schedule": crontab(minute=41)},
    # R-RET-1: the clock rules' own run records (counts only), kept JOB_RUN_KEEP_DAYS.
    "prune-job-run-records": {"task": "retention.job_run_prune", "schedule": crontab(hour=4, minute=45)},
}

# --- The clock rules: every period in one block (SPEC R-RET-4) --------------------
# Each is overridable by the environment variable of the same name prefixed
# LEADHUNTER_, e.g. LEADHUNTER_LEASE_MINUTES=20. See README "Retention periods".
LEADHUNTER_PERIODS = {
    "VERIFY_AFTER_MONTHS": env_int("LEADHUNTER_VERIFY_AFTER_MONTHS", 6, minimum=1),
    "PERSON_DELETE_AFTER_MONTHS": env_int("LEADHUNTER_PERSON_DELETE_AFTER_MONTHS", 12, minimum=1),
    "EMPLOYEE_KEEP_YEARS": env_int("LEADHUNTER_EMPLOYEE_KEEP_YEARS", 5, minimum=1),
    "APPLICANT_KEEP_YEARS": env_int("LEADHUNTER_APPLICANT_KEEP_YEARS", 1, minimum=1),
    "IP_KEEP_DAYS": env_int("LEADHUNTER_IP_KEEP_DAYS", 28, minimum=1),
    "LEASE_MINUTES": env_int("LEADHUNTER_LEASE_MINUTES", 30, minimum=1),
    "REQUEST_ANSWER_DAYS": env_int("LEADHUNTER_REQUEST_ANSWER_DAYS", 14, minimum=1),
    # Data-subject requests (R-DSR-2): how long the emailed confirmation link is valid
    # (an unconfirmed request is removed after it), and how many days before the 14-day
    # deadline the privacy officers are reminded of an open request.
    "REQUEST_CONFIRM_HOURS": env_int("LEADHUNTER_REQUEST_CONFIRM_HOURS", 48, minimum=1),
    "REQUEST_REMIND_DAYS_BEFORE": env_int("LEADHUNTER_REQUEST_REMIND_DAYS_BEFORE", 3, minimum=1),
    # Closed data-subject requests keep the requester's details this long after closing,
    # then they are blanked (issue 14 #4): the proof of the answer outlives the details.
    "REQUEST_KEEP_MONTHS": env_int("LEADHUNTER_REQUEST_KEEP_MONTHS", 12, minimum=1),
    "BACKUP_KEEP_DAYS": env_int("LEADHUNTER_BACKUP_KEEP_DAYS", 14, minimum=1),
    # The clock rules' run records (JobRun: rule, times, counts; no personal data).
    "JOB_RUN_KEEP_DAYS": env_int("LEADHUNTER_JOB_RUN_KEEP_DAYS", 400, minimum=1),
}
if LEADHUNTER_PERIODS["REQUEST_REMIND_DAYS_BEFORE"] >= LEADHUNTER_PERIODS["REQUEST_ANSWER_DAYS"]:
    raise ImproperlyConfigured("LEADHUNTER_REQUEST_REMIND_DAYS_BEFORE must be less than LEADHUNTER_REQUEST_ANSWER_DAYS")
# GDPR Art. 12(3): the legal maximum for answering a data-subject request. The law's, not
# ours: not configurable. Shown beside our own 14 days (SPEC §8).
REQUEST_LEGAL_MAX_MONTHS = 1
if LEADHUNTER_PERIODS["PERSON_DELETE_AFTER_MONTHS"] <= LEADHUNTER_PERIODS["VERIFY_AFTER_MONTHS"]:
    raise ImproperlyConfigured("LEADHUNTER_PERSON_DELETE_AFTER_MONTHS must exceed LEADHUNTER_VERIFY_AFTER_MONTHS")

# Where `manage.py backup` writes its pg_dump files (R-DEL-2); kept BACKUP_KEEP_DAYS.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
PG_DUMP = env_str("PG_DUMP", "/usr/bin/pg_dump")
PG_RESTORE = env_str("PG_RESTORE", "/usr/bin/pg_restore")

# The key of the keyed hashes on the suppression list and in the erasure ledger
# (apps.privacy.hashing). It must never change once data exists: set it explicitly in
# production, separately from SECRET_KEY, which may be rotated.
PRIVACY_HASH_KEY = env_str("PRIVACY_HASH_KEY", "development-privacy-hash-key" if DEBUG else "")
if not PRIVACY_HASH_KEY:
    raise ImproperlyConfigured("PRIVACY_HASH_KEY must be set when DEBUG is off")
if not DEBUG and len(PRIVACY_HASH_KEY) < 32:
    raise ImproperlyConfigured("PRIVACY_HASH_KEY must be at least 32 characters (a random secret)")

# The version of the processor agreement text a client accepts (SPEC §5).
PROCESSOR_AGREEMENT_VERSION = "2026-11"

# --- Data-subject requests: the public form and API (R-DSR-1, R-DSR-2) ---------------
# Rate limits in the cache (Redis), fixed windows: submissions per IP address per hour and
# per email address per hour; over either the form answers 429. Beyond the cap of
# confirmation emails to one address per 24 hours, nothing new is stored or sent, and the
# answer is the same as always (no enumeration, no mail bombing of a third party).
PRIVACY_REQUESTS_PER_IP_PER_HOUR = env_int("PRIVACY_REQUESTS_PER_IP_PER_HOUR", 10, minimum=1)
PRIVACY_REQUESTS_PER_EMAIL_PER_HOUR = env_int("PRIVACY_REQUESTS_PER_EMAIL_PER_HOUR", 5, minimum=1)
PRIVACY_CONFIRM_EMAILS_PER_DAY = env_int("PRIVACY_CONFIRM_EMAILS_PER_DAY", 3, minimum=1)
# Who answers questions about privacy (policy §10); shown on the privacy statement.
PRIVACY_CONTACT_NAME = env_str("PRIVACY_CONTACT_NAME", "Het bestuur van Coöperatie Leadhunter U.A.")
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "privacy@leadhunter.example")
PRIVACY_CONTACT_PHONE = env_str("PRIVACY_CONTACT_PHONE", "088-0039888")
PRIVACY_CONTACT_ADDRESS = env_str("PRIVACY_CONTACT_ADDRESS", "Goese Dieplaan 97, 4463 LA Goes")
# Another spelling of a requester's name, email or phone the privacy officer typed for a
# lookup: kept this many minutes after the last use outside the session store, and dropped
# when the request closes (apps.privacy.lookup_terms).
PRIVACY_LOOKUP_TERMS_MINUTES = env_int("PRIVACY_LOOKUP_TERMS_MINUTES", 60, minimum=1)
# Unconfirmed requests are removed hourly once their link has expired (R-DSR-2); the
# privacy officers are reminded daily of requests due soon or overdue.
CELERY_BEAT_SCHEDULE["privacy-remove-unconfirmed-requests-hourly"] = {
    "task": "retention.privacy_unconfirmed_expiry",
    "schedule": crontab(minute=23),
}
CELERY_BEAT_SCHEDULE["privacy-remind-officers-of-request-deadlines-daily"] = {
    "task": "retention.privacy_request_reminders",
    "schedule": crontab(hour=7, minute=0),
}

# R-NTK-3: active assignments whose end date has passed are set inactive (agents revoked) and
# their supervisors notified. Hourly, so a missed midnight costs an hour, not a day.
CELERY_BEAT_SCHEDULE["assignments-end-on-their-end-date-hourly"] = {
    "task": "retention.assignment_end",
    "schedule": crontab(minute=7),
}

# Issue 13 #1, R-RET-4: "send information" addresses are kept no longer than an unverified
# person (PERSON_DELETE_AFTER_MONTHS); daily, after the person purge.
CELERY_BEAT_SCHEDULE["delete-send-information-addresses-after-12-months"] = {
    "task": "retention.information_request_expiry",
    "schedule": crontab(hour=2, minute=50),
}

# --- Upload limits (R-IMP-6) -----------------------------------------------------------
# Checked before any parsing: the file size, then for .xlsx the number of zip entries and
# the sum of their uncompressed sizes (zip bombs), then rows and columns.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024, minimum=1)
IMPORT_MAX_ZIP_ENTRIES = env_int("IMPORT_MAX_ZIP_ENTRIES", 500, minimum=1)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100, minimum=1)
# Uploaded files not confirmed within this many hours are deleted (R-DEL-1).
IMPORT_UNCONFIRMED_KEEP_HOURS = env_int("IMPORT_UNCONFIRMED_KEEP_HOURS", 24, minimum=1)
CELERY_BEAT_SCHEDULE["imports-delete-unconfirmed-upload-files-hourly"] = {
    "task": "retention.upload_expiry",
    "schedule": crontab(minute=17),
}
# R-JOB-1: an import whose heartbeat is older than this many minutes has lost its worker
# (killed, or its database connection gone): a running one is failed and its file deleted,
# a queued one (the broker was down) is queued again. Checked every few minutes.
IMPORT_STALE_MINUTES = env_int("IMPORT_STALE_MINUTES", 10, minimum=1)
# A job redelivered after its worker was lost runs again, at most this many runs in all
# (a file that kills its worker must not loop for ever).
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 2, minimum=1)
CELERY_BEAT_SCHEDULE["imports-fail-or-requeue-stale-jobs"] = {
    "task": "retention.import_watchdog",
    "schedule": crontab(minute="*/5"),
}

# --- Logging ----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# R-RET-5: HR files, daily after the backup: employees 5 years after leaving,
# applicants 1 year after rejection (records and stored documents).
CELERY_BEAT_SCHEDULE["hr-delete-employee-files-5-years-after-leaving"] = {
    "task": "retention.employee_purge",
    "schedule": crontab(hour=4, minute=0),
}
CELERY_BEAT_SCHEDULE["hr-delete-applicants-1-year-after-rejection"] = {
    "task": "retention.applicant_purge",
    "schedule": crontab(hour=4, minute=10),
}
# R-REG-2: unreported breaches whose 72 hours end within a day, or have passed, are
# mailed to the privacy officers (once each), every 15 minutes.
CELERY_BEAT_SCHEDULE["registers-remind-breaches-72-hours"] = {
    "task": "retention.breach_deadline_reminder",
    "schedule": crontab(minute="*/15"),
}
# Issue 14 #6: affected clients not yet told of a breach within BREACH_CLIENT_INFORM_HOURS
# (the processor agreement's "without undue delay"): mailed to the privacy officers when
# the term ends within a quarter of it, and once it has passed; every 15 minutes.
BREACH_CLIENT_INFORM_HOURS = env_int("BREACH_CLIENT_INFORM_HOURS", 24)
CELERY_BEAT_SCHEDULE["registers-remind-breach-client-notices"] = {
    "task": "retention.breach_client_notice_reminder",
    "schedule": crontab(minute="7,22,37,52"),
}
# R-REG-1: processor agreements whose retention terms now exceed our own periods (after
# they were shortened) are mailed to the privacy officers, daily.
CELERY_BEAT_SCHEDULE["registers-check-subprocessor-terms-daily"] = {
    "task": "retention.subprocessor_terms_check",
    "schedule": crontab(hour=4, minute=20),
}
# R-HOLD-1: legal holds whose end date passed are ended, and the officers told, daily
# before the purges (a record whose hold ended is purged by the next run).
CELERY_BEAT_SCHEDULE["legal-holds-end-daily"] = {
    "task": "retention.legal_hold_expiry",
    "schedule": crontab(hour=1, minute=0),
}
# Issue 14 #8: sole traders' company data (personal data) unverified for 12 months, blanked.
CELERY_BEAT_SCHEDULE["sole-trader-companies-blank-unverified-12-months"] = {
    "task": "retention.sole_trader_company_blank",
    "schedule": crontab(hour=2, minute=40),
}
# Issue 14 #4: closed data-subject requests blanked REQUEST_KEEP_MONTHS after closing.
CELERY_BEAT_SCHEDULE["privacy-blank-closed-requests-daily"] = {
    "task": "retention.privacy_closed_request_blank",
    "schedule": crontab(hour=4, minute=30),
}
# Issue 14 #4: login accounts of staff whose leaving date has come are deactivated.
CELERY_BEAT_SCHEDULE["hr-deactivate-accounts-of-leavers-daily"] = {
    "task": "retention.leaver_accounts_deactivate",
    "schedule": crontab(hour=0, minute=15),
}
