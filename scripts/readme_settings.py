"""Regenerate the README's configuration table from the settings classes.

usage: .venv/bin/python scripts/readme_settings.py
"""

from __future__ import annotations

from pathlib import Path

from naskah_shared.config import DocumentSettings, Settings, markdown_table
from report_service.settings import ReportSettings
from signature_service.settings import SignatureSettings
from sk_service.settings import SkSettings

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- settings-table -->\n", "<!-- /settings-table -->"


def table() -> str:
    return markdown_table(Settings, DocumentSettings, SkSettings, SignatureSettings, ReportSettings)


if __name__ == "__main__":
    text = README.read_text()
    head, rest = text.split(START)
    README.write_text(head + START + table() + "\n" + END + rest.split(END, 1)[1])
