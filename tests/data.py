"""Test data: the demo's realistic SK Tim, and text that must print literally."""

from __future__ import annotations

from typing import Any

from naskah_cli.sample import sk_tim


def sk_payload(members: int = 8, **overrides: Any) -> dict[str, Any]:
    return {**sk_tim(members), **overrides}


INJECTIONS = ["{{ 7*7 }}", "{% for x in y %}", "<w:t>", "Tom & Jerry"]
