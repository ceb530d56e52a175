# Two commands for a newcomer: `make run` and `make test`. Everything else is for maintainers.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# A Python >= 3.12: pyenv's newest 3.12 (then 3.13) when pyenv is here, else python3.12 / python3.13 on PATH.
PYTHON ?= $(shell \
  if command -v pyenv >/dev/null 2>&1; then \
    r=$$(pyenv root); \
    for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[23]\.[0-9]+$$' | sort -t. -k2,2n -k3,3nr); do \
      if [ -x "$$r/versions/$$v/bin/python3" ]; then echo "$$r/versions/$$v/bin/python3"; exit 0; fi; \
    done; \
  fi; \
  for c in python3.12 python3.13; do \
    if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys' >/dev/null 2>&1; then command -v $$c; exit 0; fi; \
  done)

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint screenshots guide bench bench-national package fuzz clean setup docs translations

setup: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Cần Python 3.12 trở lên (Python >= 3.12 is required)"; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# The English catalogue, compiled from its source (resources/locale/en.po) whenever that changes.
MO := lhtl_desktop/resources/locale/en/LC_MESSAGES/lhtl.mo
$(MO): resources/locale/en.po scripts/translations.py $(STAMP)
	$(PY) scripts/translations.py compile

run: $(STAMP) $(MO)
	$(PY) main.py

test: $(STAMP) $(MO)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test-fast: $(STAMP) $(MO)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy lhtl_desktop

# docs/CLI.md from the command parser (tests/cli/test_docs.py fails when it is stale).
docs: $(STAMP)
	$(PY) -m lhtl_desktop.cli.docs

screenshots: $(STAMP) $(MO)
	$(PY) scripts/screenshots.py
	LHTL_LANG=en $(PY) scripts/screenshots.py
	$(PY) -m tests.reports.screenshots
	$(PY) -m tests.forms.screenshots
	$(PY) scripts/build_guide.py

guide: $(STAMP)
	$(PY) scripts/build_guide.py

bench: $(STAMP)
	$(PY) scripts/bench.py

# All 34 provinces, communes → hubs → province, measured (≤ 30 min on 2 cores; data cached under build/).
bench-national: $(STAMP)
	$(PY) scripts/bench_national.py

# Re-extract every marked string into resources/locale/en.po (new ones untranslated), compile, and list
# what still needs a translation (tests/test_translations.py fails until it is written).
translations: $(STAMP)
	$(PY) scripts/translations.py extract
	$(PY) scripts/translations.py compile
	-$(PY) scripts/translations.py check

package: $(STAMP) $(MO)
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	@echo "dist/lhtl: $$(du -sb dist/lhtl | cut -f1) bytes (budget 130000000)"
	dist/lhtl/lhtl --version

fuzz: $(STAMP)
	$(PY) scripts/fuzz.py
	$(PY) scripts/fuzz.py --structured

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
