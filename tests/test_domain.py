"""UnifiedStudioDomain: a V2 domain, its roles and key (given or created), timeouts, lifecycle and importers."""

from __future__ import annotations

import json

import pytest

from smus_constructs.domain import SingleSignOn, UnifiedStudioDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.lifecycle import IgnoreChange
from tests.helpers import (
    ACCOUNT,
    KEY,
    REGION,
    ROLE,
    all_of,
    full_synth,
    make_domain,
    new_stack,
    only,
    resolve,
    synth,
)


def test_domain_is_v2_with_service_role_key_and_90m_timeouts() -> None:
    stack = new_stack()
    make_domain(stack)
    domain = only(synth(stack), "aws_datazone_domain")
    assert domain["domain_version"] == "V2"
    assert domain["service_role"].startswith("${aws_iam_role."), domain["service_role"]
    assert domain["kms_key_identifier"].startswith("${aws_kms_key."), domain["kms_key_identifier"]
    assert domain["timeouts"] == {"create": "90m", "delete": "90m"}
    assert domain["single_sign_on"] == [{"type": "IAM_IDC", "user_assignment": "MANUAL"}]


def test_timeouts_are_settable_but_never_below_90_minutes() -> None:
    stack = new_stack()
    make_domain(stack, create_timeout="2h", delete_timeout="1h30m")
    assert only(synth(stack), "aws_datazone_domain")["timeouts"] == {"create": "2h", "delete": "1h30m"}
    with pytest.raises(PropValidationError, match=r"test/Domain: create_timeout = '60m'.*at least 90m"):
        make_domain(new_stack(), create_timeout="60m")


def test_created_execution_role_has_documented_trust() -> None:
    stack = new_stack()
    make_domain(stack)
    roles = all_of(synth(stack), "aws_iam_role")
    execution = next(r for r in roles.values() if r["name"].endswith("-domain-execution"))
    assert execution["path"] == "/service-role/"
    assert json.loads(execution["assume_role_policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "datazone.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetContext"],
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ForAllValues:StringLike": {"aws:TagKeys": "datazone*"},
                },
            }
        ],
    }
    attachments = {a["policy_arn"] for a in all_of(synth(stack), "aws_iam_role_policy_attachment").values()}
    assert attachments == {
        "arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainExecutionRolePolicy",
        "arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainServiceRolePolicy",
    }


def test_created_key_rotates_and_carries_the_datazone_tag() -> None:
    stack = new_stack()
    make_domain(stack)
    key = only(synth(stack), "aws_kms_key")
    assert key["enable_key_rotation"] is True
    assert key["tags"]["EnableKeyForAmazonDataZone"] == "true"
    policy = json.loads(key["policy"])
    principals = [s["Principal"] for s in policy["Statement"]]
    assert {"Service": "datazone.amazonaws.com"} in principals
    assert all(p not in ("*", {"AWS": "*"}) for p in principals), principals
    assert only(synth(stack), "aws_kms_alias")["name"] == "alias/smus/test-domain"


def test_given_roles_and_key_emit_no_role_and_no_key() -> None:
    stack = new_stack()
    make_domain(stack, execution_role_arn=ROLE, service_role_arn=ROLE, kms_key_arn=KEY)
    doc = synth(stack)
    assert "aws_iam_role" not in doc.get("resource", {})
    assert "aws_kms_key" not in doc.get("resource", {})
    domain = only(doc, "aws_datazone_domain")
    assert (domain["domain_execution_role"], domain["service_role"], domain["kms_key_identifier"]) == (ROLE, ROLE, KEY)


@pytest.mark.parametrize(
    ("prop", "value", "accepted"),
    [
        ("kms_key_arn", "alias/my-key", "a KMS key ARN"),
        ("execution_role_arn", "arn:aws:iam::123:role/x", "an IAM role ARN"),
        ("account_id", "12345", "12 digits"),
        ("region", "Europe", "an AWS region code"),
        ("name", "bad/name", r"\^\[\\w -\]\{1,64\}\$"),
    ],
)
def test_malformed_props_are_refused_naming_path_prop_and_accepted_form(prop: str, value: str, accepted: str) -> None:
    with pytest.raises(
        PropValidationError, match=rf"test/Domain: {prop} = '{value}' is not valid; expected .*{accepted}"
    ):
        make_domain(new_stack(), **{prop: value})


def test_single_sign_on_disabled_omits_the_block() -> None:
    stack = new_stack()
    make_domain(stack, single_sign_on=SingleSignOn.DISABLED)
    assert "single_sign_on" not in only(synth(stack), "aws_datazone_domain")


def test_prevent_destroy_and_ignore_changes_carry_reasons_in_the_json() -> None:
    stack = new_stack()
    make_domain(
        stack,
        prevent_destroy=True,
        ignore_changes=[IgnoreChange(attribute="domain_execution_role", reason="rotated by central IAM")],
    )
    lifecycle = only(full_synth(stack), "aws_datazone_domain")["lifecycle"]
    assert lifecycle["prevent_destroy"] is True
    assert lifecycle["ignore_changes"] == ["domain_execution_role"]
    assert lifecycle["//"]["ignore_changes"] == {"domain_execution_role": "rotated by central IAM"}
    assert "deletes every project" in lifecycle["//"]["prevent_destroy"]
    # A protected domain's created key is protected too: losing it loses the domain.
    assert only(full_synth(stack), "aws_kms_key")["lifecycle"]["prevent_destroy"] is True


def test_unprotected_domain_has_no_lifecycle_block() -> None:
    stack = new_stack()
    make_domain(stack)
    assert "lifecycle" not in only(full_synth(stack), "aws_datazone_domain")


def test_ignore_change_without_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        IgnoreChange(attribute="domain_execution_role", reason="  ")


def test_attributes_resolve_to_the_domain_resource() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    logical = next(iter(synth(stack)["resource"]["aws_datazone_domain"]))
    assert resolve(stack, domain.domain_id) == f"${{aws_datazone_domain.{logical}.id}}"
    assert resolve(stack, domain.domain_arn) == f"${{aws_datazone_domain.{logical}.arn}}"
    assert resolve(stack, domain.root_domain_unit_id) == f"${{aws_datazone_domain.{logical}.root_domain_unit_id}}"
    assert resolve(stack, domain.portal_url) == f"${{aws_datazone_domain.{logical}.portal_url}}"
    assert (domain.account_id, domain.region, domain.partition) == (ACCOUNT, REGION, "aws")


def test_from_domain_arn_parses_and_reads_the_root_unit() -> None:
    stack = new_stack()
    imported = UnifiedStudioDomain.from_domain_arn(
        stack, "Existing", f"arn:aws:datazone:{REGION}:{ACCOUNT}:domain/dzd_abc123"
    )
    assert (imported.domain_id, imported.account_id, imported.region) == ("dzd_abc123", ACCOUNT, REGION)
    assert imported.domain_arn == f"arn:aws:datazone:{REGION}:{ACCOUNT}:domain/dzd_abc123"
    assert resolve(stack, imported.root_domain_unit_id).endswith(".root_domain_unit_id}")
    doc = synth(stack)
    assert only(doc, "aws_datazone_domain", kind="data")["id"] == "dzd_abc123"
    assert "resource" not in doc or "aws_datazone_domain" not in doc["resource"]


@pytest.mark.parametrize(
    "arn",
    ["dzd_abc123", f"arn:aws:datazone:{REGION}:{ACCOUNT}:domain/abc123", f"arn:aws:iam::{ACCOUNT}:role/x"],
)
def test_from_domain_arn_refuses_malformed_arns(arn: str) -> None:
    with pytest.raises(PropValidationError, match=r"test/Existing: domain_arn = .*expected a DataZone domain ARN"):
        UnifiedStudioDomain.from_domain_arn(new_stack(), "Existing", arn)


def test_from_domain_id_refuses_malformed_ids() -> None:
    with pytest.raises(PropValidationError, match=r"domain_id = 'abc'.*\^dzd"):
        UnifiedStudioDomain.from_domain_id(new_stack(), "Existing", domain_id="abc", account_id=ACCOUNT, region=REGION)


MEMBER = "444444444444"


def test_a_created_key_lets_member_accounts_use_it_only_through_datazone_from_their_own_account() -> None:
    stack = new_stack()
    make_domain(stack, member_account_ids=[MEMBER, "555555555555"])
    statements = {s.get("Sid"): s for s in json.loads(only(synth(stack), "aws_kms_key")["policy"])["Statement"]}
    members = statements["MemberAccountsUseViaDataZone"]
    assert members["Effect"] == "Allow"
    assert members["Principal"] == {"AWS": [f"arn:aws:iam::{MEMBER}:root", "arn:aws:iam::555555555555:root"]}
    assert members["Action"] == ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
    assert members["Condition"] == {
        "StringEquals": {
            "kms:CallerAccount": [MEMBER, "555555555555"],
            "kms:ViaService": f"datazone.{REGION}.amazonaws.com",
        }
    }
    # Use only: no administration, no grants, and nothing a member could take the key over with.
    assert not any(a.startswith(("kms:Put", "kms:Disable", "kms:Schedule", "kms:Create")) for a in members["Action"])


def test_a_created_key_without_members_names_no_other_account() -> None:
    stack = new_stack()
    make_domain(stack)
    policy = json.loads(only(synth(stack), "aws_kms_key")["policy"])
    assert "MemberAccountsUseViaDataZone" not in [s.get("Sid") for s in policy["Statement"]]
    assert MEMBER not in json.dumps(policy)


@pytest.mark.parametrize(
    ("members", "accepted"),
    [(["4444"], "12 digits"), ([ACCOUNT], "another account than the domain's own")],
)
def test_member_accounts_of_the_key_are_refused_unless_other_12_digit_accounts(
    members: list[str], accepted: str
) -> None:
    with pytest.raises(PropValidationError, match=rf"test/Domain: member_account_ids\[\] = .* expected .*{accepted}"):
        make_domain(new_stack(), member_account_ids=members)
