# alopex: two commands on a fresh machine with Go and Python 3.10+:
#   make demo   set everything up and run a real example
#   make test   set everything up and run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
GO ?= go
export GOFLAGS ?= -mod=mod

.PHONY: all venv install dev lib test test-go test-py test-cgocheck test-notebooks demo bench lint clean fuzz crash

all: dev

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	touch $@

venv: $(VENV)/.created

# A regular install (builds libalopex.so with Go through setup.py).
install: venv
	$(PIP) install -q ".[test]"

# An editable install: Python edits apply at once; `make lib` rebuilds the engine.
dev: venv lib
	$(PIP) install -q -e ".[test]"

lib:
	$(GO) build -buildmode=c-shared -o python/alopex/libalopex.so ./capi

build/cgocheck2/libalopex.so: $(shell find . -name '*.go' -not -path './.venv/*') go.mod
	GOEXPERIMENT=cgocheck2 $(GO) build -buildmode=c-shared -o $@ ./capi

test: install
	$(MAKE) lint
	$(GO) vet ./...
	$(GO) test ./...
	$(PY) -m pytest -q python/tests
	$(MAKE) test-cgocheck

# The Python suite again, against an engine built with GOEXPERIMENT=cgocheck2,
# which checks every pointer handed between Go and C.
test-cgocheck: install build/cgocheck2/libalopex.so
	ALOPEX_LIBRARY=$(CURDIR)/build/cgocheck2/libalopex.so $(PY) -m pytest -q -m "not slow and not notebook" python/tests

test-go:
	$(GO) vet ./...
	$(GO) test ./...

test-py: install
	$(PY) -m pytest -q python/tests

test-notebooks: install
	$(PY) -m pytest -q -m notebook python/tests

demo: install
	$(PY) examples/demo.py

bench: venv
	$(PIP) install -q ".[bench]"
	$(PY) bench/run.py

# The crash tests at length: a child process committing transactions (bank
# transfers with log rows, 10k-row bulk inserts) is SIGKILLed at random
# CRASH_TRIALS times, in Go on the storage package and from Python through
# ax.connect; every acknowledged commit must survive, no partial one be
# visible, balances add up and indexes agree (`make test` runs 3 and 10 trials).
CRASH_TRIALS ?= 100
crash: install
	ALOPEX_CRASH_TRIALS=$(CRASH_TRIALS) $(GO) test -count=1 -run '^TestCrashRecovery$$' ./storage
	ALOPEX_CRASH_TRIALS=$(CRASH_TRIALS) $(PY) -m pytest -q python/tests/test_crash.py

# Every Go native fuzz target (func FuzzXxx in a _test.go file) for FUZZTIME
# each; `go test ./...` (and so `make test`) runs their seed corpora under
# testdata/fuzz. A crasher lands in testdata/fuzz/FuzzXxx: commit it with the fix.
FUZZTIME ?= 5m
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^./.venv'); do \
		pkg=./$$(dirname $${f#./}); \
		for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | sed 's/^func //'); do \
			echo "== $$pkg $$t ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

lint: venv
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(PY) -m ruff check python bench examples

clean:
	rm -rf build dist python/alopex/libalopex.so python/alopex/libalopex.h *.egg-info python/*.egg-info
