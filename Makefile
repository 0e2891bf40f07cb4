# naskah: the commands people run. Each target installs what it needs first (scripts/bootstrap.sh).
.PHONY: run test test-unit lint bench bootstrap clean

VENV := .venv/bin

bootstrap:
	@bash scripts/bootstrap.sh

## Command 1: the whole suite in one process (in-process bus, ./var store, SQLite) and the SOP demo.
run: bootstrap
	@$(VENV)/naskah run

## Command 2: lint, then every test against the real RabbitMQ, PostgreSQL, SeaweedFS S3, LibreOffice, PKI.
test:
	@bash scripts/bootstrap.sh --servers
	@bash scripts/test.sh

## The fast loop: tests/unit alone (domains, helpers; no server), in seconds. `make test` runs them too.
test-unit: bootstrap
	@$(VENV)/pytest tests/unit -q

lint: bootstrap
	@$(VENV)/ruff check .
	@$(VENV)/lint-imports
	@$(VENV)/mypy

bench: bootstrap
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(VENV)/python $$b || exit 1; done

clean:
	rm -rf var out .pytest_cache
