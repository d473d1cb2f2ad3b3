"""Django settings for Sanke.

Settings come only from the environment (``SANKE_*`` variables) through the small typed helpers
below, so one code base runs as the embedded laptop install (``make run``: SQLite, in-memory channel
layer, filesystem Celery broker) and as a production deployment (PostgreSQL, Redis, HTTPS).
``SANKE_ENV=production`` switches on the secure-cookie/HTTPS settings that ``check --deploy`` wants.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything this process creates is private to the account that runs it: the SQLite database and
# its -wal/-shm (session keys, personal data), the keys under var/keys, the Celery queue folders, media and
# the Janus configuration (its token secret). Setting the umask here, before anything opens a file, covers
# the files that libraries create themselves (SQLite, kombu), in production too: group and others get
# nothing, whatever the umask of the shell or service manager was.
os.umask(0o077)
VAR_DIR = Path(os.environ.get("SANKE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
try:  # an install made before the umask above keeps 0644 files: a private folder hides them all
    VAR_DIR.chmod(0o700)
except PermissionError:  # a folder someone else owns: its owner keeps it private
    pass


def env_str(name: str, default: str = "") -> str:
    """A string setting; ``NAME_FILE`` (a path) wins so secrets can come from files."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SANKE_ENV = env_str("SANKE_ENV", "development")
PRODUCTION = SANKE_ENV == "production"


# --- per-install secrets ---------------------------------------------------------------------------------
# No secret is committed. Production takes both keys from the environment (or *_FILE). Any other install
# generates them on first start under VAR_DIR/keys (folder 0700, files 0600) and reuses them, so a laptop
# install that listens on the LAN does not run on a key everyone who read the repository knows.
KEYS_DIR = VAR_DIR / "keys"


def install_secret(name: str, make) -> str:
    """The content of ``KEYS_DIR/name``, written by ``make()`` on first start.

    Two processes starting together (web server and worker) must end up with the same key: the value is
    written to a private temporary file and then hard-linked to its name, which fails if the name exists,
    so the loser reads the winner's complete file, never a half-written one.
    """
    KEYS_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    KEYS_DIR.chmod(0o700)
    path = KEYS_DIR / name
    if not path.exists():
        temporary = KEYS_DIR / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race: use its key
        finally:
            temporary.unlink()
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: restore it from the backup (or delete it on a new install)")
    return value


def env_keys(name: str) -> list[str]:
    """A list of keys: comma- or newline-separated, from ``NAME`` or the file named by ``NAME_FILE``."""
    return [key.strip() for key in env_str(name).replace(",", "\n").splitlines() if key.strip()]


_missing = [name for name in ("SANKE_SECRET_KEY", "SANKE_FIELD_KEY") if PRODUCTION and not env_str(name)]
if _missing:
    raise RuntimeError(
        f"SANKE_ENV=production needs {' and '.join(_missing)} (or {'/'.join(m + '_FILE' for m in _missing)}"
        "): long random values, kept apart and backed up; see docs/operations.md"
    )
SECRET_KEY = env_str("SANKE_SECRET_KEY") or install_secret("secret_key", lambda: secrets.token_urlsafe(50))
# Keys of the personal data encrypted at rest (national ids, phone numbers), apart from SECRET_KEY: the
# first encrypts and digests, the others only decrypt (kept after `manage.py rotate_field_key`). From
# SANKE_FIELD_KEY + SANKE_FIELD_KEYS_OLD, else from VAR_DIR/keys/field_keys (one key a line, current first).
# Losing them loses those fields: back them up.
if env_str("SANKE_FIELD_KEY"):
    SANKE_FIELD_KEYS = [env_str("SANKE_FIELD_KEY"), *env_keys("SANKE_FIELD_KEYS_OLD")]
    SANKE_FIELD_KEYS_FILE: Path | None = None
else:
    SANKE_FIELD_KEYS_FILE = KEYS_DIR / "field_keys"
    SANKE_FIELD_KEYS = install_secret("field_keys", lambda: secrets.token_urlsafe(32) + "\n").split()
SANKE_FIELD_KEY = SANKE_FIELD_KEYS[0]

# Off unless a developer asks (SANKE_DEBUG=1): `make run` on a LAN must never show Django's debug pages, which
# print settings and code; static files are served by WhiteNoise either way.
DEBUG = env_bool("SANKE_DEBUG", False)
ALLOWED_HOSTS = env_list("SANKE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("SANKE_CSRF_TRUSTED_ORIGINS")
# Behind a reverse proxy (nginx) the client address comes from X-Forwarded-For; trust it only then.
SANKE_TRUST_X_FORWARDED_FOR = env_bool("SANKE_TRUST_X_FORWARDED_FOR", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "axes",
    "sanke.core",
    "sanke.accounts",
    "sanke.org",
    "sanke.policy",
    "sanke.notifications",
    "sanke.supervision",
    "sanke.alliances",
    "sanke.timetable",
    "sanke.live",
    "sanke.recordings",
    "sanke.site",
]

MIDDLEWARE = [
    "sanke.core.uploads.BodySizeLimitMiddleware",  # refuses an oversized body before anything reads it
    "django.middleware.security.SecurityMiddleware",
    "sanke.core.methods.PageMethodsMiddleware",  # pages take GET and POST only
    "sanke.core.api.ApiNotFoundAsJsonMiddleware",  # an unknown /api/ path answers JSON
    "sanke.core.middleware.SecurityHeadersMiddleware",  # CSP on every response, no-store on personal pages
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sanke.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanke.core.middleware.RequestContextMiddleware",
    "sanke.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sanke.urls"
ASGI_APPLICATION = "sanke.asgi.application"
WSGI_APPLICATION = "sanke.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanke" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanke.site.context_processors.navigation",
            ],
        },
    }
]

# --- database: SQLite (WAL) under ./var by default, PostgreSQL with SANKE_DATABASE_URL ---------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("SANKE_DATABASE_URL")
if DATABASE_URL:
    # No persistent connections: under ASGI each request runs its synchronous code in a thread of its own,
    # and a connection kept per thread outlives the thread: several workers under load reached PostgreSQL's
    # max_connections ("too many clients", bench/pages.py). Django's documentation says the same for ASGI.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    # SANKE_DB_POOL_SIZE (set for the web processes, docs/operations.md): a pool per process (psycopg's,
    # through Django) lends connections to the request threads: no connect per request, and at most that
    # many connections per process. Not for Celery's prefork worker: a pool opened before a fork is shared.
    _pool_size = env_int("SANKE_DB_POOL_SIZE", 0)
    if _pool_size > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": _pool_size,
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "sanke.sqlite3",
            # WAL: readers never wait for the writer. One writer at a time holds the write lock, and a
            # login writes (session, last login): a writer waits up to busy_timeout for it. Writes are
            # kept short — imports check every row first and then write in bulk (10,000 roster rows hold
            # the lock ~1.7 s, bench/imports.py) — so 5 s leaves a wide margin.
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
        }
    }

# --- realtime and background jobs ----------------------------------------------------------------------
REDIS_URL = env_str("SANKE_REDIS_URL")
# Redis pub/sub (the default with Redis): a group message crosses Redis once per server process and is fanned
# out in memory, which is what a lesson broadcast needs; delivery is at most once, and lesson clients
# recover any gap by asking for the missing event numbers. "core" is channels-redis's list-based layer
# (per-channel queues with a capacity). See docs/decisions/0010-realtime-path.md.
CHANNEL_LAYER_KIND = env_str("SANKE_CHANNEL_LAYER", "pubsub")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": {
                "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "core": "channels_redis.core.RedisChannelLayer",
            }[CHANNEL_LAYER_KIND],
            # redis-py caps an asyncio pool at 100 connections and fails at once beyond it (a mass
            # reconnect of classrooms reaches that); the core layer's inbox drops messages past 100.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 2000}]}
            | ({"capacity": 1000} if CHANNEL_LAYER_KIND == "core" else {}),
        }
    }
elif env_int("SANKE_WEB_WORKERS", 1) > 1:
    # Several web processes without Redis (`make run`): group messages cross between the processes of
    # this machine through Unix sockets in the var directory (docs/decisions/0015-several-web-processes.md).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "sanke.core.socket_layer.UnixSocketChannelLayer",
            "CONFIG": {"directory": str(VAR_DIR / "channels")},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env_str("SANKE_CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "polling_interval": 0.1,  # the filesystem transport polls; 1 s default made every task wait
    }
CELERY_RESULT_BACKEND = env_str(
    "SANKE_CELERY_RESULT_BACKEND", REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
)
(VAR_DIR / "celery" / "results").mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("SANKE_CELERY_EAGER", False)
CELERY_TIMEZONE = "Asia/Shanghai"
# Periodic jobs, run by the worker's embedded beat (`celery worker --beat` in the Procfile).
CELERY_BEAT_SCHEDULE = {
    "mark-missed-lessons": {"task": "live.mark_missed_lessons", "schedule": 300.0},
    # media rooms of lessons off air are destroyed, unknown feeds kicked from live ones (live/media/rooms.py)
    "sweep-media-rooms": {"task": "live.sweep_media_rooms", "schedule": 60.0},
    # background jobs whose message or worker was lost are sent again (core/jobs.py)
    "sweep-lost-jobs": {"task": "core.sweep_lost_jobs", "schedule": 60.0},
    # lessons are folded into the indicators on commit; this catches a fold that failed (supervision/hooks.py)
    "fold-recent-lessons": {"task": "supervision.fold_recent_lessons", "schedule": 600.0},
    # Monday morning, school time: each school's early warnings of the week before (supervision/actions.py)
    "warning-digests": {
        "task": "supervision.send_warning_digests",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
    },
    # indicator sums go up to the city or province deployment, if one is configured (supervision/sending.py)
    "send-rollup": {"task": "supervision.send_rollup", "schedule": 900.0},
}
# A job waiting this long for a worker is sent again; one running without progress this long lost its worker
# (an import reports every few hundred rows, a co-scheduling run at least once per solver time limit).
SANKE_JOB_QUEUED_GRACE_SECONDS = env_int("SANKE_JOB_QUEUED_GRACE_SECONDS", 120)
SANKE_JOB_STALE_SECONDS = env_int("SANKE_JOB_STALE_SECONDS", 600)
# The upper deployment this one sends its indicator sums to (decision 0018); no default: unset = not sent.
SANKE_ROLLUP_URL = env_str("SANKE_ROLLUP_URL").rstrip("/")
SANKE_ROLLUP_KEY = env_str("SANKE_ROLLUP_KEY")
SANKE_ROLLUP_RESEND_DAYS = env_int("SANKE_ROLLUP_RESEND_DAYS", 7)
# Transcoding has its own queue, so a long video never holds up imports and scheduling (the worker of
# `make run` consumes both; production runs dedicated transcode workers: `celery worker -Q transcode`).
CELERY_TASK_ROUTES = {
    "recordings.transcode": {"queue": "transcode"},
    "recordings.recover_transcodes": {"queue": "transcode"},
}
CELERY_BEAT_SCHEDULE["recover-transcodes"] = {"task": "recordings.recover_transcodes", "schedule": 60.0}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# --- live lessons: media backend -------------------------------------------------------------------------
# Django is only the control plane of live media: it creates and destroys a Janus VideoRoom per lesson over
# Janus' HTTP API (SANKE_JANUS_URL, e.g. http://127.0.0.1:8088/janus); browsers send media to Janus over
# SANKE_JANUS_WS_URL (e.g. ws://127.0.0.1:8188/). Without Janus, lessons use a peer-to-peer star.
# Several instances (production): comma-separated lists in the same order; each lesson is placed on one
# instance (lesson number modulo the count), so load spreads and a lesson's room lives on one server.
SANKE_JANUS_URLS = [url.strip().rstrip("/") for url in env_list("SANKE_JANUS_URL")]
SANKE_JANUS_WS_URLS = env_list("SANKE_JANUS_WS_URL")
if len(SANKE_JANUS_URLS) != len(SANKE_JANUS_WS_URLS) and SANKE_JANUS_WS_URLS:
    raise RuntimeError("SANKE_JANUS_URL and SANKE_JANUS_WS_URL must list the same number of instances")
SANKE_JANUS_URL = SANKE_JANUS_URLS[0] if SANKE_JANUS_URLS else ""
SANKE_JANUS_WS_URL = SANKE_JANUS_WS_URLS[0] if SANKE_JANUS_WS_URLS else ""
SANKE_JANUS_API_SECRET = env_str("SANKE_JANUS_API_SECRET")


# Janus' signed tokens (token_auth_secret): every request to Janus, the browsers' included, carries a token
# that the platform signed, for the VideoRoom plugin, valid until the lesson's end; the VideoRoom admin_key
# lets only the platform create rooms. Both derive from the secret key unless set; `manage.py janus_config`
# writes them into the Janus configuration, and every Janus instance must carry the same values.
def _derived_hex(label: str) -> str:
    """``sanke.core.keys.derived_hex(label)``, which settings cannot import: the same labelled HMAC."""
    key = hmac.new(SECRET_KEY.encode(), b"sanke-derived:" + label.encode(), hashlib.sha256).digest()
    return key.hex()


SANKE_JANUS_TOKEN_SECRET = env_str("SANKE_JANUS_TOKEN_SECRET") or _derived_hex("janus-token-secret")
SANKE_JANUS_ADMIN_KEY = env_str("SANKE_JANUS_ADMIN_KEY") or _derived_hex("janus-admin-key")
# "auto": Janus when SANKE_JANUS_URL is set and answers, else p2p; "janus" or "p2p" force one.
SANKE_MEDIA_BACKEND = env_str("SANKE_MEDIA_BACKEND", "auto").strip().lower()
if SANKE_MEDIA_BACKEND not in {"auto", "janus", "p2p"}:
    raise RuntimeError("SANKE_MEDIA_BACKEND must be auto, janus or p2p")
if SANKE_MEDIA_BACKEND == "janus" and not SANKE_JANUS_URL:
    raise RuntimeError("SANKE_MEDIA_BACKEND=janus needs SANKE_JANUS_URL")
# RTCPeerConnection iceServers handed to browsers: a JSON list such as
# [{"urls": "turn:turn.example.edu.cn:3478", "username": "u", "credential": "p"}]. Empty on a LAN.
SANKE_ICE_SERVERS = json.loads(env_str("SANKE_ICE_SERVERS", "[]") or "[]")
if not isinstance(SANKE_ICE_SERVERS, list):
    raise RuntimeError("SANKE_ICE_SERVERS must be a JSON list")

# --- authentication and security --------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "sanke.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "sanke.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SANKE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("SANKE_LOGIN_LOCKOUT_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Lock by account, not by address: a whole school often shares one NAT address, and five typos by
# five teachers must not lock out the school. (axes.W006 warns about exactly this choice.)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session expires after N minutes without a request (sliding expiry).
SESSION_COOKIE_AGE = env_int("SANKE_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SANKE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SANKE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SANKE_HSTS_PRELOAD", True)

# --- internationalisation: Chinese first, English available -----------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sanke" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "sanke" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "sanke.core.staticfiles.ManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION  # an edited module is served as edited, DEBUG or not
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Upload limits (sanke/core/uploads.py), checked before a body or file is read: any request body (413
# before Django reads it, under ASGI and WSGI), and each uploaded file, such as an import spreadsheet (the
# rest of the file is discarded as it streams past, and the form says why).
SANKE_UPLOAD_MAX_BYTES = env_int("SANKE_UPLOAD_MAX_BYTES", 16 * 1024 * 1024)
SANKE_IMPORT_MAX_BYTES = env_int("SANKE_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Recordings (sanke/recordings): resumable uploads of videos, and the signed links of the player.
SANKE_RECORDING_MAX_BYTES = env_int("SANKE_RECORDING_MAX_BYTES", 8 * 1024**3)  # one video
SANKE_RECORDING_MAX_SECONDS = env_int("SANKE_RECORDING_MAX_SECONDS", 4 * 3600)
SANKE_RECORDING_DAILY_BYTES = env_int("SANKE_RECORDING_DAILY_BYTES", 20 * 1024**3)  # per user and day
SANKE_RECORDING_OPEN_UPLOADS = env_int("SANKE_RECORDING_OPEN_UPLOADS", 3)  # unfinished uploads per user
SANKE_RECORDING_UPLOADS_PER_HOUR = env_int("SANKE_RECORDING_UPLOADS_PER_HOUR", 20)
SANKE_RECORDING_CHUNK_BYTES = env_int("SANKE_RECORDING_CHUNK_BYTES", 8 * 1024 * 1024)  # < the body limit
SANKE_MEDIA_LINK_SECONDS = env_int("SANKE_MEDIA_LINK_SECONDS", 600)  # how long a signed segment link works
SANKE_TRANSCODE_LEASE_SECONDS = env_int("SANKE_TRANSCODE_LEASE_SECONDS", 30)  # silent run → taken over
FILE_UPLOAD_HANDLERS = [
    "sanke.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- API --------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # the token first: a request without credentials then gets 401 with WWW-Authenticate, not 403
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["sanke.core.api.ScopedFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanke API",
    "DESCRIPTION": "Organisation, roles and policy of the Three Classrooms platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # API clients authenticate with a token; the session also works (browsable API) but is not advertised
    "AUTHENTICATION_WHITELIST": ["rest_framework.authentication.TokenAuthentication"],
    # every operation documents 401/403/404 (see sanke/core/api.py)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sanke.core.api.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SANKE_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
