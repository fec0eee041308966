"""The bootstrap layer: state bucket and key, the GitHub deploy role, service-linked roles, and their policies.

Policies are asserted as parsed JSON (the strings the stacks synthesise, `json.loads`-ed), statement by statement.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from config.bootstrap_models import BootstrapSettings
from config.errors import ConfigError
from config.loader import load_account, load_estate
from smus_constructs.errors import PropValidationError
from smus_constructs.pipeline_identity import (
    DATAZONE_ACCOUNT_ACTIONS,
    DATAZONE_ACTIONS_BY_TYPE,
    DeployScope,
    GithubDeployRole,
    GithubDeployRoleProps,
    GithubOidcProvider,
    deploy_permissions,
    github_deploy_trust,
)
from smus_constructs.pipeline_rules import github_oidc_provider_arn, split_role_arn
from smus_constructs.service_linked_role_names import SERVICE_PRINCIPALS, ServiceLinkedRoleName
from smus_constructs.service_linked_roles import ServiceLinkedRoles
from smus_constructs.state_bucket import StateBucket, StateBucketProps, state_bucket_policy, state_key_policy
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import ACCOUNT, REGION, Doc, all_of, new_stack, only, synth

ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}
DEPLOY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/smus-deploy"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
STATE_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f"
CONFIG = {loaded.name: loaded.config for loaded in load_estate(FIXTURE_ACCOUNTS)}
REPO = Path(__file__).resolve().parent.parent


def statements(document: Doc) -> dict[str, Doc]:
    """Statements by Sid; every statement of ours has one, and a duplicate would hide another."""
    found = document["Statement"]
    sids = [statement["Sid"] for statement in found]
    assert len(sids) == len(set(sids)), f"duplicate Sids: {sids}"
    return {statement["Sid"]: statement for statement in found}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_of(body: Doc, key: str = "policy") -> Doc:
    document: Doc = json.loads(body[key])
    assert document["Version"] == "2012-10-17"
    return document


def bootstrap(example_stacks: dict[str, StackDoc], account: str) -> StackDoc:
    return example_stacks[f"{account}-bootstrap"]


def address(doc: Doc, resource_type: str, construct: str = "") -> str:
    (name,) = [name for name in all_of(doc, resource_type) if name.startswith(construct)]
    return f"{resource_type}.{name}"


def of_construct(doc: Doc, resource_type: str, construct: str) -> Doc:
    """The single resource of a type created under ``construct`` (e.g. 'DeployRole' or 'PlanRole')."""
    return all_of(doc, resource_type)[address(doc, resource_type, construct).split(".", 1)[1]]


# --- GitHub trust -------------------------------------------------------------------------------------------------


def test_trust_admits_only_this_repository_and_subjects_for_sts_audience() -> None:
    trust = github_deploy_trust(
        oidc_provider_arn=PROVIDER,
        repository="acme/smus-estate",
        subjects=["environment:prod", "ref:refs/heads/main"],
        self_role_arn=DEPLOY_ROLE,
        account_id=ACCOUNT,
    )
    github = statements(trust)["GithubActionsOfThisRepository"]
    assert github["Principal"] == {"Federated": PROVIDER}
    assert github["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert github["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
                "repo:acme/smus-estate:environment:prod",
                "repo:acme/smus-estate:ref:refs/heads/main",
            ],
        }
    }


def test_trust_lets_only_the_role_itself_reassume_it() -> None:
    trust = github_deploy_trust(
        oidc_provider_arn=PROVIDER,
        repository="a/b",
        subjects=["ref:refs/heads/main"],
        self_role_arn=DEPLOY_ROLE,
        account_id=ACCOUNT,
    )
    reassume = statements(trust)["ProvidersReassumeThisRole"]
    assert reassume["Action"] == "sts:AssumeRole"
    assert reassume["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert reassume["Condition"] == {"ArnEquals": {"aws:PrincipalArn": DEPLOY_ROLE}}
    assert len(trust["Statement"]) == 2


def make_role(**overrides: Any) -> Doc:
    props: dict[str, Any] = {
        "account_id": ACCOUNT,
        "region": REGION,
        "role_name": "smus-deploy",
        "repository": "acme/smus-estate",
        "subjects": ["environment:prod"],
        "oidc_provider_arn": PROVIDER,
    }
    props.update(overrides)
    stack = new_stack()
    GithubDeployRole(stack, "DeployRole", GithubDeployRoleProps(**props))
    return synth(stack)


def test_deploy_role_carries_the_trust_and_a_session_longer_than_any_apply() -> None:
    role = only(make_role(path="/ci/"), "aws_iam_role")
    assert (role["name"], role["path"]) == ("smus-deploy", "/ci/")
    assert role["max_session_duration"] == 4 * 3600
    trust = statements(policy_of(role, "assume_role_policy"))
    assert trust["ProvidersReassumeThisRole"]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == (
        f"arn:aws:iam::{ACCOUNT}:role/ci/smus-deploy"
    )
    assert trust["GithubActionsOfThisRepository"]["Condition"]["StringEquals"][
        "token.actions.githubusercontent.com:sub"
    ] == ["repo:acme/smus-estate:environment:prod"]


@pytest.mark.parametrize(
    ("overrides", "prop", "accepted"),
    [
        ({"subjects": ["environment:*"]}, "subjects", "no wildcard"),
        ({"subjects": ["pull_request"]}, "subjects", "pull_request is refused"),
        ({"subjects": []}, "subjects", "non-empty list"),
        ({"repository": "acme"}, "repository", "'owner/name'"),
        ({"oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}, "oidc_provider_arn", "GitHub"),
        ({"path": "ci"}, "path", "'/ci/'"),
    ],
)
def test_deploy_role_refuses_a_loose_or_malformed_trust(overrides: dict[str, Any], prop: str, accepted: str) -> None:
    with pytest.raises(PropValidationError) as error:
        make_role(**overrides)
    assert error.value.prop == prop
    assert error.value.construct_path.endswith("/DeployRole")
    assert accepted in error.value.accepted


def test_oidc_provider_is_github_for_sts_without_thumbprints() -> None:
    stack = new_stack()
    provider = GithubOidcProvider(stack, "GithubOidcProvider")
    body = only(synth(stack), "aws_iam_openid_connect_provider")
    assert body["url"] == "https://token.actions.githubusercontent.com"
    assert body["client_id_list"] == ["sts.amazonaws.com"]
    assert "thumbprint_list" not in body
    assert provider.provider_arn.startswith("${TfToken[")


def test_existing_provider_arn_and_role_arn_parts() -> None:
    assert github_oidc_provider_arn("aws", ACCOUNT) == PROVIDER
    assert split_role_arn("arn:aws:iam::123456789012:role/ci/deploy/smus") == ("aws", ACCOUNT, "/ci/deploy/", "smus")
    assert split_role_arn(DEPLOY_ROLE) == ("aws", ACCOUNT, "/", "smus-deploy")
    with pytest.raises(ValueError, match="not an IAM role ARN"):
        split_role_arn("arn:aws:iam::123456789012:user/smus")


# --- deploy permissions ---------------------------------------------------------------------------------------------


def scope(**overrides: Any) -> DeployScope:
    values: dict[str, Any] = {
        "partition": "aws",
        "account_id": ACCOUNT,
        "region": REGION,
        "self_role_arn": DEPLOY_ROLE,
        "state_bucket": "acme-state",
        "state_prefix": f"smus/{ACCOUNT}/",
        "state_key_arn": STATE_KEY,
        "role_name_prefix": "acme-dev",
        "given_role_arns": [f"arn:aws:iam::{ACCOUNT}:role/service-role/Given"],
        "attachable_policy_arns": ["arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainServiceRolePolicy"],
        "managed_stack_tags": ["dev-platform", "dev-projects"],
        "role_boundaries": [BOUNDARY],
    }
    values.update(overrides)
    return DeployScope(**values)


def assert_least_privilege(document: Doc, where: str = "") -> None:
    """The rules of the issue: no Action "*", no Resource "*" without a condition, no broad managed policy.

    Deny statements are exempt from the Resource rule: a deny on "*" is the widest guarantee, not a grant.
    """
    for statement in document["Statement"]:
        sid = f"{where}{statement['Sid']}"
        actions = as_list(statement["Action"])
        assert "*" not in actions and not any(a.endswith(":*") for a in actions), f"{sid}: {actions}"
        if "*" in as_list(statement["Resource"]) and statement["Effect"] == "Allow":
            assert statement.get("Condition"), f"{sid}: Resource '*' without a condition"
        assert not re.search(r"FullAccess|AdministratorAccess", json.dumps(statement)), sid


def test_deploy_permissions_reach_state_only_under_the_accounts_prefix_and_key() -> None:
    policy = statements(deploy_permissions(scope()))
    assert policy["StateBucket"]["Resource"] == "arn:aws:s3:::acme-state"
    assert policy["StateObjectsOfThisAccount"]["Resource"] == f"arn:aws:s3:::acme-state/smus/{ACCOUNT}/*"
    assert policy["StateObjectsOfThisAccount"]["Action"] == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    assert policy["StateKeyThroughS3"]["Resource"] == STATE_KEY
    assert policy["StateKeyThroughS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}
    }
    assert "LockTable" not in policy


def test_deploy_permissions_manage_only_the_domains_own_service_roles() -> None:
    policy = statements(deploy_permissions(scope()))
    roles = f"arn:aws:iam::{ACCOUNT}:role/service-role/acme-dev-*"
    for sid in (
        "ReadEstateRoles",
        "EstateRoleLifecycle",
        "WriteEstateRolesOnlyWithTheBoundary",
        "AttachTheEstatesManagedPoliciesOnlyWithTheBoundary",
    ):
        assert policy[sid]["Resource"] == roles, sid
    assert policy["AttachTheEstatesManagedPoliciesOnlyWithTheBoundary"]["Condition"] == {
        "ArnEquals": {
            "iam:PermissionsBoundary": [BOUNDARY],
            "iam:PolicyARN": ["arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainServiceRolePolicy"],
        }
    }
    passing = policy["PassRolesToDataZoneOnly"]
    assert passing["Resource"] == [roles, f"arn:aws:iam::{ACCOUNT}:role/service-role/Given"]
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "datazone.amazonaws.com"}}
    never = policy["NeverAssumeTheRolesItManages"]
    assert (never["Effect"], never["Action"], never["Resource"]) == ("Deny", "sts:AssumeRole", roles)
    assert policy["ReassumeThisRole"]["Resource"] == DEPLOY_ROLE


def test_deploy_permissions_pass_no_role_to_any_other_service() -> None:
    document = deploy_permissions(scope())
    passes = [s for s in document["Statement"] if "iam:PassRole" in as_list(s["Action"])]
    assert [s["Sid"] for s in passes] == ["PassRolesToDataZoneOnly"]


def test_the_permissions_boundary_is_a_condition_of_every_role_write_and_may_not_be_removed() -> None:
    policy = statements(deploy_permissions(scope()))
    write = policy["WriteEstateRolesOnlyWithTheBoundary"]
    assert write["Condition"] == {"ArnEquals": {"iam:PermissionsBoundary": [BOUNDARY]}}
    assert write["Action"] == [
        "iam:CreateRole",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
    ]
    never = policy["NeverRewriteTrustNorRemoveABoundary"]
    assert never["Effect"] == "Deny"
    assert never["Action"] == ["iam:DeleteRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"]


def test_keys_are_managed_only_when_tagged_by_the_estates_stacks_and_never_rewritten() -> None:
    policy = statements(deploy_permissions(scope()))
    tagged = ["dev-platform", "dev-projects"]
    assert policy["CreateKeysTaggedForTheEstate"]["Condition"] == {"StringEquals": {"aws:RequestTag/SmusStack": tagged}}
    assert policy["CreateKeysTaggedForTheEstate"]["Action"] == "kms:CreateKey"
    assert policy["TagKeysForTheEstate"]["Resource"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"
    assert policy["TagKeysForTheEstate"]["Condition"] == {"StringEquals": {"aws:RequestTag/SmusStack": tagged}}
    manage = policy["ManageKeysTaggedForTheEstate"]
    assert manage["Resource"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"
    assert manage["Condition"] == {"StringEquals": {"aws:ResourceTag/SmusStack": tagged}}
    every_action = {a for s in deploy_permissions(scope())["Statement"] for a in as_list(s["Action"])}
    assert {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Decrypt"} - every_action == {
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
    }
    assert policy["DomainKeysThroughDataZone"]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"datazone.{REGION}.amazonaws.com"}
    }


def test_datazone_is_limited_to_the_accounts_domains_or_its_region() -> None:
    policy = statements(deploy_permissions(scope()))
    domains = policy["DataZoneDomainsOfThisAccount"]
    assert domains["Resource"] == f"arn:aws:datazone:{REGION}:{ACCOUNT}:domain/*"
    # The Service Authorization Reference gives only these a resource type; a grant of the others on domain/*
    # would grant nothing (issue 12, finding 8).
    assert domains["Action"] == [
        "datazone:DeleteDomain",
        "datazone:GetDomain",
        "datazone:ListTagsForResource",
        "datazone:TagResource",
        "datazone:UntagResource",
        "datazone:UpdateDomain",
    ]
    assert {"datazone:AddPolicyGrant", "datazone:CreateProject", "datazone:CreateDomainUnit"} <= set(
        policy["DataZoneActionsWithoutResourceType"]["Action"]
    )
    account_level = policy["DataZoneActionsWithoutResourceType"]
    assert account_level["Action"] == DATAZONE_ACCOUNT_ACTIONS
    assert account_level["Condition"] == {"StringEquals": {"aws:RequestedRegion": REGION}}


def test_deploy_permissions_have_no_wildcard_action_nor_unconditioned_wildcard_resource() -> None:
    assert_least_privilege(deploy_permissions(scope(lock_table_name="locks")))
    assert_least_privilege(deploy_permissions(scope(role_boundaries=[], unbounded_role_names=["acme-dev-x"])))


def test_the_least_privilege_rules_catch_a_wildcard() -> None:
    bad = {"Statement": [{"Sid": "Bad", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    with pytest.raises(AssertionError, match="Bad"):
        assert_least_privilege(bad)
    unconditioned = {"Statement": [{"Sid": "NoCond", "Effect": "Allow", "Action": "kms:ListAliases", "Resource": "*"}]}
    with pytest.raises(AssertionError, match="without a condition"):
        assert_least_privilege(unconditioned)


def test_a_lock_table_adds_exactly_its_table_and_the_key_through_dynamodb() -> None:
    policy = statements(deploy_permissions(scope(lock_table_name="locks")))
    assert policy["LockTable"]["Resource"] == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/locks"
    assert policy["StateKeyThroughDynamoDB"]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"dynamodb.{REGION}.amazonaws.com"}
    }


# --- state bucket ---------------------------------------------------------------------------------------------------


def test_bucket_policy_denies_plain_http_old_tls_other_accounts_and_other_keys() -> None:
    policy = statements(state_bucket_policy(partition="aws", account_id=ACCOUNT, bucket="b-1", key_arn=STATE_KEY))
    everything = ["arn:aws:s3:::b-1", "arn:aws:s3:::b-1/*"]
    assert all(s["Effect"] == "Deny" and s["Principal"] == {"AWS": "*"} for s in policy.values())
    assert policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert policy["DenyTlsBelow12"]["Condition"] == {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
    assert policy["DenyPrincipalsOfOtherAccounts"]["Condition"] == {
        "StringNotEquals": {"aws:PrincipalAccount": ACCOUNT},
        "Bool": {"aws:PrincipalIsAWSService": "false"},
    }
    for sid in ("DenyInsecureTransport", "DenyTlsBelow12", "DenyPrincipalsOfOtherAccounts"):
        assert (policy[sid]["Action"], policy[sid]["Resource"]) == ("s3:*", everything), sid
    assert policy["DenyOtherKmsKeys"]["Condition"] == {
        "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": STATE_KEY}
    }
    assert policy["DenyOtherEncryption"]["Action"] == "s3:PutObject"
    assert "aws:SourceAccount" not in json.dumps(policy), "aws:SourceAccount applies only to service principals"


def test_state_key_policy_lets_only_the_named_roles_use_it_and_only_through_s3() -> None:
    policy = statements(
        state_key_policy(partition="aws", account_id=ACCOUNT, region=REGION, user_role_arns=[DEPLOY_ROLE])
    )
    assert set(policy) == {"AccountAdministration", "StateUseThroughStorage"}
    admin = policy["AccountAdministration"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:*"} & set(admin["Action"]), "administration without use"
    use = policy["StateUseThroughStorage"]
    assert use["Principal"] == {"AWS": [DEPLOY_ROLE]}
    assert use["Condition"] == {
        "StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": [f"s3.{REGION}.amazonaws.com"]}
    }


def test_state_key_policy_with_a_lock_table_allows_dynamodb_grants_for_aws_resources_only() -> None:
    policy = statements(
        state_key_policy(
            partition="aws", account_id=ACCOUNT, region=REGION, user_role_arns=[DEPLOY_ROLE], lock_table=True
        )
    )
    services = policy["StateUseThroughStorage"]["Condition"]["StringEquals"]["kms:ViaService"]
    assert services == [f"s3.{REGION}.amazonaws.com", f"dynamodb.{REGION}.amazonaws.com"]
    grants = policy["LockTableGrantsThroughDynamoDB"]
    assert grants["Action"] == "kms:CreateGrant"
    assert grants["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def make_bucket(**overrides: Any) -> Doc:
    props: dict[str, Any] = {
        "bucket_name": "acme-state",
        "account_id": ACCOUNT,
        "region": REGION,
        "user_role_arns": [DEPLOY_ROLE],
    }
    props.update(overrides)
    stack = new_stack()
    StateBucket(stack, "State", StateBucketProps(**props))
    return synth(stack)


def test_state_bucket_is_versioned_kms_encrypted_private_and_owner_enforced() -> None:
    doc = make_bucket()
    bucket = only(doc, "aws_s3_bucket")
    assert bucket["bucket"] == "acme-state" and bucket["force_destroy"] is False
    assert only(doc, "aws_s3_bucket_versioning")["versioning_configuration"] == {"status": "Enabled"}
    (rule,) = only(doc, "aws_s3_bucket_server_side_encryption_configuration")["rule"]
    assert rule["bucket_key_enabled"] is True
    default = rule["apply_server_side_encryption_by_default"]
    assert default["sse_algorithm"] == "aws:kms"
    assert default["kms_master_key_id"] == f"${{{address(doc, 'aws_kms_key')}.arn}}"
    block = only(doc, "aws_s3_bucket_public_access_block")
    flags = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    assert all(block[flag] is True for flag in flags), block
    assert only(doc, "aws_s3_bucket_ownership_controls")["rule"] == {"object_ownership": "BucketOwnerEnforced"}
    assert "aws_s3_bucket_logging" not in doc["resource"] and "aws_dynamodb_table" not in doc["resource"]


def test_state_key_rotates_and_bucket_and_key_may_not_be_destroyed() -> None:
    doc = make_bucket()
    key = only(doc, "aws_kms_key")
    assert key["enable_key_rotation"] is True and key["deletion_window_in_days"] == 30
    assert key["lifecycle"]["prevent_destroy"] is True
    assert only(doc, "aws_s3_bucket")["lifecycle"]["prevent_destroy"] is True
    assert only(doc, "aws_kms_alias")["name"] == "alias/acme-state"
    assert statements(policy_of(key))["StateUseThroughStorage"]["Principal"] == {"AWS": [DEPLOY_ROLE]}


def test_state_bucket_policy_is_attached_after_the_public_access_block() -> None:
    doc = make_bucket()
    policy = only(doc, "aws_s3_bucket_policy")
    assert policy["depends_on"] == [address(doc, "aws_s3_bucket_public_access_block")]
    assert set(statements(policy_of(policy))) == {
        "DenyInsecureTransport",
        "DenyTlsBelow12",
        "DenyPrincipalsOfOtherAccounts",
        "DenyOtherEncryption",
        "DenyOtherKmsKeys",
    }


def test_lifecycle_expires_replaced_versions_but_keeps_the_newest() -> None:
    doc = make_bucket(noncurrent_version_expiration_days=365, noncurrent_versions_to_keep=5)
    lifecycle = only(doc, "aws_s3_bucket_lifecycle_configuration")
    (rule,) = lifecycle["rule"]
    assert rule["status"] == "Enabled"
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 365, "newer_noncurrent_versions": 5}]
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]
    assert rule["expiration"] == [{"expired_object_delete_marker": True}]
    assert lifecycle["depends_on"] == [address(doc, "aws_s3_bucket_versioning")]


def test_access_logs_and_lock_table_are_opt_in() -> None:
    doc = make_bucket(access_log_bucket="org-logs", lock_table_name="smus-locks")
    logging = only(doc, "aws_s3_bucket_logging")
    assert (logging["target_bucket"], logging["target_prefix"]) == ("org-logs", "s3/acme-state/")
    table = only(doc, "aws_dynamodb_table")
    assert (table["name"], table["hash_key"], table["billing_mode"]) == ("smus-locks", "LockID", "PAY_PER_REQUEST")
    assert table["attribute"] == [{"name": "LockID", "type": "S"}]
    assert table["server_side_encryption"] == {
        "enabled": True,
        "kms_key_arn": f"${{{address(doc, 'aws_kms_key')}.arn}}",
    }
    assert table["point_in_time_recovery"] == {"enabled": True}
    assert table["deletion_protection_enabled"] is True


@pytest.mark.parametrize(
    ("overrides", "prop"),
    [
        ({"bucket_name": "Acme_State"}, "bucket_name"),
        ({"user_role_arns": []}, "user_role_arns"),
        ({"user_role_arns": ["arn:aws:iam::123456789012:user/x"]}, "user_role_arns"),
        ({"noncurrent_version_expiration_days": 0}, "noncurrent_version_expiration_days"),
        ({"access_log_bucket": "acme-state"}, "access_log_bucket"),
        ({"lock_table_name": "x"}, "lock_table_name"),
    ],
)
def test_state_bucket_refuses_bad_props(overrides: dict[str, Any], prop: str) -> None:
    with pytest.raises(PropValidationError) as error:
        make_bucket(**overrides)
    assert error.value.prop == prop and error.value.construct_path.endswith("/State"), str(error.value)


# --- service-linked roles -------------------------------------------------------------------------------------------


def test_service_linked_roles_link_each_name_to_its_service() -> None:
    stack = new_stack()
    ServiceLinkedRoles(stack, "ServiceLinkedRoles", names=list(ServiceLinkedRoleName))
    created = {body["aws_service_name"] for body in all_of(synth(stack), "aws_iam_service_linked_role").values()}
    assert created == {
        "sagemaker.amazonaws.com",
        "redshift.amazonaws.com",
        "ops.emr-serverless.amazonaws.com",
        "airflow.amazonaws.com",
        "elasticmapreduce.amazonaws.com",
        "observability.aoss.amazonaws.com",
    }


def test_no_service_linked_role_by_default_and_unknown_or_repeated_names_are_refused() -> None:
    stack = new_stack()
    ServiceLinkedRoles(stack, "None", names=[])
    assert "aws_iam_service_linked_role" not in synth(stack).get("resource", {})
    for names, accepted in ((["AWSServiceRoleForGlue"], "one of"), ([ServiceLinkedRoleName.MWAA] * 2, "once")):
        with pytest.raises(PropValidationError) as error:
            ServiceLinkedRoles(new_stack(), "Roles", names=names)
        assert error.value.prop == "names" and accepted in error.value.accepted


# --- config ---------------------------------------------------------------------------------------------------------


def settings(**overrides: Any) -> BootstrapSettings:
    values: dict[str, Any] = {
        "github_repository": "acme/smus-estate",
        "github_subjects": ["environment:prod"],
        "break_glass_role_arn": f"arn:aws:iam::{ACCOUNT}:role/smus-break-glass",
    }
    values.update(overrides)
    return BootstrapSettings.model_validate(values)


def test_bootstrap_settings_defaults() -> None:
    value = settings()
    assert value.create_oidc_provider is False and value.oidc_provider_arn is None
    assert value.service_linked_roles == [] and value.access_log_bucket is None
    assert (value.noncurrent_version_expiration_days, value.noncurrent_versions_to_keep) == (90, 10)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"github_subjects": ["ref:refs/heads/*"]}, "github_subjects", "no wildcard"),
        ({"github_subjects": ["pull_request"]}, "github_subjects", "pull_request is refused"),
        ({"github_subjects": ["repo:acme/smus-estate:environment:prod"]}, "github_subjects", "after 'repo:"),
        ({"github_subjects": []}, "github_subjects", "at least 1"),
        ({"github_subjects": ["environment:prod"] * 2}, "github_subjects", "listed more than once: environment:prod"),
        ({"github_repository": "smus-estate"}, "github_repository", "'owner/name'"),
        ({"service_linked_roles": ["AWSServiceRoleForGlue"]}, "service_linked_roles", "AWSServiceRoleForRedshift"),
        ({"service_linked_roles": ["AWSServiceRoleForRedshift"] * 2}, "service_linked_roles", "more than once"),
        ({"oidc_provider_arn": "arn:aws:iam::1:oidc-provider/x"}, "oidc_provider_arn", "GitHub OIDC provider"),
        ({"noncurrent_version_expiration_days": 0}, "noncurrent_version_expiration_days", "greater than or equal"),
        ({"create_oidc_provider": True, "oidc_provider_arn": PROVIDER}, "", "not both"),
    ],
)
def test_bootstrap_settings_refuse_bad_values_naming_field_and_what_is_accepted(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        settings(**overrides)
    (issue,) = error.value.errors()
    assert str(issue["loc"][0] if issue["loc"] else "") == field
    assert message in issue["msg"]


def test_a_loose_subject_in_an_account_file_names_file_field_and_value(tmp_path: Path) -> None:
    path = tmp_path / "dev.toml"
    path.write_text(
        (FIXTURE_ACCOUNTS / "dev.toml")
        .read_text()
        .replace('github_subjects = ["ref:refs/heads/main"]', 'github_subjects = ["ref:refs/heads/*"]')
    )
    with pytest.raises(ConfigError) as error:
        load_account(path)
    (issue,) = error.value.issues
    assert issue.field == "bootstrap.github_subjects[0]" and issue.value == "ref:refs/heads/*"
    assert "no wildcard" in issue.accepted and issue.file == path


@pytest.mark.parametrize(
    ("old", "new", "field", "accepted"),
    [
        ("iam::333333333333:oidc-provider", "iam::999999999999:oidc-provider", "bootstrap.oidc_provider_arn", "333"),
        (
            'access_log_bucket = "acme-s3-access-logs-333333333333"',
            'access_log_bucket = "acme-smus-tfstate-333333333333"',
            "bootstrap.access_log_bucket",
            "a bucket other than [state] bucket",
        ),
        ('[state]\nbucket = "acme-smus-tfstate-333333333333"\nregion = "eu-west-1"', None, "state.region", "region"),
    ],
)
def test_inconsistent_bootstrap_settings_are_config_errors(
    tmp_path: Path, old: str, new: str | None, field: str, accepted: str
) -> None:
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    prod = config_dir / "prod.toml"
    text = prod.read_text()
    assert old in text, old
    prod.write_text(text.replace(old, new if new is not None else old.replace("eu-west-1", "eu-central-1")))
    with pytest.raises(ConfigError) as error:
        load_account(prod)
    # moving the bucket's region also strands [state] kms_key_arn in the old one: that is named too
    issue = next(issue for issue in error.value.issues if issue.field == field)
    assert issue.file == prod and accepted in issue.accepted, str(issue)


def test_a_state_lock_table_in_config_is_created_and_granted(tmp_path: Path) -> None:
    from cdktn import Testing

    from stacks.bootstrap import BootstrapStack

    dev = tmp_path / "dev.toml"
    text = (FIXTURE_ACCOUNTS / "dev.toml").read_text()
    dev.write_text(text.replace("[state]\n", '[state]\ndynamodb_table = "acme-smus-locks"\n', 1))
    shutil.copytree(FIXTURE_ACCOUNTS / "identities", tmp_path / "identities")  # the names' identity lock
    doc = synth(BootstrapStack(Testing.app(), load_account(dev)))
    table = only(doc, "aws_dynamodb_table")
    assert table["name"] == "acme-smus-locks" and table["point_in_time_recovery"] == {"enabled": True}
    policy = statements(policy_of(of_construct(doc, "aws_iam_role_policy", "DeployRole")))
    assert policy["LockTable"]["Resource"] == "arn:aws:dynamodb:eu-west-1:111111111111:table/acme-smus-locks"
    key_policy = statements(policy_of(only(doc, "aws_kms_key")))
    assert (
        "dynamodb.eu-west-1.amazonaws.com"
        in key_policy["StateUseThroughStorage"]["Condition"]["StringEquals"]["kms:ViaService"]
    )


def test_loading_the_bootstrap_config_does_not_load_cdktn() -> None:
    """Bad config must be reported in well under a second, before the provider load (see config/loader.py)."""
    code = (
        "import sys, pathlib; from config.loader import load_estate; "
        f"load_estate(pathlib.Path({str(FIXTURE_ACCOUNTS)!r})); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'cdktn', 'cdktn_provider_aws', 'jsii'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


# --- the example estate ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("account", ACCOUNTS)
def test_bootstrap_names_come_from_the_account_file(example_stacks: dict[str, StackDoc], account: str) -> None:
    config = CONFIG[account]
    doc = bootstrap(example_stacks, account)
    assert only(doc, "aws_s3_bucket")["bucket"] == config.state.bucket
    role = of_construct(doc, "aws_iam_role", "DeployRole")
    _, account_id, path, name = split_role_arn(config.account.deploy_role_arn)
    assert (account_id, path, name) == (ACCOUNTS[account], role["path"], role["name"])
    assert doc["output"]["state_kms_key_arn"]["value"] == f"${{{address(doc, 'aws_kms_key')}.arn}}"


@pytest.mark.parametrize("account", ACCOUNTS)
def test_example_trust_names_the_repository_subjects_and_provider(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    config = CONFIG[account]
    doc = bootstrap(example_stacks, account)
    trust = statements(policy_of(of_construct(doc, "aws_iam_role", "DeployRole"), "assume_role_policy"))
    github = trust["GithubActionsOfThisRepository"]
    if config.bootstrap.create_oidc_provider:
        expected_provider = f"${{{address(doc, 'aws_iam_openid_connect_provider')}.arn}}"
    else:
        expected_provider = config.bootstrap.oidc_provider_arn or github_oidc_provider_arn("aws", ACCOUNTS[account])
    assert github["Principal"] == {"Federated": expected_provider}
    assert github["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": [
            f"repo:acme/smus-estate:{subject}" for subject in config.bootstrap.github_subjects
        ],
    }
    assert trust["ProvidersReassumeThisRole"]["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": config.account.deploy_role_arn}
    }
    assert ("aws_iam_openid_connect_provider" in doc["resource"]) is config.bootstrap.create_oidc_provider
    assert (account == "dev") is config.bootstrap.create_oidc_provider, "the example shows each way of naming it"


@pytest.mark.parametrize("account", ACCOUNTS)
def test_example_key_and_bucket_policies(example_stacks: dict[str, StackDoc], account: str) -> None:
    doc = bootstrap(example_stacks, account)
    key = only(doc, "aws_kms_key")
    assert key["enable_key_rotation"] is True
    use = statements(policy_of(key))["StateUseThroughStorage"]
    deploy = f"${{{address(doc, 'aws_iam_role', 'DeployRole')}.arn}}"
    # The deploy role and the break-glass role (which exists before this stack: it applies it) use the key.
    assert use["Principal"] == {"AWS": [deploy, CONFIG[account].bootstrap.break_glass_role_arn]}
    assert use["Condition"]["StringEquals"]["kms:ViaService"] == ["s3.eu-west-1.amazonaws.com"]
    bucket_policy = statements(policy_of(only(doc, "aws_s3_bucket_policy")))
    assert bucket_policy["DenyPrincipalsOfOtherAccounts"]["Condition"]["StringNotEquals"] == {
        "aws:PrincipalAccount": ACCOUNTS[account]
    }
    assert bucket_policy["DenyOtherKmsKeys"]["Condition"]["StringNotEqualsIfExists"] == {
        "s3:x-amz-server-side-encryption-aws-kms-key-id": f"${{{address(doc, 'aws_kms_key')}.arn}}"
    }
    (rule,) = only(doc, "aws_s3_bucket_lifecycle_configuration")["rule"]
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] == (365 if account == "prod" else 90)


def test_only_prod_pre_creates_service_linked_roles_and_logs_state_access(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        doc = bootstrap(example_stacks, account)
        linked = {body["aws_service_name"] for body in all_of(doc, "aws_iam_service_linked_role").values()}
        assert linked == (set(SERVICE_PRINCIPALS.values()) if account == "prod" else set()), account
        assert ("aws_s3_bucket_logging" in doc["resource"]) is (account == "prod"), account


@pytest.mark.parametrize("account", ACCOUNTS)
def test_example_deploy_policy_is_least_privilege(example_stacks: dict[str, StackDoc], account: str) -> None:
    body = of_construct(bootstrap(example_stacks, account), "aws_iam_role_policy", "DeployRole")
    assert len(json.dumps(json.loads(body["policy"]), separators=(",", ":"))) < 10240, "IAM inline policy size limit"
    assert_least_privilege(policy_of(body), f"{account}: ")


def deploy_policy(example_stacks: dict[str, StackDoc], account: str) -> dict[str, Doc]:
    return statements(policy_of(of_construct(bootstrap(example_stacks, account), "aws_iam_role_policy", "DeployRole")))


@pytest.mark.parametrize("account", ACCOUNTS)
def test_deploy_role_can_reach_exactly_the_state_objects_the_stacks_use(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    policy = deploy_policy(example_stacks, account)
    prefix = policy["StateObjectsOfThisAccount"]["Resource"].removesuffix("*")
    for layer in ("platform", "projects"):
        backend = example_stacks[f"{account}-{layer}"]["terraform"]["backend"]["s3"]
        assert f"arn:aws:s3:::{backend['bucket']}/{backend['key']}".startswith(prefix), (layer, backend, prefix)
        assert backend["assume_role"]["role_arn"] == policy["ReassumeThisRole"]["Resource"]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_deploy_role_covers_every_role_policy_and_datazone_type_the_stacks_synthesise(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    policy = deploy_policy(example_stacks, account)
    writes = policy.get("WriteEstateRolesOnlyWithTheBoundary")
    managed_roles = re.compile(writes["Resource"].replace("*", ".*") if writes else "$^")
    attach = policy.get("AttachTheEstatesManagedPoliciesOnlyWithTheBoundary", {"Condition": {"ArnEquals": {}}})
    attachable = set(attach["Condition"]["ArnEquals"].get("iam:PolicyARN", []))
    granted = {a for s in policy.values() if s["Effect"] == "Allow" for a in as_list(s["Action"])}
    tagged = set(policy["ManageKeysTaggedForTheEstate"]["Condition"]["StringEquals"]["aws:ResourceTag/SmusStack"])
    for layer in ("platform", "projects"):
        doc = example_stacks[f"{account}-{layer}"]
        for role in all_of(doc, "aws_iam_role").values():
            arn = f"arn:aws:iam::{ACCOUNTS[account]}:role{role['path']}{role['name']}"
            assert managed_roles.match(arn), f"{layer}: the deploy role cannot manage {arn}"
        for attachment in all_of(doc, "aws_iam_role_policy_attachment").values():
            assert attachment["policy_arn"] in attachable, f"{layer}: add {attachment['policy_arn']} to the list"
        for kind in ("resource", "data"):
            for rtype in doc.get(kind, {}):
                if "datazone" in rtype:
                    key = rtype if kind == "resource" else f"data.{rtype}"
                    assert key in DATAZONE_ACTIONS_BY_TYPE, f"{key}: add its actions to DATAZONE_ACTIONS_BY_TYPE"
                    # A protected account's deploy role never deletes the domain (prevent_destroy; issue 12).
                    never = {"datazone:DeleteDomain"} if CONFIG[account].account.protected else set()
                    assert set(DATAZONE_ACTIONS_BY_TYPE[key]) - never <= granted, key
        if all_of(doc, "aws_kms_key"):
            (aws,) = doc["provider"]["aws"]
            assert aws["default_tags"][0]["tags"]["SmusStack"] in tagged, f"{layer}: keys carry an untrusted tag"


@pytest.mark.parametrize("account", ACCOUNTS)
def test_deploy_role_may_pass_every_role_the_stacks_hand_to_datazone(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    passing = deploy_policy(example_stacks, account)["PassRolesToDataZoneOnly"]
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "datazone.amazonaws.com"}}
    patterns = [re.compile(re.escape(arn).replace(r"\*", ".*") + "$") for arn in passing["Resource"]]
    deploy_role = CONFIG[account].account.deploy_role_arn
    role_arns = re.compile(r"arn:aws:iam::\d{12}:role/[\w+=,.@/-]+")
    handed: set[str] = set()
    # Principals (an IAM role as a project member or grantee) are named, not passed: DataZone never assumes them.
    principals = {"awscc_datazone_user_profile", "awscc_datazone_project_membership", "awscc_datazone_policy_grant"}
    for layer in ("platform", "projects"):
        resources = example_stacks[f"{account}-{layer}"].get("resource", {})
        kept = {kind: body for kind, body in resources.items() if kind not in principals}
        handed |= set(role_arns.findall(json.dumps(kept)))
        for role in all_of(example_stacks[f"{account}-{layer}"], "aws_iam_role").values():
            handed.add(f"arn:aws:iam::{ACCOUNTS[account]}:role{role['path']}{role['name']}")
    for arn in sorted(handed - {deploy_role}):
        assert any(p.match(arn) for p in patterns), f"the deploy role may not pass {arn}"
    if account == "prod":
        assert f"arn:aws:iam::{ACCOUNTS[account]}:role/service-role/AmazonSageMakerDomainExecution" in handed


def test_given_roles_are_found_wherever_the_account_file_sets_one() -> None:
    from stacks.bootstrap import given_role_arns

    config = CONFIG["prod"]
    found = given_role_arns(config)
    assert config.account.deploy_role_arn in found  # the stack removes it: the role never passes itself
    assert {config.the_domain().execution_role_arn, config.blueprint_roles.manage_access_role_arn} <= found
    assert all(":role/" in arn for arn in found)


@pytest.fixture()
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_bootstrap_stack_matches_snapshot(
    example_stacks: dict[str, StackDoc], json_snapshot: SnapshotAssertion, account: str
) -> None:
    assert bootstrap(example_stacks, account) == json_snapshot
