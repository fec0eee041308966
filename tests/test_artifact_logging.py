"""Artifact access logs (issue 16 item 4): the created Tooling bucket's server access logging, the config rule that
a protected account logs its artifact buckets one way or the other, the ops stack's Config rules, and the deploy
role's permission on the bucket it creates; for a domain account and for a member of a shared domain (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cdktn import Testing as CdkTesting

from config.artifact_buckets import ArtifactBucket, artifact_buckets
from config.errors import ConfigError
from config.loader import LoadedAccount, load_account, load_estate
from smus_cli.iam_analysers import analyse
from smus_cli.synth import app_context
from smus_constructs.artifact_logging import ArtifactAccessRules, ArtifactAccessRulesProps, logging_rule_name
from smus_constructs.errors import PropValidationError
from smus_constructs.pipeline_identity import DeployScope, deploy_permissions, plan_permissions
from smus_constructs.tooling_bucket_actions import BUCKET_READ_ACTIONS, tooling_bucket_actions
from smus_constructs.tooling_storage import ToolingStorage
from stacks.bootstrap import BootstrapStack
from stacks.member_platform import MemberPlatformStack
from stacks.ops import OpsStack
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import ACCOUNT, REGION, all_of, make_domain, new_stack, only, synth
from tests.test_associations_config import associated_estate, edit
from tests.test_iam_analysers import stack_with_policy

Doc = dict[str, Any]
LOG_BUCKET = "acme-s3-access-logs-123456789012"
TOOLING_LOCATION = 's3_location = "s3://acme-smus-dev-projects/tooling"\n'


# --- the Tooling bucket the platform stack creates ------------------------------------------------------------------


def tooling_doc(**overrides: Any) -> Doc:
    stack = new_stack()
    ToolingStorage(stack, "ToolingStorage", domain=make_domain(stack), name_prefix="acme-lab", **overrides)
    return synth(stack)


def test_the_created_tooling_bucket_logs_access_into_the_accounts_log_bucket() -> None:
    logging = only(tooling_doc(access_log_bucket=LOG_BUCKET), "aws_s3_bucket_logging")
    assert logging["bucket"].startswith("${aws_s3_bucket.ToolingStorage_Bucket_")
    assert logging["target_bucket"] == LOG_BUCKET
    # Under the bucket's own name, as the state bucket logs (smus_constructs.state_bucket).
    assert logging["target_prefix"] == f"s3/smus-tooling-{ACCOUNT}-{REGION}/"


def test_without_a_log_bucket_the_tooling_bucket_has_no_logging_resource() -> None:
    doc = tooling_doc()
    assert all_of(doc, "aws_s3_bucket") and not all_of(doc, "aws_s3_bucket_logging")


def test_a_handed_in_bucket_is_its_owners_to_configure() -> None:
    doc = tooling_doc(access_log_bucket=LOG_BUCKET, s3_location="s3://acme-projects/tooling")
    assert not all_of(doc, "aws_s3_bucket") and not all_of(doc, "aws_s3_bucket_logging")


def test_a_bucket_never_logs_into_itself() -> None:
    with pytest.raises(PropValidationError, match=r"ToolingStorage: access_log_bucket = .*a bucket other than itself"):
        tooling_doc(access_log_bucket=f"smus-tooling-{ACCOUNT}-{REGION}")


# --- which buckets, and the config rule -----------------------------------------------------------------------------


def account_file(tmp_path: Path, name: str, *, drop: str = "", add: str = "", edit: tuple[str, str] = ("", "")) -> Path:
    text = (FIXTURE_ACCOUNTS / f"{name}.toml").read_text()
    if drop:
        assert drop in text
        text = text.replace(drop, "")
    if edit[0]:
        assert edit[0] in text
        text = text.replace(*edit)
    path = tmp_path / f"{name}.toml"
    path.write_text(text + add)
    identities = FIXTURE_ACCOUNTS / "identities"
    (tmp_path / "identities").mkdir(exist_ok=True)
    for file in identities.iterdir():
        (tmp_path / "identities" / file.name).write_text(file.read_text())
    return path


def test_artifact_buckets_are_the_home_regions_s3_locations_and_the_created_tooling_bucket(tmp_path: Path) -> None:
    handed_in = load_account(FIXTURE_ACCOUNTS / "dev.toml").config
    assert artifact_buckets(handed_in) == (ArtifactBucket("acme-smus-dev-projects", created=False),)
    created = load_account(account_file(tmp_path, "dev", drop=TOOLING_LOCATION)).config
    assert artifact_buckets(created) == (ArtifactBucket("smus-tooling-111111111111-eu-west-1", created=True),)


def test_a_protected_account_without_access_logs_or_data_events_is_refused(tmp_path: Path) -> None:
    path = account_file(tmp_path, "prod", drop='access_log_bucket = "acme-s3-access-logs-333333333333"\n')
    with pytest.raises(ConfigError) as raised:
        load_account(path)
    message = str(raised.value)
    assert "prod.toml: bootstrap.access_log_bucket = None" in message, message
    assert "or [domain] s3_data_events_trail" in message and "acme-smus-prod-projects" in message, message


def test_a_protected_account_may_rely_on_the_trail_that_records_s3_data_events(tmp_path: Path) -> None:
    path = account_file(
        tmp_path,
        "prod",
        drop='access_log_bucket = "acme-s3-access-logs-333333333333"\n',
        edit=("[domain]\n", '[domain]\ns3_data_events_trail = "acme-org-trail"\n'),
    )
    domain = load_account(path).config.domain
    assert domain is not None and domain.s3_data_events_trail == "acme-org-trail"


def test_a_bad_trail_name_names_file_field_value_and_what_is_accepted(tmp_path: Path) -> None:
    path = account_file(tmp_path, "dev", edit=("[domain]\n", '[domain]\ns3_data_events_trail = "my trail"\n'))
    with pytest.raises(ConfigError, match=r"dev\.toml: domain\.s3_data_events_trail = 'my trail'.*name or ARN"):
        load_account(path)


def test_an_unprotected_account_may_go_without_and_nothing_is_checked() -> None:
    loaded = load_account(FIXTURE_ACCOUNTS / "dev.toml")
    assert loaded.config.bootstrap.access_log_bucket is None and not loaded.config.account.protected
    assert not [r for r in ops_rules(ops_doc(loaded)) if "artifact" in r]


def test_the_log_bucket_cannot_be_an_artifact_bucket(tmp_path: Path) -> None:
    path = account_file(tmp_path, "prod", edit=('"acme-s3-access-logs-333333333333"', '"acme-smus-prod-projects"'))
    with pytest.raises(ConfigError, match=r"bootstrap\.access_log_bucket = 'acme-smus-prod-projects'.*artifact"):
        load_account(path)


# --- the ops stack's Config rules -----------------------------------------------------------------------------------


def ops_doc(loaded: LoadedAccount) -> Doc:
    stack = OpsStack(CdkTesting.app(context=app_context()), loaded)
    stack.declare_used_providers()
    doc: Doc = json.loads(CdkTesting.synth(stack, run_validations=True))
    return doc


def ops_rules(doc: Doc) -> dict[str, Doc]:
    return {rule["name"]: rule for rule in doc.get("resource", {}).get("aws_config_config_rule", {}).values()}


def test_server_access_logging_of_each_artifact_bucket_is_checked_against_the_log_bucket() -> None:
    rules = ops_rules(ops_doc(load_account(FIXTURE_ACCOUNTS / "prod.toml")))
    rule = rules["smus-prod-artifact-logging-acme-smus-prod-projects"]
    assert rule["source"] == {"owner": "AWS", "source_identifier": "S3_BUCKET_LOGGING_ENABLED"}
    assert json.loads(rule["input_parameters"]) == {"targetBucket": "acme-s3-access-logs-333333333333"}
    assert rule["scope"] == {
        "compliance_resource_types": ["AWS::S3::Bucket"],
        "compliance_resource_id": "acme-smus-prod-projects",
    }
    assert "smus-prod-artifact-data-events" not in rules


def test_data_events_of_the_artifact_buckets_are_checked_where_a_trail_records_them(tmp_path: Path) -> None:
    path = account_file(
        tmp_path,
        "prod",
        drop='access_log_bucket = "acme-s3-access-logs-333333333333"\n',
        edit=("[domain]\n", '[domain]\ns3_data_events_trail = "acme-org-trail"\n'),
    )
    rules = ops_rules(ops_doc(load_account(path)))
    rule = rules["smus-prod-artifact-data-events"]
    assert rule["source"]["source_identifier"] == "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"
    assert json.loads(rule["input_parameters"]) == {"S3BucketNames": "acme-smus-prod-projects"}
    assert "acme-org-trail" in rule["description"] and "scope" not in rule  # periodic: no resource scope
    assert not [name for name in rules if "artifact-logging" in name]


def test_rule_names_take_no_dots_and_stay_within_128_characters() -> None:
    assert logging_rule_name("smus-dev-", "acme.projects") == "smus-dev-artifact-logging-acme-projects"
    long = logging_rule_name("smus-" + "a" * 60 + "-", "b" * 63)
    assert len(long) == 128 and long != logging_rule_name("smus-" + "a" * 60 + "-", "b" * 62 + "c")


@pytest.mark.parametrize(
    ("overrides", "prop", "accepted"),
    [
        ({"bucket_names": []}, "bucket_names", "one or more bucket names"),
        ({"bucket_names": ["Not_A_Bucket"]}, "bucket_names", "an S3 bucket name"),
        ({"log_bucket": None}, "log_bucket", "a log bucket, or data_events_trail"),
        ({"log_bucket": "acme-projects"}, "log_bucket", "a bucket other than the artifact buckets"),
    ],
)
def test_bad_rule_props_name_the_prop(overrides: dict[str, Any], prop: str, accepted: str) -> None:
    props: dict[str, Any] = {"bucket_names": ["acme-projects"], "name_prefix": "smus-t-", "log_bucket": LOG_BUCKET}
    props.update(overrides)
    with pytest.raises(PropValidationError, match=rf"test/Rules: {prop} = .*{accepted}"):
        ArtifactAccessRules(new_stack(), "Rules", ArtifactAccessRulesProps(**props))


# --- the deploy role ------------------------------------------------------------------------------------------------


def scope(**overrides: Any) -> DeployScope:
    values: dict[str, Any] = {
        "partition": "aws",
        "account_id": ACCOUNT,
        "region": REGION,
        "self_role_arn": f"arn:aws:iam::{ACCOUNT}:role/smus-deploy",
        "state_bucket": "acme-state",
        "state_prefix": f"smus/{ACCOUNT}/",
        "state_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-1111-4111-8111-111111111111",
        "role_name_prefix": "acme-lab",
    }
    values.update(overrides)
    return DeployScope(**values)


def test_the_deploy_role_manages_the_tooling_bucket_it_creates_by_name_and_the_plan_role_reads_it() -> None:
    bucket = f"smus-tooling-{ACCOUNT}-{REGION}"
    deploy = {s["Sid"]: s for s in deploy_permissions(scope(tooling_bucket=bucket))["Statement"]}
    statement = deploy["TheToolingBucketItCreates"]
    assert statement["Resource"] == f"arn:aws:s3:::{bucket}"
    assert statement["Action"] == tooling_bucket_actions(protected=False)
    assert {"s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutBucketLogging", "s3:DeleteBucket"} <= set(
        statement["Action"]
    )
    plan = {s["Sid"]: s for s in plan_permissions(scope(tooling_bucket=bucket))["Statement"]}
    reads = plan["ReadTheToolingBucket"]["Action"]
    assert set(BUCKET_READ_ACTIONS) <= set(reads) and all(a.split(":")[1].startswith(("Get", "List")) for a in reads)
    assert plan["ReadTheToolingBucket"]["Resource"] == statement["Resource"]
    # A protected account's bucket holds the projects' files: the pipeline never deletes it.
    protected = {s["Sid"]: s for s in deploy_permissions(scope(tooling_bucket=bucket, protected=True))["Statement"]}
    assert "s3:DeleteBucket" not in protected["TheToolingBucketItCreates"]["Action"]
    # An account that hands its bucket in grants nothing on S3 beyond its state bucket.
    assert "TheToolingBucketItCreates" not in {s["Sid"] for s in deploy_permissions(scope())["Statement"]}


def test_the_tooling_bucket_actions_are_real_take_a_bucket_and_only_the_bucket_policy_is_flagged() -> None:
    """No unknown action and no resource mismatch: every action exists and takes a bucket (parliament's IAM data).

    What the analysers do flag is writing a policy on the bucket (parliament's resource-policy escalation,
    cloudsplaining's resource exposure), which an estate creating its bucket accepts with a reason.
    """
    findings, _, _, _ = analyse(
        stack_with_policy(
            {
                "Effect": "Allow",
                "Action": tooling_bucket_actions(protected=False),
                "Resource": "arn:aws:s3:::smus-tooling-1-eu-west-1",
            }
        )
    )
    parliament = [f for f in findings if f.analyser == "parliament"]
    assert parliament and {f.issue for f in parliament} == {"RESOURCE_POLICY_PRIVILEGE_ESCALATION"}
    assert all("s3:PutBucketPolicy" in str(f) for f in parliament)
    exposure = {action for f in findings if f.analyser == "cloudsplaining" for action in f.actions}
    assert exposure <= {
        "s3:DeleteBucketPolicy",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
    }, exposure


def test_the_bootstrap_stack_names_the_tooling_bucket_only_where_the_platform_creates_it(tmp_path: Path) -> None:
    created = load_account(account_file(tmp_path, "dev", drop=TOOLING_LOCATION))
    stack = BootstrapStack(CdkTesting.app(context=app_context()), created)
    assert stack.deploy_scope.tooling_bucket == "smus-tooling-111111111111-eu-west-1"
    handed_in = BootstrapStack(CdkTesting.app(context=app_context()), load_account(FIXTURE_ACCOUNTS / "dev.toml"))
    assert handed_in.deploy_scope.tooling_bucket is None


# --- a member account's artifact buckets (issue 14) -----------------------------------------------------------------

MEMBER_LOG_BUCKET = 'access_log_bucket = "acme-s3-access-logs-444444444444"\n'
MEMBER_TOOLING_LOCATION = 's3_location = "s3://acme-smus-prod-ml-projects/tooling"\n'
MEMBER_TRAIL = ("[association]\n", '[association]\ns3_data_events_trail = "acme-org-trail"\n')


def member(tmp_path: Path, *edits: tuple[str, str]) -> LoadedAccount:
    """prod-ml, loaded with prod (whose domain it joins) from the associated estate, after ``edits`` to its file."""
    config_dir = associated_estate(tmp_path)
    for old, new in edits:
        edit(config_dir, "prod-ml", old, new)
    return {loaded.name: loaded for loaded in load_estate(config_dir)}["prod-ml"]


def test_a_members_artifact_buckets_are_its_own(tmp_path: Path) -> None:
    assert artifact_buckets(member(tmp_path / "given").config) == (
        ArtifactBucket("acme-smus-prod-ml-projects", created=False),
    )
    created = member(tmp_path / "created", (MEMBER_TOOLING_LOCATION, ""))
    # Named for the member and the domain's region (the member's: a region mismatch is refused).
    assert artifact_buckets(created.config) == (ArtifactBucket("smus-tooling-444444444444-eu-west-1", created=True),)


def test_a_protected_member_without_access_logs_or_data_events_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        member(tmp_path, (MEMBER_LOG_BUCKET, ""))
    message = str(raised.value)
    assert "prod-ml.toml: bootstrap.access_log_bucket = None" in message, message
    assert "or [association] s3_data_events_trail" in message and "acme-smus-prod-ml-projects" in message, message


def test_a_member_may_rely_on_the_trail_and_its_ops_stack_checks_the_trail_records_them(tmp_path: Path) -> None:
    loaded = member(tmp_path, (MEMBER_LOG_BUCKET, ""), MEMBER_TRAIL)
    assert loaded.config.association is not None
    assert loaded.config.association.s3_data_events_trail == "acme-org-trail"
    rules = ops_rules(ops_doc(loaded))
    rule = rules["smus-prod-ml-artifact-data-events"]
    assert rule["source"]["source_identifier"] == "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"
    assert json.loads(rule["input_parameters"]) == {"S3BucketNames": "acme-smus-prod-ml-projects"}
    assert not [name for name in rules if "artifact-logging" in name]


def test_a_members_ops_stack_checks_each_artifact_bucket_logs_into_its_own_log_bucket(tmp_path: Path) -> None:
    rules = ops_rules(ops_doc(member(tmp_path)))
    rule = rules["smus-prod-ml-artifact-logging-acme-smus-prod-ml-projects"]
    assert rule["source"] == {"owner": "AWS", "source_identifier": "S3_BUCKET_LOGGING_ENABLED"}
    assert json.loads(rule["input_parameters"]) == {"targetBucket": "acme-s3-access-logs-444444444444"}
    assert rule["scope"]["compliance_resource_id"] == "acme-smus-prod-ml-projects"
    assert "smus-prod-ml-artifact-data-events" not in rules


def test_a_members_log_bucket_cannot_be_one_of_its_artifact_buckets(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"prod-ml\.toml: bootstrap\.access_log_bucket = 'acme-smus-prod-ml-projects'"
    ):
        member(tmp_path, ('"acme-s3-access-logs-444444444444"', '"acme-smus-prod-ml-projects"'))


def test_a_member_that_creates_its_tooling_bucket_logs_it_and_its_deploy_role_may_only_that(tmp_path: Path) -> None:
    loaded = member(tmp_path, (MEMBER_TOOLING_LOCATION, ""))
    bucket = "smus-tooling-444444444444-eu-west-1"
    bootstrap = BootstrapStack(CdkTesting.app(context=app_context()), loaded)
    assert bootstrap.deploy_scope.tooling_bucket == bucket
    deploy = {s["Sid"]: s for s in deploy_permissions(bootstrap.deploy_scope)["Statement"]}
    assert deploy["TheToolingBucketItCreates"]["Resource"] == f"arn:aws:s3:::{bucket}"
    assert [s for s in deploy.values() if "s3:PutBucketLogging" in s.get("Action", [])] == [
        deploy["TheToolingBucketItCreates"]
    ]
    plan = {s["Sid"]: s for s in plan_permissions(bootstrap.plan_scope)["Statement"]}
    assert plan["ReadTheToolingBucket"]["Resource"] == f"arn:aws:s3:::{bucket}"
    platform = MemberPlatformStack(CdkTesting.app(context=app_context()), loaded)
    platform.declare_used_providers()
    logging = only(json.loads(CdkTesting.synth(platform)), "aws_s3_bucket_logging")
    assert logging["target_bucket"] == "acme-s3-access-logs-444444444444"
    assert logging["target_prefix"] == f"s3/{bucket}/"
    # Handed in (the example member): the bucket is its owner's to configure, and the deploy role gets nothing on it.
    given = BootstrapStack(CdkTesting.app(context=app_context()), member(tmp_path / "given"))
    assert given.deploy_scope.tooling_bucket is None
