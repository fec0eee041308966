"""smus_constructs.pipeline_signals: anomaly detection alarms on apply duration and plan failures, per stack."""

from __future__ import annotations

from typing import Any

import pytest

from smus_constructs.errors import PropValidationError
from smus_constructs.observability import ImportedAlertTopic
from smus_constructs.ops_metrics import ACCOUNT_DIMENSION, STACK_DIMENSION, OpsMetric
from smus_constructs.pipeline_signals import (
    APPLY_DURATION_BAND_WIDTH,
    APPLY_DURATION_MISSING_DATA,
    APPLY_DURATION_PERIOD_SECONDS,
    PLAN_FAILED_BAND_WIDTH,
    PLAN_FAILED_MISSING_DATA,
    PLAN_FAILED_PERIOD_SECONDS,
    PipelineSignalAlarms,
    PipelineSignalAlarmsProps,
    anomaly_metric_queries,
)
from tests.conftest import StackDoc
from tests.helpers import ACCOUNT, REGION, all_of, by_path, full_synth, new_stack
from tests.test_estate import ACCOUNTS

TOPIC = ImportedAlertTopic(f"arn:aws:sns:{REGION}:{ACCOUNT}:ops")
STACKS = ("test-platform", "test-projects", "test-ops")
Doc = dict[str, Any]


def props(**overrides: Any) -> PipelineSignalAlarmsProps:
    values: dict[str, Any] = {
        "account_name": "test",
        "stack_names": STACKS,
        "topic": TOPIC,
        "name_prefix": "smus-test-",
        "namespace": "SMUS/Drift",
    }
    values.update(overrides)
    return PipelineSignalAlarmsProps(**values)


@pytest.fixture(scope="module")
def alarms_doc() -> Doc:
    stack = new_stack()
    PipelineSignalAlarms(stack, "Signals", props(drift_log_link="/smus/test/drift"))
    return full_synth(stack)


def queries_by_id(alarm: Doc) -> dict[str, Doc]:
    return {query["id"]: query for query in alarm["metric_query"]}


@pytest.mark.parametrize(
    ("child", "metric", "stat", "period", "band"),
    [
        ("ApplyDuration", OpsMetric.APPLY_DURATION_SECONDS, "Maximum", 3600, APPLY_DURATION_BAND_WIDTH),
        ("PlanFailed", OpsMetric.PLAN_FAILED, "Average", 21600, PLAN_FAILED_BAND_WIDTH),
    ],
)
def test_each_alarm_compares_its_metric_with_the_upper_edge_of_its_band(
    alarms_doc: Doc, child: str, metric: OpsMetric, stat: str, period: int, band: int
) -> None:
    for stack in STACKS:
        alarm = by_path(alarms_doc, "aws_cloudwatch_metric_alarm", f"Signals/{child}-{stack}")
        where = f"Signals/{child}-{stack}"
        queries = queries_by_id(alarm)
        assert set(queries) == {"m1", "ad1"}, where
        # CloudWatch requires both to be returned for an anomaly detection alarm.
        assert queries["m1"]["return_data"] is True and queries["ad1"]["return_data"] is True, where
        assert queries["m1"]["metric"] == {
            "namespace": "SMUS/Drift",
            "metric_name": metric.value,
            "dimensions": {ACCOUNT_DIMENSION: "test", STACK_DIMENSION: stack},
            "stat": stat,
            "period": period,
            "unit": "Seconds" if metric is OpsMetric.APPLY_DURATION_SECONDS else "Count",
        }, where
        assert queries["ad1"]["expression"] == f"ANOMALY_DETECTION_BAND(m1, {band})", where
        assert "metric" not in queries["ad1"] and "expression" not in queries["m1"], where
        assert alarm["threshold_metric_id"] == "ad1", where
        assert alarm["comparison_operator"] == "GreaterThanUpperThreshold", where
        # A band is the threshold: no fixed one, and no single-metric fields beside metric_query.
        assert not {"threshold", "metric_name", "namespace", "statistic", "period"} & set(alarm), where
        assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (1, 1), where
        assert alarm["alarm_actions"] == alarm["ok_actions"] == [TOPIC.topic_arn], where


def test_band_widths_and_periods_are_the_documented_ones() -> None:
    assert (APPLY_DURATION_BAND_WIDTH, PLAN_FAILED_BAND_WIDTH) == (3, 2)
    # Six hours is the drift schedule (drift.yml: every 6 hours), so every period holds a plan of each stack.
    assert (APPLY_DURATION_PERIOD_SECONDS, PLAN_FAILED_PERIOD_SECONDS) == (3600, 6 * 3600)


def test_missing_data_is_within_the_band_for_applies_and_keeps_the_state_for_plans(alarms_doc: Doc) -> None:
    assert (APPLY_DURATION_MISSING_DATA, PLAN_FAILED_MISSING_DATA) == ("notBreaching", "ignore")
    for stack in STACKS:
        apply = by_path(alarms_doc, "aws_cloudwatch_metric_alarm", f"Signals/ApplyDuration-{stack}")
        plan = by_path(alarms_doc, "aws_cloudwatch_metric_alarm", f"Signals/PlanFailed-{stack}")
        assert apply["treat_missing_data"] == "notBreaching", stack
        assert plan["treat_missing_data"] == "ignore", stack


def test_alarm_names_carry_the_prefix_and_the_stack_and_descriptions_the_runbook(alarms_doc: Doc) -> None:
    names = {alarm["alarm_name"] for alarm in all_of(alarms_doc, "aws_cloudwatch_metric_alarm").values()}
    layers, signals = ("platform", "projects", "ops"), ("apply-duration", "plan-failures")
    assert names == {f"smus-test-{layer}-{signal}" for layer in layers for signal in signals}
    plan = by_path(alarms_doc, "aws_cloudwatch_metric_alarm", "Signals/PlanFailed-test-projects")
    assert "docs/operations.md#plan-failures-above-their-baseline" in plan["alarm_description"]
    assert "log group /smus/test/drift" in plan["alarm_description"]
    apply = by_path(alarms_doc, "aws_cloudwatch_metric_alarm", "Signals/ApplyDuration-test-projects")
    assert "docs/operations.md#apply-duration-above-its-baseline" in apply["alarm_description"]


def test_the_queries_are_plain_data_the_alarm_sends_unchanged() -> None:
    queries = anomaly_metric_queries(
        namespace="N",
        metric=OpsMetric.PLAN_FAILED,
        dimensions={"Account": "a", "Stack": "a-ops"},
        stat="Average",
        period=60,
        band_width=5,
    )
    assert [query["id"] for query in queries] == ["m1", "ad1"]
    assert queries[1]["expression"] == "ANOMALY_DETECTION_BAND(m1, 5)"


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("stack_names", [], "a non-empty list of stack names"),
        ("stack_names", "test-ops", "a non-empty list of stack names"),
        ("stack_names", ["test-ops", "test-ops"], "each stack once"),
        ("stack_names", ["test ops"], "a stack name such as 'prod-platform'"),
        ("namespace", "AWS/Events", "a CloudWatch namespace"),
        ("account_name", "no spaces", "the account's short name"),
    ],
)
def test_bad_props_name_the_construct_the_field_and_what_is_accepted(field: str, value: Any, accepted: str) -> None:
    with pytest.raises(PropValidationError) as raised:
        PipelineSignalAlarms(new_stack(), "Signals", props(**{field: value}))
    message = str(raised.value)
    assert "test/Signals" in message and field in message and accepted in message, message


def test_every_example_ops_stack_alarms_on_both_signals_for_each_ci_stack(
    example_stacks: dict[str, StackDoc],
) -> None:
    for account in ACCOUNTS:
        alarms = [
            alarm
            for alarm in example_stacks[f"{account}-ops"]["resource"]["aws_cloudwatch_metric_alarm"].values()
            # Not the key-usage anomaly alarm, which watches EventBridge's AWS/Events metric (test_key_usage).
            if "metric_query" in alarm and queries_by_id(alarm)["m1"]["metric"]["namespace"] != "AWS/Events"
        ]
        metrics = [queries_by_id(alarm)["m1"]["metric"] for alarm in alarms]
        watched = {(metric["metric_name"], metric["dimensions"]["Stack"]) for metric in metrics}
        assert watched == {
            (metric.value, f"{account}-{layer}")
            for metric in (OpsMetric.APPLY_DURATION_SECONDS, OpsMetric.PLAN_FAILED)
            for layer in ("platform", "projects", "ops")
        }, account
        assert all(metric["dimensions"]["Account"] == account for metric in metrics)


def test_the_alarms_watch_exactly_the_stacks_ci_plans_and_applies(example_stacks: dict[str, StackDoc]) -> None:
    """A member account has no projects stack: an alarm on it would wait for data forever."""
    from smus_cli.ci_matrix import ci_stack_names

    for name, doc in example_stacks.items():
        if not name.endswith("-ops"):
            continue
        account = name.removesuffix("-ops")
        alarms = [a for a in doc["resource"]["aws_cloudwatch_metric_alarm"].values() if "metric_query" in a]
        metrics = [q["metric"] for a in alarms for q in a["metric_query"] if "metric" in q]
        stacks = {m["dimensions"]["Stack"] for m in metrics if "Stack" in m["dimensions"]}
        member = f"{account}-projects" not in example_stacks
        assert stacks >= set(ci_stack_names(account, member=member)), account
        assert stacks <= set(ci_stack_names(account, member=member)), account
