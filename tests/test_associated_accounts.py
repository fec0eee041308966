"""Associated accounts in the synthesised estate (issue 14): prod shares its domain with prod-ml through RAM.

One synth of the associated estate per module. Each test asserts one behaviour: the share and its associations in the
domain account, the member's own stacks and state pinned to its account, the member's roles trusting DataZone for
the domain account, its blueprints in the shared domain, the profile deploying into the member, the member reading
exactly the domain account's platform state object, and the deploy and plan roles of both sides.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from smus_cli.synth import synthesise
from tests.test_associations_config import associated_estate

Doc = dict[str, Any]
DOMAIN_ACCOUNT = "333333333333"
MEMBER_ACCOUNT = "444444444444"
REMOTE = "data.terraform_remote_state.DomainAccountState_5750D296.outputs"


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Doc]:
    root = tmp_path_factory.mktemp("associated")
    outdir = root / "cdktf.out"
    synthesise(associated_estate(root), outdir)
    found = {path.parent.name: json.loads(path.read_text()) for path in (outdir / "stacks").glob("*/cdk.tf.json")}
    found["manifest"] = json.loads((outdir / "manifest.json").read_text())
    found["outdir"] = {"path": str(outdir)}
    return found


def resources(doc: Doc, kind: str) -> list[Doc]:
    return [{k: v for k, v in body.items() if k != "//"} for body in doc.get("resource", {}).get(kind, {}).values()]


def one(doc: Doc, kind: str) -> Doc:
    found = resources(doc, kind)
    assert len(found) == 1, f"{kind}: {found}"
    return found[0]


def policy(text: str) -> dict[str, Doc]:
    return {statement.get("Sid", str(i)): statement for i, statement in enumerate(json.loads(text)["Statement"])}


def role_policy(doc: Doc, name: str) -> dict[str, Doc]:
    (body,) = [r for r in resources(doc, "aws_iam_role_policy") if r["name"] == name]
    return policy(body["policy"])


def test_the_domain_account_shares_its_domain_by_ram_named_and_permissioned_for_v2(stacks: dict[str, Doc]) -> None:
    platform = stacks["prod-platform"]
    share = one(platform, "aws_ram_resource_share")
    assert share["name"] == "DataZone-acme-prod-${aws_datazone_domain.Domain_66AC69E0.id}"
    assert share["permission_arns"] == [
        "arn:aws:ram::aws:permission/AWSRAMPermissionsAmazonDatazoneDomainExtendedServiceAccess"
    ]
    # prod-ml is outside prod's organization (same_organization = false).
    assert share["allow_external_principals"] is True


def test_the_share_is_associated_with_the_domain_and_each_member(stacks: dict[str, Doc]) -> None:
    platform = stacks["prod-platform"]
    share_arn = "${aws_ram_resource_share.DomainShare_92A3B9B6.arn}"
    association = one(platform, "aws_ram_resource_association")
    assert association == {
        "resource_arn": "${aws_datazone_domain.Domain_66AC69E0.arn}",
        "resource_share_arn": share_arn,
    }
    assert one(platform, "aws_ram_principal_association") == {
        "principal": MEMBER_ACCOUNT,
        "resource_share_arn": share_arn,
    }
    assert set(platform["output"]) >= {
        "shared_domain_id",
        "shared_domain_arn",
        "shared_domain_root_unit_id",
        "shared_domain_share_arn",
    }


def test_domain_accounts_without_members_share_nothing(stacks: dict[str, Doc]) -> None:
    for name in ("dev-platform", "staging-platform"):
        assert not resources(stacks[name], "aws_ram_resource_share"), name


def test_the_member_has_its_own_stacks_state_and_pinned_providers_but_no_projects(stacks: dict[str, Doc]) -> None:
    assert "prod-ml-projects" not in stacks
    for layer in ("platform", "ops"):
        doc = stacks[f"prod-ml-{layer}"]
        backend = doc["terraform"]["backend"]["s3"]
        assert backend["bucket"] == "acme-smus-tfstate-444444444444"
        assert backend["key"] == f"smus/{MEMBER_ACCOUNT}/{layer}.tfstate"
        assert backend["assume_role"]["role_arn"] == "arn:aws:iam::444444444444:role/smus-deploy"
        for provider in doc["provider"]["aws"]:
            assert provider["allowed_account_ids"] == [MEMBER_ACCOUNT]
    bootstrap = stacks["prod-ml-bootstrap"]
    assert bootstrap["provider"]["aws"][0]["allowed_account_ids"] == [MEMBER_ACCOUNT]


def test_the_member_reads_only_the_domain_accounts_platform_state_with_its_own_role(stacks: dict[str, Doc]) -> None:
    (remote,) = stacks["prod-ml-platform"]["data"]["terraform_remote_state"].values()
    assert remote["config"]["bucket"] == "acme-smus-tfstate-333333333333"
    assert remote["config"]["key"] == f"smus/{DOMAIN_ACCOUNT}/platform.tfstate"
    # Never a role of the domain account: the member's own deploy role (plan-override swaps in its plan role).
    assert remote["config"]["assume_role"]["role_arn"] == "arn:aws:iam::444444444444:role/smus-deploy"
    assert remote["config"]["allowed_account_ids"] == [MEMBER_ACCOUNT]
    text = json.dumps(stacks["prod-ml-platform"]) + json.dumps(stacks["prod-ml-ops"])
    assert f"iam::{DOMAIN_ACCOUNT}:role" not in text


def test_the_member_accepts_the_share_it_reads_from_the_domain_accounts_state(stacks: dict[str, Doc]) -> None:
    accepter = one(stacks["prod-ml-platform"], "aws_ram_resource_share_accepter")
    assert accepter == {"share_arn": f"${{{REMOTE}.shared_domain_share_arn}}"}


def test_the_members_roles_trust_datazone_for_the_domain_account(stacks: dict[str, Doc]) -> None:
    roles = {role["name"]: role for role in resources(stacks["prod-ml-platform"], "aws_iam_role")}
    provisioning = json.loads(roles["acme-prod-ml-provisioning"]["assume_role_policy"])["Statement"][0]
    assert provisioning["Principal"] == {"Service": "datazone.amazonaws.com"}
    assert provisioning["Condition"] == {"StringEquals": {"aws:SourceAccount": DOMAIN_ACCOUNT}}
    manage = json.loads(roles["acme-prod-ml-manage-access"]["assume_role_policy"])["Statement"][0]
    assert manage["Condition"] == {
        "StringEquals": {"aws:SourceAccount": DOMAIN_ACCOUNT},
        "ArnEquals": {"aws:SourceArn": f"${{{REMOTE}.shared_domain_arn}}"},
    }
    for role in roles.values():
        assert role["permissions_boundary"] == "arn:aws:iam::444444444444:policy/acme-permissions-boundary"
    secrets = role_policy(stacks["prod-ml-platform"], "RedshiftSecretsOfThisDomain")["RedshiftSecretsOfThisDomain"]
    # The member's own secrets, tagged for the shared domain.
    assert secrets["Resource"] == f"arn:aws:secretsmanager:*:{MEMBER_ACCOUNT}:secret:*"


def test_the_members_blueprints_are_configured_in_the_shared_domain(stacks: dict[str, Doc]) -> None:
    platform = stacks["prod-ml-platform"]
    configurations = resources(platform, "aws_datazone_environment_blueprint_configuration")
    assert len(configurations) == 2
    for configuration in configurations:
        assert configuration["domain_id"] == f"${{{REMOTE}.shared_domain_id}}"
        assert "aws_ram_resource_share_accepter.ShareAccepter_E92998A4" in configuration["depends_on"]
        assert configuration["regional_parameters"]["eu-west-1"]["VpcId"] == "vpc-0a4b4c4d4e4f40414"
    for lookup in platform["data"]["aws_datazone_environment_blueprint"].values():
        # Looked up through the member's own (pinned) provider: no provider alias.
        assert lookup["domain_id"] == f"${{{REMOTE}.shared_domain_id}}" and "provider" not in lookup
    # prod-ml hands in its projects' bucket (prod's style); left out, ToolingStorage creates one in the member.
    assert {c["regional_parameters"]["eu-west-1"]["S3Location"] for c in configurations} == {
        "s3://acme-smus-prod-ml-projects/tooling"
    }


def test_a_members_created_tooling_bucket_and_roles_live_in_the_member_and_trust_the_domain_account() -> None:
    from smus_constructs.blueprint import BlueprintRoles
    from smus_constructs.domain_share import SharedDomain
    from smus_constructs.tooling_storage import ToolingStorage
    from tests.helpers import new_stack, synth

    stack = new_stack()
    domain = SharedDomain(
        stack,
        "Shared",
        domain_id="dzd_abc123",
        domain_arn="arn:aws:datazone:eu-west-1:333333333333:domain/dzd_abc123",
        root_domain_unit_id="root",
        account_id=DOMAIN_ACCOUNT,
        region="eu-west-1",
    )
    ToolingStorage(stack, "Tooling", domain=domain, name_prefix="ml", account_id=MEMBER_ACCOUNT)
    BlueprintRoles(stack, "Roles", domain=domain, name_prefix="ml", account_id=MEMBER_ACCOUNT)
    doc = synth(stack)
    assert one(doc, "aws_s3_bucket")["bucket"] == "smus-tooling-444444444444-eu-west-1"
    trusts = [json.loads(role["assume_role_policy"])["Statement"][0] for role in resources(doc, "aws_iam_role")]
    assert len(trusts) == 3
    assert all(t["Condition"]["StringEquals"] == {"aws:SourceAccount": DOMAIN_ACCOUNT} for t in trusts)
    secrets = role_policy(doc, "RedshiftSecretsOfThisDomain")["RedshiftSecretsOfThisDomain"]
    assert secrets["Resource"] == f"arn:aws:secretsmanager:*:{MEMBER_ACCOUNT}:secret:*"


def test_the_members_grants_name_its_account_in_the_entity(stacks: dict[str, Doc]) -> None:
    grants = resources(stacks["prod-ml-platform"], "awscc_datazone_policy_grant")
    assert {grant["policy_type"] for grant in grants} == {"CREATE_ENVIRONMENT_FROM_BLUEPRINT"}
    for grant in grants:
        assert grant["entity_identifier"].startswith(f"{MEMBER_ACCOUNT}:${{data.aws_datazone_environment_blueprint.")
        assert grant["domain_identifier"] == f"${{{REMOTE}.shared_domain_id}}"
        unit = grant["principal"]["project"]["project_grant_filter"]["domain_unit_filter"]["domain_unit"]
        assert unit == f"${{{REMOTE}.shared_domain_root_unit_id}}"


def test_the_profile_deploys_its_ml_environment_into_the_member(stacks: dict[str, Doc]) -> None:
    (profile,) = [
        p for p in resources(stacks["prod-projects"], "awscc_datazone_project_profile") if p["name"] == "ML and GenAI"
    ]
    targets = {
        env["name"]: (env["aws_account"]["aws_account_id"], env["aws_region"]["region_name"])
        for env in profile["environment_configurations"]
    }
    assert targets == {
        "Tooling": (DOMAIN_ACCOUNT, "eu-west-1"),
        "DataLake": (DOMAIN_ACCOUNT, "eu-west-1"),
        "MLExperiments": (MEMBER_ACCOUNT, "eu-west-1"),
        "AmazonBedrockChatAgent": (DOMAIN_ACCOUNT, "eu-west-1"),
    }


def test_apply_order_domain_platform_then_member_platform_then_domain_projects(stacks: dict[str, Doc]) -> None:
    manifest = stacks["manifest"]["stacks"]
    assert manifest["prod-ml-platform"]["dependencies"] == ["prod-platform"]
    assert "prod-ml-platform" in manifest["prod-projects"]["dependencies"]


def test_only_the_domain_account_alarms_on_and_graphs_its_project_count(stacks: dict[str, Doc]) -> None:
    """The shared domain's projects are counted by the domain account's drift job only (drift.yml skips a member's),
    so a member's quota alarm would wait for data forever and its graph stay empty."""

    def project_count(doc: Doc) -> tuple[list[str], list[str]]:
        alarms = [
            a["alarm_name"]
            for a in resources(doc, "aws_cloudwatch_metric_alarm")
            if a.get("metric_name") == "ProjectCount"
        ]
        body = json.loads(one(doc, "aws_cloudwatch_dashboard")["dashboard_body"])
        widgets = [
            w["properties"]["title"]
            for w in body["widgets"]
            if "ProjectCount" in json.dumps(w["properties"].get("metrics", []))
        ]
        return alarms, widgets

    assert project_count(stacks["prod-ops"]) == (["smus-prod-project-quota"], ["Projects against the quota"])
    assert project_count(stacks["prod-ml-ops"]) == ([], [])
    body = json.loads(one(stacks["prod-ml-ops"], "aws_cloudwatch_dashboard")["dashboard_body"])
    row = [w["width"] for w in body["widgets"] if w["properties"].get("title", "").startswith("Drift")][:2]
    assert row == [12, 12], "drift and heartbeat share the row the project graph leaves"


def test_the_domain_accounts_state_lets_member_roles_read_only_the_platform_object(stacks: dict[str, Doc]) -> None:
    bootstrap = stacks["prod-bootstrap"]
    statements = policy(one(bootstrap, "aws_s3_bucket_policy")["policy"])
    member_roles = ["arn:aws:iam::444444444444:role/smus-deploy", "arn:aws:iam::444444444444:role/smus-plan"]
    allow = statements["MemberReadsTheSharedDomainState0"]
    assert allow["Principal"] == {"AWS": "arn:aws:iam::444444444444:root"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Resource"] == f"arn:aws:s3:::acme-smus-tfstate-333333333333/smus/{DOMAIN_ACCOUNT}/platform.tfstate"
    assert allow["Condition"] == {"ArnEquals": {"aws:PrincipalArn": member_roles}}
    assert statements["DenyMembersAllButGetObject"]["NotAction"] == "s3:GetObject"
    assert statements["DenyMembersAllButTheSharedDomainState"]["NotResource"] == [allow["Resource"]]
    assert statements["DenyPrincipalsOfOtherAccounts"]["Condition"]["ArnNotEquals"] == {
        "aws:PrincipalArn": member_roles
    }
    key = policy(one(bootstrap, "aws_kms_key")["policy"])["MemberDecryptsTheSharedDomainState0"]
    assert key["Action"] == "kms:Decrypt"
    assert key["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    assert key["Condition"]["StringEquals"]["kms:EncryptionContext:aws:s3:arn"] == (
        "arn:aws:s3:::acme-smus-tfstate-333333333333"
    )
    # No member reads another account's state, and dev's bucket names no member.
    assert "Member" not in one(stacks["dev-bootstrap"], "aws_s3_bucket_policy")["policy"]


def test_the_domain_accounts_deploy_role_manages_only_datazone_shares_of_its_domain(stacks: dict[str, Doc]) -> None:
    deploy = role_policy(stacks["prod-bootstrap"], "DeployEstate")
    create = deploy["CreateTheDomainShare"]
    assert create["Action"] == "ram:CreateResourceShare"
    assert create["Condition"]["StringEqualsIfExists"] == {
        "ram:RequestedResourceType": "datazone:Domain",
        "ram:Principal": [MEMBER_ACCOUNT],
    }
    assert create["Condition"]["Bool"] == {"ram:RequestedAllowsExternalPrincipals": "true"}
    associate = deploy["AssociateTheDomainAndItsMembersOnly"]
    assert associate["Resource"] == f"arn:aws:ram:eu-west-1:{DOMAIN_ACCOUNT}:resource-share/*"
    assert associate["Condition"]["StringLike"] == {"ram:ResourceShareName": "DataZone-acme-prod-*"}
    assert deploy["UpdateAndDeleteTheDomainShare"]["Condition"] == {"StringLike": associate["Condition"]["StringLike"]}
    # prod's domain is created: its ID exists only after apply, so any domain of the account in the region.
    assert associate["Condition"]["ArnLikeIfExists"] == {
        "ram:ResourceArn": f"arn:aws:datazone:eu-west-1:{DOMAIN_ACCOUNT}:domain/*"
    }
    assert "CreateTheDomainShare" not in role_policy(stacks["staging-bootstrap"], "DeployEstate")


def test_the_members_deploy_role_gets_only_the_members_actions(stacks: dict[str, Doc]) -> None:
    deploy = role_policy(stacks["prod-ml-bootstrap"], "DeployEstate")
    assert "DataZoneDomainsOfThisAccount" not in deploy
    assert "DataZoneActionsWithoutResourceType" not in deploy
    assert "DomainKeysThroughDataZone" not in deploy
    assert "CreateTheDomainShare" not in deploy
    assert deploy["AcceptTheDomainShareOnly"]["Condition"] == {
        "StringEquals": {"ram:ShareOwnerAccountId": DOMAIN_ACCOUNT},
        "StringLike": {"ram:ResourceShareName": "DataZone-acme-prod-*"},
    }
    assert deploy["ReadTheDomainAccountsPlatformState"]["Resource"] == (
        f"arn:aws:s3:::acme-smus-tfstate-333333333333/smus/{DOMAIN_ACCOUNT}/platform.tfstate"
    )
    assert deploy["DecryptTheDomainAccountsStateThroughS3"]["Resource"] == (
        "arn:aws:kms:eu-west-1:333333333333:key/33333333-3333-4333-8333-333333333333"
    )
    assert not any(
        f"iam::{DOMAIN_ACCOUNT}:role" in json.dumps(statement) and "sts:AssumeRole" in json.dumps(statement)
        for statement in deploy.values()
    )
    plan = role_policy(stacks["prod-ml-bootstrap"], "PlanEstate")
    assert "AcceptTheDomainShareOnly" not in plan
    assert plan["ReadTheDomainAccountsPlatformState"]["Action"] == "s3:GetObject"
    assert all(
        action.split(":")[1].startswith(("Get", "List")) for action in plan["BlueprintsInTheSharedDomain"]["Action"]
    )


PROD_DOMAIN_KEY = "arn:aws:kms:eu-west-1:333333333333:key/3c3c3c3c-3333-4333-8333-3c3c3c3c3c3c"


def test_the_members_roles_use_the_handed_in_domain_key_only_through_datazone(stacks: dict[str, Doc]) -> None:
    via_datazone = {"StringEquals": {"kms:ViaService": "datazone.eu-west-1.amazonaws.com"}}
    deploy = role_policy(stacks["prod-ml-bootstrap"], "DeployEstate")["UseTheSharedDomainKeyThroughDataZone"]
    assert deploy == {
        "Sid": "UseTheSharedDomainKeyThroughDataZone",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
        "Resource": PROD_DOMAIN_KEY,
        "Condition": via_datazone,
    }
    plan = role_policy(stacks["prod-ml-bootstrap"], "PlanEstate")["UseTheSharedDomainKeyThroughDataZone"]
    assert (plan["Action"], plan["Resource"], plan["Condition"]) == (
        ["kms:Decrypt", "kms:DescribeKey"],
        PROD_DOMAIN_KEY,
        via_datazone,
    )
    # A domain account's roles use their own domain's key; the shared-domain statement is a member's only.
    assert "UseTheSharedDomainKeyThroughDataZone" not in role_policy(stacks["prod-bootstrap"], "DeployEstate")
    # A handed-in key's policy is its owner's (the runbook gives the statement): the platform stack creates no key.
    assert "aws_kms_key" not in stacks["prod-platform"].get("resource", {})


def test_a_created_domain_key_names_the_member_for_use_through_datazone(tmp_path: Path) -> None:
    from tests.test_associations_config import edit

    config_dir = edit(associated_estate(tmp_path), "prod", f'kms_key_arn = "{PROD_DOMAIN_KEY}"\n', "")
    outdir = tmp_path / "cdktf.out"
    synthesise(config_dir, outdir)
    platform = json.loads((outdir / "stacks" / "prod-platform" / "cdk.tf.json").read_text())
    key_policy = policy(one(platform, "aws_kms_key")["policy"])
    assert key_policy["MemberAccountsUseViaDataZone"]["Principal"] == {"AWS": [f"arn:aws:iam::{MEMBER_ACCOUNT}:root"]}
    assert key_policy["MemberAccountsUseViaDataZone"]["Condition"]["StringEquals"] == {
        "kms:CallerAccount": [MEMBER_ACCOUNT],
        "kms:ViaService": "datazone.eu-west-1.amazonaws.com",
    }
    bootstrap = json.loads((outdir / "stacks" / "prod-ml-bootstrap" / "cdk.tf.json").read_text())
    deploy = role_policy(bootstrap, "DeployEstate")["UseTheSharedDomainKeyThroughDataZone"]
    # The created key's ID is known only after apply: the domain account's keys, of which only this one names the
    # member in its policy (so the key policy, not this resource, decides).
    assert deploy["Resource"] == f"arn:aws:kms:eu-west-1:{DOMAIN_ACCOUNT}:key/*"


def test_plan_override_points_the_members_remote_state_at_its_plan_role(stacks: dict[str, Doc]) -> None:
    from smus_cli.plan_override import plan_override

    override = plan_override(
        stacks["prod-ml-platform"],
        "arn:aws:iam::444444444444:role/smus-deploy",
        "arn:aws:iam::444444444444:role/smus-plan",
    )
    (remote,) = override["data"]["terraform_remote_state"].values()
    assert remote["config"]["assume_role"]["role_arn"] == "arn:aws:iam::444444444444:role/smus-plan"
    assert remote["config"]["key"] == f"smus/{DOMAIN_ACCOUNT}/platform.tfstate"


@pytest.fixture()
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack", ["prod-ml-bootstrap", "prod-ml-platform", "prod-ml-ops"])
def test_member_stack_matches_snapshot(stack: str, stacks: dict[str, Doc], json_snapshot: SnapshotAssertion) -> None:
    assert stacks[stack] == json_snapshot


def test_domain_share_matches_snapshot(stacks: dict[str, Doc], json_snapshot: SnapshotAssertion) -> None:
    platform = stacks["prod-platform"]
    shared = {kind: body for kind, body in platform["resource"].items() if kind.startswith("aws_ram_")}
    outputs = {name: body for name, body in platform["output"].items() if name.startswith("shared_domain_")}
    assert {"resource": shared, "output": outputs} == json_snapshot


def test_the_project_suppressions_fit_the_estate_with_its_member_exactly(stacks: dict[str, Doc]) -> None:
    """parliament and cloudsplaining over every identity policy of the estate with prod-ml: nothing unsuppressed,
    and every entry of config/iam-analyser-suppressions.toml used (the RAM entries by prod's and prod-ml's roles)."""
    from smus_cli.iam_analysers import SUPPRESSIONS_FILE, read_stacks, run_gate

    result = run_gate(read_stacks(Path(stacks["outdir"]["path"])), SUPPRESSIONS_FILE)
    assert result.unsuppressed == [] and result.unused == [], result.report()
