"""Settings shared by both services. Service modules add their app, urlconf and database.

Every value comes from the environment (django-environ); v1 variable names are accepted.
"""

from pathlib import Path

import environ

from hornet.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Production modules require DJANGO_SECRET_KEY; dev/test modules set a fixed one first.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hornet",
]

MIDDLEWARE = [
    "hornet.telemetry.ServerSpanMiddleware",
    "hornet.logs.RequestLogMiddleware",
    "hornet.metrics.RequestMetricsMiddleware",
    "hornet.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hornet.middleware.IdentityMiddleware",
]

# No SQL database: posts live in MongoDB, the graph in Neo4j.
DATABASES: dict[str, dict[str, str]] = {}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

WSGI_APPLICATION = "hornet.wsgi.application"
APPEND_SLASH = False  # routes match with and without the slash themselves
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default="") or None  # set in the image (collectstatic)
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Request bodies above this size are refused with 413 (see hornet.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("HORNET_MAX_BODY_BYTES", default=64 * 1024)

# --- identity -------------------------------------------------------------------------
# mesh: trust the header Istio writes from the validated JWT. jwt: verify the bearer token.
# dev: development settings only (an "act as" cookie); production modules refuse it.
HORNET_AUTH_MODE = env.str("HORNET_AUTH_MODE", default="mesh")
HORNET_ALLOWED_AUTH_MODES: tuple[str, ...] = ("mesh", "jwt")
HORNET_IDENTITY_HEADER = env.str("IDENTITY_HEADER", default="X-User-ID")
HORNET_USERNAME_HEADER = env.str("USERNAME_HEADER", default="X-Username")
HORNET_JWT_ISSUER = env.str("JWT_ISSUER", default="")
HORNET_JWT_AUDIENCE = env.str("JWT_AUDIENCE", default="hornet")
HORNET_JWT_JWKS_URL = env.str("JWT_JWKS_URL", default="")
HORNET_JWT_LEEWAY = env.int("JWT_LEEWAY_SECONDS", default=30)
# The realm's key set is cached this long; a token with an unknown kid (key rotation) forces
# a refetch at most once per cooldown.
HORNET_JWT_JWKS_CACHE_SECONDS = env.int("JWT_JWKS_CACHE_SECONDS", default=300)
HORNET_JWT_JWKS_COOLDOWN_SECONDS = env.int("JWT_JWKS_COOLDOWN_SECONDS", default=10)

# --- HTTP plumbing ----------------------------------------------------------------------
# The write throttle's counters live here, so every worker and every pod must share it:
# production sets a Redis or Memcached URL (redis://redis:6379/0, pymemcache://memcached:11211);
# dev/test default to a file cache under .state/<stack>/cache, shared by the gunicorn workers
# of one machine with no extra server (settings/_dev.py, settings/test_*.py). docs/reliability.md
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Idempotency-Key (hornet.idempotency): answers kept 24 h; a claim whose request died silently
# is taken over after the lease, which outlives any request (gunicorn's timeout is 30 s).
HORNET_IDEMPOTENCY_TTL_SECONDS = env.int("IDEMPOTENCY_TTL_SECONDS", default=24 * 3600)
HORNET_IDEMPOTENCY_LEASE_SECONDS = env.float("IDEMPOTENCY_LEASE_SECONDS", default=60.0)

# Absolute Link (rel="next") URLs start with this ("https://api.example.edu"); empty: links are
# relative ("/posts/author/...?cursor=..."). Never taken from the request's Host header.
HORNET_PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")

# OpenTelemetry traces (hornet.telemetry), off unless an OTLP/HTTP endpoint is set
# (http://collector:4318); the SDK reads its other OTEL_* variables itself (sampler,
# propagators, batching: README.md). The service's name in traces defaults per service module.
HORNET_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default="") or env.str(
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", default=""
)
HORNET_OTEL_SERVICE_NAME = env.str("OTEL_SERVICE_NAME", default="")

# Prometheus series (hornet.metrics): on unless METRICS_ENABLED=false (a deployment that never
# scrapes, and the benchmark's observability-off run that measures their cost).
HORNET_METRICS = env.bool("METRICS_ENABLED", default=True)
# Series computed when /metrics is scraped (hornet.metrics): functions yielding metric families.
HORNET_METRICS_COLLECTORS: list[str] = []

HORNET_PAGE_DEFAULT = 20
HORNET_PAGE_MAX = 100

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["hornet.authentication.IdentityAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["hornet.permissions.HasIdentity"],
    "DEFAULT_RENDERER_CLASSES": ["hornet.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["hornet.parsers.StrictJSONParser"],
    "EXCEPTION_HANDLER": "hornet.error_handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
    # Every write of every view, internal routes included (hornet.throttling).
    "DEFAULT_THROTTLE_CLASSES": ["hornet.throttling.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"writes": env.str("HORNET_WRITE_RATE", default="600/min")},
}

SPECTACULAR_SETTINGS = {
    "VERSION": "2.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ErrorCode": "hornet.openapi.ERROR_CODE_CHOICES"},
}

# One line per event on stdout: JSON in production, readable in dev/test settings (hornet.logs).
# gunicorn's master uses the same configuration (hornet/gunicorn_conf.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))
