#!/usr/bin/env bash
# Prepares this checkout to run naskah: Debian packages (when root and missing),
# the project's virtual environment, and the LibreOffice/unoserver environment.
# Safe to run any number of times: each step checks before it acts.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------
debs=(libreoffice-writer-nogui python3-uno python3-venv fonts-noto-core fonts-dejavu-core
      softhsm2 opensc poppler-utils make chromium)
# npm only when no npm is on the PATH: a machine whose Node.js came with its own npm (not Debian's) cannot
# take Debian's npm beside it (apt refuses: held broken packages).
command -v npm >/dev/null || debs+=(npm)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages (run as root to install): ${missing[*]}"
  fi
fi

# --- the project's virtual environment --------------------------------------
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
venv="$root/.venv"
stamp="$venv/.naskah-stamp"
want=$(cat constraints.txt requirements-dev.txt shared/pyproject.toml services/*/pyproject.toml \
  cli/pyproject.toml | sha256sum | cut -c1-16)
if [[ ! -x "$venv/bin/python" ]]; then
  say "creating $venv with $($python --version)"
  "$python" -m venv "$venv"
fi
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  say "installing Python packages into .venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt \
    -e shared -e services/sk-service -e services/signature-service -e services/report-service \
    -e cli -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# --- unoserver under Debian's python3, which alone has `uno` ---------------
uno="$root/.venv-uno"
if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import uno' 2>/dev/null; then
  if [[ ! -x "$uno/bin/unoserver" ]]; then
    say "creating $uno (unoserver, Debian python3 with uno)"
    /usr/bin/python3 -m venv --system-site-packages "$uno"
    "$uno/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt unoserver
  fi
else
  say "LibreOffice's python3-uno is missing: PDF conversion will not work"
fi
# --- axe-core for the browser tests' accessibility checks (npm, into a gitignored folder) ---------
axe_version=4.14.1
axe="$root/.cache/node"
if command -v npm >/dev/null; then
  if [[ "$(node -p "require('$axe/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$axe_version" ]]; then
    say "installing axe-core $axe_version into $axe"
    mkdir -p "$axe"
    npm install --silent --no-audit --no-fund --prefix "$axe" "axe-core@$axe_version" >/dev/null
  fi
else
  say "npm is missing: the browser tests' accessibility checks cannot run"
fi
say "ready: $venv"

# --- the servers the real tests talk to (installed with the machine) --------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [[ "${1:-}" == "--servers" && $(id -u) -eq 0 ]]; then
  if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  if ! port_open 5672 && command -v rabbitmq-server >/dev/null; then
    say "starting RabbitMQ"
    rabbitmq-server -detached || true
    for _ in $(seq 30); do port_open 5672 && break; sleep 1; done
  fi
fi
