"""The README's configuration table is the one the code generates; `.ci/run` calls the README's command."""

from __future__ import annotations

from pathlib import Path

from naskah_shared.config import DocumentSettings, Settings, markdown_table
from report_service.settings import ReportSettings
from signature_service.settings import SignatureSettings
from sk_service.settings import SkSettings

ROOT = Path(__file__).resolve().parents[2]


def test_settings_table_matches_the_code():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- settings-table -->\n")[1].split("<!-- /settings-table -->")[0].strip()
    assert table == markdown_table(Settings, DocumentSettings, SkSettings, SignatureSettings, ReportSettings)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci/run").read_text()
    assert "make test" in readme and "set -euo pipefail" in ci
    assert [line for line in ci.splitlines() if line and not line.startswith("#")][-1].strip() == "make test"
