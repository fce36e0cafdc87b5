# repkit — two commands on a fresh machine: `make demo`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKERS ?= 2
SCALE ?=
DATA ?= sample_data
OUT ?= reports
WHEEL_VENV ?= $(CURDIR)/build/wheel-check-venv
OLDEST_VENV ?= $(CURDIR)/build/oldest-venv
OLDEST ?= pandas==2.2.2 numpy==1.26.4 pyarrow==17.0.0
BENCH_NODEPS ?= statsforecast coreforecast utilsforecast fugue triad adagio threadpoolctl cloudpickle duckdb

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

## install: create .venv and install repkit with its test tools
install: $(STAMP)

## fonts: install CJK fonts for charts (Debian: fonts-noto-cjk, fonts-wqy-microhei); warns if it cannot
fonts:
	@if fc-list :lang=zh family 2>/dev/null | grep -q .; then \
		echo "fonts: CJK fonts present"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -q fonts-noto-cjk fonts-wqy-microhei >/dev/null 2>&1 || \
		 (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q fonts-noto-cjk fonts-wqy-microhei >/dev/null 2>&1)) \
		&& echo "fonts: installed fonts-noto-cjk fonts-wqy-microhei" \
		|| echo "fonts: WARNING could not install CJK fonts; Chinese chart labels will show as boxes"; \
	else \
		echo "fonts: WARNING no CJK font and no root apt-get; run 'sudo apt-get install fonts-noto-cjk' for Chinese chart labels"; \
	fi

## chromium: install headless chromium for PDF export and browser tests, poppler-utils to read PDFs back (Debian); warns if it cannot
chromium:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null; then echo "chromium: present"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -q chromium poppler-utils >/dev/null 2>&1 || \
		 (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium poppler-utils >/dev/null 2>&1)) \
		&& echo "chromium: installed (with poppler-utils)" || echo "chromium: WARNING could not install; browser tests will be skipped"; \
	else echo "chromium: WARNING not installed; browser tests will be skipped"; fi

## libreoffice: install LibreOffice Calc (headless) and Carlito (Calibri's widths, so pages print as in Excel) for the workbook tests (Debian); warns if it cannot
libreoffice:
	@if command -v soffice >/dev/null; then echo "libreoffice: present"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -q --no-install-recommends libreoffice-calc-nogui fonts-crosextra-carlito >/dev/null 2>&1 || \
		 (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends libreoffice-calc-nogui fonts-crosextra-carlito >/dev/null 2>&1)) \
		&& echo "libreoffice: installed" || echo "libreoffice: WARNING could not install; recalculation tests will be skipped"; \
	else echo "libreoffice: WARNING not installed; recalculation tests will be skipped"; fi

## sample: regenerate sample_data/ from the seeded generator
sample: $(STAMP)
	$(BIN)/repkit sample $(DATA)

## demo: install, then make every region's half-year plan from sample_data into reports/
demo: $(STAMP) fonts
	$(BIN)/repkit batch --data $(DATA) --out $(OUT) --workers $(WORKERS)
	@echo "Open $(OUT)/index.html"

## test: install if needed, run the whole test suite (unit, doctests, notebooks)
test: $(STAMP) fonts chromium libreoffice
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests repkit --doctest-modules --durations=15
	$(BIN)/python -m pytest --nbval-lax -p no:xdist notebooks/training -q

## test-fast: unit tests and doctests only (no notebooks, browsers or slow tests), about 2 minutes
test-fast: $(STAMP)
	REPKIT_HYPOTHESIS=fast $(BIN)/python -m pytest -n 2 --dist loadgroup tests repkit \
		--doctest-modules -q -m "not slow and not notebook and not browser"

## wheel-check: build the wheel, install it (not editable) in a fresh venv, repkit init + batch one region
wheel-check: $(STAMP)
	rm -rf build dist $(WHEEL_VENV)
	$(BIN)/python -m pip wheel --no-deps -q -w dist .
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install -q dist/repkit-*.whl
	cd $(WHEEL_VENV) && bin/repkit init work && bin/repkit batch --data work/data \
		--template work/templates/half_year_plan.ipynb --out work/reports --region 兰州 --workers 1
	test -s $(WHEEL_VENV)/work/reports/index.html
	test -s $(WHEEL_VENV)/work/reports/兰州/plan.html
	cd /tmp && $(WHEEL_VENV)/bin/python -c "from repkit._resources import template_path as t; \
		p = str(t()); assert '/site-packages/repkit/_data/' in p, p"
	@echo "wheel-check: $$(ls dist/*.whl) installs and plans from a fresh venv"

## test-oldest: io and plan tests on the oldest pandas and NumPy that pyproject.toml allows
test-oldest:
	rm -rf $(OLDEST_VENV)
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install -q $(OLDEST) -e . pytest hypothesis sqlalchemy xlwt
	$(OLDEST_VENV)/bin/python -c "import pandas, numpy; \
		print('test-oldest: pandas', pandas.__version__, 'numpy', numpy.__version__)"
	$(OLDEST_VENV)/bin/python -m pytest -p no:cacheprovider -q tests/test_io.py tests/test_plan.py \
		-m "not slow and not notebook"

## lint: ruff check and format check
lint: $(STAMP)
	$(BIN)/ruff check repkit tests benchmarks
	$(BIN)/ruff format --check repkit tests benchmarks

## format: ruff format and autofix
format: $(STAMP)
	$(BIN)/ruff format repkit tests benchmarks
	$(BIN)/ruff check --fix repkit tests benchmarks

## strip: remove outputs from every committed notebook
strip: $(STAMP)
	$(BIN)/python -m repkit.report.strip templates notebooks

## typecheck: light mypy on repkit/
typecheck: $(STAMP)
	$(BIN)/mypy repkit

## bench: performance budgets of design.md, measured side by side (SCALE="--rows 300000 --regions 20" for a quick national-scale run)
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	@# statsforecast pins pandas<3; its models run on pandas 3, so install it without deps
	$(BIN)/python -m pip install -q --no-deps $(BENCH_NODEPS)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; \
		case $$b in *bench_scale.py) args="$(SCALE)";; *) args="";; esac; \
		$(BIN)/python $$b $$args || exit 1; done

## clean: remove reports and caches (keeps .venv)
clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis .bench build dist

.PHONY: help install fonts chromium libreoffice sample demo test test-fast wheel-check test-oldest lint format strip typecheck bench clean
