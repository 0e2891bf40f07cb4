"""The office (dinas) as configuration: name, region, address, logo, signers, nomor format.

`NASKAH_OFFICE_FILE` names a JSON file like `example.json` here (a dinas in
Papua, used by the embedded run and the tests). A relative `logo` is read from
the file's folder.
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
    logo = data.get("logo")
    if logo and not Path(logo).is_absolute():
        data["logo"] = str(source.parent / logo)
    return data
