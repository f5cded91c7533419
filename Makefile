# Dialogic — `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | sha256sum | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help install system lock demo report lint test test-fast lab bench messages clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (dialogic)" >/dev/null
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## create .venv and install the exact versions of requirements.lock

system: ## install chromium + fonts-dejavu-core with apt-get when root (else say what to install); DIALOGIC_NO_APT=1 skips
	@scripts/system-deps.sh

lock: ## re-resolve pyproject.toml and write requirements.lock (exact versions)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet ".[test]"
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^dialogic' > requirements.lock
	rm -rf .venv-lock

demo: $(STAMP) ## build the simulated demo data (data/raw/demo -> data/processed/demo)
	$(BIN)/dialogic demo

report: system demo ## set up, build the demo data and render the demo study into reports/demo/
	$(BIN)/dialogic run studies/demo.yaml
	@echo "Open reports/demo/index.html"

lint: $(STAMP) ## ruff: lint and format check (config in pyproject.toml); `ruff format .` fixes the format
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: system $(STAMP) lint ## lint, then run the test suite (each skip says what is missing)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

messages: $(STAMP) ## refresh the translation catalogues from the code (extract + update), then list what to translate
	$(BIN)/dialogic i18n extract
	$(BIN)/dialogic i18n update
	$(BIN)/dialogic i18n check

test-fast: $(STAMP) ## run the tests that start no kernel and no browser
	$(BIN)/python -m pytest -q -m "not slow"

lab: $(STAMP) ## open JupyterLab on the project with its kernel
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## run the benchmarks in benchmarks/ (minutes; figures go to benchmarks/out/)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## remove generated data and reports (never data/raw except the simulated demo)
	rm -rf data/processed/* data/raw/demo reports/* .pytest_cache
	touch data/processed/.gitkeep reports/.gitkeep
