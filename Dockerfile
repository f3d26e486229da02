# syntax=docker/dockerfile:1
# One image for both HorNet services; DJANGO_SETTINGS_MODULE picks the service at run time:
#   settings.posts      (MongoDB)   or   settings.followers   (Neo4j)
#
#   docker build -t hornet:dev .
#   docker run --read-only --tmpfs /tmp -e DJANGO_SETTINGS_MODULE=settings.posts ... hornet:dev
#
# Both stages use the same base image, BASE_IMAGE: the virtualenv built in the first one (its
# interpreter links to the base's python3.11) runs unchanged in the second. The default is the
# official image; pin a digest (python:3.11-slim-bookworm@sha256:...) for reproducible builds.
# Without a registry, `make image` passes a Debian bookworm base it builds with debootstrap
# (python3, python3-venv, python3-pip, ca-certificates; scripts/image.sh): only `python3` is
# used below, which both bases have.
ARG BASE_IMAGE=python:3.11-slim-bookworm

# --- builder: wheels, the virtualenv, collected static files --------------------------------
FROM ${BASE_IMAGE} AS builder
# (No PYTHONDONTWRITEBYTECODE here: the byte-code compiled in this stage ships.)
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
# Every pinned requirement ships a manylinux wheel, so no compiler is needed even here.
# The API answers in English only (no LocaleMiddleware), so the other translation
# catalogs (~30 MB) go, and so does the test suite neomodel's wheel installs as `test`.
COPY requirements.txt .
RUN python3 -m pip wheel --wheel-dir /wheels --only-binary=:all: -r requirements.txt \
 && python3 -m venv --without-pip /opt/venv \
 && python3 -m pip --python /opt/venv/bin/python install --no-index --find-links /wheels \
        -r requirements.txt \
 && site=/opt/venv/lib/python3.11/site-packages \
 && find "$site" -type d -path '*/locale/*' -prune ! -name 'en' ! -name 'en_*' \
        -exec rm -rf {} + \
 && rm -rf "$site/test"

COPY manage.py ./app/manage.py
COPY hornet ./app/hornet
COPY settings ./app/settings
COPY posts ./app/posts
COPY followers ./app/followers

# Static files (DRF browsable API, Swagger UI) are collected once here and served by
# whitenoise. Both settings modules collect into the same folder; the key is build-only.
# Byte-code is compiled now because the runtime root filesystem is read-only.
RUN cd app \
 && for service in posts followers; do \
      DJANGO_SECRET_KEY=build-only DJANGO_SETTINGS_MODULE=settings.$service \
      STATIC_ROOT=/build/app/staticfiles \
      /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0 || exit 1; \
    done \
 && /opt/venv/bin/python -m compileall -q -j 0 /build/app

# --- runtime: no compilers, no pip in the app's virtualenv, non-root --------------------------
FROM ${BASE_IMAGE} AS runtime
ARG HORNET_UID=10001
LABEL org.opencontainers.image.title="hornet" \
      org.opencontainers.image.description="HorNet posts and followers services (Django, gunicorn)"

RUN groupadd --system --gid ${HORNET_UID} hornet \
 && useradd --system --uid ${HORNET_UID} --gid ${HORNET_UID} --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin hornet

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PATH=/opt/venv/bin:$PATH \
    PORT=8000 \
    STATIC_ROOT=/app/staticfiles

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder --chown=root:root /build/app /app
WORKDIR /app

# Numeric user so Kubernetes can verify runAsNonRoot. Files stay owned by root: the app
# never writes to its own code. Writable paths: /tmp (tmpfs / emptyDir) and /dev/shm
# (gunicorn worker heartbeats).
USER ${HORNET_UID}:${HORNET_UID}
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]

# No control socket: it would be created under $HOME, which does not exist (read-only root).
ENTRYPOINT ["gunicorn", "-c", "python:hornet.gunicorn_conf", "--no-control-socket", \
            "hornet.wsgi:application"]
