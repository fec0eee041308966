"""`smus diff-envs`: structural differences between accounts gate promotion unless declared with a reason."""

from __future__ import annotations

import json
import shutil
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from config.loader import load_account
from config.models import AccountConfig
from smus_cli.app import app
from smus_cli.diff_envs import (
    CREATED,
    DEFAULT_INTENDED,
    FIELD_COVERAGE,
    IntendedDifference,
    IntendedDifferences,
    compare,
    load_intended,
    member_role,
    member_roles,
    structure,
)
from tests.estate import FIXTURE_ACCOUNTS, FIXTURE_INTENDED
from tests.test_associations_config import MEMBER_FIXTURE, ML_ENV, associated_estate

runner = CliRunner()
NONE = IntendedDifferences()

#: The differences the example estate is built to show; prod may gain more, each declared in the shipped file.
PROD_DIFFERENCES = {
    "account.protected",
    "blueprint_roles.manage_access_role",
    "blueprint_roles.provisioning_role",
    "domain.execution_role",
    "domain.kms_key",
    "domain.service_role",
    "domain.timeouts.create",
    "domain.timeouts.delete",
    "projects.regulatory-reporting",
    "tags.DataClassification",
}


@pytest.fixture()
def estate(tmp_path: Path) -> Path:
    """A copy of the example accounts that a test may edit."""
    target = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, target)
    return target


def edit(estate: Path, account: str, old: str, new: str) -> None:
    path = estate / f"{account}.toml"
    text = path.read_text()
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1))


def config(estate: Path, account: str) -> AccountConfig:
    return load_account(estate / f"{account}.toml").config


def diff(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["diff-envs", "--config-dir", str(FIXTURE_ACCOUNTS), *args])
    return result.exit_code, result.output


def diff_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["diff-envs", "--config-dir", str(FIXTURE_ACCOUNTS), *args, "--json"])
    report: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, report


# --- the example estate ---------------------------------------------------------------------------------------------


def test_dev_and_staging_are_identical_in_structure() -> None:
    code, output = diff("dev", "staging")
    assert code == 0, output
    assert "PASS: no structural differences between dev and staging" in output


def test_every_prod_difference_is_found_and_declared() -> None:
    code, report = diff_json("staging", "prod")
    assert code == 0, report
    found = {d["path"] for d in report["differences"]}
    assert found >= PROD_DIFFERENCES, f"not found: {sorted(PROD_DIFFERENCES - found)}"
    assert [d["path"] for d in report["differences"] if not (d["intended"] and d["reason"])] == []
    assert report["stale_declarations"] == []


def test_prod_differences_are_reported_with_values_from_either_side() -> None:
    _, report = diff_json("prod", "dev")
    by_path = {d["path"]: (d["a_value"], d["b_value"]) for d in report["differences"]}
    assert by_path["domain.kms_key"] == ("bring-your-own", "created")
    assert by_path["projects.regulatory-reporting"] == ("present", "(absent)")
    assert by_path["tags.DataClassification"] == ("confidential", "internal")
    assert by_path["domain.timeouts.create"] == ("2h", "90m")


def test_without_declarations_the_same_differences_fail_the_gate() -> None:
    report = compare(config(FIXTURE_ACCOUNTS, "staging"), config(FIXTURE_ACCOUNTS, "prod"), NONE)
    assert report.exit_code == 1
    assert {d.path for d in report.undeclared} >= PROD_DIFFERENCES


# --- what must stay quiet -------------------------------------------------------------------------------------------


def test_account_ids_arns_and_names_derived_from_them_are_not_differences() -> None:
    _, report = diff_json("dev", "staging")
    assert report["differences"] == []  # the two files differ in IDs, ARNs, bucket, domain name and S3 location


def test_a_different_byo_key_arn_is_not_a_difference_only_its_mode_is(estate: Path) -> None:
    edit(estate, "prod", "key/3c3c3c3c-3333-4333-8333-3c3c3c3c3c3c", "key/4d4d4d4d-3333-4333-8333-4d4d4d4d4d4d")
    report = compare(config(FIXTURE_ACCOUNTS, "prod"), config(estate, "prod"), NONE)
    assert report.differences == []


def test_environment_tag_must_differ_and_is_never_reported() -> None:
    report = compare(config(FIXTURE_ACCOUNTS, "dev"), config(FIXTURE_ACCOUNTS, "staging"), NONE)
    assert "tags.Environment" not in [d.path for d in report.differences]


def test_account_id_inside_a_parameter_is_normalised(estate: Path) -> None:
    for account, account_id in (("dev", "111111111111"), ("staging", "222222222222")):
        edit(
            estate,
            account,
            "[blueprints.DataLake]",
            f'[blueprints.DataLake.global_parameters]\nOwnerAccount = "{account_id}"',
        )
    code, output = diff("dev", "staging", "--config-dir", str(estate))
    assert code == 0, output


# --- undeclared differences fail, and say where ---------------------------------------------------------------------


def test_blueprint_enabled_in_only_one_account_is_undeclared_and_fails(estate: Path) -> None:
    edit(estate, "staging", "[blueprints.DataLake]", "[blueprints.DataLake]\n[blueprints.Workflows]")
    code, report = diff_json("dev", "staging", "--config-dir", str(estate))
    assert code == 1
    assert report["differences"] == [
        {"path": "blueprints.Workflows", "a_value": "(absent)", "b_value": "present", "intended": False, "reason": None}
    ]


def test_undeclared_difference_is_named_in_the_table_output(estate: Path) -> None:
    edit(estate, "staging", "[blueprints.DataLake]", "[blueprints.DataLake]\n[blueprints.Workflows]")
    code, output = diff("dev", "staging", "--config-dir", str(estate))
    assert code == 1
    assert "UNDECLARED" in output
    assert "FAIL: 1 undeclared difference(s) between dev and staging: blueprints.Workflows." in output


def test_changed_tag_value_is_a_difference(estate: Path) -> None:
    edit(estate, "staging", 'Owner = "data-platform"', 'Owner = "ml-platform"')
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert [(d.path, d.a_value, d.b_value) for d in report.differences] == [
        ("tags.Owner", "data-platform", "ml-platform")
    ]


def test_a_blueprint_sending_no_role_or_its_own_is_a_difference(estate: Path) -> None:
    own = "arn:aws:iam::222222222222:role/service-role/DataLakeProvisioning"
    edit(estate, "staging", "[blueprints.DataLake]", f'[blueprints.DataLake]\nprovisioning_role_arn = "{own}"')
    ml = "[blueprints.MLExperiments]"
    edit(estate, "staging", ml, f'{ml}\nwithout_roles = ["manage_access"]')
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert [(d.path, d.a_value, d.b_value) for d in report.differences] == [
        ("blueprints.DataLake.provisioning_role", "shared", "bring-your-own"),
        ("blueprints.MLExperiments.manage_access_role", "shared", "none"),
    ]


def test_blueprint_regions_are_compared_with_the_default_resolved(estate: Path) -> None:
    chat = "[blueprints.AmazonBedrockChatAgent]"  # needs no network in the second region
    edit(estate, "staging", chat, f'{chat}\nregions = ["eu-west-1", "eu-central-1"]')
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert [(d.path, d.a_value, d.b_value) for d in report.differences] == [
        ("blueprints.AmazonBedrockChatAgent.regions", "eu-west-1", "eu-central-1, eu-west-1")
    ]


def test_a_network_is_compared_by_its_shape_not_its_ids(estate: Path) -> None:
    edit(estate, "staging", 'subnet_ids = ["subnet-0a1b2c3d4e5f60711", ', "subnet_ids = [")
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert [(d.path, d.a_value, d.b_value) for d in report.differences] == [
        ("networks.eu-west-1.subnet_ids", "2 subnets", "1 subnets")
    ]


def test_profile_composition_change_names_the_environment_once(estate: Path) -> None:
    edit(estate, "staging", '  { blueprint = "RedshiftServerless", mode = "ON_DEMAND" },\n', "")
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert [(d.path, d.a_value, d.b_value) for d in report.differences] == [
        ("profiles.Analytics.environments", "Tooling, DataLake, RedshiftServerless", "Tooling, DataLake"),
        ("profiles.Analytics.environments.RedshiftServerless", "present", "(absent)"),
    ]


def test_kms_mode_change_is_a_difference_without_the_arn(estate: Path) -> None:
    edit(
        estate,
        "staging",
        'single_sign_on = "IAM_IDENTITY_CENTER"',
        'single_sign_on = "IAM_IDENTITY_CENTER"\n'
        'kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-4222-8222-222222222222"',
    )
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert [(d.path, d.a_value, d.b_value) for d in report.differences] == [
        ("domain.kms_key", "created", "bring-your-own")
    ]


def test_an_adopted_aws_owned_key_is_a_key_mode_difference(estate: Path) -> None:
    edit(
        estate,
        "staging",
        'single_sign_on = "IAM_IDENTITY_CENTER"',
        'single_sign_on = "IAM_IDENTITY_CENTER"\nexisting_id = "dzd_5f8a2b"\naws_owned_key = true',
    )
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert ("domain.kms_key", CREATED, "aws-owned") in [(d.path, d.a_value, d.b_value) for d in report.differences]


def test_project_profile_change_is_a_difference(estate: Path) -> None:
    edit(
        estate,
        "staging",
        'name = "customer-360"\nprofile = "Analytics"',
        'name = "customer-360"\nprofile = "ML and GenAI"',
    )
    report = compare(config(estate, "dev"), config(estate, "staging"), NONE)
    assert [(d.path, d.a_value, d.b_value) for d in report.differences] == [
        ("projects.customer-360.profile", "Analytics", "ML and GenAI")
    ]


# --- declarations ---------------------------------------------------------------------------------------------------


def declared(accounts: tuple[str, str], path: str) -> IntendedDifferences:
    return IntendedDifferences(
        difference=[IntendedDifference(accounts=accounts, path=path, reason="reviewed: on purpose")]
    )


def test_declaration_covers_paths_below_it_in_either_account_order() -> None:
    staging, prod = config(FIXTURE_ACCOUNTS, "staging"), config(FIXTURE_ACCOUNTS, "prod")
    report = compare(prod, staging, declared(("staging", "prod"), "domain.timeouts"))
    assert [d.path for d in report.differences if d.intended] == ["domain.timeouts.create", "domain.timeouts.delete"]


def test_declaration_for_another_pair_does_not_apply() -> None:
    staging, prod = config(FIXTURE_ACCOUNTS, "staging"), config(FIXTURE_ACCOUNTS, "prod")
    report = compare(staging, prod, declared(("dev", "prod"), "domain.timeouts"))
    assert "domain.timeouts.create" in [d.path for d in report.undeclared]


def test_declaration_that_matches_nothing_is_reported_stale(tmp_path: Path) -> None:
    intended = tmp_path / "intended.toml"
    intended.write_text(
        '[[difference]]\naccounts = ["dev", "staging"]\npath = "projects.sandbox-x"\nreason = "a sandbox only in dev"\n'
    )
    code, output = diff("dev", "staging", "--intended", str(intended))
    assert code == 0
    assert "stale declaration ['dev', 'staging'] projects.sandbox-x: no such difference any more" in output


def test_malformed_declarations_exit_2_naming_file_and_field(tmp_path: Path) -> None:
    intended = tmp_path / "intended.toml"
    intended.write_text('[[difference]]\naccounts = ["Prod!"]\npath = "tags.X"\n')
    code, output = diff("dev", "staging", "--intended", str(intended))
    assert code == 2
    assert "intended.toml: difference[0].accounts" in output
    assert "difference[0].reason = (missing)" in output


def test_unknown_account_exits_2_listing_the_known_ones() -> None:
    code, output = diff("dev", "qa")
    assert code == 2
    assert "account = 'qa': expected one of ['dev', 'prod', 'staging']" in output


def test_shipped_declarations_parse() -> None:
    assert DEFAULT_INTENDED.is_file()
    assert len(load_intended(None).difference) >= 1


# --- members (associated accounts) compare by role, not by name or ID -----------------------------------------------

#: What prod's member adds to staging -> prod in the associated estate (prod-ml, its ML environments there).
MEMBER_DIFFERENCES = [
    ("members.ml", "(absent)", "present"),
    ("profiles.ML and GenAI.environments.MLExperiments.account", "domain account", "member ml"),
]
MEMBER_DECLARATIONS = """
[[difference]]
accounts = ["*", "prod"]
path = "members.ml"
reason = "Production ML workloads run in their own associated account."

[[difference]]
accounts = ["*", "prod"]
path = "profiles.ML and GenAI.environments.MLExperiments.account"
reason = "Production deploys ML experiments into its member account."
"""


def with_staging_member(config_dir: Path, *, deploy_there: bool = True) -> Path:
    """The associated estate plus staging-ml: prod-ml's file renamed and re-numbered, joining staging."""
    text = MEMBER_FIXTURE.read_text().replace("prod-ml", "staging-ml").replace("444444444444", "666666666666")
    (config_dir / "staging-ml.toml").write_text(text.replace('domain_account = "prod"', 'domain_account = "staging"'))
    sso = 'single_sign_on = "IAM_IDENTITY_CENTER"'
    edit(config_dir, "staging", sso, f'{sso}\nassociated_accounts = ["staging-ml"]')
    if deploy_there:
        edit(config_dir, "staging", ML_ENV, '{ blueprint = "MLExperiments", account = "staging-ml" },')
    return config_dir


def estate_configs(config_dir: Path) -> dict[str, AccountConfig]:
    from config.loader import load_estate

    return {account.name: account.config for account in load_estate(config_dir)}


def member_differences(config_dir: Path, a: str = "staging", b: str = "prod") -> list[tuple[str, str, str]]:
    loaded = estate_configs(config_dir)
    report = compare(loaded[a], loaded[b], NONE, loaded)
    return [
        (d.path, d.a_value, d.b_value)
        for d in report.differences
        if d.path.startswith("members.") or d.path.endswith(".account")
    ]


def test_a_member_only_prod_has_and_the_profile_deploying_there_are_differences(tmp_path: Path) -> None:
    assert member_differences(associated_estate(tmp_path)) == MEMBER_DIFFERENCES


def test_the_prod_only_member_is_accepted_when_declared_with_a_reason(tmp_path: Path) -> None:
    config_dir = associated_estate(tmp_path)
    intended = tmp_path / "intended.toml"
    intended.write_text(FIXTURE_INTENDED.read_text() + MEMBER_DECLARATIONS)
    code, report = diff_json("staging", "prod", "--config-dir", str(config_dir), "--intended", str(intended))
    assert code == 0, report
    by_path = {d["path"]: d for d in report["differences"]}
    assert by_path["members.ml"]["reason"] == "Production ML workloads run in their own associated account."
    assert by_path["profiles.ML and GenAI.environments.MLExperiments.account"]["intended"] is True
    assert report["stale_declarations"] == []


def test_the_prod_only_member_fails_the_gate_undeclared(tmp_path: Path) -> None:
    config_dir = associated_estate(tmp_path)
    code, output = diff("staging", "prod", "--config-dir", str(config_dir), "--intended", str(FIXTURE_INTENDED))
    assert code == 1
    assert (
        "FAIL: 2 undeclared difference(s) between staging and prod: members.ml, "
        "profiles.ML and GenAI.environments.MLExperiments.account." in output
    )


def test_members_in_the_same_role_compare_equal_whatever_their_names_and_ids(tmp_path: Path) -> None:
    # staging-ml (666666666666) and prod-ml (444444444444) are one file renamed: nothing about members differs.
    assert member_differences(with_staging_member(associated_estate(tmp_path))) == []


def test_two_members_compared_directly_differ_in_nothing_but_names_and_ids(tmp_path: Path) -> None:
    config_dir = with_staging_member(associated_estate(tmp_path))
    (none := tmp_path / "none.toml").write_text("")
    code, report = diff_json("staging-ml", "prod-ml", "--config-dir", str(config_dir), "--intended", str(none))
    assert (code, report["differences"]) == (0, [])


def test_what_a_member_enables_is_compared_field_by_field(tmp_path: Path) -> None:
    config_dir = with_staging_member(associated_estate(tmp_path))
    edit(config_dir, "staging-ml", "same_organization = false", "same_organization = true")
    edit(config_dir, "staging-ml", 'subnet_ids = ["subnet-0a4b4c4d4e4f40411", ', "subnet_ids = [")
    edit(config_dir, "staging-ml", "[blueprints.MLExperiments]", "[blueprints.MLExperiments]\n[blueprints.DataLake]")
    assert member_differences(config_dir) == [
        ("members.ml.association.same_organization", "true", "false"),
        ("members.ml.blueprints.DataLake", "present", "(absent)"),
        ("members.ml.networks.eu-west-1.subnet_ids", "1 subnets", "2 subnets"),
    ]


def test_a_member_without_its_own_boundary_is_a_difference(tmp_path: Path) -> None:
    config_dir = with_staging_member(associated_estate(tmp_path))
    edit(
        config_dir,
        "staging-ml",
        'permissions_boundary_arn = "arn:aws:iam::666666666666:policy/acme-permissions-boundary"',
        'no_permissions_boundary_reason = "pre-production trial of the member stacks"',
    )
    edit(config_dir, "staging-ml", "protected = true", "protected = false")
    assert member_differences(config_dir) == [
        ("members.ml.account.protected", "false", "true"),
        ("members.ml.association.permissions_boundary", "none", "set"),
    ]


def test_an_environment_in_the_member_in_one_account_and_the_domain_account_in_the_other(tmp_path: Path) -> None:
    config_dir = with_staging_member(associated_estate(tmp_path), deploy_there=False)
    assert member_differences(config_dir) == [
        ("profiles.ML and GenAI.environments.MLExperiments.account", "domain account", "member ml")
    ]


def test_a_member_role_is_its_name_without_its_domain_accounts() -> None:
    assert member_role("prod-ml", "prod") == "ml"
    assert member_role("ml-prod", "prod") == "ml"
    assert member_role("analytics-lob", "prod") == "analytics-lob"
    assert member_role("production-ml", "prod") == "production-ml"  # a whole name only, never part of a word


def test_members_whose_roles_would_clash_keep_their_names() -> None:
    assert member_roles("prod", ["prod-ml", "ml", "prod-risk"]) == {
        "prod-ml": "prod-ml",
        "ml": "ml",
        "prod-risk": "risk",
    }


def test_a_domain_compared_without_its_members_configs_is_refused_by_name(tmp_path: Path) -> None:
    prod = estate_configs(associated_estate(tmp_path))["prod"]
    with pytest.raises(ValueError, match=r"prod lists member 'prod-ml' in \[domain\] associated_accounts"):
        structure(prod)


# --- coverage: a new config field cannot escape the gate unnoticed --------------------------------------------------


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted field paths of ``model``, through nested models inside lists and dicts (their keys are data)."""
    leaves = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _nested_model(field.annotation)
        leaves.extend(_leaf_fields(nested, f"{path}.") if nested else [path])
    return leaves


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (list, dict, typing.Union):
        for arg in typing.get_args(annotation):
            found = _nested_model(arg)
            if found:
                return found
    return None


def test_every_config_field_is_either_compared_or_ignored_on_purpose() -> None:
    fields = _leaf_fields(AccountConfig)
    unlisted = [path for path in fields if path not in FIELD_COVERAGE]
    assert unlisted == [], (
        f"add these to smus_cli.diff_envs.FIELD_COVERAGE (and to structure() if compared): {unlisted}"
    )
    stale = [path for path in FIELD_COVERAGE if path not in fields]
    assert stale == [], f"FIELD_COVERAGE lists fields the model no longer has: {stale}"
