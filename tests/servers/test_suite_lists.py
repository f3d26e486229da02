"""Guards on the scripts that run the suite: a folder of tests that nothing runs, or a Makefile
that names a target it does not have, fails here instead of going unnoticed."""

import re

from tests.helpers import ROOT

# Test folders that `make test` leaves to another command, which must run them.
ELSEWHERE = {
    "tests/k8s": ("scripts/k8s-check.sh", "make k8s-check"),
    "tests/image": ("scripts/image.sh", "make image-check"),  # needs the built image
}


def suite_paths(script: str, line_start: str) -> set[str]:
    """The tests/ paths on the lines of ``script`` that start with ``line_start``."""
    found = set()
    for line in (ROOT / script).read_text().splitlines():
        if line.startswith(line_start):
            found |= {p.rstrip("/") for p in re.findall(r"(?<![\w/.-])tests/[\w/.-]*", line)}
    return found


def test_make_test_runs_every_folder_that_holds_tests():
    # scripts/test.sh runs the whole suite with its unindented pytest lines (the indented one
    # is the posts-only subset of `make test-ferretdb`).
    listed = suite_paths("scripts/test.sh", '"${PYTEST[@]}"')
    assert listed, "no suite lists found in scripts/test.sh"
    for path in listed:
        assert (ROOT / path).is_dir(), f"scripts/test.sh lists {path}, which does not exist"
    folders = {str(f.parent.relative_to(ROOT)) for f in (ROOT / "tests").rglob("test_*.py")}
    for folder in sorted(folders):
        covered = [p for p in listed if folder == p or folder.startswith(p + "/")]
        elsewhere = [p for p in ELSEWHERE if folder == p or folder.startswith(p + "/")]
        assert covered or elsewhere, f"{folder} holds tests that `make test` never runs"
    for path, (script, command) in ELSEWHERE.items():
        assert path not in listed
        assert path in suite_paths(script, ""), f"{command} ({script}) does not run {path}"


def test_the_makefile_declares_only_targets_it_has():
    makefile = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)
    assert phony
    rules = set(re.findall(r"^([A-Za-z][\w-]*):", makefile, re.M))
    missing = set(phony.group(1).split()) - rules
    assert not missing, f"Makefile .PHONY names targets without a rule: {sorted(missing)}"
