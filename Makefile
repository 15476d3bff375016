# The two commands a newcomer needs: `make site` builds the wiki, `make test` runs every test.
# Both create the virtual environment on first use, outside the checkout (`make venv-dir`
# prints where); `make test` also installs Debian's Chromium for the browser tests (see
# .ci/run, which CI runs).

PYTHON ?= python3
VENV := $(shell bash .ci/venv-dir)
BIN := $(VENV)/bin

.PHONY: site test serve clean venv-dir

$(BIN)/paperwiki: pyproject.toml
	mkdir -p $(dir $(VENV))
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

venv-dir:
	@echo $(VENV)

clean:
	rm -rf site $(VENV)
	find docs -mindepth 1 ! -name .gitignore -delete
