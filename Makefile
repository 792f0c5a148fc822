# Everything runs from a virtualenv in .venv that the targets create and keep
# in step with requirements.lock. A fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# make test FRESH=1: no example outcome kept from an earlier run is used (tools/examples/stored.py)
export FRESH

.PHONY: setup pythons faults serve serve-ru build notebook timelines test examples outputs checked bench bench-loop bench-concurrency ci-local browser lighthouse translations lock clean

$(INSTALLED): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.lock
	touch $@

setup: $(INSTALLED)

## pythons: a small virtualenv for each other Python 3.11+ the examples run on (.cache/pythons/)
pythons: setup
	$(BIN)/python -m tools.examples.pythons --setup

## serve: the English site with live reload (pages and snippets/) on http://127.0.0.1:8000/
serve: setup
	$(BIN)/python -m mkdocs serve -f mkdocs.yml -a $(HOST):$(PORT)

## serve-ru: the same for the Russian edition
serve-ru: setup
	$(BIN)/python -m mkdocs serve -f mkdocs.ru.yml -a $(HOST):$(PORT)

## build: the complete site, every language, into site/
build: setup
	$(BIN)/python -m tools.site site

## notebook: re-render the notebook pages kept in notebooks/rendered/ (after editing the notebook or its snippets)
notebook: setup
	$(BIN)/python -m tools.notebook_page

## timelines: re-trace the snippets the pages draw event-loop timelines of (docs/traces/); SNIPPET=tasks/x.py or PAGE=docs/en/tasks.md: only those
timelines: pythons
	$(BIN)/python -m tools.timeline $(if $(SNIPPET),--snippet $(SNIPPET)) $(if $(PAGE),--page $(PAGE))

## test: every test (examples on every Python, harness, build, languages, notebook, browser); PAGE=docs/en/tasks.md: every check about that page and its twin, the cheap ones first (tests/page_selection.py)
test: pythons
	$(if $(PAGE),$(BIN)/python -m tests.page_selection $(PAGE),$(BIN)/python -m pytest -n 2 --dist loadfile)

## examples: only the examples (pages, Jupyter forms, REPL, notebook); PYTHONS="python3.14 ..." picks the Pythons
examples: pythons
	$(BIN)/python -m pytest -n 2 --dist loadfile tests/test_examples.py tests/test_notebook.py

## outputs: rewrite the pages' output blocks from real runs (PAGE=docs/en/tasks.md: that page and its translations)
outputs: pythons
	$(BIN)/python -m tools.examples.outputs $(if $(PAGE),--page $(PAGE))

## checked: run every example on every Python from scratch and record, per page, the day they passed (docs/data/checked.json; the pages say it)
checked: pythons
	$(BIN)/python -m tools.checked

## faults: plant every known contributor mistake in a throw-away copy; print what catches it
faults: pythons
	$(BIN)/python -m tools.faults

## bench: virtual vs real clock, build and test timings (not a test)
bench: setup
	$(BIN)/python -m tools.bench

## bench-loop: the contributor's loop, measured: fresh-clone CI, warm make test (nothing changed, one page edited), make test PAGE=, beside a CPU load (not a test; run it idle)
bench-loop: pythons
	$(BIN)/python -m tools.bench_loop

## bench-concurrency: threads vs asyncio, measured: the "measured" page's data file and charts (not a test)
bench-concurrency: setup
	$(BIN)/python -m tools.bench_concurrency

## ci-local: the run: steps of each job of ci.yml, in a fresh clone, as an unprivileged user with passwordless sudo, as on GitHub's runner (as root; JOB=examples: one job)
ci-local: setup
	$(BIN)/python -m tools.ci_local $(if $(JOB),--job $(JOB))

## browser: find or install the Chromium the browser tests use (the tests do this by themselves)
browser: setup
	$(BIN)/python -m tools.browser

## lighthouse: Lighthouse scores and transfer size of every page, mobile profile (not a test; needs node and npm)
lighthouse: setup
	$(BIN)/python -m tools.lighthouse

## translations: list translated pages older than their English page
translations: setup
	$(BIN)/python -m hooks.translations

## lock: re-resolve the dependency ranges in pyproject.toml into requirements.lock
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q ".[docs,test]"
	.lock-venv/bin/python -m pip freeze --exclude runnable-asyncio > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf site .pytest_cache test-results
