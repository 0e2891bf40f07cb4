"""The office (dinas) as configuration: name, region, address, logo, signers, nomor format, working calendar.

`NASKAH_OFFICE_FILE` names a JSON file like `example.json` here (a dinas in
Papua, used by the embedded run and the tests). A relative `logo` is read from
the file's folder, and so is the holiday list `kalender.libur_file`
(`libur-nasional.txt` here: lines `YYYY-MM-DD libur|cuti|lokal name`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).parent / "example.json"


def office_data(path: str | Path | None = None) -> dict[str, Any]:
    """The office's JSON as a dict, with `logo` made an absolute path."""
    source = Path(path) if path else EXAMPLE
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"office file {source}: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"office file {source}: not a JSON object")
    logo = data.get("logo")
    if logo and not Path(logo).is_absolute():
        data["logo"] = str(source.parent / logo)
    kalender = data.get("kalender")
    if isinstance(kalender, dict) and kalender.get("libur_file") and not Path(kalender["libur_file"]).is_absolute():
        kalender["libur_file"] = str(source.parent / kalender["libur_file"])
    return data


def holidays_text(data: dict[str, Any]) -> str:
    """The text of the office's holiday list (`kalender.libur_file`), empty when it names none."""
    path = (data.get("kalender") or {}).get("libur_file")
    if not path:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"office kalender.libur_file {path}: {exc}") from exc
