"""AWS Config rules for what the estate must keep true between deploys: the state bucket's hardening and the tags.

Managed rules first; a custom rule only where AWS has none (see docs/operations.md, "AWS Config rules"):

* The state bucket - S3_BUCKET_VERSIONING_ENABLED, S3_BUCKET_SSL_REQUESTS_ONLY, S3_DEFAULT_ENCRYPTION_KMS (with the
  state key, stricter than S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, which also passes AES-256),
  S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED and REQUIRED_TAGS, each scoped to that one bucket; and what the checkov
  skips rely on (config/checkov-skips.toml): CLOUDTRAIL_S3_DATAEVENTS_ENABLED for the bucket (who read or wrote
  state is audited by CloudTrail data events, which the estate does not create) and KMS_CMK_NOT_SCHEDULED_FOR_DELETION
  over every key of the account (prevent_destroy does not stop a scheduled deletion; this reports it within the
  waiting period).
* Mandatory tags - REQUIRED_TAGS supports a fixed list of types (:data:`REQUIRED_TAGS_RESOURCE_TYPES`): of what the
  estate creates only the S3 bucket is on it. KMS keys have their own managed rule, KMS_KEY_TAGGED. IAM roles, SNS
  topics, CloudWatch alarms and EventBridge rules have none, so one Guard custom-policy rule covers them (no Lambda).
* DataZone - no rule can: REQUIRED_TAGS does not list any AWS::DataZone::* type and AWS Config records none of them.
  The drift plan (a removed default tag is a diff) and the out-of-pipeline alert (UntagResource) cover the domain.

Rules need a configuration recorder in the account and region. Organisations usually record every account
centrally; :class:`ConfigRecorder` creates one only when asked (`[operations] create_config_recorder`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from cdktn import ITerraformDependable
from cdktn_provider_aws.config_config_rule import (
    ConfigConfigRule,
    ConfigConfigRuleScope,
    ConfigConfigRuleSource,
    ConfigConfigRuleSourceCustomPolicyDetails,
    ConfigConfigRuleSourceSourceDetail,
)
from cdktn_provider_aws.config_configuration_recorder import (
    ConfigConfigurationRecorder,
    ConfigConfigurationRecorderRecordingGroup,
)
from cdktn_provider_aws.config_configuration_recorder_status import ConfigConfigurationRecorderStatus
from cdktn_provider_aws.config_delivery_channel import ConfigDeliveryChannel
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.literals import literal


class ManagedRuleId(StrEnum):
    """The AWS managed rules used here, by the identifier AWS Config's documentation gives each."""

    #: AWS::S3::Bucket (and the types in REQUIRED_TAGS_RESOURCE_TYPES); tag1Key..tag6Key, optional tagNValue.
    REQUIRED_TAGS = "REQUIRED_TAGS"
    #: AWS::KMS::Key; requiredKeyTags (CSV of keys, values not checked).
    KMS_KEY_TAGGED = "KMS_KEY_TAGGED"
    #: AWS::S3::Bucket; optional isMfaDeleteEnabled.
    S3_BUCKET_VERSIONING_ENABLED = "S3_BUCKET_VERSIONING_ENABLED"
    #: AWS::S3::Bucket, configuration changes; optional targetBucket, targetPrefix. NON_COMPLIANT unless server access
    #: logging is on (into targetBucket, when given).
    S3_BUCKET_LOGGING_ENABLED = "S3_BUCKET_LOGGING_ENABLED"
    #: AWS::S3::Bucket; no parameters. NON_COMPLIANT when the bucket policy allows plain HTTP.
    S3_BUCKET_SSL_REQUESTS_ONLY = "S3_BUCKET_SSL_REQUESTS_ONLY"
    #: AWS::S3::Bucket; optional kmsKeyArns (CSV). NON_COMPLIANT unless default encryption uses one of these keys.
    S3_DEFAULT_ENCRYPTION_KMS = "S3_DEFAULT_ENCRYPTION_KMS"
    #: AWS::S3::Bucket; optional excludedPublicBuckets (CSV).
    S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED = "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"
    #: AWS::SNS::Topic; optional kmsKeyIds (CSV).
    SNS_ENCRYPTED_KMS = "SNS_ENCRYPTED_KMS"
    #: Periodic; optional S3BucketNames (CSV). NON_COMPLIANT unless a trail logs S3 data events for those buckets.
    CLOUDTRAIL_S3_DATAEVENTS_ENABLED = "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"
    #: AWS::KMS::Key, periodic; optional kmsKeyIds (CSV; default every key). NON_COMPLIANT when a key is pending
    #: deletion, within KMS's waiting period, so the deletion can still be cancelled.
    KMS_CMK_NOT_SCHEDULED_FOR_DELETION = "KMS_CMK_NOT_SCHEDULED_FOR_DELETION"


#: The resource types the REQUIRED_TAGS managed rule evaluates, as AWS Config's documentation lists them.
REQUIRED_TAGS_RESOURCE_TYPES: tuple[str, ...] = (
    "AWS::ACM::Certificate",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::CloudFormation::Stack",
    "AWS::CodeBuild::Project",
    "AWS::DynamoDB::Table",
    "AWS::EC2::CustomerGateway",
    "AWS::EC2::Instance",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::NetworkInterface",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::Subnet",
    "AWS::EC2::Volume",
    "AWS::EC2::VPC",
    "AWS::EC2::VPNConnection",
    "AWS::EC2::VPNGateway",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBSecurityGroup",
    "AWS::RDS::DBSnapshot",
    "AWS::RDS::DBSubnetGroup",
    "AWS::RDS::EventSubscription",
    "AWS::Redshift::Cluster",
    "AWS::Redshift::ClusterParameterGroup",
    "AWS::Redshift::ClusterSecurityGroup",
    "AWS::Redshift::ClusterSnapshot",
    "AWS::Redshift::ClusterSubnetGroup",
    "AWS::S3::Bucket",
)
#: Types the estate creates that AWS Config records but no managed tag rule covers: the Guard rule's scope.
GUARD_TAGGED_RESOURCE_TYPES: tuple[str, ...] = (
    "AWS::CloudWatch::Alarm",
    "AWS::Events::Rule",
    "AWS::IAM::Role",
    "AWS::SNS::Topic",
)
REQUIRED_TAGS_MAX = 6
GUARD_RUNTIME = "guard-2.x.x"
RULE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# Guard reads `tags.<Key>`: keys limited to what that path syntax takes unquoted.
TAG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,127}$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True)
class RuleScope:
    """Which resources a rule evaluates: types, one type and one resource ID, or a tag. default: every resource."""

    resource_types: Sequence[str] = ()
    #: Only with exactly one resource type (an S3 bucket's ID is its name, an SNS topic's its ARN).
    resource_id: str | None = None
    tag_key: str | None = None
    tag_value: str | None = None

    def to_terraform(self) -> ConfigConfigRuleScope:
        return ConfigConfigRuleScope(
            compliance_resource_types=list(self.resource_types) or None,
            compliance_resource_id=self.resource_id,
            tag_key=self.tag_key,
            tag_value=literal(self.tag_value),
        )


def _check_scope(path: str, scope: RuleScope) -> None:
    if scope.resource_id is not None and len(scope.resource_types) != 1:
        raise PropValidationError(
            path, "scope.resource_types", list(scope.resource_types), "exactly one type when a resource_id is given"
        )
    if scope.tag_value is not None and scope.tag_key is None:
        raise PropValidationError(path, "scope.tag_key", None, "a tag key when a tag value is given")
    for resource_type in scope.resource_types:
        if not re.match(r"^AWS::\w+::\w+$", resource_type):
            raise PropValidationError(path, "scope.resource_types", resource_type, "a type such as 'AWS::S3::Bucket'")


def required_tags_parameters(tags: Mapping[str, str]) -> dict[str, str]:
    """REQUIRED_TAGS input parameters: tag1Key/tag1Value ... in key order, values pinned (a wrong value fails too)."""
    parameters: dict[str, str] = {}
    for index, (key, value) in enumerate(sorted(tags.items()), start=1):
        parameters[f"tag{index}Key"] = key
        parameters[f"tag{index}Value"] = value
    return parameters


@dataclass(frozen=True, kw_only=True)
class ManagedRuleProps:
    """Props of :class:`ManagedRule`."""

    rule_name: str
    identifier: ManagedRuleId
    description: str
    #: default: none. Values are strings, as AWS Config passes them (CSV lists joined with commas).
    input_parameters: Mapping[str, str] = field(default_factory=dict)
    #: default: every resource of the types the managed rule supports.
    scope: RuleScope | None = None
    #: default: nothing. The recorder's status resource when this stack creates the recorder.
    depends_on: Sequence[ITerraformDependable] = ()


class ManagedRule(Construct):
    """One AWS managed Config rule (child ``Resource``)."""

    def __init__(self, scope: Construct, id: str, props: ManagedRuleProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        if not RULE_NAME.match(props.rule_name):
            raise PropValidationError(path, "rule_name", props.rule_name, "1-128 of letters, digits, '_' or '-'")
        if not isinstance(props.identifier, ManagedRuleId):
            raise PropValidationError(
                path, "identifier", props.identifier, f"one of {', '.join(rule.value for rule in ManagedRuleId)}"
            )
        if props.scope is not None:
            _check_scope(path, props.scope)
        if props.identifier is ManagedRuleId.REQUIRED_TAGS:
            _check_required_tags_rule(path, props)
        self.resource = ConfigConfigRule(
            self,
            "Resource",
            name=props.rule_name,
            description=literal(props.description),
            source=ConfigConfigRuleSource(owner="AWS", source_identifier=props.identifier.value),
            input_parameters=literal(json.dumps(dict(props.input_parameters), sort_keys=True))
            if props.input_parameters
            else None,
            scope=props.scope.to_terraform() if props.scope is not None else None,
            depends_on=list(props.depends_on) or None,
        )

    @property
    def rule_name(self) -> str:
        return self.resource.name


def _check_required_tags_rule(path: str, props: ManagedRuleProps) -> None:
    keys = [name for name in props.input_parameters if name.endswith("Key")]
    if not keys or len(keys) > REQUIRED_TAGS_MAX:
        raise PropValidationError(
            path, "input_parameters", sorted(keys), f"1 to {REQUIRED_TAGS_MAX} tagNKey parameters (REQUIRED_TAGS limit)"
        )
    unsupported = [
        t for t in (props.scope.resource_types if props.scope else ()) if t not in REQUIRED_TAGS_RESOURCE_TYPES
    ]
    if unsupported:
        raise PropValidationError(
            path,
            "scope.resource_types",
            unsupported,
            "types REQUIRED_TAGS evaluates (smus_constructs.config_rules.REQUIRED_TAGS_RESOURCE_TYPES); "
            "use KMS_KEY_TAGGED or MandatoryTagRules' Guard rule for others",
        )


def _check_tags(path: str, tags: Mapping[str, str]) -> None:
    if not tags:
        raise PropValidationError(path, "required_tags", dict(tags), "one or more tags")
    if len(tags) > REQUIRED_TAGS_MAX:
        raise PropValidationError(path, "required_tags", sorted(tags), f"at most {REQUIRED_TAGS_MAX} tags")
    for key in tags:
        if not TAG_KEY.match(key):
            raise PropValidationError(path, "required_tags", key, "a tag key of letters, digits and '_'")


@dataclass(frozen=True, kw_only=True)
class StateBucketRulesProps:
    """Props of :class:`StateBucketRules`."""

    bucket_name: str
    #: The key the bucket's default encryption must use (`[state] kms_key_arn`).
    kms_key_arn: str
    #: Tag key -> the value the bucket must carry (the account's mandatory tags).
    required_tags: Mapping[str, str]
    #: Rule names start with this, e.g. 'smus-dev-'.
    name_prefix: str
    depends_on: Sequence[ITerraformDependable] = ()


class StateBucketRules(Construct):
    """The state bucket's hardening, checked continuously (children named for what each checks)."""

    def __init__(self, scope: Construct, id: str, props: StateBucketRulesProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        if not BUCKET.match(props.bucket_name):
            raise PropValidationError(path, "bucket_name", props.bucket_name, "an S3 bucket name")
        patterns.check(patterns.KMS_KEY_ARN, props.kms_key_arn, path=path, prop="kms_key_arn")
        _check_tags(path, props.required_tags)
        only_the_bucket = RuleScope(resource_types=["AWS::S3::Bucket"], resource_id=props.bucket_name)

        def rule(child: str, suffix: str, identifier: ManagedRuleId, description: str, **params: str) -> ManagedRule:
            return ManagedRule(
                self,
                child,
                ManagedRuleProps(
                    rule_name=f"{props.name_prefix}{suffix}",
                    identifier=identifier,
                    description=f"{description} (Terraform state bucket {props.bucket_name})",
                    input_parameters=params,
                    scope=only_the_bucket,
                    depends_on=props.depends_on,
                ),
            )

        self.versioning = rule(
            "Versioning",
            "state-bucket-versioning",
            ManagedRuleId.S3_BUCKET_VERSIONING_ENABLED,
            "Versioning keeps every earlier state so a bad apply can be rolled back",
        )
        self.tls_only = rule(
            "TlsOnly",
            "state-bucket-tls-only",
            ManagedRuleId.S3_BUCKET_SSL_REQUESTS_ONLY,
            "The bucket policy refuses plain HTTP",
        )
        self.encryption = rule(
            "Encryption",
            "state-bucket-kms-encryption",
            ManagedRuleId.S3_DEFAULT_ENCRYPTION_KMS,
            "Default encryption uses the state key",
            kmsKeyArns=props.kms_key_arn,
        )
        self.not_public = rule(
            "NotPublic",
            "state-bucket-not-public",
            ManagedRuleId.S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED,
            "Bucket-level public access is blocked",
        )
        self.tags = rule(
            "Tags",
            "state-bucket-required-tags",
            ManagedRuleId.REQUIRED_TAGS,
            "The bucket carries the mandatory tags with this account's values",
            **required_tags_parameters(props.required_tags),
        )

        # Periodic rules: they take no resource scope. Data events for this bucket, from any trail of the account.
        self.data_events = ManagedRule(
            self,
            "DataEvents",
            ManagedRuleProps(
                rule_name=f"{props.name_prefix}state-bucket-data-events",
                identifier=ManagedRuleId.CLOUDTRAIL_S3_DATAEVENTS_ENABLED,
                description=f"A CloudTrail trail logs S3 data events of the Terraform state bucket {props.bucket_name}",
                input_parameters={"S3BucketNames": props.bucket_name},
                depends_on=props.depends_on,
            ),
        )
        # Every key of the account: the state key, the domain key and the alert key among them.
        self.keys_not_scheduled_for_deletion = ManagedRule(
            self,
            "KeysNotScheduledForDeletion",
            ManagedRuleProps(
                rule_name=f"{props.name_prefix}kms-keys-not-scheduled-for-deletion",
                identifier=ManagedRuleId.KMS_CMK_NOT_SCHEDULED_FOR_DELETION,
                description="No KMS key of the account (state, domain and alert keys included) is pending deletion",
                depends_on=props.depends_on,
            ),
        )

    @property
    def rules(self) -> list[ManagedRule]:
        return [
            self.versioning,
            self.tls_only,
            self.encryption,
            self.not_public,
            self.tags,
            self.data_events,
            self.keys_not_scheduled_for_deletion,
        ]


def guard_mandatory_tags_policy(required_tags: Mapping[str, str], managed_by: tuple[str, str]) -> str:
    """Guard 2 policy: a resource tagged as the estate's carries every mandatory tag with the account's value.

    Resources the estate does not manage are skipped (NOT_APPLICABLE), so the rule can run over whole types.
    """
    key, value = managed_by
    checks = "\n".join(f"    tags.{tag} == {json.dumps(tag_value)}" for tag, tag_value in sorted(required_tags.items()))
    return (
        "# Resources managed by the smus estate keep the account's mandatory tags.\n"
        f"rule smus_mandatory_tags when tags.{key} == {json.dumps(value)} {{\n{checks}\n}}\n"
    )


@dataclass(frozen=True, kw_only=True)
class MandatoryTagRulesProps:
    """Props of :class:`MandatoryTagRules`."""

    required_tags: Mapping[str, str]
    #: The tag every resource of the estate carries (the providers' default tags), e.g. ('ManagedBy', 'smus-estate').
    managed_by: tuple[str, str]
    name_prefix: str
    depends_on: Sequence[ITerraformDependable] = ()


class MandatoryTagRules(Construct):
    """KMS_KEY_TAGGED for keys (child ``Keys``) and a Guard rule for the recorded types no managed rule covers
    (child ``Others``), both limited to resources carrying the estate's ``managed_by`` tag."""

    def __init__(self, scope: Construct, id: str, props: MandatoryTagRulesProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        _check_tags(path, props.required_tags)
        managed_key, managed_value = props.managed_by
        if not TAG_KEY.match(managed_key) or not managed_value:
            raise PropValidationError(path, "managed_by", props.managed_by, "a (tag key, value) pair")
        self.keys = ManagedRule(
            self,
            "Keys",
            ManagedRuleProps(
                rule_name=f"{props.name_prefix}kms-keys-tagged",
                identifier=ManagedRuleId.KMS_KEY_TAGGED,
                description="The estate's KMS keys carry the mandatory tags",
                input_parameters={"requiredKeyTags": ",".join(sorted(props.required_tags))},
                scope=RuleScope(tag_key=managed_key, tag_value=managed_value),
                depends_on=props.depends_on,
            ),
        )
        self.policy_text = guard_mandatory_tags_policy(props.required_tags, props.managed_by)
        self.others = ConfigConfigRule(
            self,
            "Others",
            name=f"{props.name_prefix}resources-tagged",
            description=(
                "The estate's IAM roles, SNS topics, alarms and EventBridge rules carry the mandatory tags with this "
                "account's values (no managed rule covers these types)"
            ),
            source=ConfigConfigRuleSource(
                owner="CUSTOM_POLICY",
                source_detail=[
                    ConfigConfigRuleSourceSourceDetail(
                        event_source="aws.config", message_type="ConfigurationItemChangeNotification"
                    ),
                    ConfigConfigRuleSourceSourceDetail(
                        event_source="aws.config", message_type="OversizedConfigurationItemChangeNotification"
                    ),
                ],
                custom_policy_details=ConfigConfigRuleSourceCustomPolicyDetails(
                    policy_runtime=GUARD_RUNTIME, policy_text=literal(self.policy_text)
                ),
            ),
            scope=ConfigConfigRuleScope(compliance_resource_types=list(GUARD_TAGGED_RESOURCE_TYPES)),
            depends_on=list(props.depends_on) or None,
        )


@dataclass(frozen=True, kw_only=True)
class ConfigRecorderProps:
    """Props of :class:`ConfigRecorder`."""

    account_id: str
    region: str
    #: Where configuration history and snapshots are delivered (its policy must let AWS Config write).
    delivery_bucket: str
    #: default: 'default'. An account has at most one recorder per region.
    recorder_name: str = "default"
    #: default: the AWS Config service-linked role, which must exist
    #: (`aws iam create-service-linked-role --aws-service-name config.amazonaws.com`).
    role_arn: str | None = None


class ConfigRecorder(Construct):
    """Opt-in: an AWS Config recorder of every supported type, its delivery channel, and its started status.

    Use it only where the organisation does not record the account already: a second recorder cannot be created.
    """

    def __init__(self, scope: Construct, id: str, props: ConfigRecorderProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        patterns.check(patterns.REGION, props.region, path=path, prop="region")
        if not BUCKET.match(props.delivery_bucket):
            raise PropValidationError(path, "delivery_bucket", props.delivery_bucket, "an S3 bucket name")
        partition = patterns.partition_of(props.region)
        role_arn = props.role_arn or (
            f"arn:{partition}:iam::{props.account_id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        )
        self.recorder = ConfigConfigurationRecorder(
            self,
            "Resource",
            name=props.recorder_name,
            role_arn=role_arn,
            recording_group=ConfigConfigurationRecorderRecordingGroup(
                all_supported=True, include_global_resource_types=True
            ),
        )
        self.delivery_channel = ConfigDeliveryChannel(
            self,
            "DeliveryChannel",
            name=props.recorder_name,
            s3_bucket_name=props.delivery_bucket,
            depends_on=[self.recorder],
        )
        # Rules evaluate only once the recorder runs, and it can start only with a delivery channel.
        self.status = ConfigConfigurationRecorderStatus(
            self, "Status", name=self.recorder.name, is_enabled=True, depends_on=[self.delivery_channel]
        )

    @property
    def dependable(self) -> ITerraformDependable:
        return self.status
