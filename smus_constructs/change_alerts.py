"""Change alerts that watch every principal, the pipeline's own roles included (issue 12, finding 5).

The out-of-pipeline alert (smus_constructs.observability) ignores the deploy role's sessions on purpose: its calls are
the pipeline's. That leaves the deploy role itself unwatched, and it is the principal with the most rights. So three
more rules match calls that must never go unnoticed, *whoever* makes them:

* ``DestructiveDataZoneCalls`` - the DataZone deletions and removals of ``ops_metrics.DESTRUCTIVE_DATAZONE_EVENT_NAMES``
  (the deploy role deleting a domain past `prevent_destroy` included).
* ``KeyChanges`` - KMS calls that change who controls a key or whether it works (``KEY_CHANGE_EVENT_NAMES``), on
  any key of the account and region: the estate's domain, state and alert keys are among them, and an alias or a
  policy change on any key is rare enough to read.
* ``RoleChanges`` - IAM changes to the estate's roles (``ROLE_CHANGE_EVENT_NAMES``): the created roles
  `<domain>-*`, the roles handed in, and the deploy, plan, drift and break-glass roles. IAM is global: CloudTrail
  delivers its events to EventBridge in us-east-1 only, so in any other home region a rule there (``provider`` for
  us-east-1) forwards them to the home region's default event bus, through a role that may only put events there,
  where the home rule sends them to the topic like the others.

Every target has a dead-letter queue and a `FailedInvocations` alarm (smus_constructs.observability.AlertTopic).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import TerraformProvider
from cdktn_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktn_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetDeadLetterConfig,
    CloudwatchEventTargetInputTransformer,
)
from cdktn_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import PolicyDocument, policy_document
from smus_constructs.ops_metrics import (
    DATAZONE_EVENT_SOURCE,
    DESTRUCTIVE_DATAZONE_EVENT_NAMES,
    GLOBAL_EVENTS_REGION,
    KEY_CHANGE_EVENT_NAMES,
    KMS_EVENT_SOURCE,
    cloudtrail_pattern,
    role_change_pattern,
)
from smus_constructs.queue_policies import EVENTS_PRINCIPAL
from smus_constructs.role_names import SERVICE_ROLE_PATH

RUNBOOK = "docs/operations.md"


def forwarder_trust(account_id: str) -> PolicyDocument:
    """EventBridge of this account only (confused deputy: `aws:SourceAccount`)."""
    return policy_document(
        {
            "Sid": "EventBridgeOfThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_PRINCIPAL},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
    )


def forwarder_permissions(home_bus_arn: str) -> PolicyDocument:
    """Put events on the home region's default bus, nothing else."""
    return policy_document(
        {"Sid": "ForwardToTheHomeBus", "Effect": "Allow", "Action": "events:PutEvents", "Resource": home_bus_arn}
    )


@dataclass(frozen=True, kw_only=True)
class EstateChangeAlertsProps:
    """Props of :class:`EstateChangeAlerts`."""

    account_id: str
    #: The account's home region (where the topic and the DataZone and KMS rules live).
    region: str
    #: The alert topic's ARN.
    topic_arn: str
    #: The topic's dead-letter queue ARN (every target sends what it could not deliver there).
    dead_letter_queue_arn: str
    #: Rule and alarm names start with this (e.g. 'smus-prod-'); the topic lets rules so named publish.
    name_prefix: str
    #: Prefixes of the estate's created roles, e.g. ['acme-prod-'].
    role_name_prefixes: Sequence[str]
    #: Other roles of the estate, by name: the CI roles, the break-glass role, roles handed in.
    role_names: Sequence[str] = ()
    #: A provider for us-east-1, needed when ``region`` is another region (IAM events arrive only there).
    global_provider: TerraformProvider | None = None
    #: default: the forwarder role carries none. Set: the boundary every role the estate creates carries.
    permissions_boundary_arn: str | None = None
    #: default: `<first role name prefix>change-forwarder` under /service-role/ (the deploy role may pass exactly
    #: that role to EventBridge: pipeline_identity.ops_statements).
    forwarder_role_name: str | None = None


class EstateChangeAlerts(Construct):
    """Rules ``DestructiveDataZoneCalls``, ``KeyChanges`` and ``RoleChanges`` (each ``Rule``, ``Target``,
    ``FailedInvocations``), plus ``RoleChangesForwarder`` (rule, target, role) outside us-east-1."""

    def __init__(self, scope: Construct, id: str, props: EstateChangeAlertsProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        patterns.check(patterns.REGION, props.region, path=path, prop="region")
        if isinstance(props.role_name_prefixes, str) or not props.role_name_prefixes:
            raise PropValidationError(
                path, "role_name_prefixes", props.role_name_prefixes, "a non-empty list such as ['acme-prod-']"
            )
        if props.region != GLOBAL_EVENTS_REGION and props.global_provider is None:
            raise PropValidationError(
                path,
                "global_provider",
                None,
                f"an aws provider for {GLOBAL_EVENTS_REGION}: IAM's CloudTrail events reach EventBridge only there",
            )
        self.props = props
        partition = patterns.partition_of(props.region)
        self.patterns = {
            "DestructiveDataZoneCalls": cloudtrail_pattern(
                "aws.datazone", DATAZONE_EVENT_SOURCE, DESTRUCTIVE_DATAZONE_EVENT_NAMES
            ),
            "KeyChanges": cloudtrail_pattern("aws.kms", KMS_EVENT_SOURCE, KEY_CHANGE_EVENT_NAMES),
            "RoleChanges": role_change_pattern(props.role_name_prefixes, props.role_names),
        }
        names = {
            "DestructiveDataZoneCalls": "destructive-datazone-calls",
            "KeyChanges": "key-changes",
            "RoleChanges": "role-changes",
        }
        descriptions = {
            "DestructiveDataZoneCalls": "DataZone deletions and removals, by any principal (the deploy role too)",
            "KeyChanges": "KMS key policy, state and alias changes, by any principal",
            "RoleChanges": "IAM changes to the estate's roles, by any principal",
        }
        self.rules: dict[str, CloudwatchEventRule] = {}
        #: The home region's rules by child, as literal names (a dashboard graphs their TriggeredRules by name).
        self.rule_names: dict[str, str] = {}
        self.alarms: dict[str, CloudwatchMetricAlarm] = {}
        for child, pattern in self.patterns.items():
            group = Construct(self, child)
            rule_name = f"{props.name_prefix}{names[child]}"
            self.rule_names[child] = rule_name
            rule = CloudwatchEventRule(
                group,
                "Rule",
                name=rule_name,
                description=descriptions[child],
                event_pattern=json.dumps(pattern, sort_keys=True),
            )
            CloudwatchEventTarget(
                group,
                "Target",
                rule=rule.name,
                target_id="AlertTopic",
                arn=props.topic_arn,
                dead_letter_config=CloudwatchEventTargetDeadLetterConfig(arn=props.dead_letter_queue_arn),
                input_transformer=CloudwatchEventTargetInputTransformer(
                    input_paths={
                        "account": "$.account",
                        "region": "$.region",
                        "time": "$.time",
                        "event": "$.detail.eventName",
                        "source": "$.detail.eventSource",
                        "caller": "$.detail.userIdentity.arn",
                    },
                    input_template=json.dumps(
                        f"<source> <event> in <account>/<region> at <time> by <caller>. See {RUNBOOK}#estate-change."
                    ),
                ),
            )
            self.rules[child] = rule
            self.alarms[child] = failed_invocations_alarm(
                group, rule_name, props.topic_arn, f"{props.name_prefix}{names[child]}-failed-invocations"
            )
        self.forwarder: IamRole | None = None
        if props.region != GLOBAL_EVENTS_REGION:
            self.forwarder = self._forward_iam_events(partition)

    def _forward_iam_events(self, partition: str) -> IamRole:
        props = self.props
        group = Construct(self, "RoleChangesForwarder")
        home_bus = f"arn:{partition}:events:{props.region}:{props.account_id}:event-bus/default"
        role_name = props.forwarder_role_name or f"{sorted(props.role_name_prefixes)[0]}change-forwarder"
        role = IamRole(
            group,
            "Role",
            name=role_name,
            path=SERVICE_ROLE_PATH,
            description=f"Forwards IAM changes of the estate's roles from {GLOBAL_EVENTS_REGION} to {props.region}",
            assume_role_policy=json.dumps(forwarder_trust(props.account_id), sort_keys=True),
            permissions_boundary=props.permissions_boundary_arn,
        )
        IamRolePolicy(
            group,
            "Policy",
            name="ForwardToTheHomeBus",
            role=role.id,
            policy=json.dumps(forwarder_permissions(home_bus), sort_keys=True),
        )
        rule = CloudwatchEventRule(
            group,
            "Rule",
            provider=props.global_provider,
            name=f"{props.name_prefix}role-changes-forward",
            description=f"IAM changes to the estate's roles, forwarded to {props.region} (IAM events arrive here only)",
            event_pattern=json.dumps(self.patterns["RoleChanges"], sort_keys=True),
        )
        CloudwatchEventTarget(
            group,
            "Target",
            provider=props.global_provider,
            rule=rule.name,
            target_id="HomeRegionBus",
            arn=home_bus,
            role_arn=role.arn,
        )
        return role


def failed_invocations_alarm(
    scope: Construct, rule_name: str, topic_arn: str, alarm_name: str
) -> CloudwatchMetricAlarm:
    """`AWS/Events FailedInvocations` of one rule, through CloudWatch (not EventBridge) to the topic: an alert that
    could not be delivered is itself alerted on, by the other path. The dead-letter queue holds the lost event."""
    return CloudwatchMetricAlarm(
        scope,
        "FailedInvocations",
        alarm_name=alarm_name,
        alarm_description=(
            f"EventBridge could not deliver an alert of rule {rule_name} to the topic; the event is in the dead-letter "
            f"queue. See {RUNBOOK}#failed-invocations."
        ),
        namespace="AWS/Events",
        metric_name="FailedInvocations",
        dimensions={"RuleName": rule_name},
        statistic="Sum",
        period=300,
        evaluation_periods=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        threshold=1,
        treat_missing_data="notBreaching",
        alarm_actions=[topic_arn],
    )
