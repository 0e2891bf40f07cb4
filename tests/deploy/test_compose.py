"""docker-compose.yml and deploy/ against the code (Docker does not run here, so the files are read)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from naskah_shared.config import DocumentSettings, Settings, load
from report_service.settings import ReportSettings
from signature_service.settings import SignatureSettings
from sk_service.settings import SkSettings

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"sk-service": SkSettings, "signature-service": SignatureSettings, "report-service": ReportSettings}
KNOWN = {f.metadata["env"] for cls in (Settings, DocumentSettings, *SERVICES.values())
         for f in cls.__dataclass_fields__.values()} | {"NASKAH_BIND", "NASKAH_WORKERS", "NASKAH_THREADS"}


REQUIRED_VALUES = {"NASKAH_API_KEYS": "e-office:" + "ab" * 32}  # what an operator's .env holds


def _substitute(value: str) -> str:
    """Compose's ${VAR:-default} / ${VAR:?message}: defaults kept, required ones given a test value."""
    def value_of(m: re.Match) -> str:
        if m.group(2) is not None:
            return m.group(2)
        return REQUIRED_VALUES.get(m.group(1), f"test-{m.group(1).lower()}-0123456789")

    return re.sub(r"\$\{([A-Z_]+)(?::-([^}]*)|:\?[^}]*)?\}", value_of, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_and_its_infrastructure_is_there(compose):
    assert set(compose["services"]) == {"rabbitmq", "rabbitmq-init", "minio", "minio-init", "postgres",
                                        *SERVICES}
    for name in SERVICES:
        assert set(compose["services"][name]["depends_on"]) == {"rabbitmq-init", "minio-init", "postgres"}


def test_services_build_a_dockerfile_target_that_runs_the_production_command(compose):
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    stages = set(re.findall(r"^FROM \S+ AS (\S+)$", dockerfile, re.M))
    for name in SERVICES:
        build = compose["services"][name]["build"]
        assert build["dockerfile"] == "deploy/Dockerfile" and build["target"] in stages
        stage = dockerfile.split(f"AS {name}\n")[1].split("\nFROM ")[0]
        package = name.replace("-", "_")
        assert f'CMD ["python", "-m", "{package}", "serve"]' in stage
        assert "USER naskah" in stage
    assert 'ENTRYPOINT ["/usr/bin/tini", "--"]' in dockerfile


def test_healthchecks_and_ports(compose):
    for name in SERVICES:
        svc = compose["services"][name]
        assert "/readyz" in " ".join(svc["healthcheck"]["test"])
        assert [p.split(":")[1] for p in svc["ports"]] == ["8000"]
    for name in ("rabbitmq", "minio", "postgres"):
        assert compose["services"][name]["healthcheck"]["test"]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_environment_is_what_the_code_reads_and_passes_its_checks(compose, name):
    env = {k: _substitute(str(v)) for k, v in compose["services"][name]["environment"].items()}
    unknown = sorted(set(env) - KNOWN)
    assert not unknown, f"{name} sets variables no code reads: {unknown}"
    settings = load(SERVICES[name], env)  # raises ConfigError naming a bad variable
    assert settings.service == name
    assert settings.bus_url.startswith("amqp://") and settings.store_url == "s3://minio:9000"
    assert settings.database_url.startswith("postgresql+psycopg://") and settings.database_url.endswith(
        "naskah_" + name.split("-")[0])


def test_databases_and_rabbitmq_definitions_match(compose):
    init_sql = (ROOT / "deploy/postgres/init.sql").read_text()
    for name in SERVICES:
        assert f"CREATE DATABASE naskah_{name.split('-')[0]};" in init_sql
    from scripts.rabbitmq_definitions import TARGET, generate

    assert TARGET.read_text() == generate(), "run scripts/rabbitmq_definitions.py"


def test_init_scripts_are_valid_shell():
    for script in ("deploy/rabbitmq/init.sh", "deploy/minio/init.sh"):
        subprocess.run(["sh", "-n", str(ROOT / script)], check=True)
    minio = (ROOT / "deploy/minio/init.sh").read_text()
    assert "--with-lock naskah/naskah-signed" in minio and "version enable naskah/naskah-drafts" in minio
