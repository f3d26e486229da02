"""Validate Istio objects against Istio's own CRD schemas, refusing unknown fields.

The schemas are the ``openAPIV3Schema`` of each served version in
``kubernetes/customresourcedefinitions.gen.yaml`` from the ``istio.io/api`` Go module (see
scripts/k8s-check.sh, which downloads it through the Go module proxy). Two things the API
server does are reproduced here:

* structural pruning: a field the schema does not declare is an error (the API server would
  silently drop it, which hides typos such as ``perTryTimout``). Every object schema gets
  ``additionalProperties: false`` unless it sets ``x-kubernetes-preserve-unknown-fields``
  or declares ``additionalProperties`` itself (maps);
* ``x-kubernetes-validations``: the CEL rules, evaluated with cel-python when it is
  installed (it is in the k8s-check tools environment). Rules on ``oldSelf`` (transition
  rules) need an old object and are skipped.

Only PyYAML and jsonschema are needed for the structural part, so the policy tests can use
this module from the project's own virtualenv.
"""

from __future__ import annotations

import copy
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

# ObjectMeta fields a manifest may carry (the API server owns the rest).
_METADATA_SCHEMA = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "namespace": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        "generateName": {"type": "string"},
        "finalizers": {"type": "array", "items": {"type": "string"}},
    },
}


def _strict(node: Any) -> Any:
    """Return a JSON-schema copy of a structural schema node with unknown fields refused."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _strict(value) for key, value in node.items() if key != "x-kubernetes-validations"}
    if out.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if (
        (node.get("type") == "object" or "properties" in node)
        and "additionalProperties" not in node
        and not preserve
    ):
        out["additionalProperties"] = False
    return out


@dataclass
class CrdVersion:
    group: str
    version: str
    kind: str
    schema: dict[str, Any]  # the CRD's openAPIV3Schema, untouched (CEL rules live here)
    validator: jsonschema.protocols.Validator


@dataclass
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class IstioSchemas:
    versions: dict[tuple[str, str], CrdVersion] = field(default_factory=dict)

    @classmethod
    def load(cls, crd_file: Path) -> IstioSchemas:
        schemas = cls()
        with crd_file.open() as handle:
            for crd in yaml.safe_load_all(handle):
                if not crd or crd.get("kind") != "CustomResourceDefinition":
                    continue
                group = crd["spec"]["group"]
                kind = crd["spec"]["names"]["kind"]
                for version in crd["spec"]["versions"]:
                    if not version.get("served", False):
                        continue
                    raw = version["schema"]["openAPIV3Schema"]
                    strict = _strict(raw)
                    props = strict.setdefault("properties", {})
                    props["apiVersion"] = {"const": f"{group}/{version['name']}"}
                    props["kind"] = {"const": kind}
                    props["metadata"] = _METADATA_SCHEMA
                    strict["required"] = sorted({*strict.get("required", []), "metadata"})
                    strict["additionalProperties"] = False
                    jsonschema.Draft7Validator.check_schema(strict)
                    schemas.versions[(f"{group}/{version['name']}", kind)] = CrdVersion(
                        group, version["name"], kind, raw, jsonschema.Draft7Validator(strict)
                    )
        if not schemas.versions:
            raise ValueError(f"no CustomResourceDefinition in {crd_file}")
        return schemas

    def handles(self, obj: dict[str, Any]) -> bool:
        return str(obj.get("apiVersion", "")).split("/")[0].endswith("istio.io")

    def validate(self, obj: dict[str, Any], *, cel: bool = True) -> list[Problem]:
        """All the problems of one Istio object (empty when it is valid)."""
        name = f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"
        crd = self.versions.get((obj.get("apiVersion", ""), obj.get("kind", "")))
        if crd is None:
            return [Problem(name, f"no Istio CRD serves {obj.get('apiVersion')} {obj.get('kind')}")]
        problems = [
            Problem(f"{name} at {'.'.join(map(str, err.absolute_path)) or '<root>'}", err.message)
            for err in sorted(crd.validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
        ]
        if cel and not problems:
            problems.extend(Problem(name, msg) for msg in _cel_problems(crd.schema, obj))
        return problems


# --- CEL (x-kubernetes-validations) ---------------------------------------------------------


def cel_available() -> bool:
    try:
        import celpy  # noqa: F401
    except ImportError:
        return False
    return True


def _walk(schema: dict[str, Any], value: Any, path: str) -> Iterator[tuple[dict, Any, str]]:
    yield schema, value, path
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for key, child in value.items():
            sub = props.get(key) or (extra if isinstance(extra, dict) else None)
            if sub is not None:
                yield from _walk(sub, child, f"{path}.{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, child in enumerate(value):
            yield from _walk(schema["items"], child, f"{path}[{index}]")


def _cel_problems(schema: dict[str, Any], obj: dict[str, Any]) -> Iterable[str]:
    import celpy
    from celpy import celtypes

    def url(text: Any) -> Any:
        return celtypes.StringType(str(text))

    def get_scheme(text: Any) -> Any:
        return celtypes.StringType(urllib.parse.urlsplit(str(text)).scheme)

    functions = {"url": url, "getScheme": get_scheme}
    env = celpy.Environment()
    for node, value, path in _walk(schema, copy.deepcopy(obj), "<root>"):
        for rule in node.get("x-kubernetes-validations") or []:
            expr = rule["rule"]
            if "oldSelf" in expr:
                continue
            program = env.program(env.compile(expr), functions=functions)
            try:
                ok = program.evaluate({"self": celpy.json_to_cel(value)})
            except Exception as exc:  # noqa: BLE001 - an unevaluable rule is a failure too
                yield f"{path}: CEL rule {expr!r} could not be evaluated: {exc}"
                continue
            if isinstance(ok, Exception):  # cel-python returns some errors as values
                yield f"{path}: CEL rule {expr!r} could not be evaluated: {ok}"
            elif not bool(ok):
                yield f"{path}: {rule.get('message') or 'CEL rule failed'} ({expr})"
