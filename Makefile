# The two commands a newcomer needs: `make site` builds the wiki, `make test` runs every test.
# Both create the virtual environment in .venv on first use; `make test` also installs
# Debian's Chromium for the browser tests (see .ci/run, which CI runs).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve clean

$(BIN)/paperwiki: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

site: $(BIN)/paperwiki
	$(BIN)/paperwiki build

serve: $(BIN)/paperwiki
	$(BIN)/paperwiki serve

test:
	bash .ci/run

clean:
	rm -rf site .venv
	find docs -mindepth 1 ! -name .gitignore -delete
