"""Hearth's one settings module, driven by environment variables.

With nothing set, Hearth runs embedded: SQLite in WAL mode, an in-process cache, background jobs
inline, files under HEARTH_DATA_DIR. Each variable below is documented in the README's
configuration table; `#:` marks the ones an operator sets.
"""

import secrets
from pathlib import Path
from typing import Any

import environ
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

from hearth.core.ratelimit import parse_overrides as parse_rate_overrides

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file (see .env.example) is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

#: Where the embedded database, uploaded media and the generated secret key live.
DATA_DIR = Path(env.str("HEARTH_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first start and kept in DATA_DIR.

    No secret ships in the repository, and `make run` still works with zero configuration.
    """
    key: str = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

#: Development mode: detailed error pages. Never on a public server.
DEBUG = env.bool("HEARTH_DEBUG", default=False)

#: The public host name of this server, e.g. social.example.org.
HEARTH_DOMAIN = env.str("HEARTH_DOMAIN", default="localhost")
#: The server's name, shown in the page title and the policy texts.
HEARTH_INSTANCE_NAME = env.str("HEARTH_INSTANCE_NAME", default="Hearth")
#: Contact address for the server's operators, shown on /about and in the policy texts.
HEARTH_CONTACT_EMAIL = env.str("HEARTH_CONTACT_EMAIL", default=f"admin@{HEARTH_DOMAIN}")
#: Served behind TLS: secure cookies, HSTS, redirect to https.
HEARTH_HTTPS = env.bool("HEARTH_HTTPS", default=False)

ALLOWED_HOSTS = [
    HEARTH_DOMAIN,
    "localhost",
    "127.0.0.1",
    "[::1]",
    *env.list("HEARTH_EXTRA_HOSTS", default=[]),
]
CSRF_TRUSTED_ORIGINS = [f"{'https' if HEARTH_HTTPS else 'http'}://{HEARTH_DOMAIN}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "oauth2_provider",
    "corsheaders",
    "ninja",  # serves the API docs page's scripts from here, not from a CDN
    "hearth.core",
    "hearth.accounts",
    "hearth.graph",
    "hearth.posts",
    "hearth.media",
    "hearth.timelines",
    "hearth.notifications",
    "hearth.filters",
    "hearth.search",
    "hearth.messaging",
    "hearth.moderation",
    "hearth.web",
    "hearth.demo",
    "hearth.api",
    "channels",
    "hearth.realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hearth.web.middleware.RejectNulBytesMiddleware",
    # Before anything resolves a URL: /api/... and /oauth/... match with or without a slash.
    "hearth.api.middleware.OptionalTrailingSlashMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hearth.web.middleware.SessionActivityMiddleware",
    "hearth.web.middleware.FrameReadAheadMiddleware",
    "hearth.web.middleware.DeletionScheduledMiddleware",
    "hearth.web.middleware.SuspendedMiddleware",
    "hearth.web.middleware.RateLimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Listed first so Hearth's overrides of allauth's templates win over allauth's own,
        # which the app loader would otherwise find first (allauth precedes hearth.web).
        "DIRS": [BASE_DIR / "hearth" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hearth.web.context_processors.site",
                "hearth.web.context_processors.notifications",
                "hearth.web.context_processors.moderation",
                "hearth.web.context_processors.csrf",  # shadows Django's: one mask a response
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
#: PostgreSQL (or SQLite) URL, e.g. postgres://hearth:pw@db.internal:5432/hearth. Unset: SQLite.
DATABASE_URL = env.str("DATABASE_URL", default="")
#: Largest number of pooled PostgreSQL connections per app process (match the server's threads).
HEARTH_DB_POOL_SIZE = env.int("HEARTH_DB_POOL_SIZE", default=8)
#: Prepare the hot paths' queries on PostgreSQL (hearth.core.compiled). Off behind a pooler in
#: transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
HEARTH_DB_PREPARE = env.bool("HEARTH_DB_PREPARE", default=True)
#: Let PostgreSQL JIT-compile queries (its `jit` setting). Off by default: the visibility rules
#: make its cost estimates large enough to cross `jit_above_cost`, and compiling then took
#: ~130 ms of a feed rebuild's ~170 (the query itself: ~40). `true` leaves the server's setting,
#: e.g. behind a pooler that refuses the `options` startup parameter (then set jit = off in
#: postgresql.conf instead).
HEARTH_DB_JIT = env.bool("HEARTH_DB_JIT", default=False)

if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's psycopg pool instead of CONN_MAX_AGE: persistent connections leak under ASGI
        # and a bounded pool keeps us under PostgreSQL's max_connections (ARCHITECTURE.md).
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": HEARTH_DB_POOL_SIZE,
            "timeout": 10,
        }
        # psycopg prepares statements only on a connection with a threshold. Django's cursors
        # bind on the client and never prepare; hearth.core.compiled's prepare their one
        # constant SQL each (the hot paths' queries), whatever the number. None: no statement
        # is prepared (for a pooler in transaction mode that cannot keep them).
        DATABASES["default"]["OPTIONS"].setdefault(
            "prepare_threshold", 5 if HEARTH_DB_PREPARE else None
        )
        if not HEARTH_DB_JIT:
            DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "hearth.sqlite3",
            "OPTIONS": {
                # WAL lets readers proceed while one writer writes; IMMEDIATE takes the write
                # lock at BEGIN so concurrent writers queue on busy_timeout instead of failing
                # with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
#: Redis URL for the cache, rate limits and (later) feeds. Unset: an in-process cache.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing its redis-py clients (hearth.core.cache).
            "BACKEND": "hearth.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hearth",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "hearth.core.cache.LocMemCache"}}

# Django's cached_db sessions, saved with one compiled UPDATE (hearth/accounts/sessions.py).
SESSION_ENGINE = "hearth.accounts.sessions"

# --- Realtime (streaming API) ---------------------------------------------------------------------
# The channel layer carries stream events between processes: Redis when REDIS_URL is set; else
# in-memory, which reaches only streams served by the same process (docs/subsystems/realtime.md).
CHANNEL_LAYERS: dict[str, dict[str, Any]]
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "hearth-realtime"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
#: Where clients open the streaming API, e.g. wss://streaming.example.org, advertised by the
#: instance endpoints. Unset: the host the client asked (one server serves both).
HEARTH_STREAMING_URL = env.str("HEARTH_STREAMING_URL", default="")
if HEARTH_STREAMING_URL and not HEARTH_STREAMING_URL.startswith(("wss://", "ws://")):
    raise ImproperlyConfigured("HEARTH_STREAMING_URL must start with wss:// (or ws://).")
#: Seconds between re-checks of an open stream's token (expired, member suspended); a revoked
#: token closes its streams at once where the channel layer reaches them.
HEARTH_STREAMING_RECHECK_SECONDS = env.float("HEARTH_STREAMING_RECHECK_SECONDS", default=5.0)

# --- Background jobs ------------------------------------------------------------------------------
#: Celery broker, e.g. redis://127.0.0.1:6379/1 or amqp://guest:guest@127.0.0.1//. Unset: inline.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A job the broker can't take is dropped at once, not retried for 0.65 s while the request
# waits (hearth.core.jobs says what that loses); connecting is given up after a second.
CELERY_TASK_PUBLISH_RETRY = False
# (kombu would otherwise try to connect again after 2 s before giving up.)
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0  # AMQP
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, float] = {"max_retries": 1, "interval_start": 0}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 1.0
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# Photo processing is CPU-heavy: its own queue, so a burst of uploads can't delay notifications
# (`celery -A config worker -Q media` on a separate worker, or `-Q celery,media` on one).
# Fan-out to home feeds has its own queue too (STYLE.md §8): `-Q fanout` on a dedicated worker.
CELERY_TASK_ROUTES = {
    "hearth.media.tasks.*": {"queue": "media"},
    "hearth.timelines.tasks.*": {"queue": "fanout"},
}

# --- Email ---------------------------------------------------------------------------------------
#: Outgoing mail, e.g. smtp+tls://user:password@smtp.example.org:587. Unset: printed to the console.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
#: The sender of the server's emails.
DEFAULT_FROM_EMAIL = env.str(
    "HEARTH_EMAIL_FROM", default=f"{HEARTH_INSTANCE_NAME} <noreply@{HEARTH_DOMAIN}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
#: Where uploads are stored: "local" (MEDIA_ROOT) or "s3" (any S3-compatible object storage).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
#: Serve uploaded media from the app process (fine on one box; use the web server at scale).
HEARTH_SERVE_MEDIA = env.bool("HEARTH_SERVE_MEDIA", default=True)
#: Public URL base of uploaded media, e.g. https://cdn.example.org/ (a CDN in front of the bucket).
HEARTH_MEDIA_URL = env.str("HEARTH_MEDIA_URL", default="")
# Uploaded originals wait here, outside MEDIA_ROOT so no web server ever serves them, until the
# photo is processed; then they are deleted (hearth.media).
PRIVATE_MEDIA_ROOT = DATA_DIR / "private-media"

if MEDIA_STORAGE == "local":
    if HEARTH_MEDIA_URL:
        MEDIA_URL = HEARTH_MEDIA_URL.rstrip("/") + "/"
    _media_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage: dict[str, object] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
elif MEDIA_STORAGE == "s3":
    #: S3 bucket for uploads (required with MEDIA_STORAGE=s3).
    AWS_STORAGE_BUCKET_NAME = env.str("HEARTH_S3_BUCKET", default="")
    #: Endpoint of an S3-compatible service (MinIO, Garage, R2...); unset for AWS itself.
    AWS_S3_ENDPOINT_URL = env.str("HEARTH_S3_ENDPOINT_URL", default="") or None
    #: The bucket's region, e.g. eu-central-1.
    AWS_S3_REGION_NAME = env.str("HEARTH_S3_REGION", default="") or None
    #: Access key id and secret for the bucket.
    AWS_S3_ACCESS_KEY_ID = env.str("HEARTH_S3_ACCESS_KEY_ID", default="")
    AWS_S3_SECRET_ACCESS_KEY = env.str("HEARTH_S3_SECRET_ACCESS_KEY", default="")
    _missing = [
        name
        for name, value in [
            ("HEARTH_S3_BUCKET", AWS_STORAGE_BUCKET_NAME),
            ("HEARTH_S3_ACCESS_KEY_ID", AWS_S3_ACCESS_KEY_ID),
            ("HEARTH_S3_SECRET_ACCESS_KEY", AWS_S3_SECRET_ACCESS_KEY),
        ]
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"MEDIA_STORAGE=s3 needs {', '.join(_missing)} to be set.")
    if HEARTH_MEDIA_URL and not HEARTH_MEDIA_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured("HEARTH_MEDIA_URL must start with https:// (or http://).")
    # Every stored name is random (128 bits for photos), so there is nothing to overwrite; False
    # would cost a HEAD request per file, and on AWS a key policy without s3:ListBucket answers
    # that HEAD with 403, failing every upload.
    AWS_S3_FILE_OVERWRITE = True
    AWS_QUERYSTRING_AUTH = False  # processed media have unguessable names and are public
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    # django-storages builds URLs as https://<custom domain>/<name>; it wants the domain only.
    AWS_S3_CUSTOM_DOMAIN = HEARTH_MEDIA_URL.split("://", 1)[-1].rstrip("/") or None
    AWS_S3_URL_PROTOCOL = "http:" if HEARTH_MEDIA_URL.startswith("http://") else "https:"
    if HEARTH_MEDIA_URL:
        MEDIA_URL = HEARTH_MEDIA_URL.rstrip("/") + "/"
    HEARTH_SERVE_MEDIA = False
    _media_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"location": "media"}}
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE={MEDIA_STORAGE!r}: use 'local' or 's3'.")
STORAGES = {
    "default": _media_storage,
    "media_private": _private_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
#: Largest accepted upload, in megabytes.
HEARTH_MAX_UPLOAD_MB = env.int("HEARTH_MAX_UPLOAD_MB", default=16)
#: Largest accepted image, in pixels (width × height).
HEARTH_MEDIA_MAX_PIXELS = env.int("HEARTH_MEDIA_MAX_PIXELS", default=40_000_000)
#: Longest accepted side of an image, in pixels.
HEARTH_MEDIA_MAX_SIDE = env.int("HEARTH_MEDIA_MAX_SIDE", default=8192)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
#: "mandatory" (default), "optional" or "none": must a new member confirm their email first?
ACCOUNT_EMAIL_VERIFICATION = env.str("HEARTH_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up says plainly when an email address is taken (the issue asks for the error next to the
# field). Usernames are public anyway; the cost is that an address's membership can be probed.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_USERNAME_MIN_LENGTH = 1
ACCOUNT_USERNAME_VALIDATORS = "hearth.accounts.validators.USERNAME_VALIDATORS"
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_SIGNUP_FORM_CLASS = "hearth.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "hearth.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{HEARTH_INSTANCE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HEARTH_HTTPS else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = HEARTH_INSTANCE_NAME
# A code of the 30-second window before or after the current one is accepted too: a code
# typed as its window turns over, or a phone clock a few seconds off, still works (allauth
# accepts none by default; each code still works only once).
MFA_TOTP_TOLERANCE = 1
USERSESSIONS_TRACK_ACTIVITY = True

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "hearth.web.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HEARTH_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("HEARTH_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("HEARTH_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's decision

# --- Internationalization -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

MESSAGE_TAGS = {message_constants.ERROR: "error"}
# Flash messages ride in the session, so the session and CSRF cookies are the only two the
# site sets, as the privacy policy says (the default would add a "messages" cookie).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Hearth ---------------------------------------------------------------------------------------
#: Days a deleted account can still be restored by logging in and cancelling.
HEARTH_DELETION_GRACE_DAYS = env.int("HEARTH_DELETION_GRACE_DAYS", default=30)
#: Longest post, in characters (a link counts as 23 whatever its length, as on Mastodon).
HEARTH_MAX_POST_CHARS = env.int("HEARTH_MAX_POST_CHARS", default=500)
#: Posts kept in each home feed: how far back a home timeline scrolls. 800 fit a Redis feed in
#: about 10 KB with compact encoding (docs/subsystems/timelines.md).
HEARTH_FEED_LENGTH = env.int("HEARTH_FEED_LENGTH", default=800)
#: Home feeds are kept up to date only for members active in this many days; a returning
#: member's feed is rebuilt on their first visit.
HEARTH_FEED_ACTIVE_DAYS = env.int("HEARTH_FEED_ACTIVE_DAYS", default=30)
#: Accounts with at least this many followers are not fanned out: their posts are merged into
#: their followers' home timelines when read, so a post costs the same whoever writes it.
HEARTH_FANOUT_MAX_FOLLOWERS = env.int("HEARTH_FANOUT_MAX_FOLLOWERS", default=10_000)
# Prefix of the home feeds' Redis keys (tests give each run its own).
HEARTH_FEED_KEY_PREFIX = ""

# --- Abuse limits and sign-up (docs/subsystems/abuse.md) ------------------------------------------
#: Rate limits over the defaults in hearth/core/ratelimit.py, as "action.scope=count/period"
#: pairs, e.g. "post.new_account=10/h,signup.ip=3/h". Counters live in the cache (Redis at scale).
HEARTH_RATE_LIMITS = parse_rate_overrides(env.str("HEARTH_RATE_LIMITS", default=""))
#: Turn every Hearth rate limit off (allauth's own limits are ACCOUNT_RATE_LIMITS).
HEARTH_RATE_LIMITS_ENABLED = env.bool("HEARTH_RATE_LIMITS_ENABLED", default=True)
#: Failed logins allowed for one name from one address before it is locked out; the lock
#: starts at HEARTH_LOGIN_LOCKOUT_SECONDS and doubles with each further failure up to the max.
HEARTH_LOGIN_LOCKOUT_ATTEMPTS = env.int("HEARTH_LOGIN_LOCKOUT_ATTEMPTS", default=5)
HEARTH_LOGIN_LOCKOUT_SECONDS = env.int("HEARTH_LOGIN_LOCKOUT_SECONDS", default=60)
HEARTH_LOGIN_LOCKOUT_MAX_SECONDS = env.int("HEARTH_LOGIN_LOCKOUT_MAX_SECONDS", default=3600)
#: Reverse proxies in front of Hearth that append to X-Forwarded-For (0: use the peer address).
#: Rate limits count per client address, so set this behind nginx or a load balancer.
HEARTH_TRUSTED_PROXY_COUNT = env.int("HEARTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = HEARTH_TRUSTED_PROXY_COUNT
# allauth keeps its limits on password resets, email confirmation and plain request floods;
# failed logins are Hearth's (a lock-out with back-off, answered with a 429 and Retry-After).
ACCOUNT_RATE_LIMITS: dict[str, str | None] | bool = {"login_failed": None}
#: Sign-up mode until an admin changes it on the site: open, approval, invite or closed.
HEARTH_SIGNUP_MODE = env.str("HEARTH_SIGNUP_MODE", default="open")
#: The spam check holds a post for review when it has more links than this, mentions more
#: accounts that don't follow its author than this, or repeats its author's text from the last
#: hour more times than this (the third identical post is held). Tighter in a member's first
#: day (the _NEW_ACCOUNT values). hearth/moderation/screening.py
HEARTH_SPAM_CHECK_ENABLED = env.bool("HEARTH_SPAM_CHECK_ENABLED", default=True)
HEARTH_SPAM_MAX_LINKS = env.int("HEARTH_SPAM_MAX_LINKS", default=4)
HEARTH_SPAM_MAX_STRANGER_MENTIONS = env.int("HEARTH_SPAM_MAX_STRANGER_MENTIONS", default=5)
HEARTH_SPAM_MAX_REPEATS = env.int("HEARTH_SPAM_MAX_REPEATS", default=2)
HEARTH_SPAM_NEW_ACCOUNT_MAX_LINKS = env.int("HEARTH_SPAM_NEW_ACCOUNT_MAX_LINKS", default=2)
HEARTH_SPAM_NEW_ACCOUNT_MAX_STRANGER_MENTIONS = env.int(
    "HEARTH_SPAM_NEW_ACCOUNT_MAX_STRANGER_MENTIONS", default=2
)
HEARTH_SPAM_NEW_ACCOUNT_MAX_REPEATS = env.int("HEARTH_SPAM_NEW_ACCOUNT_MAX_REPEATS", default=1)
#: A member whose posts need approval (the moderators' "require approval" action) is trusted
#: again after this many of their held posts are approved.
HEARTH_APPROVALS_TO_TRUST = env.int("HEARTH_APPROVALS_TO_TRUST", default=3)

# --- Client API and OAuth -------------------------------------------------------------------------
#: Let apps log in with a username (or email) and password (`toot login_cli`, scripts). The
#: browser flow (authorization code) always works; turn this off to allow only that.
HEARTH_OAUTH_PASSWORD_GRANT = env.bool("HEARTH_OAUTH_PASSWORD_GRANT", default=True)

# Named so migrations can point at it (the toolkit's models are swappable); not swapped.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    # Mastodon's scopes: the four top ones and the granular ones each of them covers.
    "SCOPES": {
        scope: scope
        for scope in [
            "read",
            "write",
            "follow",
            "push",
            "profile",
            "read:accounts",
            "read:blocks",
            "read:bookmarks",
            "read:favourites",
            "read:filters",
            "read:follows",
            "read:lists",
            "read:mutes",
            "read:notifications",
            "read:search",
            "read:statuses",
            "write:accounts",
            "write:blocks",
            "write:bookmarks",
            "write:conversations",
            "write:favourites",
            "write:filters",
            "write:follows",
            "write:lists",
            "write:media",
            "write:mutes",
            "write:notifications",
            "write:reports",
            "write:statuses",
        ]
    },
    "DEFAULT_SCOPES": ["read"],
    # Mastodon.py and most apps don't send PKCE; it is checked whenever a client does.
    "PKCE_REQUIRED": False,
    # Mastodon's tokens live until revoked; apps (Tusky, Ivory) never refresh them.
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 365 * 24 * 60 * 60,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 10 * 60,
    # RFC 9700 (OAuth security best practice): store only a checksum of each token; no implicit
    # grant; PKCE only with S256; no tokens in query strings; `iss` on authorization responses;
    # a replayed refresh token revokes its whole family. The password grant stays possible
    # (HEARTH_OAUTH_PASSWORD_GRANT, checked by Hearth's validator).
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "OAUTH2_VALIDATOR_CLASS": "hearth.api.oauth.validator.HearthOAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "hearth.api.oauth.backend.HearthOAuthLibCore",
}

# Two RFC 9700 recommendations Mastodon apps can't follow: they register http:// loopback and
# development redirect URIs, and most (Mastodon.py, Tusky) send no PKCE. PKCE is still checked
# whenever a client sends it.
SILENCED_SYSTEM_CHECKS = [
    *vars().get("SILENCED_SYSTEM_CHECKS", []),
    "oauth2_provider.W008",
    "oauth2_provider.W010",
]

# Browser clients (Phanpy, Elk) call the API from other origins with bearer tokens, no cookies.
CORS_URLS_REGEX = r"^/(api|oauth|\.well-known|nodeinfo)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "user-agent",
    "x-requested-with",
)
CORS_EXPOSE_HEADERS = ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("HEARTH_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

FORM_RENDERER = "hearth.web.forms_renderer.HearthFormRenderer"

# Daily housekeeping when a Celery beat runs (`hearth purge` does the same from cron).
CELERY_BEAT_SCHEDULE = {
    "accounts-erase-due": {
        "task": "hearth.accounts.tasks.accounts_erase_due_task",
        "schedule": 24 * 60 * 60,
    },
    "exports-purge-expired": {
        "task": "hearth.accounts.tasks.export_purge_expired_task",
        "schedule": 24 * 60 * 60,
    },
    # Every app's registered purge (hearth.accounts.housekeeping.PURGE_JOBS), as `hearth purge`.
    "housekeeping-purge-jobs": {
        "task": "hearth.accounts.tasks.purge_jobs_task",
        "schedule": 24 * 60 * 60,
    },
    # Re-drive fan-outs left pending (a crash between commit and enqueue) and repair feeds that
    # missed changes while Redis was down; `hearth sweep_fanout` does the same from cron.
    "timelines-fanout-sweep": {
        "task": "hearth.timelines.tasks.fanout_sweep_task",
        "schedule": 60,
    },
    "timelines-feeds-trim": {
        "task": "hearth.timelines.tasks.feeds_trim_task",
        "schedule": 60 * 60,
    },
    "media-purge-orphans": {
        "task": "hearth.media.tasks.media_purge_orphans_task",
        "schedule": 60 * 60,
    },
}
