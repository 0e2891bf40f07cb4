"""The four test tiers and the files in each, in one table.

tests/conftest.py marks every test with its tier (`pytest -m unit` and so on), and `make test-<tier>` runs
`pytest -m <tier>` over the tier's paths (`python -m tests.tiers <tier>` prints them). `make test` runs every
tier in one pytest session against the real servers. tests/unit/test_tiers.py checks that every test file
lands in exactly one tier.
"""

from __future__ import annotations

import sys
from pathlib import PurePosixPath

# A test file belongs to the tier of the longest path below that holds it (a file named in one tier, inside a
# directory named in another, belongs to the first).
TIERS: dict[str, tuple[str, ...]] = {
    # the domains and service layers, on in-memory or embedded fakes (SQLite, the filesystem store, the in-process
    # bus, tests/unit/fakes.py): no server, seconds
    "unit": ("tests/unit", "tests/report/test_activity.py", "tests/report/test_calendar.py"),
    # each port's suite over its real adapter and its fake (RabbitMQ and in-process, S3 and filesystem,
    # LibreOffice and the plain-text converter, PostgreSQL and SQLite)
    "contract": ("tests/contract",),
    # each service against the real servers (PostgreSQL, RabbitMQ, SeaweedFS, LibreOffice, the test PKI)
    "integration": ("tests/sk", "tests/signature", "tests/report", "tests/people", "tests/pages",
                    "tests/security", "tests/deploy"),
    # the three services together: the embedded run, the real stack in processes, and faults injected into it
    "e2e": ("tests/e2e", "tests/chaos"),
}


def tier_of(path: str) -> str | None:
    """The tier of a test file (a path relative to the repository, with forward slashes); None: in no tier."""
    file = PurePosixPath(path)
    found: tuple[int, str] | None = None
    for tier, entries in TIERS.items():
        for entry in map(PurePosixPath, entries):
            if (entry == file or entry in file.parents) and (found is None or len(entry.parts) > found[0]):
                found = (len(entry.parts), tier)
    return found[1] if found else None


if __name__ == "__main__":  # the Makefile: the paths pytest collects for one tier
    print(" ".join(TIERS[sys.argv[1]]))
