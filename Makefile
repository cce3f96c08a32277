# The two commands of the README: `make site` and `make test`. Both work on a fresh machine
# that has only python3, pip, make and git.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# Validate, generate build/docs, build into a fresh folder, index, swap it in: a failed build
# leaves the last good site/ as it was.
site: $(VENV)/.installed
	$(BIN)/jxjy build

# The browser tests drive Debian's chromium; Playwright never downloads a browser.
test: $(VENV)/.installed-test
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	$(BIN)/python -m pytest

# The fuzz tests with a long budget (make test runs them with a small one).
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.installed-test
	JXJY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -q

clean:
	rm -rf $(VENV) site site.old build
