"""Pipeline signals alarmed on a learned baseline: apply duration and plan failures, per stack.

The article behind this estate names three signals for the Terraform pipeline - apply duration (a sudden rise means
Cloud Control API throttling or a problem with the SageMaker VPC endpoint), plan failure rate (drift or changes made
outside the pipeline) and the scheduled drift result - and asks for alarms on a baseline, not on an arbitrary fixed
threshold. The drift result stays a binary alarm (smus_constructs.observability.DriftAlarms): one drift is an event,
not a trend. The other two are alarmed here with CloudWatch anomaly detection:

    m1  = the metric (return_data = true)
    ad1 = ANOMALY_DETECTION_BAND(m1, N)  (return_data = true)
    threshold_metric_id = "ad1", comparison GreaterThanUpperThreshold

CloudWatch trains the model behind the band on up to two weeks of the metric's history (AWS, "Using CloudWatch
anomaly detection") and keeps retraining it; the article's "30-day baseline" is not a setting CloudWatch offers.
Until a model has data the alarm stays INSUFFICIENT_DATA, which notifies nobody (no insufficient-data actions).

The metrics come from the workflows (deploy.yml, drift.yml), named in smus_constructs.ops_metrics with the
dimensions `Account` and `Stack`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktn_provider_aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from constructs import Construct

from smus_constructs.errors import PropValidationError
from smus_constructs.observability import RUNBOOK, IAlertTopic, check_metric_props
from smus_constructs.ops_metrics import ACCOUNT_DIMENSION, METRIC_UNITS, STACK_DIMENSION, OpsMetric

#: Band width of the apply-duration alarm, in standard deviations of the model. Apply times vary a lot with what a
#: change touches (a no-op apply takes seconds, one that creates a project waits minutes on Cloud Control's waiter),
#: so AWS's default of 2 would page on ordinary large changes; 3 leaves only the tail a throttled API or a failing
#: VPC endpoint produces, where an apply takes several times its usual length.
APPLY_DURATION_BAND_WIDTH = 3
#: Band width of the plan-failure alarm. The metric is 0 or 1 and almost always 0, so the learned band hugs 0 and the
#: first failures after a clean baseline breach it whatever the width; the width decides how far a stack that fails
#: now and then may rise above its own usual rate. AWS's default, 2: wider would let a doubled failure rate pass.
PLAN_FAILED_BAND_WIDTH = 2
#: One hour: the slowest apply of a stack in the hour (`Maximum`). Deploys are rare, so most hours have no data.
APPLY_DURATION_PERIOD_SECONDS = 3600
#: Six hours, the drift workflow's schedule: every period holds at least the drift job's plan of each stack, and the
#: `Average` of PlanFailed over it is the stack's plan failure rate.
PLAN_FAILED_PERIOD_SECONDS = 6 * 3600
#: No apply in an hour is the normal case, not a problem, and it must not keep an earlier slow apply's ALARM standing:
#: an alarm already in ALARM sends nothing when the next slow apply comes. So silence counts as within the band and
#: every slow apply notifies once; its OK an hour later means "no slow apply since", not "fixed".
APPLY_DURATION_MISSING_DATA = "notBreaching"
#: A six-hour period without a plan means the drift job did not run: the heartbeat alarm reports that (it treats
#: silence as breaching). Here silence is neither a failure (that would page twice for one stopped job) nor a success
#: (that would clear a rising failure rate without one good plan), so the alarm keeps its state.
PLAN_FAILED_MISSING_DATA = "ignore"
#: Anomaly detection alarms on the upper side only: a faster apply or fewer failed plans are never a problem.
ABOVE_THE_BAND = "GreaterThanUpperThreshold"
METRIC_ID = "m1"
#: What the workflows send as the `Stack` dimension: a synthesised stack's name.
STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
BAND_ID = "ad1"


def anomaly_metric_queries(
    *, namespace: str, metric: OpsMetric, dimensions: Mapping[str, str], stat: str, period: int, band_width: int
) -> list[dict[str, Any]]:
    """The alarm's two queries as plain data: the metric (m1) and its band (ad1), both returned, as CloudWatch requires
    of an anomaly detection alarm; ``threshold_metric_id`` names ad1."""
    return [
        {
            "id": METRIC_ID,
            "return_data": True,
            "metric": {
                "namespace": namespace,
                "metric_name": metric.value,
                "dimensions": dict(dimensions),
                "stat": stat,
                "period": period,
                "unit": METRIC_UNITS[metric],
            },
        },
        {
            "id": BAND_ID,
            "expression": f"ANOMALY_DETECTION_BAND({METRIC_ID}, {band_width})",
            "label": f"{metric.value} (expected)",
            "return_data": True,
        },
    ]


def _query(query: Mapping[str, Any]) -> CloudwatchMetricAlarmMetricQuery:
    metric = query.get("metric")
    return CloudwatchMetricAlarmMetricQuery(
        id=query["id"],
        return_data=query["return_data"],
        expression=query.get("expression"),
        label=query.get("label"),
        metric=CloudwatchMetricAlarmMetricQueryMetric(**metric) if metric is not None else None,
    )


def stack_label(account_name: str, stack: str) -> str:
    """The part of an alarm name that names the stack: `dev-platform` -> `platform` (the prefix names the account)."""
    return stack.removeprefix(f"{account_name}-")


@dataclass(frozen=True, kw_only=True)
class PipelineSignalAlarmsProps:
    """Props of :class:`PipelineSignalAlarms`."""

    #: The account's short name: the value of the metrics' `Account` dimension.
    account_name: str
    #: The stacks CI plans and applies, e.g. ['dev-platform', 'dev-projects', 'dev-ops']: the `Stack` dimension.
    stack_names: Sequence[str]
    topic: IAlertTopic
    #: Alarm names start with this; the topic policy lets alarms so named publish.
    name_prefix: str
    #: default: 'SMUS/Drift'. Must equal what the workflows publish to.
    namespace: str = "SMUS/Drift"
    #: default: none. Where the drift job writes each stack's plan summary (drift_log.DriftLogGroup.link); the
    #: plan-failure alarms name it.
    drift_log_link: str | None = None


class PipelineSignalAlarms(Construct):
    """Per stack, an anomaly detection alarm on its apply duration (child ``ApplyDuration-<stack>``) and on its plan
    failure rate (child ``PlanFailed-<stack>``)."""

    def __init__(self, scope: Construct, id: str, props: PipelineSignalAlarmsProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        check_metric_props(path, props.namespace, props.account_name, props.name_prefix)
        if isinstance(props.stack_names, str) or not props.stack_names:
            raise PropValidationError(path, "stack_names", props.stack_names, "a non-empty list of stack names")
        if len(set(props.stack_names)) != len(props.stack_names):
            raise PropValidationError(path, "stack_names", list(props.stack_names), "each stack once")
        for stack in props.stack_names:
            if not STACK_NAME.match(stack):
                raise PropValidationError(path, "stack_names", stack, "a stack name such as 'prod-platform'")
        actions = [props.topic.topic_arn]
        logs = f" Plan summaries: log group {props.drift_log_link}." if props.drift_log_link else ""
        self.apply_duration: dict[str, CloudwatchMetricAlarm] = {}
        self.plan_failed: dict[str, CloudwatchMetricAlarm] = {}
        for stack in props.stack_names:
            dimensions = {ACCOUNT_DIMENSION: props.account_name, STACK_DIMENSION: stack}
            label = stack_label(props.account_name, stack)
            common: dict[str, Any] = {
                "comparison_operator": ABOVE_THE_BAND,
                "threshold_metric_id": BAND_ID,
                "evaluation_periods": 1,
                "datapoints_to_alarm": 1,
                "alarm_actions": actions,
                "ok_actions": actions,
            }
            self.apply_duration[stack] = CloudwatchMetricAlarm(
                self,
                f"ApplyDuration-{stack}",
                alarm_name=f"{props.name_prefix}{label}-apply-duration",
                alarm_description=(
                    f"terraform apply of {stack} took longer than its learned baseline (ANOMALY_DETECTION_BAND, "
                    f"{APPLY_DURATION_BAND_WIDTH} standard deviations): Cloud Control API throttling or a VPC "
                    f"endpoint problem. See {RUNBOOK}#apply-duration-above-its-baseline."
                ),
                metric_query=[
                    _query(q)
                    for q in anomaly_metric_queries(
                        namespace=props.namespace,
                        metric=OpsMetric.APPLY_DURATION_SECONDS,
                        dimensions=dimensions,
                        stat="Maximum",
                        period=APPLY_DURATION_PERIOD_SECONDS,
                        band_width=APPLY_DURATION_BAND_WIDTH,
                    )
                ],
                treat_missing_data=APPLY_DURATION_MISSING_DATA,
                **common,
            )
            self.plan_failed[stack] = CloudwatchMetricAlarm(
                self,
                f"PlanFailed-{stack}",
                alarm_name=f"{props.name_prefix}{label}-plan-failures",
                alarm_description=(
                    f"Plans of {stack} fail more often than their learned baseline (ANOMALY_DETECTION_BAND, "
                    f"{PLAN_FAILED_BAND_WIDTH} standard deviations, over 6 hours): a change outside the pipeline, a "
                    f"role or provider that broke.{logs} See {RUNBOOK}#plan-failures-above-their-baseline."
                ),
                metric_query=[
                    _query(q)
                    for q in anomaly_metric_queries(
                        namespace=props.namespace,
                        metric=OpsMetric.PLAN_FAILED,
                        dimensions=dimensions,
                        stat="Average",
                        period=PLAN_FAILED_PERIOD_SECONDS,
                        band_width=PLAN_FAILED_BAND_WIDTH,
                    )
                ],
                treat_missing_data=PLAN_FAILED_MISSING_DATA,
                **common,
            )
