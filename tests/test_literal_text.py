"""Config text reaches Terraform as a literal: template sequences escaped, cdktn token syntax refused.

The oracle is Terraform itself: `terraform apply` of a config with no providers evaluates each escaped string, and
what it prints must be the string as written. Then every free-text field of an account file is filled with template
sequences, the estate synthesised, and no unescaped sequence may appear anywhere in the output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_cli.toml_writer import toml_string
from smus_constructs.literals import literal, literal_map
from tests.estate import FIXTURE_ACCOUNTS

CORPUS = [
    '${file("/etc/hostname")}',
    "%{ if true }yes%{ endif }",
    "$${already escaped}",
    "$$${three}",
    "%%{x}",
    "${",
    "plain $ and % and { }",
    "${var.x}${local.y}",
    "trailing $",
    "a\\${b}",
]
CANARY = '${file("/etc/hostname")} %{ if true }x%{ endif }'


@pytest.mark.parametrize("text", CORPUS)
def test_literal_keeps_cdktn_tokens_and_escapes_everything_else(text: str) -> None:
    token = "${TfToken[TOKEN.12]}"
    assert literal(f"{token}{text}").startswith(token)
    assert "${" not in literal(text).replace("$${", "")


def test_terraform_evaluates_each_escaped_string_to_the_string_as_written(tmp_path: Path) -> None:
    """No provider, no network: `terraform apply` of locals and outputs only."""
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH (README: it is a prerequisite)")
    strings = {f"s{index}": text for index, text in enumerate(CORPUS)}
    keyed = literal_map(dict.fromkeys(CORPUS, "v"))
    document = {
        "locals": {"strings": {key: literal(text) for key, text in strings.items()}, "keys": keyed},
        "output": {"strings": {"value": "${local.strings}"}, "keys": {"value": "${local.keys}"}},
    }
    (tmp_path / "main.tf.json").write_text(json.dumps(document))
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    for command in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        done = subprocess.run(
            ["terraform", *command], cwd=tmp_path, capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
    shown = subprocess.run(
        ["terraform", "output", "-json"], cwd=tmp_path, capture_output=True, text=True, env=env, check=True
    )
    outputs = json.loads(shown.stdout)
    assert outputs["strings"]["value"] == strings
    assert sorted(outputs["keys"]["value"]) == sorted(CORPUS)  # map keys are templates too


def hostile_config(tmp_path: Path, text: str) -> Path:
    """The example estate with every free-text field of dev.toml set to ``text``."""
    config = tmp_path / "config" / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, config.parent)
    value = toml_string(text)
    dev = config / "dev.toml"
    source = dev.read_text()
    replacements = {
        r'(?m)^description = "[^"]*"$': f"description = {value}",  # domain, units, profiles, projects
        r'(?m)^Owner = "data-platform"$': f"Owner = {value}\n{toml_string('k' + text)} = {value}",
        r'(?m)^reason = "[^"]*"$': f"reason = {toml_string('reason: ' + text)}",
        r'resource_tags = \{ ModelRiskTier = "high" \}': (
            f'resource_tags = {{ ModelRiskTier = "high", Note = {value} }}\n'
            f"user_parameters = {{ Tooling = {{ {toml_string('p' + text)} = {value} }} }}"
        ),
        r"(?m)^\[blueprints\.DataLake\]$": f"[blueprints.DataLake]\nglobal_parameters = {{ Note = {value} }}",
        r'\{ blueprint = "DataLake" \},\n  \{ blueprint = "MLExperiments" \}': (
            f'{{ blueprint = "DataLake", description = {value}, '
            f'overrides = [{{ name = "Note", value = {value} }}] }},\n  {{ blueprint = "MLExperiments" }}'
        ),
    }
    for pattern, replacement in replacements.items():
        source, count = re.subn(pattern, replacement.replace("\\", "\\\\"), source)
        assert count, f"the example dev.toml no longer has {pattern!r}"
    dev.write_text(source)
    return config


def strings_in(document: Any) -> list[str]:
    if isinstance(document, dict):
        return [s for key, value in document.items() for s in (key, *strings_in(value))]
    if isinstance(document, list):
        return [s for item in document for s in strings_in(item)]
    return [document] if isinstance(document, str) else []


def test_every_free_text_field_of_config_is_synthesised_escaped(tmp_path: Path) -> None:
    from smus_cli.synth import synthesise

    config = hostile_config(tmp_path, CANARY)
    outdir = tmp_path / "cdktf.out"
    synthesise(config, outdir, accounts=["dev"])
    seen = 0
    for path in (outdir / "stacks").glob("*/cdk.tf.json"):
        for text in strings_in(json.loads(path.read_text())):
            if "/etc/hostname" in text or "if true" in text:
                seen += 1
                unescaped = re.sub(r"\$\$\{|%%\{", "", text)
                assert "${file" not in unescaped and "%{ if" not in unescaped, f"{path.parent.name}: {text!r}"
    assert seen >= 12, f"only {seen} strings carried the canary: a field the test fills no longer reaches the output"


@pytest.mark.parametrize(
    "token", ["${TfToken[TOKEN.1]}", "#{TfToken[TOKEN.3]}", "x${TfToken[TOKEN.1]}y", "TfToken[TOKEN.9]"]
)
def test_cdktn_token_syntax_in_config_is_a_named_error(tmp_path: Path, token: str) -> None:
    config = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config)
    dev = config / "dev.toml"
    dev.write_text(dev.read_text().replace('Owner = "data-platform"', f"Owner = {toml_string(token)}"))
    with pytest.raises(ConfigError) as caught:
        load_estate(config)
    (issue,) = caught.value.issues
    assert (issue.file, issue.field, issue.value) == (dev, "tags.Owner", token)
    assert "token syntax" in issue.accepted


def test_a_number_cdktn_would_read_as_a_token_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config)
    dev = config / "dev.toml"
    dev.write_text(dev.read_text() + "\n[operations]\nproject_quota = -1.8881545897087626e+289\n")
    with pytest.raises(ConfigError, match=r"operations\.project_quota = -1\.888.*e\+289: expected a finite number"):
        load_estate(config)
