# KMS Assist: `make run` serves the sample KB; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch goes first, pinned, so pip never resolves a multi-GB CUDA build for sentence-transformers.
# Not -q: pip's per-package lines are the progress of a first install (a minute or two of quiet
# otherwise); no progress bars, which a log would get as redrawn lines.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --progress-bar off torch==2.13.0
	$(BIN)/pip install --progress-bar off -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --progress-bar off -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/kms init --sample --if-missing
	$(BIN)/kms serve --host $(HOST) --port $(PORT) --sign-in-link

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	KMS_DATA_DIR=$(CURDIR)/test-output/eval-sample-kms $(BIN)/kms eval sample \
		--baseline eval/baselines/sample_kb/report.json --fail-on-regression --out test-output/eval-sample
	KMS_DATA_DIR=$(CURDIR)/test-output/eval-sample-kms $(BIN)/kms eval safety \
		--baseline eval/baselines/sample_kb_safety/report.json --tolerance 0.05 --fail-on-regression \
		--out test-output/eval-safety
	$(BIN)/pytest

bench: install
	$(BIN)/kms bench --sizes 1000,10000

clean:
	rm -rf $(VENV) .kms test-output
