"""The ops layer of one account: how the team learns that the estate changed without the pipeline, or the pipeline
stopped watching it.

A stack of its own (`<account>-ops`, own state object) rather than part of the platform layer: alarms and rules change
far more often than the domain, and an alarm threshold must never share a plan - or a lock - with the domain.
It references nothing in the other stacks' state: the change alert matches the deploy role by the ARN written in config,
the metrics are keyed by account name, and the state bucket rules by `[state]`. One thing it reads from AWS: a domain
key the platform stack created, by its alias (stacks.ops_key_usage), so in that case it plans after the platform
stack, as CI applies them.
"""

from __future__ import annotations

from cdktn_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktn_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
from constructs import Construct

from config.errors import ConfigError
from config.loader import LoadedAccount
from config.models import MANDATORY_TAGS, AccountConfig
from config.pipeline_trust import drift_role_arn, operations_issues, plan_role_arn
from smus_constructs.change_alerts import EstateChangeAlerts, EstateChangeAlertsProps
from smus_constructs.config_rules import (
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
)
from smus_constructs.dashboard import OpsDashboard, OpsDashboardProps
from smus_constructs.dashboard_body import MetricSpec, Stat
from smus_constructs.drift_log import DriftLogGroup, DriftLogGroupProps
from smus_constructs.key_usage import PERIOD_SECONDS as KEY_USAGE_PERIOD_SECONDS
from smus_constructs.literals import literal_map
from smus_constructs.observability import (
    AlertTopic,
    AlertTopicProps,
    DriftAlarms,
    DriftAlarmsProps,
    OutOfPipelineChangeAlerts,
    OutOfPipelineChangeAlertsProps,
    ProjectQuotaAlarm,
    ProjectQuotaAlarmProps,
    Subscription,
)
from smus_constructs.ops_metrics import (
    ACCOUNT_DIMENSION,
    EVENTS_NAMESPACE,
    GLOBAL_EVENTS_REGION,
    KEY_USAGE_BAND_WIDTH,
    RULE_NAME_DIMENSION,
    STACK_DIMENSION,
    TRIGGERED_RULES_METRIC,
    OpsMetric,
    drift_log_group_name,
    key_usage_rule_name,
)
from smus_constructs.patterns import partition_of
from smus_constructs.pipeline_rules import split_role_arn
from smus_constructs.pipeline_signals import (
    APPLY_DURATION_BAND_WIDTH,
    APPLY_DURATION_PERIOD_SECONDS,
    PLAN_FAILED_BAND_WIDTH,
    PLAN_FAILED_PERIOD_SECONDS,
    PipelineSignalAlarms,
    PipelineSignalAlarmsProps,
    stack_label,
)
from stacks.account_stack import AccountStack, Layer, stack_name
from stacks.bootstrap import given_role_arns
from stacks.ops_artifact_logging import artifact_access_rules
from stacks.ops_dashboard import OpsDashboardInputs, ops_dashboard_widgets
from stacks.ops_key_usage import domain_key_usage
from stacks.ops_names import ops_name_prefix


def estate_role_names(config: AccountConfig) -> list[str]:
    """The estate's roles not named `<domain>-*`: the CI roles, the break-glass role, and every role handed in."""
    arns = {
        config.account.deploy_role_arn,
        plan_role_arn(config),
        drift_role_arn(config),
        config.bootstrap.break_glass_role_arn,
        *given_role_arns(config),
    }
    return sorted({split_role_arn(arn)[3] for arn in arns} - {""})


class OpsStack(AccountStack):
    """Alert topic, drift log group, drift, pipeline-signal and quota alarms, the change alerts, the account's
    dashboard, and the AWS Config rules."""

    def __init__(self, scope: Construct, loaded: LoadedAccount) -> None:
        super().__init__(scope, loaded, Layer.OPS)
        issues = list(operations_issues(loaded.path, loaded.config))
        if issues:
            raise ConfigError(issues)
        config = loaded.config
        account = config.account
        ops = config.operations
        prefix = ops_name_prefix(loaded.name)

        self.alerts = AlertTopic(
            self,
            "Alerts",
            AlertTopicProps(
                topic_name=f"{prefix}alerts",
                account_id=account.account_id,
                region=account.region,
                publisher_name_prefix=prefix,
                # The break-glass role reads what EventBridge could not deliver (docs/operations.md).
                dead_letter_reader_arns=[config.bootstrap.break_glass_role_arn],
                subscriptions=[
                    *(Subscription(protocol="email", endpoint=address) for address in ops.alert_emails),
                    *(Subscription(protocol=item.protocol, endpoint=item.endpoint) for item in ops.alert_subscriptions),
                ],
            ),
        )
        # Where the drift job writes each stack's plan summary (addresses and actions); the alarms link it.
        self.drift_log = DriftLogGroup(
            self,
            "DriftLog",
            DriftLogGroupProps(
                log_group_name=drift_log_group_name(loaded.name),
                account_id=account.account_id,
                region=account.region,
                retention_days=ops.drift_log_retention_days,
            ),
        )
        self.drift = DriftAlarms(
            self,
            "DriftAlarms",
            DriftAlarmsProps(
                account_name=loaded.name,
                topic=self.alerts,
                name_prefix=prefix,
                namespace=ops.metric_namespace,
                heartbeat_hours=ops.heartbeat_hours,
                drift_log_link=self.drift_log.link,
            ),
        )
        # One anomaly detection alarm per CI stack and signal: the stacks deploy.yml applies and drift.yml plans.
        self.pipeline_signals = PipelineSignalAlarms(
            self,
            "PipelineSignals",
            PipelineSignalAlarmsProps(
                account_name=loaded.name,
                # A member account (no domain of its own) has no projects stack (smus_cli.ci_matrix.MEMBER_CI_LAYERS).
                stack_names=[
                    stack_name(loaded.name, layer)
                    for layer in Layer
                    if not (config.domain is None and layer is Layer.PROJECTS)
                ],
                topic=self.alerts,
                name_prefix=prefix,
                namespace=ops.metric_namespace,
                drift_log_link=self.drift_log.link,
            ),
        )
        # A member account has no domain, so no projects of its own: the shared domain's quota is alarmed on in the
        # domain account, whose drift job alone counts its projects (drift.yml, "Count projects").
        self.quota: ProjectQuotaAlarm | None = None
        if config.domain is not None:
            self.quota = ProjectQuotaAlarm(
                self,
                "ProjectQuota",
                ProjectQuotaAlarmProps(
                    account_name=loaded.name,
                    topic=self.alerts,
                    name_prefix=prefix,
                    quota=ops.project_quota,
                    threshold_percent=ops.quota_threshold_percent,
                    namespace=ops.metric_namespace,
                ),
            )
        self.changes = OutOfPipelineChangeAlerts(
            self,
            "OutOfPipelineChanges",
            OutOfPipelineChangeAlertsProps(
                pipeline_role_arn=account.deploy_role_arn,
                topic=self.alerts,
                rule_name=f"{prefix}out-of-pipeline-changes",
                dead_letter_queue_arn=self.alerts.dead_letter_queue_arn,
            ),
        )
        self.key_usage = domain_key_usage(self, config, prefix, self.alerts)
        self.global_aws = self._global_provider()
        self.estate_changes = EstateChangeAlerts(
            self,
            "EstateChanges",
            EstateChangeAlertsProps(
                account_id=account.account_id,
                region=account.region,
                topic_arn=self.alerts.topic_arn,
                dead_letter_queue_arn=self.alerts.dead_letter_queue_arn,
                name_prefix=prefix,
                role_name_prefixes=[f"{config.name_prefix}-"],
                role_names=estate_role_names(config),
                global_provider=self.global_aws,
                permissions_boundary_arn=config.role_settings.permissions_boundary_arn,
            ),
        )
        self.recorder: ConfigRecorder | None = None
        if ops.create_config_recorder and ops.config_delivery_bucket is not None:
            self.recorder = ConfigRecorder(
                self,
                "ConfigRecorder",
                ConfigRecorderProps(
                    account_id=account.account_id, region=account.region, delivery_bucket=ops.config_delivery_bucket
                ),
            )
        depends_on = [self.recorder.dependable] if self.recorder is not None else []
        self.state_bucket_rules: StateBucketRules | None = None
        self.tag_rules: MandatoryTagRules | None = None
        self.topic_rule: ManagedRule | None = None
        self.artifact_rules = artifact_access_rules(self, config, prefix, depends_on) if ops.config_rules else None
        if ops.config_rules:
            mandatory = {key: config.tags[key] for key in MANDATORY_TAGS}
            self.state_bucket_rules = StateBucketRules(
                self,
                "StateBucketRules",
                StateBucketRulesProps(
                    bucket_name=config.state.bucket,
                    kms_key_arn=config.state.kms_key_arn,
                    required_tags=mandatory,
                    name_prefix=prefix,
                    depends_on=depends_on,
                ),
            )
            self.tag_rules = MandatoryTagRules(
                self,
                "MandatoryTagRules",
                MandatoryTagRulesProps(
                    required_tags=mandatory,
                    # The provider default tag every resource of the estate carries (stacks.account_stack.default_tags).
                    managed_by=("ManagedBy", self.tags["ManagedBy"]),
                    name_prefix=prefix,
                    depends_on=depends_on,
                ),
            )
            self.topic_rule = ManagedRule(
                self,
                "AlertTopicEncrypted",
                ManagedRuleProps(
                    rule_name=f"{prefix}alert-topic-encrypted",
                    identifier=ManagedRuleId.SNS_ENCRYPTED_KMS,
                    description="The alert topic stays encrypted with its own key",
                    input_parameters={"kmsKeyIds": self.alerts.key_arn},
                    scope=RuleScope(resource_types=["AWS::SNS::Topic"], resource_id=self.alerts.topic_arn),
                    depends_on=depends_on,
                ),
            )

        # Last, so every alarm above is on it (the alarm status widget lists them all).
        self.dashboard = self._dashboard()

    def _dashboard(self) -> OpsDashboard:
        """The account's one dashboard, from the names and thresholds the alarms and rules above were built with."""
        config = self.loaded.config
        ops, account = config.operations, config.account
        partition = partition_of(account.region)
        alarms = [node for node in self.node.find_all() if isinstance(node, CloudwatchMetricAlarm)]
        alarm_arns = []
        for alarm in alarms:
            # The only provider alias of this stack is the us-east-1 one (IAM's events); no alarm uses it today.
            region = account.region if alarm.provider is None else GLOBAL_EVENTS_REGION
            alarm_arns.append(
                f"arn:{partition}:cloudwatch:{region}:{account.account_id}:alarm:{alarm.alarm_name_input}"
            )
        return OpsDashboard(
            self,
            "Dashboard",
            OpsDashboardProps(
                dashboard_name=f"{ops_name_prefix(self.loaded.name)}estate",
                region=account.region,
                widgets=ops_dashboard_widgets(
                    OpsDashboardInputs(
                        account_name=self.loaded.name,
                        namespace=ops.metric_namespace,
                        heartbeat_hours=ops.heartbeat_hours,
                        project_quota=ops.project_quota if self.quota is not None else None,
                        quota_threshold=self.quota.threshold if self.quota is not None else None,
                        quota_threshold_percent=ops.quota_threshold_percent,
                        change_rule_names=[self.changes.rule_name, *self.estate_changes.rule_names.values()],
                        alarm_arns=sorted(alarm_arns),
                        key_usage=self._key_usage_metric(),
                        drift_log_group=drift_log_group_name(self.loaded.name),
                        apply_durations=self._stack_signals(
                            OpsMetric.APPLY_DURATION_SECONDS,
                            Stat.MAXIMUM,
                            APPLY_DURATION_PERIOD_SECONDS,
                            APPLY_DURATION_BAND_WIDTH,
                        ),
                        plan_failures=self._stack_signals(
                            OpsMetric.PLAN_FAILED, Stat.AVERAGE, PLAN_FAILED_PERIOD_SECONDS, PLAN_FAILED_BAND_WIDTH
                        ),
                    )
                ),
            ),
        )

    def _key_usage_metric(self) -> MetricSpec | None:
        """The key-usage rule's matches, read as its anomaly alarm reads them (DomainKeyUsage), with its band."""
        if self.key_usage is None:
            return None
        return MetricSpec(
            namespace=EVENTS_NAMESPACE,
            metric_name=TRIGGERED_RULES_METRIC,
            dimensions={RULE_NAME_DIMENSION: key_usage_rule_name(ops_name_prefix(self.loaded.name))},
            stat=Stat.SUM,
            period=KEY_USAGE_PERIOD_SECONDS,
            label="domain key Decrypt/GenerateDataKey* calls",
            band_width=KEY_USAGE_BAND_WIDTH,
        )

    def _stack_signals(self, metric: OpsMetric, stat: Stat, period: int, band_width: float) -> list[MetricSpec]:
        """One line per CI stack, read as its anomaly alarm reads it (PipelineSignalAlarms), with the alarm's band."""
        name = self.loaded.name
        return [
            MetricSpec(
                namespace=self.loaded.config.operations.metric_namespace,
                metric_name=metric.value,
                dimensions={ACCOUNT_DIMENSION: name, STACK_DIMENSION: stack},
                stat=stat,
                period=period,
                label=stack_label(name, stack),
                band_width=band_width,
            )
            for stack in self.pipeline_signals.apply_duration
        ]

    def _global_provider(self) -> AwsProvider | None:
        """An aws provider for us-east-1, where IAM's CloudTrail events reach EventBridge; None when that is home."""
        account = self.loaded.config.account
        if account.region == GLOBAL_EVENTS_REGION:
            return None
        return AwsProvider(
            self,
            "aws-global-events",
            alias="global_events",
            region=GLOBAL_EVENTS_REGION,
            allowed_account_ids=[account.account_id],
            assume_role=[AwsProviderAssumeRole(role_arn=account.deploy_role_arn, session_name=self._session_name)],
            default_tags=[AwsProviderDefaultTags(tags=literal_map(self.tags))],
        )
