"""The Tooling bucket's S3 actions, measured with real binaries rather than believed.

The test synthesises a ToolingStorage that creates its bucket, with access logging. Real terraform and the
hashicorp/aws plugin from the filesystem mirror then apply it against a moto server, plan it again (the refresh a
plan role makes) and destroy it. The provider's debug log names every S3 call (`rpc.method=... rpc.service=S3`).
Each call on the Tooling bucket is mapped to its IAM action; the deploy role must hold every one, and the plan role
every one the refresh makes. moto does not enforce IAM, so a call missing from the roles' policies shows up here
as a call the table does not cover.

The first plan (before apply) and the refresh plan are also shown as JSON and given to the Rego policies, as
`smus check --plan` does, so SMUS-027 is judged on terraform's own plan output.

An S3 call that the table below does not map fails the test by name. A new provider version that calls something
new is therefore caught here, not at a bank's first apply.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cdktn import TerraformStack, Testing
from cdktn_provider_aws.provider import AwsProvider
from cdktn_provider_aws.s3_bucket import S3Bucket
from cdktn_provider_aws.s3_bucket_policy import S3BucketPolicy

from smus_cli.moto_server import moto_server
from smus_cli.rehearse_override import provider_block
from smus_constructs.domain import ImportedDomain
from smus_constructs.pipeline_identity import DeployScope, deploy_permissions, plan_permissions
from smus_constructs.tooling_bucket_actions import RESOURCE_ACTIONS, tooling_bucket_actions
from smus_constructs.tooling_storage import ToolingStorage
from smus_rules.model import RuleContext
from smus_rules.rego import RegoPolicies, governance_data, resource_types
from tests.helpers import full_synth
from tests.test_guard_real_plans import AWS_VERSION, MIRROR, mirrored_provider

ROOT = Path(__file__).resolve().parent.parent
MOTO = ROOT / ".venv-rehearse" / "bin" / "moto_server"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
BUCKET = f"smus-tooling-{ACCOUNT}-{REGION}"
LOG_BUCKET = "acme-s3-access-logs-123456789012"

#: S3 API operation -> the IAM action that authorizes it (Amazon S3 API reference, "Permissions" of each call).
#: The oracle's own translation, kept apart from the construct's lists so neither can agree with itself.
S3_CALL_ACTION = {
    "CreateBucket": "s3:CreateBucket",
    "DeleteBucket": "s3:DeleteBucket",
    "HeadBucket": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketAcl": "s3:GetBucketAcl",
    "GetBucketCors": "s3:GetBucketCORS",
    "GetBucketWebsite": "s3:GetBucketWebsite",
    "GetBucketVersioning": "s3:GetBucketVersioning",
    "GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "GetBucketRequestPayment": "s3:GetBucketRequestPayment",
    "GetBucketLogging": "s3:GetBucketLogging",
    "PutBucketLogging": "s3:PutBucketLogging",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "GetBucketReplication": "s3:GetReplicationConfiguration",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "GetBucketTagging": "s3:GetBucketTagging",
    "PutBucketTagging": "s3:PutBucketTagging",
    "DeleteBucketTagging": "s3:PutBucketTagging",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "PutBucketPolicy": "s3:PutBucketPolicy",
    "DeleteBucketPolicy": "s3:DeleteBucketPolicy",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketOwnershipControls": "s3:GetBucketOwnershipControls",
    "PutBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
}
#: One log entry: from its timestamp to the next (a request with a body spans several lines).
ENTRY = re.compile(r"^\d{4}-\d\d-\d\dT", re.MULTILINE)
URL = re.compile(r"\bhttp\.url=https?://[^/\s]+/([^/?\s]*)")


def tooling_document() -> dict[str, Any]:
    """A stack with only a created Tooling bucket (and the log bucket it logs to), as synthesised."""
    stack = TerraformStack(Testing.app(), "tooling")
    AwsProvider(stack, "aws", region=REGION)
    domain = ImportedDomain(stack, "Domain", domain_id="dzd_abc123", account_id=ACCOUNT, region=REGION)
    log_bucket = S3Bucket(stack, "LogBucket", bucket=LOG_BUCKET, force_destroy=True)  # moto writes the logs
    # What an organisation grants on its log bucket (S3 User Guide, server access logging): S3 refuses
    # PutBucketLogging into a bucket without it.
    S3BucketPolicy(
        stack,
        "LogBucketPolicy",
        bucket=log_bucket.id,
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{LOG_BUCKET}/*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                    }
                ],
            }
        ),
    )
    ToolingStorage(
        stack,
        "Tooling",
        domain=domain,
        name_prefix="acme-lab",
        query_execution_role_arn=f"arn:aws:iam::{ACCOUNT}:role/service-role/acme-lab-query",
        access_log_bucket=LOG_BUCKET,
    )
    document = full_synth(stack)
    for logging in document["resource"]["aws_s3_bucket_logging"].values():
        logging["depends_on"] = ["aws_s3_bucket_policy.LogBucketPolicy"]
    return document


def s3_calls(log: str, bucket: str) -> set[str]:
    """The S3 operations in a provider debug log sent to ``bucket``: its path-style request URL names it."""
    found = set()
    starts = [match.start() for match in ENTRY.finditer(log)] + [len(log)]
    for start, end in itertools.pairwise(starts):
        entry = log[start:end]
        if "HTTP Request Sent" not in entry or "rpc.service=S3" not in entry:
            continue
        url, method = URL.search(entry), re.search(r"\brpc\.method=(\w+)", entry)
        if url is not None and method is not None and url.group(1) == bucket:
            found.add(method.group(1))
    return found


@dataclass(frozen=True)
class Measured:
    #: S3 operations on the Tooling bucket per step: plan-create (a first plan), apply, plan (refresh), destroy.
    calls: dict[str, set[str]]
    resource_types: set[str]
    #: `terraform show -json` of the first plan (before apply) and of the refresh plan (after it).
    plans: dict[str, dict[str, Any]]


def run(terraform: str, cwd: Path, env: dict[str, str], step: str, *args: str) -> tuple[int, str, str]:
    """Exit code, terraform's own output, and the provider's debug log of one step."""
    log = cwd / f"{step}.log"
    result = subprocess.run(
        [terraform, *args, "-no-color", "-input=false"],
        cwd=cwd,
        env={**env, "TF_LOG": "DEBUG", "TF_LOG_PATH": str(log)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr, log.read_text() if log.is_file() else ""


@pytest.fixture(scope="session")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Measured]:
    """Apply, re-plan and destroy the Tooling bucket against moto; missing tools fail, never skip."""
    terraform = shutil.which("terraform")
    assert terraform is not None, "terraform is not on PATH (README: terraform 1.11)"
    assert mirrored_provider(MIRROR) is not None, f"no hashicorp/aws {AWS_VERSION} plugin in {MIRROR}"
    assert MOTO.is_file(), f"{MOTO} not found: `make test` installs .venv-rehearse (make rehearse-install)"
    work = tmp_path_factory.mktemp("tooling-bucket")
    document = tooling_document()
    resource_types = set(document["resource"])  # the log bucket's types are aws_s3_bucket and its policy
    document.pop("data", None)  # the imported domain's lookup: DataZone is not in moto, and nothing reads it
    (work / "terraform.rc").write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n'
    )
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("TF_", "AWS_"))},
        "TF_CLI_CONFIG_FILE": str(work / "terraform.rc"),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    with moto_server(MOTO, ACCOUNT, work / "moto.log") as endpoint:
        document["provider"] = {"aws": [{**provider_block(endpoint), "region": REGION}]}
        document["terraform"] = {"required_providers": {"aws": {"source": "hashicorp/aws", "version": AWS_VERSION}}}
        (work / "main.tf.json").write_text(json.dumps(document))
        calls: dict[str, set[str]] = {}
        for step, args in (
            ("init", ("init",)),
            ("plan-create", ("plan", "-out=create.tfplan")),
            ("apply", ("apply", "-auto-approve")),
            ("plan", ("plan", "-detailed-exitcode", "-out=refresh.tfplan")),
            ("destroy", ("destroy", "-auto-approve")),
        ):
            code, output, log = run(terraform, work, env, step, *args)
            assert code == 0, f"terraform {step} exited {code}:\n{output[-6000:]}"
            calls[step] = s3_calls(log, BUCKET)
        plans = {step: show_json(terraform, work, env, f"{name}.tfplan") for step, name in PLAN_FILES.items()}
    yield Measured(calls=calls, resource_types=resource_types, plans=plans)


PLAN_FILES = {"plan-create": "create", "plan": "refresh"}


def show_json(terraform: str, cwd: Path, env: dict[str, str], plan_file: str) -> dict[str, Any]:
    """The plan as `smus check --plan` reads it."""
    result = subprocess.run(
        [terraform, "show", "-json", plan_file],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"terraform show -json {plan_file} exited {result.returncode}:\n{result.stderr}"
    shown: dict[str, Any] = json.loads(result.stdout)
    return shown


def scope(*, protected: bool = False) -> DeployScope:
    return DeployScope(
        partition="aws",
        account_id=ACCOUNT,
        region=REGION,
        self_role_arn=f"arn:aws:iam::{ACCOUNT}:role/smus-deploy",
        state_bucket="acme-state",
        state_prefix=f"smus/{ACCOUNT}/",
        state_key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-1111-4111-8111-111111111111",
        role_name_prefix="acme-lab",
        tooling_bucket=BUCKET,
        protected=protected,
    )


def granted(document: dict[str, Any], sid: str) -> set[str]:
    (statement,) = [s for s in document["Statement"] if s.get("Sid") == sid]
    assert statement["Resource"] == f"arn:aws:s3:::{BUCKET}"
    return set(statement["Action"])


def actions_of(calls: set[str]) -> set[str]:
    unmapped = sorted(calls - set(S3_CALL_ACTION))
    assert not unmapped, f"S3 calls the oracle's table does not map (add each with its IAM action): {unmapped}"
    return {S3_CALL_ACTION[call] for call in calls}


def test_the_provider_was_measured_making_the_calls_of_each_step(measured: Measured) -> None:
    assert {"CreateBucket", "PutBucketPolicy", "PutBucketLogging"} <= measured.calls["apply"], measured.calls
    assert {"HeadBucket", "GetBucketPolicy"} <= measured.calls["plan"], measured.calls
    assert "DeleteBucket" in measured.calls["destroy"], measured.calls


def test_the_deploy_role_holds_every_call_of_apply_refresh_and_destroy(measured: Measured) -> None:
    needed = actions_of(set().union(*measured.calls.values()))
    missing = needed - granted(deploy_permissions(scope()), "TheToolingBucketItCreates")
    assert not missing, f"the deploy role lacks {sorted(missing)} for the calls {measured.calls}"


def test_the_plan_role_holds_every_call_of_a_refresh_and_only_reads(measured: Measured) -> None:
    reads = granted(plan_permissions(scope()), "ReadTheToolingBucket")
    calls = measured.calls["plan"] | measured.calls["plan-create"]  # a pull request's first plan, and a refresh
    missing = actions_of(calls) - reads
    assert not missing, f"the plan role lacks {sorted(missing)} for the plan calls {calls}"
    assert all(action.split(":")[1].startswith(("Get", "List")) for action in reads), reads


def test_a_protected_account_grants_everything_but_the_delete(measured: Measured) -> None:
    protected = granted(deploy_permissions(scope(protected=True)), "TheToolingBucketItCreates")
    assert actions_of(measured.calls["apply"] | measured.calls["plan"]) <= protected
    assert "s3:DeleteBucket" not in protected
    assert set(tooling_bucket_actions(protected=False)) - protected == {"s3:DeleteBucket"}


def test_every_resource_type_tooling_storage_creates_has_its_actions(measured: Measured) -> None:
    """A sub-resource added to ToolingStorage without its actions fails here (the log bucket is the test's own)."""
    assert measured.resource_types == set(RESOURCE_ACTIONS), measured.resource_types ^ set(RESOURCE_ACTIONS)


def test_the_oracle_fails_on_a_call_it_does_not_map() -> None:
    with pytest.raises(AssertionError, match="PutBucketAbac"):
        actions_of({"HeadBucket", "PutBucketAbac"})


def test_the_log_reader_keeps_only_the_named_buckets_s3_calls() -> None:
    at = "2026-12-04T03:38:07.445Z [DEBUG] provider: HTTP Request Sent:"
    log = "\n".join(
        [
            f"{at} http.url=http://127.0.0.1:5/{BUCKET}?policy= rpc.method=GetBucketPolicy rpc.service=S3",
            f"{at} http.request.body=",
            "  | <Delete><Object><Key>s3/{BUCKET}/2026-12-04-log</Key></Object></Delete>",
            f" rpc.method=DeleteObjects rpc.service=S3 http.url=http://127.0.0.1:5/{LOG_BUCKET}?delete=",
            f"{at} http.request.body=",
            "  | <BucketLoggingStatus/>",
            f" rpc.method=PutBucketLogging rpc.service=S3 http.url=http://127.0.0.1:5/{BUCKET}?logging=",
            f"{at} http.url=http://127.0.0.1:5/ rpc.method=GetCallerIdentity rpc.service=STS",
        ]
    )
    assert s3_calls(log, BUCKET) == {"GetBucketPolicy", "PutBucketLogging"}


# --- SMUS-027 on the real plans ----------------------------------------------------------------------------------


def planned(plan: dict[str, Any], address_prefix: str) -> dict[str, Any]:
    """The planned values of the one resource whose address starts so (cdktn appends a hash to the name)."""
    resources = plan["planned_values"]["root_module"]["resources"]
    [found] = [r["values"] for r in resources if r["address"].startswith(address_prefix)]
    values: dict[str, Any] = found
    return values


@pytest.mark.parametrize("step", sorted(PLAN_FILES))
def test_smus_027_reads_the_bucket_policies_of_real_plans(measured: Measured, step: str) -> None:
    """terraform's own plan JSON, as `smus check --plan` gives it to the Rego policies: the Tooling bucket's TLS-only
    policy passes, and the test's log bucket policy (an Allow for the S3 logging service) is what SMUS-027 refuses
    in a stack the deploy role applies. The policies are known in both plans, so neither verdict is vacuous."""
    plan = measured.plans[step]
    tooling = json.loads(planned(plan, "aws_s3_bucket_policy.Tooling_Policy_")["policy"])
    assert {statement["Effect"] for statement in tooling["Statement"]} == {"Deny"}
    contexts = [RuleContext(stack="tooling-platform", account_id=ACCOUNT)]
    policies = RegoPolicies(governance_data(contexts, types=resource_types([plan]), plan_stack="tooling-platform"))
    found = [v for v in policies.evaluate(plan, "tooling-platform").violations if v.rule_id == "SMUS-027"]
    refused = ["aws_s3_bucket_policy.LogBucketPolicy"]
    if step == "plan":
        # After apply the provider refreshes each bucket's deprecated `policy` attribute from S3, so the refresh plan
        # shows the log bucket's Allow twice, and a policy changed by hand outside the pipeline would show up here.
        refused.insert(0, "aws_s3_bucket.LogBucket")
        assert json.loads(planned(plan, "aws_s3_bucket.Tooling_Bucket_")["policy"]) == tooling
    assert [v.address for v in found] == refused, found
