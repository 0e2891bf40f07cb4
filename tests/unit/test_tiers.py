"""Every test file lands in exactly one tier (tests/tiers.py), and each `make test-<tier>` runs that tier."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.tiers import TIERS, tier_of

ROOT = Path(__file__).resolve().parents[2]
TEST_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py"))


def test_every_test_file_is_in_a_tier() -> None:
    assert TEST_FILES, "no test file found"
    assert [f for f in TEST_FILES if tier_of(f) is None] == []


def test_no_path_is_named_twice_and_each_holds_tests_of_its_tier() -> None:
    entries = [entry for paths in TIERS.values() for entry in paths]
    assert len(entries) == len(set(entries))
    for tier, paths in TIERS.items():
        for entry in paths:
            assert (ROOT / entry).exists(), f"{entry} is gone"
            assert any(tier_of(f) == tier for f in TEST_FILES if f == entry or f.startswith(entry + "/")), (
                f"{entry} holds no test of the {tier} tier")


def test_the_longest_path_decides() -> None:
    assert tier_of("tests/report/test_activity.py") == "unit"
    assert tier_of("tests/report/test_formulir.py") == "integration"
    assert tier_of("tests/unitx/test_a.py") is None
    assert tier_of("benchmarks/test_a.py") is None


def test_each_test_carries_its_tier_marker(request: pytest.FixtureRequest) -> None:
    assert [m.name for m in request.node.iter_markers() if m.name in TIERS] == ["unit"]


@pytest.mark.parametrize("tier", list(TIERS))
def test_make_runs_each_tier_over_its_paths(tier: str) -> None:
    plan = subprocess.run(["make", "-n", f"test-{tier}"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert f"pytest -q -m {tier} $(.venv/bin/python -m tests.tiers {tier})" in plan.stdout
    paths = subprocess.run([".venv/bin/python", "-m", "tests.tiers", tier], cwd=ROOT, capture_output=True,
                           text=True, check=True)
    assert paths.stdout.split() == list(TIERS[tier])
