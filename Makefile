# naskah: the commands people run. Each target installs what it needs first (scripts/bootstrap.sh).
.PHONY: run test test-unit test-contract test-integration test-e2e servers lint bench bootstrap clean

VENV := .venv/bin

bootstrap:
	@bash scripts/bootstrap.sh

## Command 1: the whole suite in one process (in-process bus, ./var store, SQLite) and the SOP demo.
run: bootstrap
	@$(VENV)/naskah run

## Command 2: lint, then every test against the real RabbitMQ, PostgreSQL, SeaweedFS S3, LibreOffice, PKI:
## the four tiers below in one pytest run.
test: servers
	@bash scripts/test.sh

## One tier alone: pytest -m TIER over the tier's paths (tests/tiers.py says which file is in which tier).
tier = $(VENV)/pytest -q -m $(1) $$($(VENV)/python -m tests.tiers $(1))

## The fast loop: the domains and service layers on in-memory and embedded fakes; no server, seconds.
test-unit: bootstrap
	@$(call tier,unit)

## Each port's contract suite over its real adapter and its fake.
test-contract: servers
	@$(call tier,contract)

## Each service against the real servers.
test-integration: servers
	@$(call tier,integration)

## The three services together: the embedded run, the real stack, the chaos run.
test-e2e: servers
	@$(call tier,e2e)

servers:
	@bash scripts/bootstrap.sh --servers

lint: bootstrap
	@$(VENV)/ruff check .
	@$(VENV)/lint-imports
	@$(VENV)/mypy

bench: bootstrap
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(VENV)/python $$b || exit 1; done

clean:
	rm -rf var out .pytest_cache
