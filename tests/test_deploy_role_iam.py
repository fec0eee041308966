"""The deploy role cannot make itself (or anyone) admin: issue 12, findings 1, 5 (DeleteDomain) and 7.

The attack the review found: create `/service-role/<domain>-x` with a trust naming an outside principal, put an inline
`"Action": "*"` policy on it, assume it; or re-point an existing execution role's trust. What stops it now:

- every action that changes what a role may do is granted only while the role carries the estate's boundary;
- no `iam:UpdateAssumeRolePolicy` and no `iam:DeleteRolePermissionsBoundary` (both denied outright);
- an account that creates no roles gets no role-writing action at all;
- a created role without a boundary is a config error unless the file says why (never in a protected account), and
  then only those roles, by exact name, are written without one;
- the deploy and plan roles may not live where the deploy role writes roles;
- a protected account's deploy role may not delete the domain.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from config.created_roles import created_roles
from config.errors import ConfigError
from config.loader import load_account, load_estate
from smus_cli.synth import synthesise
from smus_constructs.pipeline_identity import (
    ROLE_NEVER_ACTIONS,
    ROLE_TAG_ACTIONS,
    ROLE_WRITE_ACTIONS,
    DeployScope,
    deploy_permissions,
)
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ROLES = f"arn:aws:iam::{ACCOUNT}:role/service-role/acme-dev-*"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/acme-boundary"
AWS_IA = Path(__file__).parent / "fixtures" / "aws_ia"
Doc = dict[str, Any]


def scope(**overrides: Any) -> DeployScope:
    values: dict[str, Any] = {
        "partition": "aws",
        "account_id": ACCOUNT,
        "region": REGION,
        "self_role_arn": f"arn:aws:iam::{ACCOUNT}:role/smus-deploy",
        "state_bucket": "acme-state",
        "state_prefix": f"smus/{ACCOUNT}/",
        "state_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f",
        "role_name_prefix": "acme-dev",
        "attachable_policy_arns": ["arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainServiceRolePolicy"],
        "managed_stack_tags": ["dev-platform"],
        "role_boundaries": [BOUNDARY],
        "role_tag_keys": ["CostCenter", "SmusStack"],
    }
    values.update(overrides)
    return DeployScope(**values)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowing(document: Doc, action: str) -> list[Doc]:
    return [s for s in document["Statement"] if s["Effect"] == "Allow" and action in as_list(s["Action"])]


def denying(document: Doc, action: str) -> list[Doc]:
    return [s for s in document["Statement"] if s["Effect"] == "Deny" and action in as_list(s["Action"])]


def unbounded_writes(document: Doc) -> list[str]:
    """Every (statement, action) that writes a role without requiring a boundary, and on a wildcard resource."""
    found = []
    for action in ROLE_WRITE_ACTIONS:
        for statement in allowing(document, action):
            bounded = "iam:PermissionsBoundary" in json.dumps(statement.get("Condition", {}))
            exact = not any("*" in resource for resource in as_list(statement["Resource"]))
            if not bounded and not exact:
                found.append(f"{statement['Sid']}: {action} on {statement['Resource']}")
    return found


# --- the policy ------------------------------------------------------------------------------------------------------


def test_every_role_write_requires_the_boundary() -> None:
    document = deploy_permissions(scope())
    for action in ROLE_WRITE_ACTIONS:
        (statement,) = allowing(document, action)
        assert statement["Resource"] == ROLES, action
        assert statement["Condition"]["ArnEquals"]["iam:PermissionsBoundary"] == [BOUNDARY], action
    attach = allowing(document, "iam:AttachRolePolicy")[0]
    assert attach["Condition"]["ArnEquals"]["iam:PolicyARN"] == [
        "arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainServiceRolePolicy"
    ]
    assert unbounded_writes(document) == []


def test_the_check_for_unbounded_writes_can_fail() -> None:
    bad = {"Statement": [{"Sid": "Open", "Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": ROLES}]}
    assert unbounded_writes(bad) == [f"Open: iam:PutRolePolicy on {ROLES}"]


def test_trust_is_never_rewritten_nor_a_boundary_removed() -> None:
    for document in (deploy_permissions(scope()), deploy_permissions(scope(role_boundaries=[]))):
        for action in ROLE_NEVER_ACTIONS:
            assert allowing(document, action) == [], action
            (deny,) = denying(document, action)
            assert deny["Resource"] == "*", action


def test_an_account_that_creates_no_roles_gets_no_role_writing_at_all() -> None:
    given = f"arn:aws:iam::{ACCOUNT}:role/service-role/Given"
    document = deploy_permissions(scope(role_boundaries=[], unbounded_role_names=[], given_role_arns=[given]))
    granted = {a for s in document["Statement"] if s["Effect"] == "Allow" for a in as_list(s["Action"])}
    iam = sorted(a for a in granted if a.startswith("iam:"))
    assert iam == ["iam:PassRole"], iam
    (passing,) = allowing(document, "iam:PassRole")
    assert passing["Resource"] == [given], "only the roles the file hands in, not the managed prefix"


def test_unbounded_roles_are_written_by_exact_name_only() -> None:
    names = ["acme-dev-domain-execution", "acme-dev-provisioning"]
    document = deploy_permissions(scope(role_boundaries=[], unbounded_role_names=names))
    arns = [f"arn:aws:iam::{ACCOUNT}:role/service-role/{name}" for name in names]
    for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy"):
        (statement,) = allowing(document, action)
        assert statement["Resource"] == arns, action
    assert allowing(document, "iam:PutRolePermissionsBoundary") == []
    assert unbounded_writes(document) == []


def test_roles_are_tagged_only_with_the_stacks_keys() -> None:
    document = deploy_permissions(scope())
    for action in ROLE_TAG_ACTIONS:
        (statement,) = allowing(document, action)
        assert statement["Condition"] == {"ForAllValues:StringEquals": {"aws:TagKeys": ["CostCenter", "SmusStack"]}}


def test_a_protected_accounts_deploy_role_never_deletes_the_domain() -> None:
    protected = deploy_permissions(scope(protected=True))
    assert allowing(protected, "datazone:DeleteDomain") == []
    (deny,) = denying(protected, "datazone:DeleteDomain")
    assert deny["Resource"] == "*"
    unprotected = deploy_permissions(scope())
    assert allowing(unprotected, "datazone:DeleteDomain") and not denying(unprotected, "datazone:DeleteDomain")


# --- config ----------------------------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (FIXTURE_ACCOUNTS / f"{name}.toml").read_text()
    assert old in text, old
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new, 1))
    shutil.copytree(FIXTURE_ACCOUNTS / "identities", tmp_path / "identities", dirs_exist_ok=True)
    return path


DEV_BOUNDARY = 'permissions_boundary_arn = "arn:aws:iam::111111111111:policy/acme-permissions-boundary"\n'
PROD_BOUNDARY = 'permissions_boundary_arn = "arn:aws:iam::333333333333:policy/acme-permissions-boundary"\n'
REASON = 'no_permissions_boundary_reason = "A sandbox account; its SCP caps every role (SCP-12)."\n'


def issues(path: Path) -> list[Any]:
    with pytest.raises(ConfigError) as error:
        load_account(path)
    return error.value.issues


def test_a_created_role_without_a_boundary_is_refused_naming_file_field_and_roles(tmp_path: Path) -> None:
    path = write(tmp_path, "dev", DEV_BOUNDARY, "")
    (issue,) = issues(path)
    assert (issue.file, issue.field) == (path, "domain.permissions_boundary_arn")
    assert "acme-dev-domain-execution (domain.execution_role_arn is not set)" in issue.accepted
    assert "no_permissions_boundary_reason" in issue.accepted


def test_a_stated_reason_lets_created_roles_go_without_a_boundary(tmp_path: Path) -> None:
    loaded = load_account(write(tmp_path, "dev", DEV_BOUNDARY, REASON))
    assert loaded.config.the_domain().no_permissions_boundary_reason is not None
    roles = created_roles(loaded.config)
    assert {role.permissions_boundary_arn for role in roles if role.name.endswith("-exec")} == {
        "arn:aws:iam::aws:policy/SageMakerStudioProjectUserRolePermissionsBoundary"
    }, "project roles keep AWS's project boundary"


@pytest.mark.parametrize(
    ("name", "old", "new", "accepted"),
    [
        ("dev", DEV_BOUNDARY, DEV_BOUNDARY + REASON, "domain.permissions_boundary_arn is set"),
        ("prod", PROD_BOUNDARY, REASON, "no role without a boundary"),
    ],
)
def test_a_reason_that_does_not_hold_is_refused(tmp_path: Path, name: str, old: str, new: str, accepted: str) -> None:
    (issue,) = issues(write(tmp_path, name, old, new))
    assert issue.field == "domain.no_permissions_boundary_reason" and accepted in issue.accepted


def test_a_protected_account_needs_a_boundary_whatever_the_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "prod", PROD_BOUNDARY, REASON)
    text = path.read_text()
    path.write_text(
        text.replace(
            'execution_role_arn = "arn:aws:iam::333333333333:role/service-role/AmazonSageMakerDomainExecution"\n', "", 1
        )
    )
    found = {issue.field: issue.accepted for issue in issues(path)}
    assert "protected account" in found["domain.permissions_boundary_arn"]
    assert "protected account" in found["domain.no_permissions_boundary_reason"]


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        (
            'deploy_role_arn = "arn:aws:iam::111111111111:role/smus-deploy"',
            'deploy_role_arn = "arn:aws:iam::111111111111:role/service-role/acme-dev-deploy"',
            "account.deploy_role_arn",
            "arn:aws:iam::111111111111:role/service-role/acme-dev-deploy",
        ),
        (
            "[bootstrap]\n",
            '[bootstrap]\nplan_role_name = "acme-dev-plan"\n',
            "bootstrap.plan_role_name",
            "acme-dev-plan",
        ),
    ],
)
def test_deploy_or_plan_role_inside_the_managed_path_is_refused(
    tmp_path: Path, old: str, new: str, field: str, value: str
) -> None:
    path = write(tmp_path, "dev", old, new)
    if field == "bootstrap.plan_role_name":  # the plan role shares the deploy role's path
        path.write_text(
            path.read_text().replace(
                'deploy_role_arn = "arn:aws:iam::111111111111:role/smus-deploy"',
                'deploy_role_arn = "arn:aws:iam::111111111111:role/service-role/smus-deploy"',
            )
        )
    found = {issue.field: issue for issue in issues(path)}
    issue = found[field]
    assert issue.value == value and issue.file == path
    assert "/service-role/acme-dev-*" in issue.accepted


# --- the synthesised estates -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def estates(tmp_path_factory: pytest.TempPathFactory, example_stacks: dict[str, StackDoc]) -> dict[str, Any]:
    """Account config and synthesised stacks of the example estate and both aws-ia translations."""
    found: dict[str, Any] = {}
    for loaded in load_estate(FIXTURE_ACCOUNTS):
        found[loaded.name] = (loaded.config, example_stacks)
    for example in ("quick-setup", "domain-management-and-bring-your-own-role"):
        outdir = tmp_path_factory.mktemp(example) / "cdktf.out"
        synthesise(AWS_IA / example / "accounts", outdir)
        stacks = {p.parent.name: json.loads(p.read_text()) for p in (outdir / "stacks").glob("*/cdk.tf.json")}
        for loaded in load_estate(AWS_IA / example / "accounts"):
            found[loaded.name] = (loaded.config, stacks)
    return found


def test_the_predicted_roles_are_exactly_the_roles_the_stacks_create(estates: dict[str, Any]) -> None:
    for account, (config, stacks) in estates.items():
        synthesised = {
            (body["path"], body["name"], body.get("permissions_boundary"))
            for layer in ("platform", "projects")
            for body in stacks[f"{account}-{layer}"].get("resource", {}).get("aws_iam_role", {}).values()
        }
        predicted = {(r.path, r.name, r.permissions_boundary_arn) for r in created_roles(config)}
        assert predicted == synthesised, account


def test_every_synthesised_deploy_role_writes_roles_only_with_the_boundary(estates: dict[str, Any]) -> None:
    for account, (config, stacks) in estates.items():
        (policy,) = [
            json.loads(body["policy"])
            for name, body in stacks[f"{account}-bootstrap"]["resource"]["aws_iam_role_policy"].items()
            if name.startswith("DeployRole")
        ]
        assert unbounded_writes(policy) == [], account
        for action in ROLE_NEVER_ACTIONS:
            assert not allowing(policy, action) and denying(policy, action), (account, action)
        writes = [a for a in ROLE_WRITE_ACTIONS if allowing(policy, a)]
        assert bool(writes) is bool(created_roles(config)), f"{account}: role writes {writes}"
        assert bool(allowing(policy, "datazone:DeleteDomain")) is not config.account.protected, account
    assert not created_roles(estates["prod"][0]), "the example's prod brings every role"


def test_the_reason_for_unbounded_roles_is_written_beside_the_deploy_policy(estates: dict[str, Any]) -> None:
    """SMUS-017 and reviewers read it there; only an account with unbounded roles has one."""
    for account, (config, stacks) in estates.items():
        (body,) = [
            body
            for name, body in stacks[f"{account}-bootstrap"]["resource"]["aws_iam_role_policy"].items()
            if name.startswith("DeployRole")
        ]
        reason = body["//"].get("unbounded_roles_reason")
        assert reason == config.domain.no_permissions_boundary_reason, account
    assert estates["quicksetup"][0].domain.no_permissions_boundary_reason
