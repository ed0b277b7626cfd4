# KMS Assist: `make run` serves the sample KB; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest worker processes (pytest-xdist): one per core, four at most; `make test TEST_WORKERS=0` runs
# the suite in this process
TEST_WORKERS ?= auto

.PHONY: run test install install-dev lint bench clean

# TICK "LABEL" COMMAND...: COMMAND, with "  … LABEL 진행 중 (N s)" every 5 s while it runs (pip
# prints nothing while it unpacks and installs: up to ~40 s for torch), stopped when it ends; its
# exit status is COMMAND's. The same kind of line as the CLI's heartbeat (core/heartbeat.py).
TICK = sh -c 'label=$$1; shift; echo "$$*"; start=$$(date +%s); \
	( trap "kill \$$s 2>/dev/null; exit 0" TERM; \
	  while :; do sleep 5 & s=$$!; wait $$s; echo "  … $$label 진행 중 ($$(( $$(date +%s) - start )) s)"; done ) & \
	tick=$$!; "$$@"; rc=$$?; kill $$tick 2>/dev/null; wait $$tick 2>/dev/null; exit $$rc' tick

$(BIN)/python:
	@echo "==> .venv 가상환경 만들기, pip 업그레이드 (creating the virtualenv, upgrading pip)"
	$(PYTHON) -m venv $(VENV)
	@$(TICK) "pip 업그레이드 (pip upgrade)" $(BIN)/python -m pip install -q --upgrade pip

# torch goes first, pinned, so pip never resolves a multi-GB CUDA build for sentence-transformers.
# Not -q: pip's per-package lines are the progress of a first install (a minute or two of quiet
# otherwise); no progress bars, which a log would get as redrawn lines.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "==> torch 2.13.0 설치: 처음 한 번, 1~2분 걸릴 수 있습니다 (installing torch; a minute or two the first time)"
	@$(TICK) "torch 설치 (pip)" $(BIN)/pip install --progress-bar off torch==2.13.0
	@echo "==> KMS Assist와 의존 패키지 설치: 처음 한 번, 1분쯤 (installing KMS Assist and its dependencies; about a minute)"
	@$(TICK) "패키지 설치 (pip)" $(BIN)/pip install --progress-bar off -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	@echo "==> 개발 도구 설치: pytest, ruff, mypy, playwright (installing the dev tools; about a minute)"
	@$(TICK) "개발 도구 설치 (pip)" $(BIN)/pip install --progress-bar off -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	@echo "==> 샘플 KB 준비: 처음에는 모델 변환, ONNX 내보내기, 임베딩으로 몇 분 (preparing the sample KB; a few minutes the first time)"
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
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4

bench: install
	$(BIN)/kms bench --sizes 1000,10000

clean:
	rm -rf $(VENV) .kms test-output
