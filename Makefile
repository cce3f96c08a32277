# The two commands of the README: `make site` and `make test`. Both work on a fresh machine
# that has only python3, pip, make and git.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test fuzz bench lock clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Installs come from the hash-pinned locks in requirements/ (what the tests ran against), then the
# project itself without dependencies; reinstall when a lock changes. `make lock` updates them.
$(VENV)/.installed: requirements/site.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements/site.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: requirements/test.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

# The search indexer: Pagefind's extended binary pinned in tools/pagefind/package-lock.json (1.6.0, not yet
# on PyPI; its filter files come out in a stable order, so builds are byte-identical). The package has
# no install script; --ignore-scripts keeps it so.
PAGEFIND := tools/pagefind/node_modules/.installed
$(PAGEFIND): tools/pagefind/package.json tools/pagefind/package-lock.json
	command -v npm >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm)
	npm ci --prefix tools/pagefind --ignore-scripts --no-audit --no-fund
	touch $@

# The performance targets (README, 性能) on this machine; N = synthetic training bases (about 3.6 record files
# each). About 45 minutes on 2 idle cores and several GB of disk under bench/work/. Results: bench/RESULTS.md
# and profile-*.txt beside it; --readme puts the run's table into README's 性能 section.
BENCH_SIZES ?= 10000,50000
bench: $(VENV)/.installed-test $(PAGEFIND)
	command -v hugo >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y hugo)
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	$(BIN)/python tests/benchmarks/bench.py --sizes $(BENCH_SIZES) --readme

# Re-resolve pyproject.toml's ranges to the newest releases and record their hashes.
LOCK_VENV := .venv-lock
COMPILE   := $(LOCK_VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --all-build-deps \
             --strip-extras --no-emit-index-url --no-emit-find-links --upgrade
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q pip-tools)
	$(COMPILE) -o requirements/site.txt pyproject.toml
	$(COMPILE) --extra test -o requirements/test.txt pyproject.toml

# Validate, generate build/docs, build into a fresh folder, index, swap it in: a failed build
# leaves the last good site/ as it was.
site: $(VENV)/.installed $(PAGEFIND)
	$(BIN)/jxjy build

# The HTML checker (tests/test_html_valid.py): the vnu.jar pinned in tools/vnu/package-lock.json, run on
# Debian's Java. --ignore-scripts: vnu-jar's postinstall would otherwise download a Java runtime from
# GitHub, unpinned, when it finds no system Java of version 11 or newer.
VNU := tools/vnu/node_modules/.installed
$(VNU): tools/vnu/package.json tools/vnu/package-lock.json
	command -v npm >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm)
	npm ci --prefix tools/vnu --ignore-scripts --no-audit --no-fund
	touch $@

# The browser tests drive Debian's chromium; Playwright never downloads a browser.
test: $(VENV)/.installed-test $(VNU) $(PAGEFIND)
	command -v chromium >/dev/null && command -v java >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium default-jre-headless)
	$(BIN)/python -m pytest

# -- screenshots --
# One full-page PNG per page type and width (tests/browsing.py: PAGE_TYPES, SIZES) of the sample site,
# into screenshots/ for reviewers to look at. Debian's chromium, and a CJK font: without one every
# character is a box.
screenshots: $(VENV)/.installed-test site
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	fc-list :lang=zh 2>/dev/null | grep -q . || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk)
	$(BIN)/python tools/screenshots/shoot.py --site site --out screenshots

# The fuzz tests with a long budget (make test runs them with a small one).
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.installed-test
	JXJY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -q

clean:
	rm -rf $(VENV) site site.old build screenshots
