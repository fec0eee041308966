"""Access model: domain units and owners, typed grants, user and group profiles, memberships, config checks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_constructs.access import DomainPrincipals, DomainUnitSpec, DomainUnitTree
from smus_constructs.errors import PropValidationError
from smus_constructs.grants import (
    AllUsers,
    DomainUnitOwners,
    DomainUnitProjects,
    GrantPrincipal,
    GroupPrincipal,
    PolicyGrant,
    ProjectPrincipal,
    UserPrincipal,
)
from smus_constructs.patterns import USER_IDENTIFIER
from smus_constructs.policy_types import GrantPolicy
from smus_constructs.project import MemberDesignation, ProjectMember
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import ACCOUNT, all_of, by_path, full_synth, make_domain, new_stack, only, resolve, synth
from tests.test_project import project_in

ANALYSTS = "0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"
ALICE = "b0c1d2e3-f405-7162-8374-95a6b7c8d9e0"
# From config/accounts/identities/*.toml (the example estate's identity locks).
ANALYTICS_LEADS = "f4e8d4a8-1071-70c1-c2a1-7e7f0e1d2c3b"
ML_LEADS = "d4f8a4e8-9031-7067-2e3f-4a5b6c7d8e9f"


def test_units_are_created_parent_first_whatever_the_declared_order() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    tree = DomainUnitTree(
        stack,
        "Units",
        domain=domain,
        units=[
            DomainUnitSpec(path="/root/risk/fraud/cards"),
            DomainUnitSpec(path="/root/risk"),
            DomainUnitSpec(
                path="/root/risk/fraud",
                owners=[GroupPrincipal(group_identifier="e0f1a2b3-c4d5-7e6f-8091-a2b3c4d5e6f7")],
            ),
        ],
    )
    assert list(tree.units) == ["/root/risk", "/root/risk/fraud", "/root/risk/fraud/cards"]
    doc = full_synth(stack)
    risk = by_path(doc, "awscc_datazone_domain_unit", "Units/risk/Resource")
    fraud = by_path(doc, "awscc_datazone_domain_unit", "Units/risk--fraud/Resource")
    cards = by_path(doc, "awscc_datazone_domain_unit", "Units/risk--fraud--cards/Resource")
    assert risk["parent_domain_unit_identifier"] == resolve(stack, domain.root_domain_unit_id)
    assert fraud["parent_domain_unit_identifier"].endswith(".domain_unit_id}")
    assert fraud["parent_domain_unit_identifier"] == resolve(stack, tree.units["/root/risk"].domain_unit_id)
    assert cards["parent_domain_unit_identifier"] == resolve(stack, tree.units["/root/risk/fraud"].domain_unit_id)
    assert (risk["name"], fraud["name"], cards["name"]) == ("risk", "fraud", "cards")
    owner = only(doc, "awscc_datazone_owner")
    assert owner["entity_type"] == "DOMAIN_UNIT"
    assert owner["entity_identifier"] == resolve(stack, tree.units["/root/risk/fraud"].domain_unit_id)
    assert owner["owner"] == {"group": {"group_identifier": "e0f1a2b3-c4d5-7e6f-8091-a2b3c4d5e6f7"}}


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([DomainUnitSpec(path="/root/risk/fraud")], r"'/root/risk/fraud'.*parent '/root/risk' is declared"),
        ([DomainUnitSpec(path="risk")], r"path = 'risk'.*a path under /root"),
        ([DomainUnitSpec(path="/root/a"), DomainUnitSpec(path="/root/a")], r"\['/root/a'\].*each path declared once"),
    ],
)
def test_bad_unit_trees_are_refused(units: list[DomainUnitSpec], message: str) -> None:
    stack = new_stack()
    with pytest.raises(PropValidationError, match=message):
        DomainUnitTree(stack, "Units", domain=make_domain(stack), units=units)


def test_unknown_unit_path_is_a_named_error() -> None:
    stack = new_stack()
    tree = DomainUnitTree(stack, "Units", domain=make_domain(stack), units=[DomainUnitSpec(path="/root/risk")])
    with pytest.raises(PropValidationError, match=r"test/Units: path = '/root/riks'.*/root or one of \['/root/risk'\]"):
        tree.unit_id("/root/riks")


PRINCIPALS: list[tuple[GrantPrincipal, dict[str, Any]]] = [
    (
        UserPrincipal(user_identifier="b0c1d2e3-f405-7162-8374-95a6b7c8d9e0"),
        {"user": {"user_identifier": "b0c1d2e3-f405-7162-8374-95a6b7c8d9e0"}},
    ),
    (
        GroupPrincipal(group_identifier="0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"),
        {"group": {"group_identifier": "0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"}},
    ),
    (AllUsers(), {"user": {"all_users_grant_filter": "{}"}}),
    (
        DomainUnitProjects(domain_unit_id="unit1", designation="OWNER", include_child_domain_units=False),
        {
            "project": {
                "project_designation": "OWNER",
                "project_grant_filter": {
                    "domain_unit_filter": {"domain_unit": "unit1", "include_child_domain_units": False}
                },
            }
        },
    ),
    (
        ProjectPrincipal(project_id="prj1", designation="CONTRIBUTOR"),
        {"project": {"project_designation": "CONTRIBUTOR", "project_identifier": "prj1"}},
    ),
    (
        DomainUnitOwners(domain_unit_id="unit1"),
        {"domain_unit": {"domain_unit_designation": "OWNER", "domain_unit_identifier": "unit1"}},
    ),
    (
        DomainUnitOwners(domain_unit_id="unit1", all_domain_units=True),
        {
            "domain_unit": {
                "domain_unit_designation": "OWNER",
                "domain_unit_identifier": "unit1",
                "domain_unit_grant_filter": {"all_domain_units_grant_filter": "{}"},
            }
        },
    ),
]


@pytest.mark.parametrize(
    ("principal", "expected"), PRINCIPALS, ids=lambda p: type(p).__name__ if not isinstance(p, dict) else ""
)
def test_each_principal_synthesises_its_struct(principal: GrantPrincipal, expected: dict[str, Any]) -> None:
    stack = new_stack()
    domain = make_domain(stack)
    PolicyGrant(
        stack,
        "Grant",
        domain_id=domain.domain_id,
        policy=GrantPolicy.CREATE_GLOSSARY,
        entity_id="unit1",
        principal=principal,
    )
    assert only(synth(stack), "awscc_datazone_policy_grant")["principal"] == expected


UNIT_DETAIL_FIELDS = {
    GrantPolicy.CREATE_DOMAIN_UNIT: "create_domain_unit",
    GrantPolicy.OVERRIDE_DOMAIN_UNIT_OWNERS: "override_domain_unit_owners",
    GrantPolicy.ADD_TO_PROJECT_MEMBER_POOL: "add_to_project_member_pool",
    GrantPolicy.OVERRIDE_PROJECT_OWNERS: "override_project_owners",
    GrantPolicy.CREATE_GLOSSARY: "create_glossary",
    GrantPolicy.CREATE_FORM_TYPE: "create_form_type",
    GrantPolicy.CREATE_ASSET_TYPE: "create_asset_type",
    GrantPolicy.CREATE_PROJECT: "create_project",
}
OTHER_DETAILS: dict[GrantPolicy, tuple[str, dict[str, Any]]] = {
    GrantPolicy.CREATE_ENVIRONMENT_PROFILE: (
        "DOMAIN_UNIT",
        {"create_environment_profile": {"domain_unit_id": "entity1"}},
    ),
    GrantPolicy.CREATE_PROJECT_FROM_PROJECT_PROFILE: (
        "DOMAIN_UNIT",
        {"create_project_from_project_profile": {"include_child_domain_units": False, "project_profiles": ["prof1"]}},
    ),
    GrantPolicy.CREATE_ENVIRONMENT_FROM_BLUEPRINT: (
        "ENVIRONMENT_BLUEPRINT_CONFIGURATION",
        {"create_environment_from_blueprint": "{}"},
    ),
    GrantPolicy.DELEGATE_CREATE_ENVIRONMENT_PROFILE: (
        "ENVIRONMENT_BLUEPRINT_CONFIGURATION",
        {"delegate_create_environment_profile": "{}"},
    ),
}


@pytest.mark.parametrize("policy", list(GrantPolicy), ids=lambda p: p.value)
def test_each_grant_type_synthesises_its_entity_and_detail(policy: GrantPolicy) -> None:
    stack = new_stack()
    domain = make_domain(stack)
    PolicyGrant(
        stack,
        "Grant",
        domain_id=domain.domain_id,
        policy=policy,
        entity_id="entity1",
        principal=GroupPrincipal(group_identifier="0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"),
        include_child_domain_units=False,
        project_profile_ids=["prof1"],
    )
    grant = only(synth(stack), "awscc_datazone_policy_grant")
    assert grant["policy_type"] == policy.value
    assert grant["entity_identifier"] == "entity1"
    assert grant["principal"] == {"group": {"group_identifier": "0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"}}
    if policy in UNIT_DETAIL_FIELDS:
        assert grant["entity_type"] == "DOMAIN_UNIT"
        assert grant["detail"] == {UNIT_DETAIL_FIELDS[policy]: {"include_child_domain_units": False}}
    else:
        entity_type, detail = OTHER_DETAILS[policy]
        assert (grant["entity_type"], grant["detail"]) == (entity_type, detail)


def test_principals_get_user_and_group_profiles_with_the_right_user_type() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    DomainPrincipals(
        stack,
        "Principals",
        domain=domain,
        principals=[
            UserPrincipal(user_identifier=f"arn:aws:iam::{ACCOUNT}:role/DataAdmin"),
            UserPrincipal(user_identifier=f"arn:aws:iam::{ACCOUNT}:user/bob"),
            UserPrincipal(user_identifier="a1b2c3d4e5-0f0f0f0f-1111-2222-3333-444455556666"),
            GroupPrincipal(group_identifier=ANALYSTS, display_name="analysts"),
            GroupPrincipal(group_identifier=ANALYSTS),
        ],
    )
    doc = synth(stack)
    users = {u["user_identifier"]: u["user_type"] for u in all_of(doc, "awscc_datazone_user_profile").values()}
    assert users == {
        f"arn:aws:iam::{ACCOUNT}:role/DataAdmin": "IAM_ROLE",
        f"arn:aws:iam::{ACCOUNT}:user/bob": "IAM_USER",
        "a1b2c3d4e5-0f0f0f0f-1111-2222-3333-444455556666": "SSO_USER",
    }
    (group,) = all_of(doc, "awscc_datazone_group_profile").values()
    assert (group["group_identifier"], group["status"]) == (ANALYSTS, "ASSIGNED")


def test_a_principal_named_by_display_name_is_refused_by_the_construct() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    with pytest.raises(PropValidationError, match=r"group = 'analysts'.*Identity Center ID"):
        DomainPrincipals(stack, "P", domain=domain, principals=[GroupPrincipal(group_identifier="analysts")])
    with pytest.raises(PropValidationError, match=r"user = 'alice'.*Identity Center user ID"):
        DomainPrincipals(stack, "Q", domain=domain, principals=[UserPrincipal(user_identifier="alice")])


def test_a_display_name_is_written_beside_the_profile_for_reviewers() -> None:
    stack = new_stack()
    DomainPrincipals(
        stack,
        "Principals",
        domain=make_domain(stack),
        principals=[GroupPrincipal(group_identifier=ANALYSTS, display_name="analysts")],
    )
    (group,) = all_of(full_synth(stack), "awscc_datazone_group_profile").values()
    assert group["//"]["display_name"] == "analysts"


@pytest.mark.parametrize(
    ("principal", "message"),
    [
        (GroupPrincipal(group_identifier=ANALYSTS), rf"group = '{ANALYSTS}'.*groups need IAM Identity Center"),
        (UserPrincipal(user_identifier=ALICE), rf"user = '{ALICE}'.*single sign-on disabled"),
    ],
)
def test_iam_mode_domains_refuse_identity_center_principals(principal: GrantPrincipal, message: str) -> None:
    stack = new_stack()
    with pytest.raises(PropValidationError, match=message):
        DomainPrincipals(stack, "P", domain=make_domain(stack), principals=[principal], identity_center=False)  # type: ignore[list-item]


def test_malformed_user_identifier_is_refused() -> None:
    stack = new_stack()
    with pytest.raises(PropValidationError, match=r"user = 'bad user!'.*Identity Center user ID"):
        DomainPrincipals(stack, "P", domain=make_domain(stack), principals=[UserPrincipal(user_identifier="bad user!")])


def test_membership_is_replaced_not_updated_when_its_designation_changes() -> None:
    stack = new_stack()
    project_in(
        stack,
        members=[ProjectMember(identifier="b0c1d2e3-f405-7162-8374-95a6b7c8d9e0", designation=MemberDesignation.OWNER)],
    )
    doc = full_synth(stack)
    membership = only(doc, "awscc_datazone_project_membership")
    trigger = only(doc, "terraform_data")
    assert trigger["triggers_replace"] == {"designation": "PROJECT_OWNER"}
    (trigger_name,) = doc["resource"]["terraform_data"]
    assert membership["lifecycle"]["replace_triggered_by"] == [f"terraform_data.{trigger_name}"]
    assert "cannot update a membership in place" in membership["lifecycle"]["//"]["replace_triggered_by"]


# --- config -------------------------------------------------------------------------------------------------


def edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    path = config_dir / f"{name}.toml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return config_dir


@pytest.mark.parametrize(
    ("account", "old", "new", "field", "accepted"),
    [
        (
            "dev",
            'unit = "/root/analytics"',
            'unit = "/root/analytix"',
            "profiles[0].unit",
            "a declared domain unit: /root, /root/analytics",
        ),
        (
            "dev",
            'path = "/root/risk/fraud"',
            'path = "/root/risc/fraud"',
            "domain_units[2].path",
            "parent '/root/risc' is declared",
        ),
        (
            "dev",
            'authorized_units = ["/root/risk"]',
            'authorized_units = ["/root/ops"]',
            "blueprints.MLExperiments.authorized_units[0]",
            "a declared domain unit",
        ),
        (
            "dev",
            'principal = { kind = "group", name = "data-stewards" }',
            'principal = { kind = "project", project = "nope" }',
            "grants[0].principal.project",
            "a project in this file",
        ),
        (
            "dev",
            'policy = "CREATE_GLOSSARY"',
            'policy = "CREATE_ENVIRONMENT_FROM_BLUEPRINT"',
            "grants[0].blueprint",
            "a blueprint this account enables",
        ),
        (
            "prod",
            '{ kind = "group", name = "ml-leads" }',
            '{ kind = "all_users" }',
            "profiles[1].project_creators[0].reason",
            "all-users grant in a protected account must say why",
        ),
        (
            "dev",
            'single_sign_on = "IAM_IDENTITY_CENTER"',
            'single_sign_on = "DISABLED"',
            "domain_units[0].owners[0].kind",
            "groups need IAM Identity Center",
        ),
    ],
)
def test_access_config_errors_name_the_field(
    tmp_path: Path, account: str, old: str, new: str, field: str, accepted: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_estate(edited(tmp_path, account, old, new))
    matching = [issue for issue in caught.value.issues if issue.field == field]
    assert matching, f"no issue for {field}; got {[str(i) for i in caught.value.issues]}"
    assert accepted in matching[0].accepted
    assert matching[0].file.name == f"{account}.toml"


def test_all_users_creators_are_fine_in_a_protected_account_with_a_reason(tmp_path: Path) -> None:
    config_dir = edited(
        tmp_path,
        "prod",
        '{ kind = "group", name = "ml-leads" }',
        '{ kind = "all_users", reason = "Firm-wide hackathon, approved CAB-118" }',
    )
    assert [a.name for a in load_estate(config_dir)] == ["dev", "prod", "staging"]


def test_malformed_principal_identifier_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"id 'bad user!' is not an Identity Center user ID"):
        load_estate(
            edited(tmp_path, "dev", '{ kind = "group", name = "data-stewards" }', '{ kind = "user", id = "bad user!" }')
        )


# --- the example estate -------------------------------------------------------------------------------------


def grants_of(doc: StackDoc) -> list[dict[str, Any]]:
    return list(doc.get("resource", {}).get("awscc_datazone_policy_grant", {}).values())


def test_example_estate_has_unit_hierarchies_with_owners(example_stacks: dict[str, StackDoc]) -> None:
    for account in ("dev", "staging", "prod"):
        platform = example_stacks[f"{account}-platform"]["resource"]
        names = sorted(unit["name"] for unit in platform["awscc_datazone_domain_unit"].values())
        assert names == ["analytics", "fraud", "risk"], account
        assert len(platform["awscc_datazone_owner"]) == 3, account
        groups = {
            g["group_identifier"]: g["//"].get("display_name")
            for g in platform["awscc_datazone_group_profile"].values()
        }
        assert groups[ANALYTICS_LEADS] == "analytics-leads", account


def test_example_blueprint_and_profile_grants_are_scoped_to_named_units(example_stacks: dict[str, StackDoc]) -> None:
    platform = example_stacks["dev-platform"]
    bedrock = [
        g
        for g in grants_of(platform)
        if g["policy_type"] == "CREATE_ENVIRONMENT_FROM_BLUEPRINT"
        and "AmazonBedrockChatAgent" in g["entity_identifier"]
    ]
    (grant,) = bedrock
    unit_ref = grant["principal"]["project"]["project_grant_filter"]["domain_unit_filter"]["domain_unit"]
    assert "awscc_datazone_domain_unit." in unit_ref, unit_ref
    creators = [
        g
        for g in grants_of(example_stacks["dev-projects"])
        if g["policy_type"] == "CREATE_PROJECT_FROM_PROJECT_PROFILE"
    ]
    assert sorted(json.dumps(g["principal"], sort_keys=True) for g in creators) == [
        json.dumps({"group": {"group_identifier": ML_LEADS}}),
        json.dumps({"group": {"group_identifier": ANALYTICS_LEADS}}),
    ]
    assert all("cross-stack-output-awscc_datazone_domain_unit" in g["entity_identifier"] for g in creators)


def test_example_memberships_are_per_project(example_stacks: dict[str, StackDoc]) -> None:
    memberships = example_stacks["prod-projects"]["resource"]["awscc_datazone_project_membership"].values()
    by_project: dict[str, set[str]] = {}
    for membership in memberships:
        member = membership["member"].get("group_identifier") or membership["member"]["user_identifier"]
        by_project.setdefault(membership["project_identifier"], set()).add(member)
    # customer-360, fraud-models and regulatory-reporting, and the admin project with its domain administrators.
    assert len(by_project) == 4
    assert all(ref.endswith(".project_id}") for ref in by_project)


def test_protected_example_account_has_no_all_users_creation_grant(example_stacks: dict[str, StackDoc]) -> None:
    assert len(grants_of(example_stacks["prod-projects"])) >= 3, "prod has creator, member-pool and glossary grants"
    for name in ("prod-platform", "prod-projects"):
        assert not [
            g for g in grants_of(example_stacks[name]) if g["principal"].get("user", {}).get("all_users_grant_filter")
        ]


def test_members_a_template_adds_get_a_profile_and_their_memberships_wait_for_it(
    example_stacks: dict[str, StackDoc],
) -> None:
    projects = example_stacks["dev-projects"]["resource"]
    (profile_name, profile) = next(iter(projects["awscc_datazone_group_profile"].items()))
    assert profile["group_identifier"] == "7448b4a8-d0c1-70f2-8a9b-0c1d2e3f4a5b"
    platform_groups = example_stacks["dev-platform"]["resource"]["awscc_datazone_group_profile"].values()
    assert "7448b4a8-d0c1-70f2-8a9b-0c1d2e3f4a5b" not in {g["group_identifier"] for g in platform_groups}
    reviewers = [
        m
        for m in projects["awscc_datazone_project_membership"].values()
        if m["member"].get("group_identifier") == "7448b4a8-d0c1-70f2-8a9b-0c1d2e3f4a5b"
    ]
    assert reviewers and all(m["depends_on"] == [f"awscc_datazone_group_profile.{profile_name}"] for m in reviewers)
    others = [m for m in projects["awscc_datazone_project_membership"].values() if m not in reviewers]
    assert others and all("depends_on" not in m for m in others)


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
def test_an_iam_user_outside_the_aws_partition_is_refused_as_datazone_refuses_it(partition: str) -> None:
    """AWS::DataZone::UserProfile's UserIdentifier takes `^arn:aws:iam::\\d{12}:.+$` only: refused before apply."""
    stack = new_stack()
    arn = f"arn:{partition}:iam::{ACCOUNT}:role/DataAdmin"
    with pytest.raises(PropValidationError, match=r"user = 'arn:aws-[a-z-]+:iam::.*in the aws partition"):
        DomainPrincipals(stack, "P", domain=make_domain(stack), principals=[UserPrincipal(user_identifier=arn)])


def test_user_identifier_pattern_is_no_wider_than_the_cloudformation_schema() -> None:
    """Every identifier we accept also matches the schema's own pattern (copied here as the oracle's text)."""
    schema = re.compile(
        r"(^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$"
        r"|^[a-zA-Z_0-9+=,.@-]+$|^arn:aws:iam::\d{12}:.+$)"
    )
    accepted = [
        f"arn:aws:iam::{ACCOUNT}:role/DataAdmin",
        f"arn:aws:iam::{ACCOUNT}:role/team/x/DataAdmin",
        f"arn:aws:iam::{ACCOUNT}:user/bob",
        "a1b2c3d4e5-0f0f0f0f-1111-2222-3333-444455556666",
        "b0c1d2e3-f405-7162-8374-95a6b7c8d9e0",
    ]
    refused = [f"arn:aws-us-gov:iam::{ACCOUNT}:role/DataAdmin", f"arn:aws-cn:iam::{ACCOUNT}:user/bob", "alice"]
    for value in accepted:
        assert USER_IDENTIFIER.fullmatch(value) and schema.search(value), value
    for value in refused:
        assert not USER_IDENTIFIER.fullmatch(value), value
    assert not schema.search(refused[0]) and not schema.search(refused[1])
