"""The names of report-service's event streams: one per activity, one per SK.

A domain rule, not a storage detail: the service layer appends to a stream by name and the repository
reads an activity's timeline from both of its streams, so both take the names from here.
"""

from __future__ import annotations


def activity_stream(activity_id: str) -> str:
    return f"activity:{activity_id}"


def sk_stream(sk_id: str) -> str:
    return f"sk:{sk_id}"
