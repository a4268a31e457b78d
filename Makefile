# Every target installs what it needs: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DB := relations.db
SEEDS := $(wildcard seeds/*.txt seeds/*.html) seeds/sources.yml
INGEST_CODE := $(wildcard ingest/*.py ingest/*.yml) schema.sql
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test db lint format eval chromium clean

serve: $(DB)
	$(BIN)/datasette serve -i $(DB) --metadata metadata.yml --plugins-dir plugins \
		-h 127.0.0.1 -p 8001

test: $(INSTALLED) chromium lint
	$(BIN)/pytest -q

db: $(DB)

$(DB): $(INSTALLED) $(SEEDS) $(INGEST_CODE)
	$(BIN)/python -m ingest --db $(DB) seeds

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: $(DB)
	$(BIN)/python -m tests.eval.evaluate --db $(DB)

clean:
	rm -rf $(VENV) $(DB) tests/artifacts
