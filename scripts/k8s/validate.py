"""Validate rendered manifests offline: Kubernetes objects with kubernetes-validate (strict),
Istio objects with Istio's CRD schemas (strict + CEL). Any other kind is an error.

    validate.py --crds FILE --k8s-version 1.33.0 [--k8s-version 1.37.0] RENDERED.yaml...
    validate.py --crds FILE --k8s-version 1.33.0 --self-test

--self-test proves the validators refuse what they must: unknown fields in a Deployment
and in each Istio kind we use, a wrong enum, a CEL rule, a misspelled retry field.
Runs in the k8s-check tools environment (kubernetes-validate, cel-python).
"""

from __future__ import annotations

import argparse
import copy
import functools
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import kubernetes_validate.utils
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from istio_schema import IstioSchemas, cel_available

# kubernetes-validate reads and parses its schema files (the definitions are megabytes) on
# every call; they never change during a run.
kubernetes_validate.utils.schema_contents = functools.lru_cache(maxsize=None)(
    kubernetes_validate.utils.schema_contents
)


def load_docs(path: Path) -> list[dict[str, Any]]:
    with path.open() as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


def k8s_problems(obj: dict[str, Any], versions: list[str]) -> list[str]:
    name = f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"
    problems = []
    for version in versions:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError as exc:
            problems.append(f"{name}: {exc.message}")
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(map(str, exc.path)) or "<root>"
            problems.append(f"{name} (Kubernetes {exc.version}) at {where}: {exc.message}")
    return problems


def problems_of(obj: dict[str, Any], istio: IstioSchemas, versions: list[str]) -> list[str]:
    if istio.handles(obj):
        return [str(p) for p in istio.validate(obj, cel=True)]
    return k8s_problems(obj, versions)


def validate_files(files: list[Path], istio: IstioSchemas, versions: list[str]) -> int:
    failures = 0
    for path in files:
        docs = load_docs(path)
        kinds: dict[str, int] = {}
        for obj in docs:
            for problem in problems_of(obj, istio, versions):
                print(f"  FAIL {path.name}: {problem}")
                failures += 1
            kinds[obj.get("kind", "?")] = kinds.get(obj.get("kind", "?"), 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(f"  {path.name}: {len(docs)} objects ({summary})")
    return failures


def _mutations(docs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Broken copies of real rendered objects, each of which must be refused."""
    by_kind = {doc["kind"]: doc for doc in docs}
    cases: list[tuple[str, dict[str, Any]]] = []

    def case(label: str, kind: str, change: Any) -> None:
        obj = copy.deepcopy(by_kind[kind])
        change(obj)
        cases.append((label, obj))

    def container(obj: dict[str, Any]) -> dict[str, Any]:
        return obj["spec"]["template"]["spec"]["containers"][0]

    case(
        "Deployment: unknown container field",
        "Deployment",
        lambda o: container(o).update(readinesProbe={"httpGet": {"path": "/readyz", "port": 8000}}),
    )
    case(
        "Deployment: unknown securityContext field",
        "Deployment",
        lambda o: container(o)["securityContext"].update(readOnlyRootFS=True),
    )
    case(
        "HorizontalPodAutoscaler: unknown spec field",
        "HorizontalPodAutoscaler",
        lambda o: o["spec"].update(minReplica=2),
    )
    case(
        "VirtualService: misspelled perTryTimeout",
        "VirtualService",
        lambda o: o["spec"]["http"][1]["retries"].update(perTryTimout="2s"),
    )
    case(
        "VirtualService: unknown top-level spec field",
        "VirtualService",
        lambda o: o["spec"].update(routes=[]),
    )
    case(
        "VirtualService: unknown corsPolicy field",
        "VirtualService",
        lambda o: o["spec"]["http"][1]["corsPolicy"].update(allowOrigns=["*"]),
    )
    case(
        "DestinationRule: unknown connectionPool field",
        "DestinationRule",
        lambda o: o["spec"]["trafficPolicy"]["connectionPool"]["http"].update(maxPending=1),
    )
    case(
        "DestinationRule: zero outlier interval (CEL duration rule)",
        "DestinationRule",
        lambda o: o["spec"]["trafficPolicy"]["outlierDetection"].update(interval="0s"),
    )
    case(
        "Gateway: unknown server field",
        "Gateway",
        lambda o: o["spec"]["servers"][0].update(protocol="HTTPS"),
    )
    case(
        "PeerAuthentication: bad mTLS mode",
        "PeerAuthentication",
        lambda o: o["spec"]["mtls"].update(mode="STRICTEST"),
    )
    case(
        "RequestAuthentication: unknown jwtRules field",
        "RequestAuthentication",
        lambda o: o["spec"]["jwtRules"][0].update(audience="hornet"),
    )
    case(
        "RequestAuthentication: jwksUri that is not http(s) (CEL rule)",
        "RequestAuthentication",
        lambda o: o["spec"]["jwtRules"][0].update(jwksUri="ftp://keys.example.com/certs"),
    )
    case(
        "AuthorizationPolicy: unknown source field",
        "AuthorizationPolicy",
        lambda o: (
            o["spec"]
            .setdefault("rules", [{}])
            .insert(0, {"from": [{"source": {"principal": ["x"]}}]})
        ),
    )
    case(
        "metadata: unknown field",
        "VirtualService",
        lambda o: o["metadata"].update(label={"a": "b"}),
    )
    return cases


def self_test(files: list[Path], istio: IstioSchemas, versions: list[str]) -> int:
    docs = [doc for path in files for doc in load_docs(path)]
    failures = 0
    for label, obj in _mutations(docs):
        found = problems_of(obj, istio, versions)
        verdict = "refused" if found else "ACCEPTED (validator too lax)"
        print(f"  {label}: {verdict}" + (f" -- {found[0]}" if found else ""))
        failures += 0 if found else 1
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crds", type=Path, required=True)
    parser.add_argument("--k8s-version", action="append", required=True)
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    if not cel_available():
        print("cel-python is not installed: CEL rules cannot be checked", file=sys.stderr)
        return 2
    istio = IstioSchemas.load(args.crds)
    if args.self_test:
        print(
            f"Negative self-test (each broken object must be refused), Kubernetes "
            f"{', '.join(args.k8s_version)} + Istio CRDs:"
        )
        failures = self_test(args.files, istio, args.k8s_version)
    else:
        print(
            f"Schemas: Kubernetes {', '.join(args.k8s_version)} (strict), "
            f"Istio CRDs {args.crds.name} ({len(istio.versions)} kind/versions, strict + CEL)"
        )
        failures = validate_files(args.files, istio, args.k8s_version)
    print(f"{failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
