"""Settings shared by every environment. Everything a deployment changes comes from the environment.

Documented in docs/configuration.md. Keys never live in the database or in git: see core/keys.py.
"""

import os
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent  # src/standtogether
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("STANDTOGETHER_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "standtogether.core",
    "standtogether.taxonomy",
    "standtogether.partners",
    "standtogether.cases",
    "standtogether.intake",
    "standtogether.diary",
    "standtogether.staff",
    "standtogether.notify",
    "standtogether.languages",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "standtogether.core.middleware.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "standtogether.staff.sessions.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "standtogether.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "standtogether.wsgi.application"

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
                "csp.context_processors.nonce",
                "standtogether.core.context.site",
            ],
        },
    }
]

# SQLite file under var/ by default; PostgreSQL (or another) through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'standtogether.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue (busy timeout) instead of failing half-way through a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared between gunicorn workers: rate-limit counters must be seen by every worker.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "standtogether_cache",
    }
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_NAME = "st_session"
CSRF_COOKIE_NAME = "st_csrf"
CSRF_FAILURE_VIEW = "standtogether.core.views.csrf_failure"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "/staff/login/"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff sessions (staff/sessions.py): MFA always, idle timeout and an absolute limit.
STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", 30))
STAFF_ABSOLUTE_HOURS = int(os.environ.get("STAFF_ABSOLUTE_HOURS", 12))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Stand Together")
# Lockout after repeated failed sign-ins to one account (django-axes). Staff routes only: the public side
# never records an address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# Languages offered are configuration (LANGUAGES_OFFERED, comma-separated codes). Each is named in its
# own script so a person finds theirs without reading English.
ALL_LANGUAGES = {
    "en": "English",
    "ar": "العربية",
    "ur": "اردو",
    "ps": "پښتو",
    "fa": "فارسی",
    "pa": "ਪੰਜਾਬੀ",
    "gu": "ગુજરાતી",
    "bn": "বাংলা",
    "pl": "Polski",
    "ro": "Română",
    "bg": "Български",
    "pt": "Português",
    "uk": "Українська",
}
RTL_LANGUAGES = {"ar", "ur", "ps", "fa"}
LANGUAGE_CODE = "en"
LANGUAGES = [
    (code, ALL_LANGUAGES[code])
    for code in env_list("LANGUAGES_OFFERED", ",".join(ALL_LANGUAGES))
    if code in ALL_LANGUAGES
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's status (machine draft or community reviewed, by whom, when): a data file kept in git
# beside the catalogues it describes (languages/status.py, docs/translation/README.md).
LANGUAGE_STATUS_FILE = Path(
    os.environ.get("LANGUAGE_STATUS_FILE", BASE_DIR / "partners" / "data" / "languages.json")
)
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/London"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Evidence lives outside every web root, encrypted, under random names (core/evidence_store.py).
EVIDENCE_DIR = Path(os.environ.get("EVIDENCE_DIR", VAR_DIR / "evidence"))
KEYS_FILE = Path(os.environ.get("KEYS_FILE", VAR_DIR / "keys.json"))

# Uploads: checked by content in intake/uploads.py. Bigger requests are refused before parsing.
UPLOAD_MAX_FILE_BYTES = int(os.environ.get("UPLOAD_MAX_FILE_BYTES", 10 * 1024 * 1024))
UPLOAD_MAX_TOTAL_BYTES = int(os.environ.get("UPLOAD_MAX_TOTAL_BYTES", 40 * 1024 * 1024))
UPLOAD_MAX_FILES = int(os.environ.get("UPLOAD_MAX_FILES", 10))
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", 40_000_000))
UPLOAD_MAX_PDF_PAGES = int(os.environ.get("UPLOAD_MAX_PDF_PAGES", 50))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
FILE_UPLOAD_PERMISSIONS = 0o600

# Importing partner records from CSV (intake/importing.py, docs/import.md). The web upload stays within
# FILE_UPLOAD_MAX_MEMORY_SIZE, so an uploaded file is never written to disk unencrypted.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", FILE_UPLOAD_MAX_MEMORY_SIZE))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 5000))
IMPORT_MAPS_DIR = Path(os.environ.get("IMPORT_MAPS_DIR", BASE_DIR / "intake" / "data" / "import_maps"))
IMPORT_PENDING_MINUTES = int(os.environ.get("IMPORT_PENDING_MINUTES", 30))

# The reporting journey (intake/journey.py).
DRAFT_LIFETIME_HOURS = int(os.environ.get("DRAFT_LIFETIME_HOURS", 72))
SUBMIT_MIN_SECONDS = int(os.environ.get("SUBMIT_MIN_SECONDS", 8))
RATE_LIMITS = {
    # name: (max events, window seconds)
    "submit": (int(os.environ.get("RATE_SUBMIT_PER_HOUR", 20)), 3600),
    "track": (10, 900),
    "track_reference": (5, 900),
    "resume": (10, 900),
    "upload": (60, 3600),
}
# The private incident diary (diary/, docs/security.md "Diary"). The passphrase key is derived with
# Argon2id under these costs, tuned so that opening a diary takes 150-400 ms here (bench/diary_kdf.py,
# figures in bench/README.md). Each diary keeps the costs it was sealed with and is re-sealed under the
# current ones when next opened. Unused diaries are deleted after DIARY_UNUSED_DAYS (a warning shows on a
# visit within DIARY_WARNING_DAYS of that date); an open diary locks after DIARY_IDLE_MINUTES idle.
DIARY_KDF = {
    "time_cost": int(os.environ.get("DIARY_KDF_TIME_COST", 3)),
    "memory_cost": int(os.environ.get("DIARY_KDF_MEMORY_KIB", 64 * 1024)),
    "parallelism": int(os.environ.get("DIARY_KDF_PARALLELISM", 1)),
}
DIARY_UNUSED_DAYS = int(os.environ.get("DIARY_UNUSED_DAYS", 730))
DIARY_WARNING_DAYS = int(os.environ.get("DIARY_WARNING_DAYS", 60))
DIARY_IDLE_MINUTES = int(os.environ.get("DIARY_IDLE_MINUTES", 15))
DIARY_MAX_ENTRIES = int(os.environ.get("DIARY_MAX_ENTRIES", 500))
RATE_LIMITS.update(
    {
        "diary_open": (10, 900),  # wrong code or passphrase, per client key
        "diary_open_diary": (5, 900),  # wrong passphrase, per diary (whoever is guessing)
        "diary_create": (10, 3600),
    }
)
# Background work (notifications, clocks): django-tasks with its database backend; `manage.py db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Messages to reporters (notify/). Email through Django's SMTP backend; SMS through a pluggable backend
# (default: files under var/sms/, one per message, for a partnership to wire to its SMS provider).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Stand Together <no-reply@example.org>")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "standtogether.notify.sms.FileBackend")
SMS_DIR = Path(os.environ.get("SMS_DIR", VAR_DIR / "sms"))
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The public address printed on posters, guides and paper forms and in their QR codes
# (<SITE_URL>/<lang>/report/). Paper outlives a deployment: set it to the address people will type.
SITE_URL = (os.environ.get("STANDTOGETHER_SITE_URL") or PUBLIC_BASE_URL).rstrip("/")
# Generated PDFs (intake/printed.py, `manage.py build_print`): public material, kept outside web roots.
PRINT_ROOT = Path(os.environ.get("PRINT_ROOT", VAR_DIR / "print"))

# Staff security keys and passkeys (WebAuthn through django-otp-webauthn): a second factor after the
# password, beside the authenticator app (which stays mandatory). A key is bound to the relying-party id,
# the domain staff sign in at: changing it means everyone adds their keys again. Origins are the exact
# scheme://host[:port] the staff pages are served from. Both default to PUBLIC_BASE_URL's; an IP address
# cannot be a relying-party id, so development at 127.0.0.1 uses keys at http://localhost:<port>.
_public = urlsplit(PUBLIC_BASE_URL)
_public_host = _public.hostname or "localhost"
if _public_host in {"127.0.0.1", "::1"}:
    _public_host = "localhost"
_public_origin = f"{_public.scheme}://{_public_host}" + (f":{_public.port}" if _public.port else "")
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", _public_host)
OTP_WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "Stand Together")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", _public_origin)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a key replaces the code, never the password
OTP_WEBAUTHN_TIMEOUT_SECONDS = int(os.environ.get("WEBAUTHN_TIMEOUT_SECONDS", 300))

# Victims' Code clocks (cases/clocks.py), in working days unless named *_days. Local standards vary:
# configure per partnership.
WORKING_DAY_REGION = (
    os.environ.get("WORKING_DAY_COUNTRY", "GB"),
    os.environ.get("WORKING_DAY_SUBDIV", "ENG"),
)
# Retention after a case closes, by classification (days). Non-crime hate incident rules are changing in
# England (2023 code of practice, 2026 review): what is kept and for how long is policy, set here.
# After the period the personal and free-text fields are erased; the counting fields stay for statistics.
RETENTION_DAYS = {
    "crime": int(os.environ.get("RETAIN_CRIME_DAYS", 6 * 365)),
    "incident": int(os.environ.get("RETAIN_INCIDENT_DAYS", 365)),
    "not-hate": int(os.environ.get("RETAIN_NOT_HATE_DAYS", 90)),
    "": int(os.environ.get("RETAIN_UNCLASSIFIED_DAYS", 365)),
}
# Keep the identity of the reporter of a non-crime hate incident at all once it is classified?
NON_CRIME_KEEP_IDENTITY = env_bool("NON_CRIME_KEEP_IDENTITY", False)
RISK_QUESTIONS_FILE = os.environ.get("RISK_QUESTIONS_FILE", "")
CLOCKS = {
    "first_contact": int(os.environ.get("CLOCK_FIRST_CONTACT", 1)),
    "support_referral": int(os.environ.get("CLOCK_SUPPORT_REFERRAL", 2)),
    "update_after_event": int(os.environ.get("CLOCK_UPDATE_AFTER_EVENT", 5)),
    "update_interval_days": int(os.environ.get("CLOCK_UPDATE_INTERVAL_DAYS", 14)),
    "concern_response": int(os.environ.get("CLOCK_CONCERN_RESPONSE", 1)),
    "reminder_hours": int(os.environ.get("CLOCK_REMINDER_HOURS", 4)),
}

# Where "Exit this page" takes a person: a neutral page that gives nothing away. A link the person
# follows, not something our pages load.
EXIT_PAGE_URL = os.environ.get("EXIT_PAGE_URL", "https://www.bbc.co.uk/weather")
PARTNERSHIP_NAME = os.environ.get("PARTNERSHIP_NAME", "Warwickshire Hate Crime Partnership")
REFERENCE_PREFIX = os.environ.get("REFERENCE_PREFIX", "WST")
# The accessibility statement (/<lang>/accessibility/): who answers requests for another format and
# reports of accessibility problems, how fast, and when the statement was last reviewed (YYYY-MM-DD).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "accessibility@example.org")
ACCESSIBILITY_CONTACT_PHONE = os.environ.get("ACCESSIBILITY_CONTACT_PHONE", "")
ACCESSIBILITY_REPLY_DAYS = int(os.environ.get("ACCESSIBILITY_REPLY_DAYS", 5))
ACCESSIBILITY_REVIEWED = date.fromisoformat(os.environ.get("ACCESSIBILITY_REVIEWED", "2026-11-29"))

# The map of reporting centres (/<lang>/centres/, partners/maps.py): district shapes (TopoJSON, one object
# of district polygons) and ward shapes (GeoJSON files `wards-<district code>.geo.json` beside it), drawn
# for the areas' ONS codes. Shapes from another source need their own attribution.
BOUNDARIES_FILE = Path(
    os.environ.get(
        "BOUNDARIES_FILE",
        BASE_DIR / "partners" / "data" / "boundaries" / "england-local-authority-districts-2013.topo.json",
    )
)
BOUNDARIES_ATTRIBUTION = os.environ.get(
    "BOUNDARIES_ATTRIBUTION",
    "Boundaries: Martin Chorley, UK-GeoJSON (CC BY 4.0). "
    "Contains Ordnance Survey data © Crown copyright and database right 2014.",
)
BOUNDARIES_LICENCE_URL = os.environ.get(
    "BOUNDARIES_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# Access features a reporting centre can list, in this order (codes from partners/centres.py).
CENTRE_ACCESS_FEATURES = env_list(
    "CENTRE_ACCESS_FEATURES", "step-free,hearing-loop,accessible-toilet,quiet-room,bsl"
)

# Strict CSP: our own origin only, scripts by nonce, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
# "same-origin", not "no-referrer": with no-referrer Chromium sends `Origin: null` on our own form posts,
# which CSRF origin checking must refuse. same-origin still sends nothing to any other site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Logs carry event names and ids, never free text, codes, IP addresses or user agents.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "standtogether.core.logs.ScrubFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # django.request would log the request line of every 4xx; the scrub filter removes request objects.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        # WeasyPrint (printed material) reports every layout step and font file at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
ADMINS: list[tuple[str, str]] = []
