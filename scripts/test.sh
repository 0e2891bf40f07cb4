#!/usr/bin/env bash
# Runs naskah's whole test suite against the real servers. Called by `make test` and .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=.venv/bin

"$venv/ruff" check .
# The layers of STYLE.md (the contracts are in pyproject.toml, [tool.importlinter]).
"$venv/lint-imports"
# Types: strict on every domain and service layer and on naskah_shared (pyproject.toml, [tool.mypy]).
"$venv/mypy"
# pytest exits 5 when it collected nothing: that is a failure here, as is any other non-zero code.
exec "$venv/pytest" "$@"
