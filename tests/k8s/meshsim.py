"""A small model of how Istio routes and authorizes one request, for the policy tests.

It covers the fields our manifests use and refuses (raises) on any other, so a manifest
change that the model cannot judge fails loudly instead of passing by accident:
- VirtualService HTTP matching: uri prefix/exact/regex, method exact/regex, first match wins;
- AuthorizationPolicy evaluation (ALLOW / DENY; CUSTOM refused): sources with principals /
  requestPrincipals / notPrincipals / notRequestPrincipals, operations with methods /
  notMethods / paths / notPaths, where paths use Istio's exact, prefix ``x*``, suffix ``*x``,
  presence ``*`` and ``{*}`` / ``{**}`` template forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
NON_IDEMPOTENT = ("POST", "PUT", "PATCH", "DELETE")  # HorNet retries none of these on 5xx


class Unmodelled(AssertionError):
    """A field this model does not understand: extend the model before relying on it."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    principal: str | None = None  # mTLS peer identity, e.g. cluster.local/ns/x/sa/y
    request_principal: str | None = None  # iss/sub of a validated JWT


# --- VirtualService -------------------------------------------------------------------------


def _string_match(spec: dict[str, Any], value: str) -> bool:
    unknown = set(spec) - {"exact", "prefix", "regex"}
    if unknown:
        raise Unmodelled(f"StringMatch fields {unknown}")
    if "exact" in spec:
        return value == spec["exact"]
    if "prefix" in spec:
        return value.startswith(spec["prefix"])
    return re.fullmatch(spec["regex"], value) is not None  # Envoy regexes match whole strings


def route_matches(route: dict[str, Any], method: str, path: str) -> bool:
    matches = route.get("match")
    if not matches:
        return True
    for match in matches:
        unknown = set(match) - {"uri", "method", "name"}
        if unknown:
            raise Unmodelled(f"HTTPMatchRequest fields {unknown}")
        if "uri" in match and not _string_match(match["uri"], path):
            continue
        if "method" in match and not _string_match(match["method"], method):
            continue
        return True
    return False


def first_route(vs: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    for route in vs["spec"]["http"]:
        if route_matches(route, method, path):
            return route
    return None


def methods_of(route: dict[str, Any]) -> set[str]:
    """The methods (of METHODS) that can reach this route, whatever the path."""
    matches = route.get("match") or [{}]
    found: set[str] = set()
    for match in matches:
        if "method" not in match:
            return set(METHODS)
        found |= {m for m in METHODS if _string_match(match["method"], m)}
    return found


# --- AuthorizationPolicy --------------------------------------------------------------------


def _istio_value_match(pattern: str, value: str | None) -> bool:
    """Istio string matching for principals and similar fields."""
    if value is None:
        return False
    if pattern == "*":
        return value != ""
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return value == pattern


def _path_match(pattern: str, path: str) -> bool:
    if "{" in pattern:
        regex = ""
        for part in re.split(r"(\{\*\*\}|\{\*\})", pattern):
            if part == "{*}":
                regex += r"[^/]+"
            elif part == "{**}":
                regex += r".*"
            else:
                if "*" in part or "{" in part or "}" in part:
                    raise Unmodelled(f"invalid path template {pattern!r}")
                regex += re.escape(part)
        return re.fullmatch(regex, path) is not None
    return _istio_value_match(pattern, path)


def _source_match(source: dict[str, Any], req: Request) -> bool:
    unknown = set(source) - {
        "principals",
        "notPrincipals",
        "requestPrincipals",
        "notRequestPrincipals",
    }
    if unknown:
        raise Unmodelled(f"Source fields {unknown}")
    checks = [
        ("principals", req.principal, True),
        ("notPrincipals", req.principal, False),
        ("requestPrincipals", req.request_principal, True),
        ("notRequestPrincipals", req.request_principal, False),
    ]
    for field, value, positive in checks:
        if field in source:
            hit = any(_istio_value_match(p, value) for p in source[field])
            if hit != positive:
                return False
    return True


def _operation_match(op: dict[str, Any], req: Request) -> bool:
    unknown = set(op) - {"methods", "notMethods", "paths", "notPaths"}
    if unknown:
        raise Unmodelled(f"Operation fields {unknown}")
    if "methods" in op and req.method not in op["methods"]:
        return False
    if "notMethods" in op and req.method in op["notMethods"]:
        return False
    if "paths" in op and not any(_path_match(p, req.path) for p in op["paths"]):
        return False
    return not ("notPaths" in op and any(_path_match(p, req.path) for p in op["notPaths"]))


def rule_matches(rule: dict[str, Any], req: Request) -> bool:
    unknown = set(rule) - {"from", "to"}
    if unknown:
        raise Unmodelled(f"Rule fields {unknown}")
    if "from" in rule and not any(_source_match(f["source"], req) for f in rule["from"]):
        return False
    return not ("to" in rule and not any(_operation_match(t["operation"], req) for t in rule["to"]))


def selects(policy: dict[str, Any], pod_labels: dict[str, str]) -> bool:
    spec = policy.get("spec") or {}
    if "targetRef" in spec or "targetRefs" in spec:
        raise Unmodelled("targetRef policies")
    wanted = (spec.get("selector") or {}).get("matchLabels") or {}
    return all(pod_labels.get(k) == v for k, v in wanted.items())


def allowed(policies: list[dict[str, Any]], pod_labels: dict[str, str], req: Request) -> bool:
    """Istio's decision for one request to a workload with these pod labels."""
    applicable = [p for p in policies if selects(p, pod_labels)]
    for policy in applicable:
        if (policy.get("spec") or {}).get("action", "ALLOW") not in ("ALLOW", "DENY"):
            raise Unmodelled(f"action {policy['spec']['action']}")
    denies = [p for p in applicable if p["spec"].get("action") == "DENY"]
    if any(rule_matches(r, req) for p in denies for r in p["spec"].get("rules", [])):
        return False
    allows = [p for p in applicable if (p.get("spec") or {}).get("action", "ALLOW") == "ALLOW"]
    if not allows:
        return True  # no ALLOW policy selects the workload: Istio allows everything
    return any(rule_matches(r, req) for p in allows for r in (p.get("spec") or {}).get("rules", []))
