"""smus_constructs.config_rules: managed rules where AWS has them, one Guard rule where it has none, scoped tightly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smus_constructs.config_rules import (
    GUARD_TAGGED_RESOURCE_TYPES,
    REQUIRED_TAGS_RESOURCE_TYPES,
    ConfigRecorder,
    ConfigRecorderProps,
    ManagedRule,
    ManagedRuleId,
    ManagedRuleProps,
    MandatoryTagRules,
    MandatoryTagRulesProps,
    RuleScope,
    StateBucketRules,
    StateBucketRulesProps,
    guard_mandatory_tags_policy,
    required_tags_parameters,
)
from smus_constructs.errors import PropValidationError
from tests.helpers import ACCOUNT, KEY, REGION, all_of, assert_subset, new_stack, only, synth

TAGS = {"CostCenter": "CC-1", "DataClassification": "internal", "Environment": "test"}
BUCKET = "acme-state-123456789012"


def rules_by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["name"]: rule for rule in all_of(doc, "aws_config_config_rule").values()}


def state_bucket_rules(**overrides: Any) -> dict[str, dict[str, Any]]:
    stack = new_stack()
    props: dict[str, Any] = {
        "bucket_name": BUCKET,
        "kms_key_arn": KEY,
        "required_tags": TAGS,
        "name_prefix": "smus-test-",
    }
    props.update(overrides)
    StateBucketRules(stack, "State", StateBucketRulesProps(**props))
    return rules_by_name(synth(stack))


def test_state_bucket_rules_are_aws_managed_and_scoped_to_the_one_bucket() -> None:
    rules = state_bucket_rules()
    identifiers = {name: rule["source"]["source_identifier"] for name, rule in rules.items()}
    assert identifiers == {
        "smus-test-state-bucket-versioning": "S3_BUCKET_VERSIONING_ENABLED",
        "smus-test-state-bucket-tls-only": "S3_BUCKET_SSL_REQUESTS_ONLY",
        "smus-test-state-bucket-kms-encryption": "S3_DEFAULT_ENCRYPTION_KMS",
        "smus-test-state-bucket-not-public": "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        "smus-test-state-bucket-required-tags": "REQUIRED_TAGS",
        "smus-test-state-bucket-data-events": "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
        "smus-test-kms-keys-not-scheduled-for-deletion": "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
    }
    periodic = {"smus-test-state-bucket-data-events", "smus-test-kms-keys-not-scheduled-for-deletion"}
    for name, rule in rules.items():
        assert rule["source"]["owner"] == "AWS", name
        if name not in periodic:
            assert rule["scope"] == {
                "compliance_resource_types": ["AWS::S3::Bucket"],
                "compliance_resource_id": BUCKET,
            }


def test_the_checkov_skips_are_backed_by_data_event_and_key_deletion_rules() -> None:
    """config/checkov-skips.toml accepts CKV2_AWS_62/CKV_AWS_18 on CloudTrail data events and CKV_AWS_144 on a
    scheduled key deletion being reported: these two rules are what makes those reasons true."""
    rules = state_bucket_rules()
    events = rules["smus-test-state-bucket-data-events"]
    assert json.loads(events["input_parameters"]) == {"S3BucketNames": BUCKET}
    assert "scope" not in events  # periodic: it checks the account's trails, not a recorded resource
    keys = rules["smus-test-kms-keys-not-scheduled-for-deletion"]
    assert "input_parameters" not in keys and "scope" not in keys  # every key of the account
    skips = (Path(__file__).resolve().parent.parent / "config" / "checkov-skips.toml").read_text()
    assert "CLOUDTRAIL_S3_DATAEVENTS_ENABLED" in skips and "KMS_CMK_NOT_SCHEDULED_FOR_DELETION" in skips


def test_state_bucket_encryption_must_use_the_state_key_and_tags_must_carry_the_accounts_values() -> None:
    rules = state_bucket_rules()
    assert json.loads(rules["smus-test-state-bucket-kms-encryption"]["input_parameters"]) == {"kmsKeyArns": KEY}
    assert json.loads(rules["smus-test-state-bucket-required-tags"]["input_parameters"]) == {
        "tag1Key": "CostCenter",
        "tag1Value": "CC-1",
        "tag2Key": "DataClassification",
        "tag2Value": "internal",
        "tag3Key": "Environment",
        "tag3Value": "test",
    }
    assert "input_parameters" not in rules["smus-test-state-bucket-tls-only"]


@pytest.mark.parametrize(
    ("overrides", "prop", "accepted"),
    [
        ({"bucket_name": "Bad_Bucket"}, "bucket_name", "S3 bucket name"),
        ({"kms_key_arn": "alias/state"}, "kms_key_arn", "KMS key ARN"),
        ({"required_tags": {}}, "required_tags", "one or more tags"),
        ({"required_tags": {f"T{i}": "x" for i in range(7)}}, "required_tags", "at most 6"),
        ({"required_tags": {"Cost Center": "x"}}, "required_tags", "letters, digits"),
    ],
)
def test_state_bucket_rules_refuse_bad_props(overrides: dict[str, Any], prop: str, accepted: str) -> None:
    with pytest.raises(PropValidationError, match=rf"test/State: {prop} = .*{accepted}"):
        state_bucket_rules(**overrides)


def test_required_tags_does_not_cover_any_datazone_type() -> None:
    assert "AWS::S3::Bucket" in REQUIRED_TAGS_RESOURCE_TYPES
    assert not [t for t in REQUIRED_TAGS_RESOURCE_TYPES if t.startswith("AWS::DataZone::")]
    # Nor any type the estate creates besides the bucket: keys and the Guard-covered types need other rules.
    assert not {"AWS::KMS::Key", *GUARD_TAGGED_RESOURCE_TYPES} & set(REQUIRED_TAGS_RESOURCE_TYPES)


def test_required_tags_refuses_a_type_it_cannot_evaluate() -> None:
    with pytest.raises(
        PropValidationError, match=r"scope\.resource_types = \['AWS::DataZone::Domain'\].*KMS_KEY_TAGGED"
    ):
        ManagedRule(
            new_stack(),
            "Tags",
            ManagedRuleProps(
                rule_name="tags",
                identifier=ManagedRuleId.REQUIRED_TAGS,
                description="d",
                input_parameters=required_tags_parameters(TAGS),
                scope=RuleScope(resource_types=["AWS::DataZone::Domain"]),
            ),
        )


@pytest.mark.parametrize(
    ("props", "prop", "accepted"),
    [
        ({"rule_name": "has space"}, "rule_name", "letters, digits"),
        ({"identifier": "S3_EVERYTHING_FINE"}, "identifier", "one of REQUIRED_TAGS"),
        (
            {"scope": RuleScope(resource_types=["AWS::S3::Bucket", "AWS::KMS::Key"], resource_id="x")},
            r"scope\.resource_types",
            "exactly one type",
        ),
        ({"scope": RuleScope(tag_value="v")}, r"scope\.tag_key", "a tag key"),
    ],
)
def test_managed_rule_refuses_bad_props(props: dict[str, Any], prop: str, accepted: str) -> None:
    base: dict[str, Any] = {
        "rule_name": "r",
        "identifier": ManagedRuleId.S3_BUCKET_VERSIONING_ENABLED,
        "description": "d",
    }
    base.update(props)
    with pytest.raises(PropValidationError, match=rf"test/Rule: {prop} = .*{accepted}"):
        ManagedRule(new_stack(), "Rule", ManagedRuleProps(**base))


def test_required_tags_is_limited_to_six_tags() -> None:
    with pytest.raises(PropValidationError, match=r"input_parameters = .*1 to 6 tagNKey"):
        ManagedRule(
            new_stack(),
            "Rule",
            ManagedRuleProps(
                rule_name="r",
                identifier=ManagedRuleId.REQUIRED_TAGS,
                description="d",
                input_parameters=required_tags_parameters({f"T{i}": "x" for i in range(7)}),
            ),
        )


def test_kms_keys_use_the_managed_rule_limited_to_the_estates_resources() -> None:
    stack = new_stack()
    MandatoryTagRules(
        stack,
        "Tags",
        MandatoryTagRulesProps(required_tags=TAGS, managed_by=("ManagedBy", "smus-estate"), name_prefix="smus-test-"),
    )
    rules = rules_by_name(synth(stack))
    keys = rules["smus-test-kms-keys-tagged"]
    assert keys["source"] == {"owner": "AWS", "source_identifier": "KMS_KEY_TAGGED"}
    assert json.loads(keys["input_parameters"]) == {"requiredKeyTags": "CostCenter,DataClassification,Environment"}
    assert keys["scope"] == {"tag_key": "ManagedBy", "tag_value": "smus-estate"}


def test_types_without_a_managed_tag_rule_get_one_guard_rule() -> None:
    stack = new_stack()
    MandatoryTagRules(
        stack,
        "Tags",
        MandatoryTagRulesProps(required_tags=TAGS, managed_by=("ManagedBy", "smus-estate"), name_prefix="smus-test-"),
    )
    guard = rules_by_name(synth(stack))["smus-test-resources-tagged"]
    assert guard["scope"]["compliance_resource_types"] == sorted(GUARD_TAGGED_RESOURCE_TYPES)
    assert_subset(
        guard["source"], {"owner": "CUSTOM_POLICY", "custom_policy_details": {"policy_runtime": "guard-2.x.x"}}
    )
    assert {detail["message_type"] for detail in guard["source"]["source_detail"]} == {
        "ConfigurationItemChangeNotification",
        "OversizedConfigurationItemChangeNotification",
    }
    assert guard["source"]["custom_policy_details"]["policy_text"] == guard_mandatory_tags_policy(
        TAGS, ("ManagedBy", "smus-estate")
    )


def test_guard_policy_skips_resources_the_estate_does_not_manage_and_pins_each_value() -> None:
    text = guard_mandatory_tags_policy({"Environment": "prod", "CostCenter": 'CC "7"'}, ("ManagedBy", "smus-estate"))
    assert text.splitlines()[1:] == [
        'rule smus_mandatory_tags when tags.ManagedBy == "smus-estate" {',
        '    tags.CostCenter == "CC \\"7\\""',
        '    tags.Environment == "prod"',
        "}",
    ]


def test_mandatory_tag_rules_refuse_a_bad_managed_by_tag() -> None:
    with pytest.raises(PropValidationError, match=r"test/Tags: managed_by = \('Managed By', 'x'\)"):
        MandatoryTagRules(
            new_stack(),
            "Tags",
            MandatoryTagRulesProps(required_tags=TAGS, managed_by=("Managed By", "x"), name_prefix="p-"),
        )


def test_recorder_is_started_only_after_its_delivery_channel_and_rules_wait_for_it() -> None:
    stack = new_stack()
    recorder = ConfigRecorder(
        stack, "Recorder", ConfigRecorderProps(account_id=ACCOUNT, region=REGION, delivery_bucket="acme-config-logs")
    )
    StateBucketRules(
        stack,
        "State",
        StateBucketRulesProps(
            bucket_name=BUCKET,
            kms_key_arn=KEY,
            required_tags=TAGS,
            name_prefix="smus-test-",
            depends_on=[recorder.dependable],
        ),
    )
    doc = synth(stack)
    assert_subset(
        only(doc, "aws_config_configuration_recorder"),
        {
            "name": "default",
            "role_arn": (f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
            "recording_group": {"all_supported": True, "include_global_resource_types": True},
        },
    )
    channel = only(doc, "aws_config_delivery_channel")
    assert channel["s3_bucket_name"] == "acme-config-logs"
    assert [dep.split(".")[0] for dep in channel["depends_on"]] == ["aws_config_configuration_recorder"]
    status = only(doc, "aws_config_configuration_recorder_status")
    assert status["is_enabled"] is True
    assert [dep.split(".")[0] for dep in status["depends_on"]] == ["aws_config_delivery_channel"]
    for rule in rules_by_name(doc).values():
        assert all(dep.startswith("aws_config_configuration_recorder_status.") for dep in rule["depends_on"])


def test_recorder_refuses_a_bad_delivery_bucket() -> None:
    with pytest.raises(PropValidationError, match=r"test/Recorder: delivery_bucket = 's3://logs'"):
        ConfigRecorder(
            new_stack(), "Recorder", ConfigRecorderProps(account_id=ACCOUNT, region=REGION, delivery_bucket="s3://logs")
        )
