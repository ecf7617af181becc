# Every target does its own set-up from a fresh clone: a .venv with the project installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint fuzz chaos demo bench scan quality clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[server,sim,test]'
	touch $(STAMP)

## make test: the whole suite against a real Redis (REDIS_URL, or a private redis-server).
test: $(STAMP)
	scripts/with-redis $(BIN)/python -m pytest $(PYTEST_ARGS)

## make lint: formatting, lint and strict types, as CI checks them.
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

## make fuzz: the property tests on fresh random examples, many of them (make test runs a fixed sample).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fresh MLDEBT_FUZZ_EXAMPLES=$${MLDEBT_FUZZ_EXAMPLES:-1000} scripts/with-redis $(BIN)/python -m pytest tests/reliability/test_fuzz.py tests/rules/test_notebook.py tests/workers/test_markdown.py $(PYTEST_ARGS)

## make chaos SEEDS="1 2 3": the combined-fault test on more seeds than the one `make test` runs.
chaos: $(STAMP)
	MLDEBT_CHAOS_SEEDS="$(SEEDS)" scripts/with-redis $(BIN)/python -m pytest tests/reliability/test_combined_faults.py $(PYTEST_ARGS)

## make demo: simulator + receiver + worker, one signed pull_request.opened, what a user would see.
demo: $(STAMP)
	scripts/with-redis $(BIN)/python -m demo

## make bench: speed and API-budget figures against their baselines.
bench: $(STAMP)
	scripts/with-redis $(BIN)/python -m bench

## make quality: detection figures (precision, recall, false alarms per clean PR) on the labelled corpus in ../shared.
CORPUS ?= ../shared/corpus
quality: $(STAMP)
	@test -x $(CORPUS)/score || { echo "no labelled corpus at $(CORPUS) (set CORPUS=...)" >&2; exit 2; }
	MLDEBT=$(CURDIR)/$(BIN)/mldebt $(CORPUS)/score -j 2 $(QUALITY_ARGS)

## make scan: mldebt's own rules over mldebt's own history.
scan: $(STAMP)
	$(BIN)/mldebt scan --base $$(git rev-list --max-parents=0 HEAD | tail -n 1)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
