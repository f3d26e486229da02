# HorNet: `make run` (everything, foreground), `make test` (the whole suite on its own servers),
# `make up` / `make down` (the dev stack in the background). See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run up down test test-ferretdb lint format bench servers-up servers-down k8s-check image image-check keycloak keycloak-stop venv

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# Debian's Chromium for the browser tests (tests/feed/test_browser.py, Playwright drives it; no
# browser is ever downloaded by a test tool). Installed once per machine.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Debian's container tools for `make image` / `make image-check` (no Docker engine or registry
# here): podman with runc (crun refuses this machine's hybrid cgroups), buildah, and debootstrap
# for the registry-free base image. Installed once per machine (again if one of them is missing).
CONTAINER_TOOLS := /usr/bin/podman /usr/bin/buildah /usr/sbin/runc /usr/sbin/debootstrap
$(CONTAINER_TOOLS):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  podman buildah runc debootstrap

run: $(STAMP)
	STACK=dev scripts/stack.sh run

up: $(STAMP)
	STACK=dev scripts/stack.sh up

down:
	STACK=dev scripts/stack.sh down

servers-up: $(STAMP)
	STACK=dev scripts/stack.sh servers-up

servers-down:
	STACK=dev scripts/stack.sh servers-down

# The whole suite: starts the test servers (own ports, own data), runs every test, stops them.
test: $(STAMP) $(CHROMIUM)
	scripts/test.sh

# The suites that use the MongoDB-wire server again, on FerretDB (CI runs both).
test-ferretdb: $(STAMP) $(CHROMIUM)
	HORNET_MONGO_SERVER=ferretdb HORNET_TEST_SUITES=posts scripts/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Keycloak for the dev stack (realm `hornet`, issuer http://127.0.0.1:8180/realms/hornet); the
# first start fetches it from Maven Central and builds it (a minute or two), later ones ~20 s.
# Use it from the services with HORNET_AUTH_MODE=jwt JWT_ISSUER=<issuer>
# JWT_JWKS_URL=<issuer>/protocol/openid-connect/certs. Users: alice, bob, carol (<name>-password).
keycloak:
	HORNET_STATE_DIR=$(CURDIR)/.state/dev scripts/keycloak.sh start

keycloak-stop:
	HORNET_STATE_DIR=$(CURDIR)/.state/dev scripts/keycloak.sh stop

# Container and Kubernetes checks, offline once the tools are installed (first run installs
# kustomize, compose-go, Istio's CRDs and the Python tools into .cache/). docs/deployment.md.
k8s-check: $(STAMP)
	scripts/k8s-check.sh

# The container image without a registry (docs/deployment.md, "The image on this machine"):
# `make image` builds a Debian base with debootstrap (once per content stamp) and the Dockerfile
# on it with podman; `make image-check` also runs it, read-only and unprivileged, against the
# test stack's database servers (tests/image). `scripts/image.sh clean` removes the images.
image: $(CONTAINER_TOOLS)
	scripts/image.sh build

image-check: $(STAMP) $(CONTAINER_TOOLS)
	scripts/image.sh check

# Load test on the bench stack (own ports and data in .state/bench; seeds 10k users, 200k
# follows and 1M posts on first use). Results: bench/results.json; see bench/README.md.
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--only counts,suggestions --keep-servers";
# BENCH_ARGS="--observability off" runs without logs, metrics and traces (their cost).
bench: $(STAMP)
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) -m bench.run $(BENCH_ARGS)
