"""What the account's one dashboard shows, in reading order: the widget specs of the `<account>-ops` stack.

Every widget reads a metric something in the estate really produces: the drift job's metrics in the account's
`[operations] metric_namespace` (smus_constructs.ops_metrics, which drift.yml publishes), and `AWS/Events`
`TriggeredRules` of the rules the ops stack creates, by their names. Each threshold drawn is the alarm's own, taken
from the alarm's construct, so a graph and its alarm cannot disagree. tests/test_dashboard.py checks both.

The module imports no cdktn itself: the specs are plain data (smus_constructs.dashboard_body).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smus_constructs.dashboard_body import (
    AlarmStatusWidget,
    GraphWidget,
    HorizontalLine,
    LogWidget,
    MetricSpec,
    Stat,
    TextWidget,
    Widget,
)
from smus_constructs.ops_metrics import ACCOUNT_DIMENSION, OpsMetric

EVENTS_NAMESPACE = "AWS/Events"
TRIGGERED_RULES = "TriggeredRules"
#: What drift.yml writes to the drift log for each stack and run (its `jq -cn ... '{stack: ..., ...}'` objects).
DRIFT_LOG_FIELDS = ("stack", "result", "plan_exit", "changes")
#: The colour of an alarm threshold and of a hard limit on every graph.
ALARM_COLOR = "#d62728"
LIMIT_COLOR = "#7f7f7f"


@dataclass(frozen=True, kw_only=True)
class OpsDashboardInputs:
    """What the dashboard needs of the ops stack: names and thresholds, as the alarms and rules were built."""

    account_name: str
    #: `[operations] metric_namespace`: where drift.yml publishes.
    namespace: str
    #: The heartbeat alarm's window (`[operations] heartbeat_hours`).
    heartbeat_hours: int
    #: The project quota and the count at which its alarm fires (ProjectQuotaAlarm.threshold); both None in a member
    #: account, which has no projects of its own (no project widget).
    project_quota: int | None
    quota_threshold: int | None
    quota_threshold_percent: int
    #: The change-alert rules of the home region, by name (the out-of-pipeline rule and the estate-change rules).
    change_rule_names: Sequence[str]
    #: Every alarm of the ops stack, by ARN: the status widget shows which are in ALARM.
    alarm_arns: Sequence[str]
    #: default: none. Each stack's ApplyDurationSeconds as its anomaly alarm reads it (statistic, period, band).
    apply_durations: Sequence[MetricSpec] = ()
    #: default: none. Each stack's PlanFailed rate as its anomaly alarm reads it.
    plan_failures: Sequence[MetricSpec] = ()
    #: default: none (no key-usage rule, e.g. an AWS-owned domain key). The rule's TriggeredRules with its alarm's band.
    key_usage: MetricSpec | None = None
    #: default: none. The drift log group: a log widget shows the newest plan summaries.
    drift_log_group: str | None = None


def ops_dashboard_widgets(inputs: OpsDashboardInputs) -> list[Widget]:
    """The alarms' states, drift and its heartbeat, the project count against its quota, the change alerts' matches."""
    account = {ACCOUNT_DIMENSION: inputs.account_name}

    def drift_metric(metric: OpsMetric, label: str, stat: Stat = Stat.MAXIMUM, period: int | None = None) -> MetricSpec:
        return MetricSpec(
            namespace=inputs.namespace,
            metric_name=metric.value,
            dimensions=account,
            stat=stat,
            period=period,
            label=label,
        )

    heartbeat_seconds = inputs.heartbeat_hours * 3600
    projects = _project_widgets(inputs, drift_metric(OpsMetric.PROJECT_COUNT, "projects in the domain"))
    # One row of the 24-column grid: drift, heartbeat and (in a domain account) projects.
    drift_width = 24 // (2 + len(projects))
    return [
        TextWidget(
            markdown=(
                f"## Estate {inputs.account_name}: drift, pipeline and change alerts\n"
                "The scheduled drift job (`.github/workflows/drift.yml`, every 6 hours) publishes the "
                f"{'drift, heartbeat and project' if projects else 'drift and heartbeat'} metrics and plan failures, "
                "the deploy job (`deploy.yml`) apply durations and plan "
                "failures; EventBridge counts the key-usage and change-alert rules' matches. What each alarm means "
                "and what to do: `docs/operations.md` in the estate repository."
            ),
            height=3,
        ),
        AlarmStatusWidget(
            title=f"Alarms of account {inputs.account_name}, ALARM first",
            alarm_arns=inputs.alarm_arns,
            # Four tiles to a row; one row of the grid holds about one row of tiles, plus the title.
            height=2 + -(-len(inputs.alarm_arns) // 4),
        ),
        GraphWidget(
            title=f"Drift: account {inputs.account_name}",
            metrics=[
                drift_metric(OpsMetric.DRIFT_DETECTED, "drift found (1 = a stack differs)"),
                drift_metric(OpsMetric.DRIFT_CHECK_ERRORS, "stacks the drift job could not plan"),
            ],
            lines=[HorizontalLine(value=1, label="alarm: drift-detected / drift-check-failed", color=ALARM_COLOR)],
            width=drift_width,
        ),
        GraphWidget(
            title=f"Drift heartbeat (runs per {inputs.heartbeat_hours} h)",
            metrics=[
                drift_metric(OpsMetric.DRIFT_CHECK_COMPLETED, "completed drift runs", Stat.SUM, heartbeat_seconds),
            ],
            period=heartbeat_seconds,
            lines=[
                HorizontalLine(value=1, label="alarm below: drift-heartbeat", fill="below", color=ALARM_COLOR),
            ],
            width=drift_width,
        ),
        *projects,
        *_signal_widgets(inputs),
        GraphWidget(
            title="Change alerts: events each rule matched",
            metrics=[
                MetricSpec(
                    namespace=EVENTS_NAMESPACE,
                    metric_name=TRIGGERED_RULES,
                    dimensions={"RuleName": name},
                    stat=Stat.SUM,
                    label=name,
                )
                for name in inputs.change_rule_names
            ],
            width=12 if inputs.key_usage is not None else 24,
        ),
        *(
            [
                LogWidget(
                    title="Drift per stack: the drift job's newest results (drift log: addresses and actions only)",
                    log_group_names=[inputs.drift_log_group],
                    # The fields of drift.yml's one JSON event per stack and run (Logs Insights discovers them).
                    query=f"fields @timestamp, {', '.join(DRIFT_LOG_FIELDS)} | sort @timestamp desc | limit 30",
                )
            ]
            if inputs.drift_log_group is not None
            else []
        ),
    ]


def _project_widgets(inputs: OpsDashboardInputs, count: MetricSpec) -> list[Widget]:
    """The project count against its quota and alarm, or nothing in a member account (no projects of its own)."""
    if inputs.project_quota is None or inputs.quota_threshold is None:
        return []
    return [
        GraphWidget(
            title="Projects against the quota",
            metrics=[count],
            lines=[
                HorizontalLine(value=inputs.project_quota, label=f"quota {inputs.project_quota}", color=LIMIT_COLOR),
                HorizontalLine(
                    value=inputs.quota_threshold,
                    label=f"alarm: project-quota at {inputs.quota_threshold_percent}% ({inputs.quota_threshold})",
                    fill="above",
                    color=ALARM_COLOR,
                ),
            ],
            width=8,
        )
    ]


def _signal_widgets(inputs: OpsDashboardInputs) -> list[Widget]:
    """The pipeline signals and the key usage, each line with the band its anomaly alarm compares against."""
    widgets: list[Widget] = []
    if inputs.apply_durations:
        widgets.append(
            GraphWidget(
                title="Apply duration per stack, with the alarms' expected band",
                metrics=inputs.apply_durations,
                period=max(metric.period or 3600 for metric in inputs.apply_durations),
            )
        )
    if inputs.plan_failures:
        widgets.append(
            GraphWidget(
                title="Plan failure rate per stack, with the alarms' expected band",
                metrics=inputs.plan_failures,
                period=max(metric.period or 3600 for metric in inputs.plan_failures),
            )
        )
    if inputs.key_usage is not None:
        widgets.append(
            GraphWidget(
                title="Domain key use, with the alarm's expected band",
                metrics=[inputs.key_usage],
                period=inputs.key_usage.period or 300,
            )
        )
    return widgets
