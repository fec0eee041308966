"""Roles per blueprint and per project, from the account file: overrides, omissions and ToolingLite's execution role.

aws-ia's default-project-profile module sends ToolingLite no manage-access role (and no provisioning role when the
domain management portal's admin project provisions), and S3Bucket and S3TableCatalog neither role: the project's
execution role provisions them. A ToolingLite project without an execution role fails aws-ia's plan.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_cli.synth import synthesise

BYOR = Path(__file__).parent / "fixtures" / "aws_ia" / "domain-management-and-bring-your-own-role" / "accounts"
TOOLING_LITE_LINE = 'without_roles = ["provisioning", "manage_access"]  # ToolingLite under the portal'
OTHER = "arn:aws:iam::777788889999:role/service-role/ToolingLiteProvisioning"


def byor_copy(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    config_dir = tmp_path / "accounts"
    shutil.copytree(BYOR, config_dir)
    account = config_dir / "byor.toml"
    account.write_text(edit(account.read_text()))
    return config_dir


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"{old!r} not in byor.toml"
        return text.replace(old, new, 1)

    return edit


def blueprint_configs(config_dir: Path, tmp_path: Path) -> dict[str, dict[str, Any]]:
    outdir = tmp_path / "cdktf.out"
    synthesise(config_dir, outdir)
    doc = json.loads((outdir / "stacks" / "byor-platform" / "cdk.tf.json").read_text())
    return {
        body["//"]["metadata"]["path"].split("/Blueprint-")[1].split("/")[0]: body
        for body in doc["resource"]["aws_datazone_environment_blueprint_configuration"].values()
    }


def test_the_byor_translation_sends_the_roles_aws_ia_sends(tmp_path: Path) -> None:
    configs = blueprint_configs(BYOR, tmp_path)
    assert configs["Tooling"]["provisioning_role_arn"].startswith("${aws_iam_role.")
    assert configs["Tooling"]["manage_access_role_arn"].startswith("${aws_iam_role.")
    for name in ("ToolingLite", "S3Bucket", "S3TableCatalog"):
        assert "provisioning_role_arn" not in configs[name], name
        assert "manage_access_role_arn" not in configs[name], name


def test_a_blueprint_can_bring_its_own_provisioning_role(tmp_path: Path) -> None:
    config_dir = byor_copy(
        tmp_path,
        replace(TOOLING_LITE_LINE, f'provisioning_role_arn = "{OTHER}"'),
    )
    configs = blueprint_configs(config_dir, tmp_path)
    assert configs["ToolingLite"]["provisioning_role_arn"] == OTHER
    assert configs["ToolingLite"]["manage_access_role_arn"].startswith("${aws_iam_role.")  # the shared one


def test_overriding_a_role_the_blueprint_also_omits_is_an_error(tmp_path: Path) -> None:
    config_dir = byor_copy(
        tmp_path,
        replace(
            TOOLING_LITE_LINE,
            f'without_roles = ["provisioning", "manage_access"]\nprovisioning_role_arn = "{OTHER}"',
        ),
    )
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    text = str(raised.value)
    assert "byor.toml: blueprints.ToolingLite.provisioning_role_arn" in text
    assert "to be left out: without_roles omits the provisioning role" in text


def test_a_blueprint_role_in_another_account_is_an_error(tmp_path: Path) -> None:
    foreign = "arn:aws:iam::111122223333:role/service-role/Elsewhere"
    config_dir = byor_copy(
        tmp_path,
        replace(TOOLING_LITE_LINE, f'provisioning_role_arn = "{foreign}"'),
    )
    with pytest.raises(ConfigError, match=r"blueprints\.ToolingLite\.provisioning_role_arn = .*an ARN in this account"):
        load_estate(config_dir)


def test_a_tooling_lite_project_without_an_execution_role_is_an_error(tmp_path: Path) -> None:
    config_dir = byor_copy(tmp_path, replace('project_execution_role = "create"\n', ""))
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    text = str(raised.value)
    assert "byor.toml: projects[2].execution_role_arn = (missing)" in text
    assert "a role ARN, or project_execution_role = 'create' on profile 'Default Project Profile'" in text
    assert "ToolingLite" in text


def test_a_tooling_lite_project_bringing_its_own_role_is_accepted(tmp_path: Path) -> None:
    role = "arn:aws:iam::777788889999:role/service-role/my-byor-project"
    config_dir = byor_copy(
        tmp_path,
        lambda text: replace('project_execution_role = "create"\n', "")(
            replace('name = "my-byor-project"\n', f'name = "my-byor-project"\nexecution_role_arn = "{role}"\n')(text)
        ),
    )
    (loaded,) = load_estate(config_dir)
    assert loaded.config.projects[2].execution_role_arn == role
