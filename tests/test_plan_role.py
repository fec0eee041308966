"""The read-only plan role: trusted by pull-request and drift jobs (never by every pull request in a protected
account), able to read state and what the stacks manage, unable to change anything or publish a metric; the drift
role, which publishes the drift metrics and nothing else; and `smus plan-override`, which points a synthesised stack
at the plan role."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from config.bootstrap_models import BootstrapSettings
from config.errors import ConfigError
from config.loader import load_account
from config.operations_models import OperationsSettings
from config.pipeline_trust import drift_role_arn, plan_role_arn, plan_role_subjects
from smus_cli.plan_override import plan_override
from smus_constructs.errors import PropValidationError
from smus_constructs.pipeline_identity import (
    GithubDeployRole,
    GithubDeployRoleProps,
    GithubDriftRole,
    GithubPlanRole,
    deploy_permissions,
    drift_permissions,
    plan_permissions,
)
from smus_constructs.pipeline_rules import default_drift_role_name, default_plan_role_name
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import ACCOUNT, REGION, Doc, new_stack, only, synth
from tests.test_bootstrap import (
    ACCOUNTS,
    CONFIG,
    PROVIDER,
    as_list,
    assert_least_privilege,
    bootstrap,
    of_construct,
    policy_of,
    scope,
    statements,
)

PLAN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/smus-plan"
WRITE_PREFIXES = ("Create", "Put", "Delete", "Update", "Attach", "Detach", "Tag", "Untag", "Pass")
#: Writes the plan role may have: none. The drift metrics go through the drift role.
ALLOWED_WRITES: dict[str, list[str]] = {}


def writes(document: Doc) -> dict[str, list[str]]:
    """Allowed actions that change something, by Sid."""
    found: dict[str, list[str]] = {}
    for statement in document["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        changing = [a for a in as_list(statement["Action"]) if a.split(":", 1)[1].startswith(WRITE_PREFIXES)]
        if changing:
            found[statement["Sid"]] = changing
    return found


def assert_read_only(document: Doc, where: str = "") -> None:
    extra = {sid: acts for sid, acts in writes(document).items() if ALLOWED_WRITES.get(sid) != acts}
    assert not extra, f"{where}write actions in the plan policy: {extra}"
    granted = {a for s in document["Statement"] for a in as_list(s["Action"])}
    assert "cloudwatch:PutMetricData" not in granted, f"{where}the plan role publishes metrics"
    assert_least_privilege(document, where)


# --- trust --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("account", ["dev", "staging"])
def test_example_plan_role_trusts_pull_requests_and_the_drift_job_for_sts_only(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    doc = bootstrap(example_stacks, account)
    role = of_construct(doc, "aws_iam_role", "PlanRole")
    assert (role["name"], role["path"], role["max_session_duration"]) == ("smus-plan", "/", 3600)
    trust = statements(policy_of(role, "assume_role_policy"))
    assert set(trust) == {"GithubActionsOfThisRepository", "ProvidersReassumeThisRole"}
    github = trust["GithubActionsOfThisRepository"]
    assert github["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert github["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
                "repo:acme/smus-estate:pull_request",
                "repo:acme/smus-estate:ref:refs/heads/main",
            ],
        }
    }
    plan_arn = f"arn:aws:iam::{ACCOUNTS[account]}:role/smus-plan"
    assert trust["ProvidersReassumeThisRole"]["Condition"] == {"ArnEquals": {"aws:PrincipalArn": plan_arn}}
    assert doc["output"]["plan_role_arn"]["value"].startswith("${aws_iam_role.PlanRole_")
    # The deploy role's trust is untouched: pull requests never reach it.
    deploy_trust = policy_of(of_construct(doc, "aws_iam_role", "DeployRole"), "assume_role_policy")
    assert "pull_request" not in json.dumps(deploy_trust)


def test_protected_plan_role_trusts_its_reviewed_environment_and_the_drift_job_never_pull_requests(
    example_stacks: dict[str, StackDoc],
) -> None:
    doc = bootstrap(example_stacks, "prod")
    trust = statements(policy_of(of_construct(doc, "aws_iam_role", "PlanRole"), "assume_role_policy"))
    condition = trust["GithubActionsOfThisRepository"]["Condition"]["StringEquals"]
    assert condition["token.actions.githubusercontent.com:sub"] == [
        "repo:acme/smus-estate:environment:prod-plan",
        "repo:acme/smus-estate:ref:refs/heads/main",
    ]
    assert "pull_request" not in json.dumps(doc["resource"]["aws_iam_role"])


def test_plan_role_trusts_the_drift_environment_instead_of_main_when_one_is_set() -> None:
    loaded = load_account(FIXTURE_ACCOUNTS / "staging.toml")
    config = loaded.config.model_copy(update={"operations": OperationsSettings(plan_github_environment="staging-plan")})
    assert plan_role_subjects(config) == ["environment:staging-plan", "pull_request"]
    assert plan_role_subjects(loaded.config) == ["pull_request", "ref:refs/heads/main"]


def plan_role(role: type[GithubDeployRole] | type[GithubDriftRole] = GithubPlanRole, **overrides: Any) -> Doc:
    props: dict[str, Any] = {
        "account_id": ACCOUNT,
        "region": REGION,
        "role_name": "smus-plan",
        "repository": "acme/smus-estate",
        "subjects": ["pull_request"],
        "oidc_provider_arn": PROVIDER,
    }
    props.update(overrides)
    stack = new_stack()
    role(stack, "PlanRole", GithubDeployRoleProps(**props))
    return synth(stack)


@pytest.mark.parametrize("subject", ["repo:acme/x:pull_request", "ref:refs/heads/*", "ref:refs/tags/v1", "*"])
def test_plan_role_refuses_a_loose_or_foreign_subject(subject: str) -> None:
    with pytest.raises(PropValidationError, match=r"subjects.*'pull_request', 'environment:<name>'"):
        plan_role(subjects=[subject])


def test_only_the_plan_role_may_trust_pull_requests() -> None:
    assert "pull_request" in only(plan_role(), "aws_iam_role")["assume_role_policy"]
    with pytest.raises(PropValidationError, match="pull_request is refused"):
        plan_role(GithubDeployRole, subjects=["pull_request"])
    with pytest.raises(PropValidationError, match="pull_request is refused"):
        plan_role(GithubDriftRole, subjects=["pull_request"])


def test_a_protected_accounts_plan_role_refuses_pull_requests_by_path_and_value() -> None:
    stack = new_stack()
    props = GithubDeployRoleProps(
        account_id=ACCOUNT,
        region=REGION,
        role_name="smus-plan",
        repository="acme/smus-estate",
        subjects=["environment:prod-plan", "pull_request"],
        oidc_provider_arn=PROVIDER,
    )
    with pytest.raises(PropValidationError) as error:
        GithubPlanRole(stack, "PlanRole", props, protected=True)
    assert "PlanRole" in str(error.value) and "'pull_request'" in str(error.value)
    assert "environment:prod-plan" in str(error.value)
    reviewed = GithubDeployRoleProps(**{**props.__dict__, "subjects": ["environment:prod-plan"]})
    GithubPlanRole(new_stack(), "PlanRole", reviewed, protected=True)


# --- the drift role -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("account", ACCOUNTS)
def test_example_drift_role_trusts_the_drift_and_deploy_jobs_and_only_publishes_metrics_and_summaries(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    doc = bootstrap(example_stacks, account)
    role = of_construct(doc, "aws_iam_role", "DriftRole")
    assert (role["name"], role["path"], role["max_session_duration"]) == ("smus-drift", "/", 3600)
    assert drift_role_arn(CONFIG[account]) == f"arn:aws:iam::{ACCOUNTS[account]}:role/smus-drift"
    trust = policy_of(role, "assume_role_policy")
    # One statement: GitHub's drift job and the account's deploy jobs. No re-assumption, no account principal, and
    # never a pull request (its plan subjects stay out).
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Federated": PROVIDER.replace(ACCOUNT, ACCOUNTS[account])} or account == "dev"
    deploy_subjects = CONFIG[account].bootstrap.github_subjects
    subjects = sorted({"ref:refs/heads/main", *deploy_subjects})
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [f"repo:acme/smus-estate:{subject}" for subject in subjects],
        }
    }
    assert not set(CONFIG[account].bootstrap.plan_subjects) & set(subjects), "a pull request could poison baselines"
    policy = policy_of(of_construct(doc, "aws_iam_role_policy", "DriftRole"))
    assert policy["Statement"] == [
        {
            "Sid": "DriftMetricsInTheirNamespaceOnly",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": CONFIG[account].operations.metric_namespace}},
        },
        {
            "Sid": "PlanSummariesIntoTheDriftLogGroupOnly",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{CONFIG[account].account.region}:{ACCOUNTS[account]}:log-group:"
            f"/smus/{account}/drift:log-stream:*",
        },
    ]
    assert doc["output"]["drift_role_arn"]["value"].startswith("${aws_iam_role.DriftRole_")
    # The drift role reads no state: the state key and bucket policy never name it.
    drift_ref = f"${{aws_iam_role.{of_construct_name(doc, 'DriftRole')}.arn}}"
    assert drift_ref not in json.dumps(only(doc, "aws_kms_key"))


def test_drift_permissions_are_one_namespace_bound_statement() -> None:
    (statement,) = drift_permissions(metric_namespace="Team/Drift")["Statement"]
    assert statement["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Team/Drift"}}
    group = "arn:aws:logs:eu-west-1:111111111111:log-group:/smus/dev/drift"
    _, logs = drift_permissions(metric_namespace="Team/Drift", drift_log_group_arn=group)["Statement"]
    # Only the group's own streams: not `log-group:*`, not the group's retention, key or deletion.
    assert logs["Resource"] == f"{group}:log-stream:*"
    assert logs["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert default_drift_role_name("smus-deploy") == "smus-drift"
    assert default_drift_role_name("ci") == "ci-drift"


def test_drift_role_follows_the_drift_environment_when_one_is_set() -> None:
    doc = plan_role(GithubDriftRole, subjects=["environment:staging-drift"])
    trust = json.loads(only(doc, "aws_iam_role")["assume_role_policy"])
    assert [s["Sid"] for s in trust["Statement"]] == ["GithubActionsOfThisRepository"]
    assert trust["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == [
        "repo:acme/smus-estate:environment:staging-drift"
    ]


# --- config -------------------------------------------------------------------------------------------------------


BASE = {
    "github_repository": "acme/smus-estate",
    "github_subjects": ["ref:refs/heads/main"],
    "break_glass_role_arn": f"arn:aws:iam::{ACCOUNT}:role/smus-break-glass",
}


def test_plan_subjects_default_to_pull_requests_and_the_name_to_the_deploy_roles() -> None:
    settings = BootstrapSettings(**BASE)
    assert settings.plan_subjects == ["pull_request"] and settings.plan_role_name is None
    assert default_plan_role_name("smus-deploy") == "smus-plan"
    assert default_plan_role_name("ci") == "ci-plan"
    loaded = load_account(FIXTURE_ACCOUNTS / "dev.toml")
    assert plan_role_arn(loaded.config) == "arn:aws:iam::111111111111:role/smus-plan"
    named = loaded.config.model_copy(
        update={"bootstrap": loaded.config.bootstrap.model_copy(update={"plan_role_name": "estate-reader"})}
    )
    assert plan_role_arn(named) == "arn:aws:iam::111111111111:role/estate-reader"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("plan_subjects", ["repo:acme/smus-estate:pull_request"], "the part after 'repo:<owner>/<name>:' only"),
        ("plan_subjects", ["ref:refs/heads/*"], "no wildcard"),
        ("plan_subjects", ["ref:refs/tags/v1"], "'pull_request', 'environment:<name>' or 'ref:refs/heads/<branch>'"),
        ("plan_subjects", [], "at least 1 item"),
        ("plan_subjects", ["pull_request", "pull_request"], "listed more than once: pull_request"),
        ("plan_role_name", "smus plan", "an IAM role name"),
    ],
)
def test_bad_plan_settings_name_field_and_accepted_form(field: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        BootstrapSettings(**BASE, **{field: value})
    (issue,) = error.value.errors()
    assert issue["loc"][0] == field
    assert message in issue["msg"]


def test_a_protected_account_trusting_pull_requests_is_a_config_error_naming_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "prod.toml"
    text = (FIXTURE_ACCOUNTS / "prod.toml").read_text()
    path.write_text(text.replace('plan_subjects = ["environment:prod-plan"]', 'plan_subjects = ["pull_request"]'))
    with pytest.raises(ConfigError) as error:
        load_account(path)
    (issue,) = error.value.issues
    assert (issue.file, issue.field, issue.value) == (path, "bootstrap.plan_subjects", ["pull_request"])
    assert "environment:prod-plan" in issue.accepted and "never trusts 'pull_request'" in issue.accepted
    # Left out, the default (pull_request) is refused the same way: a protected account must name its environment.
    path.write_text(text.replace('plan_subjects = ["environment:prod-plan"]\n', ""))
    with pytest.raises(ConfigError, match=r"bootstrap\.plan_subjects = \['pull_request'\]"):
        load_account(path)


def test_a_plan_subject_the_deploy_role_trusts_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "prod.toml"
    text = (FIXTURE_ACCOUNTS / "prod.toml").read_text()
    path.write_text(text.replace('plan_subjects = ["environment:prod-plan"]', 'plan_subjects = ["environment:prod"]'))
    with pytest.raises(ConfigError) as error:
        load_account(path)
    (issue,) = error.value.issues
    assert (issue.field, issue.value) == ("bootstrap.plan_subjects[0]", "environment:prod")
    assert "must not be able to obtain the deploy role" in issue.accepted


def test_a_drift_role_named_like_the_plan_role_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "dev.toml"
    text = (FIXTURE_ACCOUNTS / "dev.toml").read_text()
    path.write_text(text.replace("[bootstrap]\n", '[bootstrap]\ndrift_role_name = "smus-plan"\n', 1))
    with pytest.raises(ConfigError) as error:
        load_account(path)
    (issue,) = error.value.issues
    assert (issue.field, issue.value) == ("bootstrap.drift_role_name", "smus-plan")


def test_a_loose_plan_subject_in_an_account_file_names_file_field_and_value(tmp_path: Path) -> None:
    path = tmp_path / "dev.toml"
    text = (FIXTURE_ACCOUNTS / "dev.toml").read_text()
    path.write_text(text.replace("[bootstrap]\n", '[bootstrap]\nplan_subjects = ["environment:*"]\n', 1))
    with pytest.raises(ConfigError) as error:
        load_account(path)
    (issue,) = error.value.issues
    assert issue.field == "bootstrap.plan_subjects[0]" and issue.value == "environment:*"
    assert "no wildcard" in issue.accepted and issue.file == path


# --- permissions --------------------------------------------------------------------------------------------------


def test_plan_permissions_read_state_under_the_prefix_and_decrypt_only_through_s3() -> None:
    policy = statements(plan_permissions(scope(self_role_arn=PLAN_ROLE)))
    assert policy["ReadStateObjectsOfThisAccount"]["Action"] == "s3:GetObject"
    assert policy["ReadStateObjectsOfThisAccount"]["Resource"] == f"arn:aws:s3:::acme-state/smus/{ACCOUNT}/*"
    assert policy["StateBucket"]["Action"] == ["s3:GetBucketLocation", "s3:ListBucket"]
    decrypt = policy["DecryptStateThroughS3"]
    assert decrypt["Action"] == "kms:Decrypt" and decrypt["Resource"].startswith("arn:aws:kms:")
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}
    assert policy["ReassumeThisRole"]["Resource"] == PLAN_ROLE
    # Plans run with -lock=false: no lock file, no state object is ever written.
    granted = {a for s in policy.values() for a in as_list(s["Action"])}
    assert not granted & {"s3:PutObject", "s3:DeleteObject", "kms:Encrypt", "kms:GenerateDataKey"}


def test_plan_permissions_read_what_the_deploy_role_manages() -> None:
    full = scope(self_role_arn=PLAN_ROLE, ops_name_prefix="smus-dev")
    policy = statements(plan_permissions(full))
    # Only GetDomain and ListTagsForResource take a domain ARN; DataZone's other reads take only "*" (in region).
    assert policy["ReadDataZoneDomainsOfThisAccount"]["Action"] == [
        "datazone:GetDomain",
        "datazone:ListTagsForResource",
    ]
    without = policy["ReadDataZoneActionsWithoutResourceType"]
    assert {"datazone:ListDomains", "datazone:ListProjects", "datazone:GetProject"} <= set(without["Action"])
    assert without["Resource"] == "*" and without["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert policy["ReadThroughCloudControl"]["Action"] == ["cloudformation:GetResource", "cloudformation:ListResources"]
    assert "iam:GetRolePolicy" in policy["ReadEstateRoles"]["Action"]
    assert policy["ReadEstateRoles"]["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/service-role/acme-dev-*"
    assert "kms:GetKeyPolicy" in policy["ReadKeysTaggedForTheEstate"]["Action"]
    assert policy["ReadOpsAlarms"]["Action"] == ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
    assert "events:ListTargetsByRule" in policy["ReadOpsEventRules"]["Action"]
    # Every read it has, the deploy role has too, on the same resources: the plan role sees nothing more.
    deploy = statements(deploy_permissions(full))
    deploy_actions = {a for s in deploy.values() if s["Effect"] == "Allow" for a in as_list(s["Action"])}
    plan_actions = {a for s in policy.values() for a in as_list(s["Action"])}
    assert plan_actions <= deploy_actions | {"iam:ListRoleTags"}, plan_actions - deploy_actions


@pytest.mark.parametrize("lock_table", [None, "acme-smus-locks"])
def test_plan_permissions_are_read_only(lock_table: str | None) -> None:
    document = plan_permissions(
        scope(
            self_role_arn=PLAN_ROLE,
            lock_table_name=lock_table,
            ops_name_prefix="smus-dev",
            role_boundaries=[f"arn:aws:iam::{ACCOUNT}:policy/boundary"],
        )
    )
    assert_read_only(document)
    assert all(statement["Effect"] == "Allow" for statement in document["Statement"])


def test_the_read_only_check_catches_a_write_and_an_unconditioned_wildcard() -> None:
    document = plan_permissions(scope(self_role_arn=PLAN_ROLE))
    for bad in (
        {"Sid": "Sneaky", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-state/x"},
        {"Sid": "Tagging", "Effect": "Allow", "Action": ["kms:TagResource"], "Resource": "arn:aws:kms:::key/x"},
        {"Sid": "Wide", "Effect": "Allow", "Action": "datazone:GetDomain", "Resource": "*"},
        {
            "Sid": "DriftJobMetricsInItsNamespace",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": "SMUS/Drift"}},
        },
    ):
        with pytest.raises(AssertionError):
            assert_read_only({**document, "Statement": [*document["Statement"], bad]})


@pytest.mark.parametrize("account", ACCOUNTS)
def test_example_plan_policy_is_read_only_and_reaches_the_stacks_state(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    doc = bootstrap(example_stacks, account)
    document = policy_of(of_construct(doc, "aws_iam_role_policy", "PlanRole"))
    assert_read_only(document, f"{account}: ")
    policy = statements(document)
    prefix = policy["ReadStateObjectsOfThisAccount"]["Resource"].removesuffix("*")
    for layer in ("platform", "projects", "ops"):
        backend = example_stacks[f"{account}-{layer}"]["terraform"]["backend"]["s3"]
        assert f"arn:aws:s3:::{backend['bucket']}/{backend['key']}".startswith(prefix)
    # The state key lets the plan role decrypt through S3 and nothing else.
    key = statements(policy_of(only(doc, "aws_kms_key")))
    plan_ref = f"${{aws_iam_role.{of_construct_name(doc, 'PlanRole')}.arn}}"
    assert key["StateReadThroughStorage"]["Principal"] == {"AWS": [plan_ref]}
    assert key["StateReadThroughStorage"]["Action"] == "kms:Decrypt"
    assert plan_ref not in json.dumps(key["StateUseThroughStorage"])
    expected = ["environment:prod-plan"] if CONFIG[account].account.protected else ["pull_request"]
    assert CONFIG[account].bootstrap.plan_subjects == expected


def of_construct_name(doc: Doc, construct: str) -> str:
    (name,) = [str(name) for name in doc["resource"]["aws_iam_role"] if name.startswith(construct)]
    return name


# --- smus plan-override -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layer", ["platform", "projects", "ops"])
def test_plan_override_points_backend_providers_and_remote_state_at_the_plan_role(
    example_stacks: dict[str, StackDoc], layer: str
) -> None:
    stack = example_stacks[f"staging-{layer}"]
    deploy, plan = "arn:aws:iam::222222222222:role/smus-deploy", "arn:aws:iam::222222222222:role/smus-plan"
    override = plan_override(stack, deploy, plan)
    assert deploy not in json.dumps(override)
    backend = override["terraform"]["backend"]["s3"]
    # A backend block is replaced whole by an override: everything else is repeated unchanged.
    assert backend == {**stack["terraform"]["backend"]["s3"], "assume_role": {**backend["assume_role"]}}
    assert backend["assume_role"]["role_arn"] == plan
    assert override["provider"]["aws"][0]["assume_role"][0]["role_arn"] == plan
    if "awscc" in stack["provider"]:  # ops stacks use no awscc, so declare none
        assert override["provider"]["awscc"][0]["assume_role"]["role_arn"] == plan
    assert set(override["provider"]) == set(stack["provider"])
    for name, source in stack.get("data", {}).get("terraform_remote_state", {}).items():
        assert override["data"]["terraform_remote_state"][name]["config"]["assume_role"]["role_arn"] == plan
        assert override["data"]["terraform_remote_state"][name]["config"]["key"] == source["config"]["key"]
    # Every assume_role that named the deploy role is overridden (key policies naming it are not assume_role).
    assert json.dumps(stack).count(f'"role_arn": "{deploy}"') == json.dumps(override).count(f'"role_arn": "{plan}"')


def test_plan_override_leaves_a_role_other_than_the_deploy_role_alone() -> None:
    stack = {"provider": {"aws": [{"assume_role": [{"role_arn": "arn:aws:iam::1:role/other"}], "alias": "x"}]}}
    assert plan_override(stack, "arn:aws:iam::1:role/smus-deploy", "arn:aws:iam::1:role/smus-plan") == {}


def test_a_drift_environment_that_pull_requests_plan_in_is_a_config_error(tmp_path: Path) -> None:
    """The drift role trusts the drift job's environment; were pull-request plans run there, a pull request could
    publish PlanFailed = 0 or a heartbeat with it and hide real failures."""
    shutil.copytree(FIXTURE_ACCOUNTS / "identities", tmp_path / "identities")
    path = tmp_path / "prod.toml"
    text = (FIXTURE_ACCOUNTS / "prod.toml").read_text()
    path.write_text(text + '\n[operations]\nplan_github_environment = "prod-plan"\n')
    with pytest.raises(ConfigError) as error:
        load_account(path)
    (issue,) = error.value.issues
    assert (issue.field, issue.value) == ("operations.plan_github_environment", "prod-plan")
    assert "pull-request plans do not run in" in issue.accepted and "PlanFailed = 0" in issue.accepted
    path.write_text(text + '\n[operations]\nplan_github_environment = "prod-drift"\n')
    assert load_account(path).config.operations.plan_github_environment == "prod-drift"


def test_the_drift_role_s_grants_have_the_shape_aws_s_iam_definitions_give_those_actions() -> None:
    """PutMetricData: no resource type (only "*"), `cloudwatch:namespace` its only condition key; CreateLogStream and
    PutLogEvents: the log-stream resource, `...:log-group:<name>:log-stream:<stream>` (parliament's copy of the
    Service Authorization Reference, .venv-audit)."""
    root = Path(__file__).resolve().parent.parent
    found = sorted(root.glob(".venv-audit/lib/python*/site-packages/parliament/iam_definition.json"))
    assert found, "parliament's iam_definition.json is missing: `make audit-install` makes .venv-audit"
    path = found[0]
    services = {service["prefix"]: service for service in json.loads(path.read_text())}

    def privilege(prefix: str, name: str) -> list[dict[str, Any]]:
        (found,) = [p for p in services[prefix]["privileges"] if p["privilege"] == name]
        types: list[dict[str, Any]] = found["resource_types"]
        return types

    assert privilege("cloudwatch", "PutMetricData") == [
        {"condition_keys": ["cloudwatch:namespace"], "dependent_actions": [], "resource_type": ""}
    ]
    streams = {r["resource"]: r["arn"] for r in services["logs"]["resources"]}["log-stream"]
    assert streams == "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}"
    for action in ("CreateLogStream", "PutLogEvents"):
        assert [t["resource_type"] for t in privilege("logs", action)] == ["log-stream*"], action
    group = "arn:aws:logs:eu-west-1:111111111111:log-group:/smus/dev/drift"
    metrics, logs = drift_permissions(metric_namespace="SMUS/Drift", drift_log_group_arn=group)["Statement"]
    assert metrics["Resource"] == "*" and set(metrics["Condition"]["StringEquals"]) == {"cloudwatch:namespace"}
    assert logs["Resource"] == f"{group}:log-stream:*"
