"""Run checkov on rendered manifests (and the Dockerfile) and enforce our gate.

    checkov_gate.py --skips k8s/checkov-skips.yaml --dockerfile Dockerfile RENDERED_DIR

Zero failed checks are allowed. Skips come only from the skips file, each with a reason,
and the required checks below can never be skipped: each must have run and passed on
every workload (Deployment, StatefulSet) in the rendered output.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

REQUIRED = {
    "CKV_K8S_8": "liveness probe",
    "CKV_K8S_9": "readiness probe",
    "CKV_K8S_10": "CPU requests",
    "CKV_K8S_11": "CPU limits",
    "CKV_K8S_12": "memory requests",
    "CKV_K8S_13": "memory limits",
    "CKV_K8S_23": "no root containers",
    "CKV_K8S_40": "high UID",
    "CKV_K8S_16": "not privileged",
    "CKV_K8S_20": "no privilege escalation",
    "CKV_K8S_22": "read-only root filesystem",
    "CKV_K8S_28": "no NET_RAW",
    "CKV_K8S_37": "capabilities dropped",
    "CKV_K8S_31": "seccomp RuntimeDefault",
    "CKV_K8S_38": "service account token not mounted",
}
WORKLOADS = ("Deployment", "StatefulSet")


def run_checkov(checkov: str, args: list[str]) -> list[dict]:
    proc = subprocess.run(
        [checkov, *args, "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        check=False,
    )
    if not proc.stdout.strip():
        sys.exit(f"checkov produced no output (exit {proc.returncode}):\n{proc.stderr}")
    data = json.loads(proc.stdout)
    return data if isinstance(data, list) else [data]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkov", default="checkov")
    parser.add_argument("--skips", type=Path, required=True)
    parser.add_argument("--dockerfile", type=Path)
    parser.add_argument("rendered", type=Path)
    args = parser.parse_args()

    skips = yaml.safe_load(args.skips.read_text()) or {}
    bad = [cid for cid, reason in skips.items() if cid in REQUIRED or not str(reason).strip()]
    if bad:
        print(f"FAIL: required checks or reasonless entries in {args.skips}: {bad}")
        return 1

    # Files, not -d: checkov skips directories under a hidden one such as .cache/.
    files = [str(p) for p in sorted(args.rendered.glob("*.yaml"))]
    if not files:
        print(f"FAIL: no rendered manifests in {args.rendered}")
        return 1
    skip = ["--skip-check", ",".join(skips) or "NONE"]
    reports = run_checkov(args.checkov, ["-f", *files, "--framework", "kubernetes", *skip])
    if args.dockerfile:
        reports += run_checkov(
            args.checkov, ["-f", str(args.dockerfile), "--framework", "dockerfile", *skip]
        )
    failures = 0
    passed_by_check: dict[str, set[str]] = defaultdict(set)
    for report in reports:
        results = report.get("results", {})
        summary = report.get("summary", {})
        print(
            f"  checkov {report.get('check_type')}: passed {summary.get('passed', 0)}, "
            f"failed {summary.get('failed', 0)}, skipped {summary.get('skipped', 0)}"
        )
        for check in results.get("failed_checks", []):
            print(f"  FAIL {check['check_id']} {check['check_name']}: {check['resource']}")
            failures += 1
        for check in results.get("passed_checks", []):
            passed_by_check[check["check_id"]].add(check["resource"])

    workloads = set()
    for path in sorted(args.rendered.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") in WORKLOADS:
                meta = doc["metadata"]
                workloads.add(f"{doc['kind']}.{meta.get('namespace', 'default')}.{meta['name']}")
    for cid, what in REQUIRED.items():
        missing = sorted(workloads - passed_by_check.get(cid, set()))
        if missing:
            print(f"  FAIL required {cid} ({what}) did not pass on: {', '.join(missing)}")
            failures += 1
    print(
        f"  required checks passed on all {len(workloads)} workloads: "
        f"{', '.join(f'{c} {w}' for c, w in REQUIRED.items())}"
        if not failures
        else ""
    )
    for cid, reason in skips.items():
        print(f"  skipped {cid}: {' '.join(str(reason).split())}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
