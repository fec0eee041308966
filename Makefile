# Two commands set up a fresh machine and do the work (see README):
#   make synth   - install what is needed, then synthesise the example estate into cdktf.out/ (no AWS credentials)
#   make test    - install what is needed, then run the test suite
# Each installs only what is missing: Python packages with pipenv (into .venv/), the Node 22 CDK Terrain CLI with npm,
# checkov into its own venv (.venv-checkov/: it pins libraries the app's environment must not share), and the IAM and
# workflow analysers (parliament, cloudsplaining, zizmor) into theirs (.venv-audit/), and the rehearsal's local AWS API
# (moto, awscli, boto3) into .venv-rehearse/.
#   make rehearse - apply one account's aws-only stacks against a local AWS API (moto) and prove drift, alerts and guard

SHELL := /bin/bash
PYTHON ?= python3
PIPENV := $(PYTHON) -m pipenv
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_NOSPIN := 1
export PIPENV_YES := 1
export PIPENV_IGNORE_VIRTUALENVS := 1
export CHECKPOINT_DISABLE := 1
# Some machines point TF_CLI_CONFIG_FILE at a file that does not exist, which makes terraform print an error on
# every call the CDK Terrain CLI makes. Drop the variable only in that case.
ifneq ($(TF_CLI_CONFIG_FILE),)
ifeq ($(wildcard $(TF_CLI_CONFIG_FILE)),)
unexport TF_CLI_CONFIG_FILE
endif
endif

PY_STAMP := .venv/.synced
NODE_STAMP := node_modules/.installed
CHECKOV_STAMP := .venv-checkov/.installed
AUDIT_STAMP := .venv-audit/.installed
REHEARSE_STAMP := .venv-rehearse/.installed

.PHONY: diff synth test lint typecheck check bench install clean checkov checkov-install audit-install rehearse rehearse-install fuzz dist docs api-snapshot docs-config docs-dashboard

synth: $(NODE_STAMP) $(PY_STAMP)
	npx --no-install cdktn synth

# pytest exits 5 when it collected no tests: for this project that means the suite went missing, so say so and fail.
test: $(NODE_STAMP) $(PY_STAMP) $(CHECKOV_STAMP) $(AUDIT_STAMP) $(REHEARSE_STAMP)
	@$(PIPENV) run pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests; failing on purpose" >&2; fi; \
	exit $$status

lint: $(PY_STAMP)
	$(PIPENV) run ruff check .
	$(PIPENV) run ruff format --check .

typecheck: $(PY_STAMP)
	$(PIPENV) run mypy

check: lint typecheck test

# The property tests of the account-file schema, long and with random seeds (the suite runs them bounded and
# derandomised). FUZZ_EXAMPLES=100000 make fuzz for a longer run; a failure prints the example that broke it.
FUZZ_EXAMPLES ?= 20000
fuzz: $(NODE_STAMP) $(PY_STAMP)
	SMUS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PIPENV) run pytest -q tests/test_config_properties.py

# make's own options start with '-', so the benchmark's go in a variable: make bench BENCH_ARGS=--quick
BENCH_ARGS ?=
bench: $(NODE_STAMP) $(PY_STAMP)
	$(PIPENV) run python bench/synth_bench.py $(BENCH_ARGS)

install: $(NODE_STAMP) $(PY_STAMP) $(CHECKOV_STAMP) $(AUDIT_STAMP) $(REHEARSE_STAMP)

# The published distributions (construct library, rule pack) into dist/: sdist + wheel each, then twine's checks.
dist: $(PY_STAMP)
	rm -rf dist
	$(PIPENV) run python distributions/build_dists.py --outdir dist
	$(PIPENV) run twine check --strict dist/*

# The construct library's API reference, from its docstrings, into docs/api/ (open docs/api/index.html).
docs: $(NODE_STAMP) $(PY_STAMP)
	rm -rf docs/api
	$(PIPENV) run python -m distributions.render_docs docs/api

# After a deliberate change to the library's public API: rewrite tests/public_api.json (and say so in CHANGELOG.md).
api-snapshot: $(PY_STAMP)
	$(PIPENV) run python -m tests.public_api --update

# The account file's reference and JSON Schema, regenerated from the config models (after adding or changing a field).
docs-config: $(PY_STAMP)
	$(PIPENV) run smus config-reference

# The README's picture of prod's dashboard (docs/dashboard-prod.svg), drawn from the dashboard body the example estate
# (tests/fixtures/estate) synthesises; tests/test_dashboard.py fails when the checked-in picture is stale.
docs-dashboard: $(NODE_STAMP) $(PY_STAMP)
	out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && \
	$(PIPENV) run smus synth --config-dir tests/fixtures/estate/accounts --outdir "$$out" --account prod && \
	$(PIPENV) run python -m smus_cli.dashboard_picture "$$out/stacks/prod-ops/cdk.tf.json" docs/dashboard-prod.svg

checkov-install: $(CHECKOV_STAMP)

audit-install: $(AUDIT_STAMP)

rehearse-install: $(REHEARSE_STAMP)

# Before the first real apply: one account's bootstrap and ops stacks applied with real terraform against moto on a
# free loopback port, then drift.yml's own scripts, the change alert and the guard on what was applied (README:
# "Rehearse before the first apply"). REHEARSE_ARGS="--account staging --keep" for another account or to keep its folder.
REHEARSE_ARGS ?=
rehearse: $(NODE_STAMP) $(PY_STAMP) $(REHEARSE_STAMP)
	$(PIPENV) run python -m smus_cli.rehearse $(REHEARSE_ARGS)

# A real `terraform plan` of one stack through the CDK CLI (`make diff STACK=dev-platform`), with what we control kept
# quiet: no HashiCorp checkpoint call, no warning about a TF_CLI_CONFIG_FILE that does not exist (see above). It needs
# AWS credentials for the account's plan or deploy role and the Terraform registry (or a provider mirror).
diff: $(NODE_STAMP) $(PY_STAMP)
	@test -n "$(STACK)" || { echo "make diff: name the stack, e.g. make diff STACK=dev-platform" >&2; exit 2; }
	@npx --no-install cdktn diff "$(STACK)" || { status=$$?; \
	  echo "make diff: cdktn diff $(STACK) failed (exit $$status). It needs AWS credentials for the account's plan or" \
	    "deploy role, and the Terraform registry or a provider mirror for terraform init; make synth needs neither." >&2; \
	  exit $$status; }

# checkov over the synthesised estate; fails on any finding not accepted, with a reason, in config/checkov-skips.toml.
checkov: synth $(CHECKOV_STAMP)
	$(PIPENV) run python -m smus_cli.checkov_gate cdktf.out

# Order-only on Node: the warm-up must start the jsii kernel on the project's Node 22, not the system Node 20.
$(PY_STAMP): Pipfile.lock pyproject.toml | $(NODE_STAMP)
	@$(PYTHON) -m pipenv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check pipenv
	$(PIPENV) sync --dev
	$(PIPENV) run python -m smus_cli.warmup
	@touch $@

$(CHECKOV_STAMP): tools/checkov-requirements.txt
	rm -rf .venv-checkov
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet --disable-pip-version-check -r tools/checkov-requirements.txt
	@touch $@

$(AUDIT_STAMP): tools/audit-requirements.txt
	rm -rf .venv-audit
	$(PYTHON) -m venv .venv-audit
	.venv-audit/bin/pip install --quiet --disable-pip-version-check -r tools/audit-requirements.txt
	@touch $@

$(REHEARSE_STAMP): tools/rehearse-requirements.txt
	rm -rf .venv-rehearse
	$(PYTHON) -m venv .venv-rehearse
	.venv-rehearse/bin/pip install --quiet --disable-pip-version-check -r tools/rehearse-requirements.txt
	@touch $@

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf cdktf.out .cdktf.out.* .pytest_cache .mypy_cache .ruff_cache
