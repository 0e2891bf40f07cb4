"""The README's configuration table is the one the code generates; `.ci/run` calls the README's command."""

from __future__ import annotations

from scripts.readme_settings import END, README, START, table


def test_settings_table_matches_the_code():
    documented = README.read_text().split(START)[1].split(END)[0].strip()
    assert documented == table(), "run scripts/readme_settings.py"


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci/run").read_text()
    assert "make test" in README.read_text() and "set -euo pipefail" in ci
    assert [line for line in ci.splitlines() if line and not line.startswith("#")][-1].strip() == "make test"
