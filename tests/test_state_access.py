"""Who may touch Terraform state: the bucket policy names its readers and its administrators (issue 12, finding 4),
the break-glass role is named in config, and the bootstrap state can move into the bucket it created (issue 18.5)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from config.bootstrap_models import BootstrapSettings
from config.errors import ConfigError
from config.loader import LoadedAccount, load_account
from smus_cli.ci_matrix import account_target
from smus_constructs.errors import PropValidationError
from smus_constructs.pipeline_rules import PLACEHOLDER_KEY_ID
from smus_constructs.state_bucket import (
    BUCKET_ADMINISTRATION_ACTIONS,
    STATE_OBJECT_ACTIONS,
    StateBucket,
    StateBucketProps,
    state_bucket_policy,
)
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import ACCOUNT, REGION, Doc, new_stack, only, synth
from tests.test_bootstrap import ACCOUNTS, CONFIG, bootstrap, of_construct, policy_of, statements

DEPLOY = f"arn:aws:iam::{ACCOUNT}:role/smus-deploy"
PLAN = f"arn:aws:iam::{ACCOUNT}:role/smus-plan"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/smus-break-glass"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f"


def named_policy() -> dict[str, Doc]:
    return statements(
        state_bucket_policy(
            partition="aws",
            account_id=ACCOUNT,
            bucket="b-1",
            key_arn=KEY,
            state_role_arns=[DEPLOY, PLAN],
            administrator_role_arns=[BREAK_GLASS],
        )
    )


def test_bucket_policy_denies_state_objects_to_every_principal_but_the_state_roles() -> None:
    deny = named_policy()["DenyStateObjectsToAllButTheStateRoles"]
    assert (deny["Effect"], deny["Principal"], deny["Resource"]) == ("Deny", {"AWS": "*"}, "arn:aws:s3:::b-1/*")
    assert deny["Action"] == STATE_OBJECT_ACTIONS
    assert {"s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*"} <= set(deny["Action"])
    # aws:PrincipalArn is the role's ARN for every session of it: a grant-holder or PowerUser elsewhere is denied.
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": sorted([BREAK_GLASS, DEPLOY, PLAN])}}


def test_bucket_policy_denies_policy_versioning_and_lifecycle_changes_to_all_but_administrators() -> None:
    deny = named_policy()["DenyBucketAdministrationToAllButAdministrators"]
    assert (deny["Effect"], deny["Principal"], deny["Resource"]) == ("Deny", {"AWS": "*"}, "arn:aws:s3:::b-1")
    required = {
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration",
        "s3:PutReplicationConfiguration",
        "s3:PutEncryptionConfiguration",
    }
    assert required <= set(deny["Action"]) and deny["Action"] == BUCKET_ADMINISTRATION_ACTIONS
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [BREAK_GLASS]}}
    # The CI roles are not administrators; the account root is not listed either (S3 always lets it rewrite the
    # bucket policy: the recovery path, docs/threat-model.md).
    assert DEPLOY not in json.dumps(deny) and f"arn:aws:iam::{ACCOUNT}:root" not in json.dumps(deny)


def test_a_bucket_without_named_roles_stays_deny_only_for_other_users_of_the_library() -> None:
    policy = statements(state_bucket_policy(partition="aws", account_id=ACCOUNT, bucket="b-1", key_arn=KEY))
    assert "DenyStateObjectsToAllButTheStateRoles" not in policy
    assert "DenyBucketAdministrationToAllButAdministrators" not in policy


def make_bucket(**overrides: Any) -> Doc:
    props: dict[str, Any] = {
        "bucket_name": "acme-state",
        "account_id": ACCOUNT,
        "region": REGION,
        "user_role_arns": [DEPLOY],
        "reader_role_arns": [PLAN],
        "administrator_role_arns": [BREAK_GLASS],
    }
    props.update(overrides)
    stack = new_stack()
    StateBucket(stack, "State", StateBucketProps(**props))
    return synth(stack)


def test_the_break_glass_role_uses_the_state_key_through_s3_like_the_deploy_role() -> None:
    doc = make_bucket()
    key = statements(policy_of(only(doc, "aws_kms_key")))
    assert key["StateUseThroughStorage"]["Principal"] == {"AWS": [DEPLOY, BREAK_GLASS]}
    assert key["StateReadThroughStorage"]["Principal"] == {"AWS": [PLAN]}
    bucket_policy = statements(policy_of(only(doc, "aws_s3_bucket_policy")))
    assert bucket_policy["DenyStateObjectsToAllButTheStateRoles"]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == [
        BREAK_GLASS,
        DEPLOY,
        PLAN,
    ]


def test_a_bad_administrator_arn_is_refused_by_construct_path() -> None:
    with pytest.raises(PropValidationError) as error:
        make_bucket(administrator_role_arns=[f"arn:aws:iam::{ACCOUNT}:user/admin"])
    assert error.value.prop == "administrator_role_arns" and error.value.construct_path.endswith("/State")


@pytest.mark.parametrize("account", ACCOUNTS)
def test_example_state_bucket_names_its_readers_and_administrators(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    doc = bootstrap(example_stacks, account)
    policy = statements(policy_of(only(doc, "aws_s3_bucket_policy")))
    readers = policy["DenyStateObjectsToAllButTheStateRoles"]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    deploy = f"${{{'aws_iam_role.' + name_of(doc, 'DeployRole')}.arn}}"
    plan = f"${{{'aws_iam_role.' + name_of(doc, 'PlanRole')}.arn}}"
    break_glass = CONFIG[account].bootstrap.break_glass_role_arn
    assert sorted(readers) == sorted([deploy, plan, break_glass])
    # The drift role needs no state: it publishes metrics only.
    assert name_of(doc, "DriftRole") not in json.dumps(policy)
    admins = policy["DenyBucketAdministrationToAllButAdministrators"]["Condition"]["ArnNotEquals"]
    assert admins == {"aws:PrincipalArn": [break_glass]}


def name_of(doc: Doc, construct: str) -> str:
    (name,) = [str(n) for n in doc["resource"]["aws_iam_role"] if str(n).startswith(construct)]
    return name


# --- config ---------------------------------------------------------------------------------------------------------


def with_bootstrap(text: str, old: str, new: str, tmp_path: Path, name: str = "dev") -> Path:
    path = tmp_path / f"{name}.toml"
    if not (tmp_path / "identities").exists():
        shutil.copytree(FIXTURE_ACCOUNTS / "identities", tmp_path / "identities")
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


DEV = (FIXTURE_ACCOUNTS / "dev.toml").read_text()
DEV_BREAK_GLASS = 'break_glass_role_arn = "arn:aws:iam::111111111111:role/smus-break-glass"'


def test_the_break_glass_role_is_required_and_must_be_a_role() -> None:
    base = {"github_repository": "acme/smus-estate", "github_subjects": ["environment:prod"]}
    with pytest.raises(ValidationError) as error:
        BootstrapSettings.model_validate(base)
    assert [issue["loc"][0] for issue in error.value.errors()] == ["break_glass_role_arn"]
    with pytest.raises(ValidationError, match="an IAM role ARN such as"):
        BootstrapSettings.model_validate({**base, "break_glass_role_arn": "arn:aws:iam::111111111111:user/admin"})


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("arn:aws:iam::999999999999:role/smus-break-glass", "a role in this account (111111111111)"),
        ("arn:aws:iam::111111111111:role/smus-deploy", "other than [account] deploy_role_arn"),
        ("arn:aws:iam::111111111111:role/smus-plan", "other than the plan role"),
        ("arn:aws:iam::111111111111:role/smus-drift", "other than the drift role"),
    ],
)
def test_a_break_glass_role_elsewhere_or_a_ci_role_is_a_config_error(tmp_path: Path, value: str, accepted: str) -> None:
    path = with_bootstrap(DEV, DEV_BREAK_GLASS, f'break_glass_role_arn = "{value}"', tmp_path)
    with pytest.raises(ConfigError) as error:
        load_account(path)
    (issue,) = error.value.issues
    assert (issue.file, issue.field, issue.value) == (path, "bootstrap.break_glass_role_arn", value)
    assert accepted in issue.accepted


def test_migrated_bootstrap_state_lives_in_the_bucket_outside_every_ci_prefix(tmp_path: Path) -> None:
    from cdktn import App, Testing

    from stacks.bootstrap import BootstrapStack

    path = with_bootstrap(DEV, DEV_BREAK_GLASS, DEV_BREAK_GLASS + "\nstate_in_bucket = true", tmp_path)
    loaded = load_account(path)
    app = App(context={"targetVersions": {"terraform": ">=1.10.0"}})
    doc = json.loads(Testing.synth(BootstrapStack(app, loaded), True))
    backend = doc["terraform"]["backend"]
    assert set(backend) == {"s3"}
    s3 = backend["s3"]
    assert (s3["bucket"], s3["key"]) == ("acme-smus-tfstate-111111111111", "bootstrap/111111111111/bootstrap.tfstate")
    assert s3["encrypt"] is True and s3["use_lockfile"] is True and "assume_role" not in s3
    assert s3["kms_key_id"] == loaded.config.state.kms_key_arn
    # No CI role's state permissions reach that key.
    deploy = json.loads(of_construct(doc, "aws_iam_role_policy", "DeployRole")["policy"])
    assert not any("/bootstrap/" in json.dumps(s.get("Resource")) for s in deploy["Statement"])


def test_the_bootstrap_prefix_cannot_be_the_ci_state_prefix(tmp_path: Path) -> None:
    path = with_bootstrap(DEV, "[state]\n", '[state]\nkey_prefix = "bootstrap"\n', tmp_path)
    with pytest.raises(ConfigError, match=r"state\.key_prefix = 'bootstrap'"):
        load_account(path)


def test_the_state_key_placeholder_validates_for_the_first_bootstrap_but_ci_refuses_it(tmp_path: Path) -> None:
    loaded = load_account(FIXTURE_ACCOUNTS / "dev.toml")
    placeholder = f"arn:aws:kms:eu-west-1:111111111111:key/{PLACEHOLDER_KEY_ID}"
    state = loaded.config.state.model_copy(update={"kms_key_arn": placeholder})
    first = LoadedAccount(loaded.path, loaded.config.model_copy(update={"state": state}))
    with pytest.raises(ConfigError) as error:
        account_target(first)
    (issue,) = error.value.issues
    assert (issue.field, issue.value) == ("state.kms_key_arn", placeholder)
    assert "apply dev-bootstrap" in issue.accepted and "state_kms_key_arn" in issue.accepted
    path = with_bootstrap(
        DEV, loaded.config.state.kms_key_arn, placeholder, tmp_path
    )  # the account file itself validates with it
    assert load_account(path).config.state.kms_key_arn == placeholder


@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_ci_role_may_pass_or_become_the_break_glass_role(example_stacks: dict[str, StackDoc], account: str) -> None:
    doc = bootstrap(example_stacks, account)
    break_glass = CONFIG[account].bootstrap.break_glass_role_arn
    for construct in ("DeployRole", "PlanRole", "DriftRole"):
        role = of_construct(doc, "aws_iam_role", construct)
        policy = of_construct(doc, "aws_iam_role_policy", construct)
        assert break_glass not in role["assume_role_policy"] + policy["policy"], construct
