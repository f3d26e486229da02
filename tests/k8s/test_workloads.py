"""Workloads of every overlay: replicas and budgets, probes, hardening, environment."""

from __future__ import annotations

from typing import Any

import pytest

from tests.k8s.conftest import Manifests

SERVICES = ("posts", "followers")
REQUIRED_ENV = {
    "posts": {"DJANGO_SECRET_KEY", "MONGO_URI", "MONGO_DB", "FOLLOWERS_SERVICE_URL"},
    "followers": {
        "DJANGO_SECRET_KEY",
        "NEO4J_URI",
        "NEO4J_DB",
        "NEO4J_USER",
        "NEO4J_PASSWORD",
        "POSTS_SERVICE_URL",
    },
}
IDENTITY_ENV = {
    "HORNET_AUTH_MODE",
    "IDENTITY_HEADER",
    "USERNAME_HEADER",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWT_JWKS_URL",
}


def _workloads(m: Manifests) -> list[dict[str, Any]]:
    return m.of("Deployment") + m.of("StatefulSet")


def _min_replicas(m: Manifests, workload: dict[str, Any]) -> int:
    replicas = workload["spec"].get("replicas", 1)
    for hpa in m.of("HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        if ref["kind"] == workload["kind"] and ref["name"] == workload["metadata"]["name"]:
            return max(
                replicas if "replicas" in workload["spec"] else 0, hpa["spec"].get("minReplicas", 1)
            )
    return replicas


def _pdb_allows_a_disruption(pdb: dict[str, Any], replicas: int) -> bool:
    spec = pdb["spec"]
    if "maxUnavailable" in spec:
        return int(spec["maxUnavailable"]) >= 1
    return int(spec["minAvailable"]) < replicas


def test_each_deployment_with_two_or_more_replicas_has_a_pdb(overlay: Manifests) -> None:
    for deployment in overlay.of("Deployment"):
        replicas = _min_replicas(overlay, deployment)
        if replicas < 2:
            continue
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [
            pdb
            for pdb in overlay.of("PodDisruptionBudget")
            if pdb["metadata"].get("namespace") == deployment["metadata"].get("namespace")
            and pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
        ]
        assert len(matching) == 1, f"{deployment['metadata']['name']}: PDBs {matching}"
        assert _pdb_allows_a_disruption(matching[0], replicas), "a PDB that blocks every drain"


def test_production_runs_at_least_two_pods_per_service(prod: Manifests) -> None:
    for service in SERVICES:
        deployment = prod.one("Deployment", f"hornet-{service}")
        assert _min_replicas(prod, deployment) >= 2
        hpa = prod.one("HorizontalPodAutoscaler", f"hornet-{service}")
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]


def test_hpa_owns_the_replica_count(overlay: Manifests) -> None:
    for service in SERVICES:
        deployment = overlay.one("Deployment", f"hornet-{service}")
        assert "replicas" not in deployment["spec"], "an apply would reset the HPA's count"


@pytest.mark.parametrize("service", SERVICES)
def test_probes(overlay: Manifests, service: str) -> None:
    pod = overlay.one("Deployment", f"hornet-{service}")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    ports = {p["name"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in ports


def test_every_container_is_hardened(overlay: Manifests) -> None:
    for workload in _workloads(overlay):
        pod = workload["spec"]["template"]["spec"]
        name = workload["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        assert pod.get("automountServiceAccountToken") is False, name
        assert pod.get("serviceAccountName", "default") != "default", name
        for container in pod.get("initContainers", []) + pod["containers"]:
            sc = container["securityContext"]
            where = f"{name}/{container['name']}"
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["capabilities"]["drop"] == ["ALL"], where
            assert "add" not in sc["capabilities"], where
            assert sc.get("privileged", False) is False, where
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), where


def test_each_service_has_its_own_service_account(overlay: Manifests) -> None:
    accounts = {
        overlay.one("Deployment", f"hornet-{s}")["spec"]["template"]["spec"]["serviceAccountName"]
        for s in SERVICES
    }
    assert accounts == {"hornet-posts", "hornet-followers"}
    for account in accounts:
        overlay.one("ServiceAccount", account)


def _container_env(m: Manifests, container: dict[str, Any]) -> dict[str, str]:
    """Variable name -> where it comes from (literal, secret:<name>, configmap:<name>)."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ref = source["configMapRef"]["name"]
        configmap = next(c for c in m.of("ConfigMap") if c["metadata"]["name"] == ref)
        env.update({key: f"configmap:{ref}" for key in configmap["data"]})
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = "literal"
        else:
            env[var["name"]] = "secret:" + var["valueFrom"]["secretKeyRef"]["name"]
    return env


@pytest.mark.parametrize("service", SERVICES)
def test_environment_matches_what_the_settings_read(
    overlay: Manifests, service: str, settings_names: dict[str, set[str]]
) -> None:
    pod = overlay.one("Deployment", f"hornet-{service}")["spec"]["template"]["spec"]
    for container in pod.get("initContainers", []) + pod["containers"]:
        env = _container_env(overlay, container)
        unknown = set(env) - settings_names[service]
        assert not unknown, f"{service}/{container['name']}: nothing reads {sorted(unknown)}"
        missing = (REQUIRED_ENV[service] | IDENTITY_ENV) - set(env)
        assert not missing, f"{service}/{container['name']}: missing {sorted(missing)}"
        literal = {k: v for k, v in env.items() if v == "literal"}
        assert literal.keys() <= {"DJANGO_SETTINGS_MODULE", "PORT", "PROMETHEUS_MULTIPROC_DIR"}
        for secret in ("DJANGO_SECRET_KEY", "MONGO_URI", "NEO4J_URI", "NEO4J_PASSWORD"):
            if secret in env:
                assert env[secret].startswith("secret:"), f"{secret} must come from a Secret"
    (container,) = pod["containers"]
    settings_module = next(v for v in container["env"] if v["name"] == "DJANGO_SETTINGS_MODULE")
    assert settings_module["value"] == f"settings.{service}"


def test_mesh_mode_in_every_overlay(overlay: Manifests) -> None:
    assert overlay.configmap("hornet-app")["data"]["HORNET_AUTH_MODE"] == "mesh"


def test_schema_setup_runs_before_each_service(overlay: Manifests) -> None:
    for service in SERVICES:
        template = overlay.one("Deployment", f"hornet-{service}")["spec"]["template"]
        (init,) = template["spec"]["initContainers"]
        assert init["command"] == ["python", "manage.py", "ensure_schema"]
        assert init["image"] == template["spec"]["containers"][0]["image"]
        # Native sidecar: the proxy runs before init containers, so they have the network.
        assert template["metadata"]["annotations"]["sidecar.istio.io/nativeSidecar"] == "true"


def test_production_secrets_are_referenced_not_shipped(prod: Manifests) -> None:
    assert not prod.of("Secret"), "production Secrets are created outside git"
    referenced = set()
    for deployment in prod.of("Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            for var in container.get("env", []):
                if "valueFrom" in var:
                    referenced.add(var["valueFrom"]["secretKeyRef"]["name"])
    assert referenced == {"hornet-django", "hornet-mongodb", "hornet-neo4j", "hornet-fanout-client"}


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_are_scraped_from_a_writable_multiprocess_folder(
    overlay: Manifests, service: str
) -> None:
    template = overlay.one("Deployment", f"hornet-{service}")["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    (container,) = template["spec"]["containers"]
    assert annotations["prometheus.io/port"] == str(container["ports"][0]["containerPort"])
    folder = next(v["value"] for v in container["env"] if v["name"] == "PROMETHEUS_MULTIPROC_DIR")
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == folder)
    volume = next(v for v in template["spec"]["volumes"] if v["name"] == mount["name"])
    assert volume["emptyDir"]["medium"] == "Memory"  # the root filesystem is read-only


def test_mesh_tracing_samples_a_tenth_and_the_services_follow_it(overlay: Manifests) -> None:
    (telemetry,) = overlay.of("Telemetry")
    (tracing,) = telemetry["spec"]["tracing"]
    assert tracing["providers"] == [{"name": "otel-tracing"}]
    assert tracing["randomSamplingPercentage"] == 10.0
    app = overlay.configmap("hornet-app")["data"]
    assert app["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio"  # the sidecar's decision
    assert float(app["OTEL_TRACES_SAMPLER_ARG"]) == tracing["randomSamplingPercentage"] / 100
    assert app["LOG_FORMAT"] == "json"
