"""The organization's guardrails (issue 16 item 6): the SCP's statements, its size, its stack, its config and SMUS-025.

The example estate's `organization.toml` protects prod (333333333333) from the management account 999999999999.
"""

from __future__ import annotations

import json
import shutil
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from config.organization_models import LoadedOrganization, load_organization, load_organization_for
from smus_cli.runtime import PROJECT_ROOT
from smus_constructs.guardrail_policy import (
    DATAZONE_GOVERNANCE_ACTIONS,
    KEY_CHANGE_ACTIONS,
    LEAVE_ORGANIZATION_ACTIONS,
    ROLE_CHANGE_ACTIONS,
    SCP_MAX_CHARACTERS,
    STATE_BUCKET_ACTIONS,
    STATEMENT_REASONS,
    ProtectedAccountScope,
    guardrail_policy_document,
    policy_text,
)
from smus_rules.doc import StackDoc
from smus_rules.model import RuleContext, Status
from smus_rules.registry import RULES_BY_ID
from tests.conftest import StackDoc as Doc
from tests.estate import FIXTURE_ACCOUNTS, FIXTURE_ESTATE
from tests.test_associations_config import associated_estate

STACK = "organization-guardrails"
MANAGEMENT = "999999999999"
PROD = "333333333333"
DEPLOY = f"arn:aws:iam::{PROD}:role/smus-deploy"
BREAK_GLASS = f"arn:aws:iam::{PROD}:role/smus-break-glass"
PIPELINE = (BREAK_GLASS, DEPLOY)


def only(doc: Doc, rtype: str) -> dict[str, Any]:
    items = doc["resource"][rtype]
    assert len(items) == 1, f"{STACK}: expected one {rtype}, found {sorted(items)}"
    body: dict[str, Any] = next(iter(items.values()))
    return body


@pytest.fixture(scope="module")
def stack(example_stacks: dict[str, Doc]) -> Doc:
    return example_stacks[STACK]


@pytest.fixture(scope="module")
def scp(stack: Doc) -> dict[str, Any]:
    policy = only(stack, "aws_organizations_policy")
    content: dict[str, Any] = json.loads(policy["content"])
    return content


@pytest.fixture(scope="module")
def by_sid(scp: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in scp["Statement"]}


# --- the stack ---------------------------------------------------------------------------------------------------


def test_the_stack_keeps_its_own_state_in_the_management_account(stack: Doc) -> None:
    backend = stack["terraform"]["backend"]["s3"]
    assert backend["key"] == f"smus/{MANAGEMENT}/guardrails.tfstate", backend
    assert backend["bucket"] == f"acme-smus-tfstate-{MANAGEMENT}"
    assert backend["encrypt"] is True and backend["use_lockfile"] is True, backend
    assert backend["assume_role"]["role_arn"] == f"arn:aws:iam::{MANAGEMENT}:role/smus-guardrails-deploy"
    (provider,) = stack["provider"]["aws"]
    assert provider["allowed_account_ids"] == [MANAGEMENT], provider
    assert provider["assume_role"][0]["role_arn"] == f"arn:aws:iam::{MANAGEMENT}:role/smus-guardrails-deploy"
    assert "awscc" not in stack["provider"], "the guardrails stack uses only the aws provider"


def test_the_policy_is_a_service_control_policy_attached_to_the_configured_target(stack: Doc) -> None:
    policy = only(stack, "aws_organizations_policy")
    assert policy["type"] == "SERVICE_CONTROL_POLICY", policy
    attachment = only(stack, "aws_organizations_policy_attachment")
    assert attachment["target_id"] == PROD, attachment
    assert attachment["policy_id"].startswith("${aws_organizations_policy.EstateGuardrails_"), attachment


def test_without_an_organization_file_no_guardrails_stack_is_synthesised(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_ACCOUNTS, tmp_path / "accounts")
    accounts = load_estate(tmp_path / "accounts")
    assert load_organization_for(tmp_path / "accounts", accounts) is None


def test_the_guardrails_stack_is_not_deployed_by_ci(example_stacks: dict[str, Doc]) -> None:
    from smus_cli.ci_matrix import ci_stack_names

    ci = {name for loaded in load_estate(FIXTURE_ACCOUNTS) for name in ci_stack_names(loaded.name)}
    assert STACK in example_stacks and STACK not in ci, sorted(ci)


# --- the statements ------------------------------------------------------------------------------------------------


def test_every_statement_is_a_deny_with_a_sid_and_a_reason_in_the_json(stack: Doc, scp: dict[str, Any]) -> None:
    reasons = only(stack, "aws_organizations_policy")["//"]["statements"]
    sids = [statement.get("Sid") for statement in scp["Statement"]]
    assert sids == list(STATEMENT_REASONS), sids
    assert reasons == STATEMENT_REASONS
    for statement in scp["Statement"]:
        assert statement["Effect"] == "Deny", statement
        assert "Principal" not in statement and "NotPrincipal" not in statement, "SCPs take no Principal element"


def test_every_statement_exempts_the_deploy_and_break_glass_roles(scp: dict[str, Any]) -> None:
    for statement in scp["Statement"]:
        exempt = statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
        for role in PIPELINE:
            assert any(fnmatchcase(role, pattern) for pattern in exempt), (statement["Sid"], role, exempt)


def test_datazone_governance_is_denied_in_the_protected_accounts_only(by_sid: dict[str, dict[str, Any]]) -> None:
    statement = by_sid["OnlyPipelineChangesDomainGovernance"]
    assert statement["Action"] == list(DATAZONE_GOVERNANCE_ACTIONS)
    assert {"datazone:DeleteDomain", "datazone:PutEnvironmentBlueprintConfiguration"} <= set(statement["Action"])
    # Resource "*": most DataZone actions have no resource type, so a domain ARN would never match their requests.
    assert statement["Resource"] == "*"
    assert statement["Condition"]["StringEquals"] == {"aws:PrincipalAccount": [PROD]}
    assert statement["Condition"]["ArnNotLike"] == {"aws:PrincipalArn": list(PIPELINE)}


def test_the_estate_roles_are_protected_by_path_and_name(by_sid: dict[str, dict[str, Any]]) -> None:
    statement = by_sid["OnlyPipelineChangesEstateRoles"]
    assert statement["Resource"] == [
        f"arn:aws:iam::{PROD}:role/service-role/acme-prod-*",
        DEPLOY,
        f"arn:aws:iam::{PROD}:role/smus-plan",
    ]
    assert {"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"} <= set(statement["Action"])
    exempt = statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
    assert exempt == [f"arn:aws:iam::{PROD}:role/service-role/acme-prod-*", *PIPELINE], exempt


def test_the_estate_keys_are_protected_by_tag(by_sid: dict[str, dict[str, Any]]) -> None:
    statement = by_sid["OnlyPipelineChangesEstateKeys"]
    assert statement["Condition"]["StringEquals"] == {"aws:ResourceTag/ManagedBy": "smus-estate"}
    assert {"kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"} <= set(statement["Action"])
    assert "kms:CreateGrant" not in statement["Action"], "DataZone creates grants through the execution role"


def test_the_state_bucket_and_its_objects_are_protected_by_name(by_sid: dict[str, dict[str, Any]]) -> None:
    statement = by_sid["OnlyPipelineChangesStateBucket"]
    bucket = f"arn:aws:s3:::acme-smus-tfstate-{PROD}"
    assert statement["Resource"] == [bucket, f"{bucket}/*"]
    assert {"s3:PutBucketPolicy", "s3:DeleteBucket", "s3:PutObject", "s3:DeleteObjectVersion"} <= set(
        statement["Action"]
    )


def test_leaving_the_organization_is_denied(by_sid: dict[str, dict[str, Any]]) -> None:
    statement = by_sid["NoLeavingTheOrganization"]
    assert statement["Action"] == ["organizations:LeaveOrganization"] and statement["Resource"] == "*"


def _iam_definition() -> dict[str, dict[str, str]]:
    """Service prefix -> action -> access level, from the IAM definitions parliament bundles (.venv-audit)."""
    found = sorted(PROJECT_ROOT.glob(".venv-audit/lib/python*/site-packages/parliament/iam_definition.json"))
    if not found:
        pytest.skip("parliament's iam_definition.json is not installed (.venv-audit)")
    services = json.loads(found[0].read_text(encoding="utf-8"))
    return {s["prefix"]: {p["privilege"]: p["access_level"] for p in s["privileges"]} for s in services}


def test_every_denied_action_exists_in_aws_iam_definitions_and_changes_something() -> None:
    definition = _iam_definition()
    listed = (
        *DATAZONE_GOVERNANCE_ACTIONS,
        *ROLE_CHANGE_ACTIONS,
        *KEY_CHANGE_ACTIONS,
        *STATE_BUCKET_ACTIONS,
        *LEAVE_ORGANIZATION_ACTIONS,
    )
    for action in listed:
        service, name = action.split(":")
        level = definition.get(service, {}).get(name)
        assert level is not None, f"{action} is not an action in AWS's IAM definitions"
        assert level in ("Write", "Permissions management", "Tagging"), f"{action} is {level}: not a change"


def test_the_datazone_statement_names_every_write_to_the_domains_governance() -> None:
    """Every DataZone write on the domain, its units, profiles, blueprint configurations, grants and owners."""
    datazone = _iam_definition()["datazone"]
    governance = ("Domain", "DomainUnit", "ProjectProfile", "EnvironmentBlueprint", "PolicyGrant", "EntityOwner")
    expected = {
        f"datazone:{name}"
        for name, level in datazone.items()
        if level in ("Write", "Permissions management")
        and name.startswith(("Create", "Update", "Delete", "Put", "Add", "Remove"))
        and name.removeprefix("Create")
        .removeprefix("Update")
        .removeprefix("Delete")
        .removeprefix("Put")
        .removeprefix("Add")
        .removeprefix("Remove")
        in (*governance, "DomainSharingPolicy", "EnvironmentBlueprintConfiguration")
    }
    assert expected == set(DATAZONE_GOVERNANCE_ACTIONS), sorted(expected ^ set(DATAZONE_GOVERNANCE_ACTIONS))


# --- the size limit ------------------------------------------------------------------------------------------------


def _accounts(count: int) -> list[ProtectedAccountScope]:
    return [
        ProtectedAccountScope(
            account_id=f"{index:012d}",
            deploy_role_arn=f"arn:aws:iam::{index:012d}:role/smus-deploy",
            break_glass_role_arn=f"arn:aws:iam::{index:012d}:role/smus-break-glass",
            plan_role_arn=f"arn:aws:iam::{index:012d}:role/smus-plan",
            state_bucket=f"acme-smus-tfstate-{index:012d}",
            role_name_prefix=f"acme-{index}",
        )
        for index in range(1, count + 1)
    ]


def test_the_example_policy_fits_the_scp_size_limit(stack: Doc) -> None:
    content = only(stack, "aws_organizations_policy")["content"]
    assert len(content) <= SCP_MAX_CHARACTERS, len(content)
    assert content == policy_text(json.loads(content)), "written without whitespace: every character counts"


def test_three_protected_accounts_still_fit() -> None:
    size = len(policy_text(guardrail_policy_document(_accounts(3))))
    assert size <= SCP_MAX_CHARACTERS, size


def test_a_policy_over_the_limit_is_refused_before_synth() -> None:
    from cdktn import App, TerraformStack

    from smus_constructs.errors import PropValidationError
    from smus_constructs.guardrail_policy import GuardrailPolicyProps
    from smus_constructs.guardrails import EstateGuardrailPolicy

    accounts = _accounts(12)
    assert len(policy_text(guardrail_policy_document(accounts))) > SCP_MAX_CHARACTERS
    with pytest.raises(PropValidationError) as raised:
        EstateGuardrailPolicy(
            TerraformStack(App(), "s"), "G", GuardrailPolicyProps(accounts=accounts, targets=["ou-ab12-cd34ef56"])
        )
    assert "5120 characters" in str(raised.value) and "s/G" in str(raised.value), raised.value


def test_a_bad_target_is_refused_by_the_construct() -> None:
    from cdktn import App, TerraformStack

    from smus_constructs.errors import PropValidationError
    from smus_constructs.guardrail_policy import GuardrailPolicyProps
    from smus_constructs.guardrails import EstateGuardrailPolicy

    with pytest.raises(PropValidationError, match=r"targets = 'r-ab12'.*organizational unit ID"):
        EstateGuardrailPolicy(
            TerraformStack(App(), "s"), "G", GuardrailPolicyProps(accounts=_accounts(1), targets=["r-ab12"])
        )


# --- SMUS-025 on the synthesised policy ----------------------------------------------------------------------------


def _smus_025(doc: Doc, roles: tuple[str, ...]) -> list[Any]:
    context = RuleContext(stack=STACK, account_id=MANAGEMENT, protected=True, pipeline_role_arns=roles)
    return RULES_BY_ID["SMUS-025"].evaluate(StackDoc(doc), context)


def test_smus_025_passes_the_synthesised_policy(stack: Doc) -> None:
    findings = _smus_025(stack, PIPELINE)
    assert [item.status for item in findings] == [Status.COMPLIANT], [item.text() for item in findings]


def test_smus_025_fails_the_synthesised_policy_for_a_pipeline_role_it_does_not_exempt(stack: Doc) -> None:
    other = f"arn:aws:iam::{PROD}:role/smus-deploy-v2"
    (item,) = _smus_025(stack, (*PIPELINE, other))
    assert item.status is Status.NON_COMPLIANT
    assert f"statement 0 (OnlyPipelineChangesDomainGovernance) does not exempt {other}" in item.message


def test_smus_025_fails_a_policy_that_drops_the_deploy_role_from_one_statement(stack: Doc) -> None:
    broken = json.loads(json.dumps(stack))
    policy = only(broken, "aws_organizations_policy")
    content = json.loads(policy["content"])
    content["Statement"][4]["Condition"] = {"ArnNotLike": {"aws:PrincipalArn": [BREAK_GLASS]}}
    policy["content"] = json.dumps(content)
    (item,) = _smus_025(broken, PIPELINE)
    assert item.status is Status.NON_COMPLIANT
    assert f"statement 4 (NoLeavingTheOrganization) does not exempt {DEPLOY}" in item.message


# --- config errors -------------------------------------------------------------------------------------------------


def _error(path: Path) -> str:
    with pytest.raises(ConfigError) as raised:
        load_organization(path, load_estate(FIXTURE_ACCOUNTS))
    return str(raised.value)


def _replace(tmp_path: Path, old: str, new: str) -> Path:
    original = (FIXTURE_ESTATE / "organization.toml").read_text(encoding="utf-8")
    assert old in original, old
    path = tmp_path / "organization.toml"
    path.write_text(original.replace(old, new), encoding="utf-8")
    return path


def test_a_malformed_target_names_file_field_value_and_accepted(tmp_path: Path) -> None:
    message = _error(_replace(tmp_path, 'targets = ["333333333333"]', 'targets = ["ou-PROD"]'))
    assert "organization.toml: guardrails.targets[0] = 'ou-PROD': expected a 12-digit account ID or an " in message


def test_an_unprotected_account_as_target_is_refused(tmp_path: Path) -> None:
    message = _error(_replace(tmp_path, 'targets = ["333333333333"]', 'targets = ["111111111111"]'))
    assert "guardrails.targets[0] = '111111111111': expected a protected account's ID (333333333333)" in message
    assert "an unprotected account of the estate" in message


def test_the_account_files_break_glass_role_wins_over_organization_toml(tmp_path: Path) -> None:
    path = _replace(tmp_path, "333333333333:role/smus-break-glass", "333333333333:role/older-break-glass")
    organization = load_organization(path, load_estate(FIXTURE_ACCOUNTS))
    assert organization.pipeline_role_arns == list(PIPELINE), organization.pipeline_role_arns


def test_a_break_glass_entry_for_an_unprotected_account_is_refused(tmp_path: Path) -> None:
    prod = 'prod = "arn:aws:iam::333333333333:role/smus-break-glass"'
    message = _error(_replace(tmp_path, prod, f'{prod}\ndev = "arn:aws:iam::111111111111:role/smus-break-glass"'))
    assert "guardrails.break_glass_role_arns.dev = 'dev': expected a protected account: prod" in message


def test_a_management_deploy_role_in_another_account_is_refused(tmp_path: Path) -> None:
    path = _replace(tmp_path, "arn:aws:iam::999999999999:role/smus-guardrails-deploy", DEPLOY)
    message = _error(path)
    assert f"organization.deploy_role_arn = '{DEPLOY}': expected a role in the management account 999999999999" in (
        message
    )


def test_missing_mandatory_tags_and_unknown_keys_are_named(tmp_path: Path) -> None:
    path = _replace(tmp_path, 'CostCenter = "CC-0001"\n', "")
    path.write_text(path.read_text().replace("[guardrails]\n", "[guardrails]\ntarget = []\n"))
    message = _error(path)
    assert "tags = " in message and "missing: CostCenter" in message, message
    assert "guardrails.target = \"unknown key 'target'\"" in message, message


def test_validate_counts_the_guarded_accounts_in_words(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "config"
    shutil.copytree(FIXTURE_ESTATE, config)
    command = [sys.executable, str(PROJECT_ROOT / "main.py"), "validate", "--config-dir", str(config / "accounts")]
    one = subprocess.run(command, capture_output=True, text=True, check=False)
    assert one.returncode == 0, one.stderr
    assert "(guardrails for 1 account: " in one.stdout, one.stdout
    assert "1 accounts" not in one.stdout


# --- protected accounts no target reaches (a member outside the organization) --------------------------------------


def _organization_with_member(tmp_path: Path, targets: str) -> LoadedOrganization:
    accounts = load_estate(associated_estate(tmp_path))
    return load_organization(_replace(tmp_path, 'targets = ["333333333333"]', f"targets = {targets}"), accounts)


def test_a_protected_member_no_target_reaches_is_named(tmp_path: Path) -> None:
    organization = _organization_with_member(tmp_path, '["333333333333"]')
    assert [p.loaded.name for p in organization.protected] == ["prod", "prod-ml"]
    assert organization.unreached == ["prod-ml (444444444444)"]


def test_a_member_that_is_a_target_is_reached(tmp_path: Path) -> None:
    organization = _organization_with_member(tmp_path, '["333333333333", "444444444444"]')
    assert organization.unreached == []


def test_an_ou_target_claims_nothing_about_its_accounts(tmp_path: Path) -> None:
    organization = _organization_with_member(tmp_path, '["333333333333", "ou-ab12-cd34ef56"]')
    assert organization.unreached == []


def test_validate_names_the_protected_account_no_target_reaches(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "config"
    shutil.copytree(FIXTURE_ESTATE, config)
    shutil.rmtree(config / "accounts")
    shutil.copytree(associated_estate(tmp_path / "member"), config / "accounts")
    command = [sys.executable, str(PROJECT_ROOT / "main.py"), "validate", "--config-dir", str(config / "accounts")]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "(guardrails for 2 accounts: 333333333333; no target reaches prod-ml (444444444444))" in run.stdout
