"""The account's one dashboard (issue 16, item 5): a body CloudWatch accepts, laid out on its grid, whose every
metric is one the estate really produces, and a README picture drawn from what is synthesised."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from smus_cli.dashboard_picture import dashboards_of, metric_lines, render_svg, terraform_literal
from smus_constructs.dashboard_body import (
    GRID_COLUMNS,
    AlarmStatusWidget,
    GraphWidget,
    HorizontalLine,
    LogWidget,
    MetricSpec,
    PlottedMetric,
    Stat,
    TextWidget,
    Widget,
    dashboard_body,
    layout,
    plotted_metrics,
)
from smus_constructs.errors import PropValidationError
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.test_estate import ACCOUNTS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PICTURE = ROOT / "docs" / "dashboard-prod.svg"
REGION = "eu-west-1"
EVENTS = "AWS/Events"


def metric(name: str = "DriftDetected", **overrides: Any) -> MetricSpec:
    props: dict[str, Any] = {"namespace": "SMUS/Drift", "metric_name": name, "dimensions": {"Account": "dev"}}
    props.update(overrides)
    return MetricSpec(**props)


def graph(**overrides: Any) -> GraphWidget:
    props: dict[str, Any] = {"title": "Drift", "metrics": [metric()]}
    props.update(overrides)
    return GraphWidget(**props)


def body_of(*widgets: Widget, **overrides: Any) -> dict[str, Any]:
    return dashboard_body(list(widgets), region=REGION, **overrides)


def refusal(*widgets: Widget, **overrides: Any) -> PropValidationError:
    with pytest.raises(PropValidationError) as caught:
        body_of(*widgets, **overrides)
    return caught.value


# --- the body, as plain data ---


def test_widgets_flow_left_to_right_and_wrap_without_overlapping() -> None:
    widths = [24, 8, 8, 8, 12, 13, 5, 24]
    placements = layout([TextWidget(markdown="x", width=w, height=2 + i % 3) for i, w in enumerate(widths)])
    assert [(p.x, p.y) for p in placements] == [(0, 0), (0, 2), (8, 2), (16, 2), (0, 6), (0, 9), (13, 9), (0, 13)]
    cells = [(p.x + dx, p.y + dy) for p in placements for dx in range(p.width) for dy in range(p.height)]
    assert len(cells) == len(set(cells)), "two widgets share a grid cell"
    assert all(0 <= x < GRID_COLUMNS for x, _ in cells)


def test_a_graph_is_a_metric_widget_with_its_metrics_region_and_period() -> None:
    body = body_of(graph(metrics=[metric(label="drift"), metric("DriftCheckErrors", stat=Stat.SUM, period=21600)]))
    assert body["periodOverride"] == "inherit" and body["start"] == "-P14D"
    (widget,) = body["widgets"]
    assert (widget["type"], widget["x"], widget["y"], widget["width"], widget["height"]) == ("metric", 0, 0, 12, 6)
    properties = widget["properties"]
    assert (properties["region"], properties["period"], properties["view"]) == (REGION, 3600, "timeSeries")
    assert properties["metrics"] == [
        ["SMUS/Drift", "DriftDetected", "Account", "dev", {"id": "m0", "stat": "Maximum", "label": "drift"}],
        ["SMUS/Drift", "DriftCheckErrors", "Account", "dev", {"id": "m1", "stat": "Sum", "period": 21600}],
    ]
    assert properties["yAxis"] == {"left": {"min": 0}}


def test_a_band_is_the_anomaly_detection_band_of_its_own_metric() -> None:
    body = body_of(graph(metrics=[metric(), metric("ApplyDurationSeconds", band_width=3, label="apply")]))
    metrics = body["widgets"][0]["properties"]["metrics"]
    assert len(metrics) == 3
    (band,) = metrics[2]
    assert band["expression"] == "ANOMALY_DETECTION_BAND(m1, 3)"
    assert band["id"] == "band1" and band["id"][0].islower(), "CloudWatch ids start with a lowercase letter"
    assert band["label"] == "apply: expected band (width 3)"
    assert metrics[1][-1]["id"] == "m1"


def test_lines_are_horizontal_annotations_with_their_shading() -> None:
    lines = [HorizontalLine(value=100, label="quota"), HorizontalLine(value=80, label="alarm", fill="above")]
    body = body_of(graph(lines=lines))
    assert body["widgets"][0]["properties"]["annotations"] == {
        "horizontal": [{"value": 100, "label": "quota"}, {"value": 80, "label": "alarm", "fill": "above"}]
    }
    assert "annotations" not in body_of(graph())["widgets"][0]["properties"]


def test_a_text_widget_carries_its_markdown() -> None:
    (widget,) = body_of(TextWidget(markdown="## Estate"))["widgets"]
    assert widget == {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "## Estate"}}


def test_a_log_widget_queries_its_log_groups_in_the_dashboards_region() -> None:
    (widget,) = body_of(LogWidget(title="Plan summaries", log_group_names=["/smus/dev/drift", "/smus/dev/x"]))[
        "widgets"
    ]
    assert (widget["type"], widget["width"], widget["height"]) == ("log", 24, 6)
    assert widget["properties"] == {
        "title": "Plan summaries",
        "region": REGION,
        "view": "table",
        "query": "SOURCE '/smus/dev/drift' | SOURCE '/smus/dev/x' | fields @timestamp, @message "
        "| sort @timestamp desc | limit 50",
    }
    assert list(plotted_metrics(body_of(LogWidget(title="t", log_group_names=["g"])))) == []


def test_an_alarm_status_widget_lists_its_alarms_alarm_first() -> None:
    arns = [f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:smus-dev-{name}" for name in ("a", "b")]
    (widget,) = body_of(AlarmStatusWidget(title="Alarms", alarm_arns=arns))["widgets"]
    assert widget["type"] == "alarm" and widget["width"] == 24
    assert widget["properties"] == {"title": "Alarms", "alarms": arns, "sortBy": "stateUpdatedTimestamp"}


ALARM = f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:a"


@pytest.mark.parametrize(
    ("widget", "prop", "accepted"),
    [
        (graph(width=25), "widgets[0].width", "1 to 24"),
        (graph(width=0), "widgets[0].width", "1 to 24"),
        (graph(height=1001), "widgets[0].height", "1 to 1000"),
        (graph(period=90), "widgets[0].period", "multiple of 60"),
        (graph(metrics=[metric(period=30)]), "widgets[0].metrics[0].period", "multiple of 60"),
        (graph(metrics=[]), "widgets[0].metrics", "at least one"),
        (graph(title=" "), "widgets[0].title", "non-empty"),
        (graph(metrics=[metric(band_width=0)]), "widgets[0].metrics[0].band_width", "above 0"),
        (graph(metrics=[metric(dimensions={"Account": ""})]), "widgets[0].metrics[0].dimensions['Account']", "non"),
        (graph(lines=[HorizontalLine(value=1, label="x", color="red")]), "widgets[0].lines[0].color", "hex"),
        (TextWidget(markdown=""), "widgets[0].markdown", "non-empty"),
        (LogWidget(title="t", log_group_names=[]), "widgets[0].log_group_names", "1 to 50"),
        (LogWidget(title="t", log_group_names=["a'b"]), "widgets[0].log_group_names[0]", "log group name"),
        (LogWidget(title="t", log_group_names=["g"] * 51), "widgets[0].log_group_names", "1 to 50"),
        (AlarmStatusWidget(title="t", alarm_arns=[]), "widgets[0].alarm_arns", "1 to 100"),
        (AlarmStatusWidget(title="t", alarm_arns=[ALARM] * 101), "widgets[0].alarm_arns", "1 to 100"),
        (AlarmStatusWidget(title="t", alarm_arns=["${TfToken[TOKEN.1]}"]), "widgets[0].alarm_arns[0]", "alarm ARN"),
        (
            AlarmStatusWidget(title="t", alarm_arns=[ALARM.replace("alarm:", "dashboard/")]),
            "widgets[0].alarm_arns[0]",
            "ARN",
        ),
    ],
)
def test_what_put_dashboard_would_refuse_is_refused_naming_the_widget(widget: Widget, prop: str, accepted: str) -> None:
    error = refusal(widget)
    assert error.prop == prop and accepted in error.accepted, str(error)
    assert error.construct_path == "dashboard"


def test_the_body_limits_are_awss() -> None:
    assert refusal(*[TextWidget(markdown="x", width=1, height=1)] * 501).prop == "widgets"
    assert len(body_of(*[TextWidget(markdown="x", width=1, height=1)] * 500)["widgets"]) == 500
    many = [metric(dimensions={"Account": str(i)}) for i in range(250)]
    assert refusal(graph(metrics=many, lines=[]), graph(metrics=[metric(band_width=2)] * 251)).accepted == (
        "at most 500 metrics and expressions"
    )
    five_hundred = [graph(metrics=[metric(dimensions={"Account": str(i)}) for i in range(500)])] * 5
    assert len(list(plotted_metrics(body_of(*five_hundred)))) == 2500
    assert "2500" in refusal(*five_hundred, graph()).accepted
    assert refusal(graph(), start="yesterday").prop == "start"
    with pytest.raises(PropValidationError, match="region"):
        dashboard_body([graph()], region="Europe")


def test_plotted_metrics_reads_awss_dot_shorthand_and_skips_expressions() -> None:
    body = {
        "widgets": [
            {
                "type": "metric",
                "properties": {
                    "title": "EC2",
                    "metrics": [
                        ["AWS/EC2", "DiskReadBytes", "InstanceId", "i-123", {"id": "m1"}],
                        [".", ".", ".", "i-abc", {"id": "m2"}],
                        [{"expression": "SUM(METRICS())", "id": "e3"}],
                    ],
                },
            },
            {"type": "text", "properties": {"markdown": "x"}},
        ]
    }
    assert list(plotted_metrics(body)) == [
        PlottedMetric("EC2", "AWS/EC2", "DiskReadBytes", (("InstanceId", "i-123"),)),
        PlottedMetric("EC2", "AWS/EC2", "DiskReadBytes", (("InstanceId", "i-abc"),)),
    ]


# --- the construct ---


def test_the_construct_writes_the_body_as_a_terraform_literal() -> None:
    from smus_constructs.dashboard import OpsDashboard, OpsDashboardProps
    from tests.helpers import new_stack, only, synth

    stack = new_stack()
    widgets: list[Widget] = [TextWidget(markdown='Never ${file("/etc/hostname")} or %{ if true }'), graph()]
    dashboard = OpsDashboard(
        stack, "Dashboard", OpsDashboardProps(dashboard_name="smus-dev-estate", region=REGION, widgets=widgets)
    )
    resource = only(synth(stack), "aws_cloudwatch_dashboard")
    assert resource["dashboard_name"] == "smus-dev-estate"
    assert "$${file" in resource["dashboard_body"] and "%%{ if" in resource["dashboard_body"]
    assert json.loads(terraform_literal(resource["dashboard_body"])) == dashboard.body


def test_the_construct_refuses_a_name_put_dashboard_would() -> None:
    from smus_constructs.dashboard import OpsDashboard, OpsDashboardProps
    from tests.helpers import new_stack

    stack = new_stack()
    with pytest.raises(PropValidationError) as caught:
        OpsDashboard(stack, "Dashboard", OpsDashboardProps(dashboard_name="smus.dev", region=REGION, widgets=[]))
    assert caught.value.construct_path == "test/Dashboard" and caught.value.prop == "dashboard_name"


# --- the estate's dashboards: every metric is one something publishes ---


def account_dashboard(stacks: dict[str, StackDoc], account: str) -> dict[str, Any]:
    (body,) = dashboards_of(stacks[f"{account}-ops"]).values()
    return body


def account_namespace(account: str) -> str:
    from config.loader import load_account

    return load_account(FIXTURE_ACCOUNTS / f"{account}.toml").config.operations.metric_namespace


def workflow_metrics() -> set[tuple[str, str, tuple[str, ...]]]:
    """(namespace, metric, dimension names) of every `aws cloudwatch put-metric-data` call in the workflows.

    A namespace given as `"$VAR"` is resolved through the step's or job's `env`; `${{ matrix.metric_namespace }}`
    stays as that expression (the account's `[operations] metric_namespace`, from `smus ci-matrix`).
    """
    found: set[tuple[str, str, tuple[str, ...]]] = set()
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            for step in job.get("steps", []):
                script = str(step.get("run", "")).replace("\\\n", " ")
                env = {**job.get("env", {}), **step.get("env", {})}
                for match in re.finditer(r"put-metric-data([^\n]*)", script):
                    command = match.group(1)
                    namespace = re.search(r"--namespace \"?([^\s\"]+)\"?", command)
                    name = re.search(r"--metric-name \"?([^\s\"]+)\"?", command)
                    dimensions = re.search(r"--dimensions \"?([^\s\"]+)\"?", command)
                    assert namespace and name, f"{path.name}: {command}"
                    value = namespace.group(1)
                    if value.startswith("$"):
                        value = str(env.get(value.strip("${}"), value))
                    keys = tuple(sorted(p.split("=")[0] for p in dimensions.group(1).split(","))) if dimensions else ()
                    found.add((value, name.group(1), keys))
    return found


def ci_stacks(account: str) -> list[str]:
    """The `Stack` values the workflows send: `smus ci-matrix`'s stacks of the account."""
    from smus_cli.ci_matrix import ci_stack_names

    return ci_stack_names(account)


def home_rule_names(stack: StackDoc) -> set[str]:
    """The names of the stack's EventBridge rules in its home region (no provider alias)."""
    rules = stack.get("resource", {}).get("aws_cloudwatch_event_rule", {}).values()
    return {rule["name"] for rule in rules if "provider" not in rule}


def unbacked(
    body: dict[str, Any],
    account: str,
    namespace: str,
    published: set[tuple[str, str, tuple[str, ...]]],
    rule_names: set[str],
) -> list[PlottedMetric]:
    """The dashboard's metrics that nothing in the estate produces."""
    produced = {
        (namespace if ns == "${{ matrix.metric_namespace }}" else ns, name, keys) for ns, name, keys in published
    }
    missing = []
    for plotted in plotted_metrics(body):
        keys = tuple(sorted(k for k, _ in plotted.dimensions))
        if (plotted.namespace, plotted.metric_name) == (EVENTS, "TriggeredRules"):
            if dict(plotted.dimensions).get("RuleName") not in rule_names or keys != ("RuleName",):
                missing.append(plotted)
        elif (
            (plotted.namespace, plotted.metric_name, keys) not in produced
            or dict(plotted.dimensions).get("Account") != account
            or dict(plotted.dimensions).get("Stack", f"{account}-ops") not in ci_stacks(account)
        ):
            missing.append(plotted)
    return missing


def test_every_account_has_one_dashboard_named_for_it(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        dashboards = example_stacks[f"{account}-ops"]["resource"]["aws_cloudwatch_dashboard"]
        assert [d["dashboard_name"] for d in dashboards.values()] == [f"smus-{account}-estate"], account


def test_every_dashboard_metric_is_published_by_a_workflow_or_emitted_by_a_rule_of_the_stack(
    example_stacks: dict[str, StackDoc],
) -> None:
    published = workflow_metrics()
    assert ("${{ matrix.metric_namespace }}", "DriftDetected", ("Account",)) in published, sorted(published)
    for account in ACCOUNTS:
        body = account_dashboard(example_stacks, account)
        plotted = list(plotted_metrics(body))
        assert plotted, account
        missing = unbacked(
            body, account, account_namespace(account), published, home_rule_names(example_stacks[f"{account}-ops"])
        )
        assert missing == [], f"{account}-ops: the dashboard graphs what nothing publishes: {missing}"
        graphed_rules = {dict(p.dimensions)["RuleName"] for p in plotted if p.namespace == EVENTS}
        assert {
            f"smus-{account}-out-of-pipeline-changes",
            f"smus-{account}-destructive-datazone-calls",
        } <= graphed_rules


def test_every_metric_the_workflows_publish_is_on_the_dashboard(example_stacks: dict[str, StackDoc]) -> None:
    """The other direction: a signal the pipeline sends but no graph shows is one nobody looks at."""
    published = workflow_metrics()
    for account in ACCOUNTS:
        namespace = account_namespace(account)
        wanted = {
            (namespace if ns == "${{ matrix.metric_namespace }}" else ns, name, keys) for ns, name, keys in published
        }
        plotted = {
            (p.namespace, p.metric_name, tuple(sorted(k for k, _ in p.dimensions)))
            for p in plotted_metrics(account_dashboard(example_stacks, account))
        }
        assert wanted - plotted == set(), f"{account}: published but on no widget: {sorted(wanted - plotted)}"


def test_the_check_catches_a_metric_nobody_publishes_and_a_rule_the_stack_lacks(
    example_stacks: dict[str, StackDoc],
) -> None:
    matrix = "${{ matrix.metric_namespace }}"
    published = {(matrix, "DriftDetected", ("Account",)), (matrix, "PlanFailed", ("Account", "Stack"))}
    rules = home_rule_names(example_stacks["dev-ops"])
    stack = {"Account": "dev", "Stack": "dev-platform"}
    body = body_of(
        graph(metrics=[metric("DriftDetectd"), metric(dimensions={"Account": "prod"})]),
        graph(metrics=[MetricSpec(namespace=EVENTS, metric_name="TriggeredRules", dimensions={"RuleName": "nope"})]),
        graph(metrics=[MetricSpec(namespace="Other/NS", metric_name="DriftDetected", dimensions={"Account": "dev"})]),
        graph(metrics=[metric("PlanFailed"), metric("PlanFailed", dimensions={**stack, "Stack": "dev-nope"})]),
        graph(metrics=[metric(), metric("PlanFailed", dimensions=stack)]),
        graph(
            metrics=[MetricSpec(namespace=EVENTS, metric_name="TriggeredRules", dimensions={"RuleName": min(rules)})]
        ),
    )
    missing = unbacked(body, "dev", "SMUS/Drift", published, rules)
    assert [(m.namespace, m.metric_name, m.dimensions) for m in missing] == [
        ("SMUS/Drift", "DriftDetectd", (("Account", "dev"),)),
        ("SMUS/Drift", "DriftDetected", (("Account", "prod"),)),
        (EVENTS, "TriggeredRules", (("RuleName", "nope"),)),
        ("Other/NS", "DriftDetected", (("Account", "dev"),)),
        ("SMUS/Drift", "PlanFailed", (("Account", "dev"),)),
        ("SMUS/Drift", "PlanFailed", (("Account", "dev"), ("Stack", "dev-nope"))),
    ]


def alarm_named(stack: StackDoc, name: str) -> dict[str, Any]:
    alarms: dict[str, dict[str, Any]] = stack["resource"]["aws_cloudwatch_metric_alarm"]
    (alarm,) = [a for a in alarms.values() if a["alarm_name"] == name]
    return alarm


def widget_titled(body: dict[str, Any], prefix: str) -> dict[str, Any]:
    widgets: list[dict[str, Any]] = body["widgets"]
    (found,) = [w["properties"] for w in widgets if str(w["properties"].get("title", "")).startswith(prefix)]
    properties: dict[str, Any] = found
    return properties


def test_each_graph_draws_its_alarms_own_threshold(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        stack = example_stacks[f"{account}-ops"]
        body = account_dashboard(example_stacks, account)
        quota_alarm = alarm_named(stack, f"smus-{account}-project-quota")
        quota = widget_titled(body, "Projects against the quota")["annotations"]["horizontal"]
        assert [line["value"] for line in quota] == [100, quota_alarm["threshold"]], account
        assert quota[1]["fill"] == "above" and "80%" in quota[1]["label"]
        drift = widget_titled(body, "Drift: account")["annotations"]["horizontal"]
        assert [line["value"] for line in drift] == [alarm_named(stack, f"smus-{account}-drift-detected")["threshold"]]
        heartbeat_alarm = alarm_named(stack, f"smus-{account}-drift-heartbeat")
        heartbeat = widget_titled(body, "Drift heartbeat")
        assert heartbeat["period"] == heartbeat_alarm["period"] and heartbeat["metrics"][0][-1]["stat"] == "Sum"
        (line,) = heartbeat["annotations"]["horizontal"]
        assert (line["value"], line["fill"]) == (heartbeat_alarm["threshold"], "below"), account


def test_the_alarm_widget_shows_every_alarm_of_the_stack(example_stacks: dict[str, StackDoc]) -> None:
    for account, account_id in ACCOUNTS.items():
        stack = example_stacks[f"{account}-ops"]
        alarms = stack["resource"]["aws_cloudwatch_metric_alarm"].values()
        assert not [a for a in alarms if "provider" in a], "an alarm outside the home region: check its ARN's region"
        expected = sorted(f"arn:aws:cloudwatch:eu-west-1:{account_id}:alarm:{a['alarm_name']}" for a in alarms)
        (widget,) = [w for w in account_dashboard(example_stacks, account)["widgets"] if w["type"] == "alarm"]
        assert widget["properties"]["alarms"] == expected, account
        assert len(expected) >= 8, expected  # drift x3, quota, failed invocations of the four change rules


Band = tuple[str, str, tuple[tuple[str, str], ...], str, int, float]
BAND = re.compile(r"^ANOMALY_DETECTION_BAND\((\w+), ([0-9.]+)\)$")


def alarm_bands(stack: StackDoc) -> dict[str, Band]:
    """Alarm name -> (namespace, metric, dimensions, stat, period, band width) of every anomaly-detection alarm."""
    found: dict[str, Band] = {}
    for alarm in stack["resource"]["aws_cloudwatch_metric_alarm"].values():
        queries = {query["id"]: query for query in alarm.get("metric_query", [])}
        for query in queries.values():
            match = BAND.match(query.get("expression", ""))
            if match:
                metric = queries[match.group(1)]["metric"]
                dimensions = tuple(sorted(metric.get("dimensions", {}).items()))
                found[alarm["alarm_name"]] = (
                    metric["namespace"],
                    metric["metric_name"],
                    dimensions,
                    metric["stat"],
                    int(metric["period"]),
                    float(match.group(2)),
                )
    return found


def drawn_bands(body: dict[str, Any]) -> set[Band]:
    """The same tuple for every metric a widget draws with an ANOMALY_DETECTION_BAND of it."""
    found: set[Band] = set()
    for widget in body["widgets"]:
        if widget["type"] != "metric":
            continue
        properties = widget["properties"]
        by_id: dict[str, tuple[str, str, tuple[tuple[str, str], ...], str, int]] = {}
        for entry in properties["metrics"]:
            options = entry[-1] if isinstance(entry[-1], dict) else {}
            items = [item for item in entry if not isinstance(item, dict)]
            if items:
                namespace, name, *rest = items
                dimensions = tuple(sorted((rest[i], rest[i + 1]) for i in range(0, len(rest) - 1, 2)))
                stat = options.get("stat", properties.get("stat", "Average"))
                by_id[options["id"]] = (namespace, name, dimensions, stat, options.get("period", properties["period"]))
            match = BAND.match(options.get("expression", ""))
            if match and match.group(1) in by_id:
                found.add((*by_id[match.group(1)], float(match.group(2))))
    return found


def test_every_anomaly_alarm_is_drawn_with_its_own_band(example_stacks: dict[str, StackDoc]) -> None:
    """Each anomaly-detection alarm of the ops stack (apply duration and plan failures per stack, key usage) has a
    graph drawing its metric with the same dimensions, statistic, period and band width."""
    for account in ACCOUNTS:
        bands = alarm_bands(example_stacks[f"{account}-ops"])
        assert len(bands) >= 7, sorted(bands)  # apply duration and plan failures of three CI stacks, key usage
        drawn = drawn_bands(account_dashboard(example_stacks, account))
        missing = {name: band for name, band in bands.items() if band not in drawn}
        assert missing == {}, f"{account}: anomaly alarms whose band no widget draws: {missing}"


def test_the_key_usage_alarm_is_drawn_with_its_own_band(example_stacks: dict[str, StackDoc]) -> None:
    """A graph's band is the alarm's: same metric, dimensions, statistic, period and width, so what the graph shows
    outside the band is exactly what alarms."""
    for account in ACCOUNTS:
        bands = alarm_bands(example_stacks[f"{account}-ops"])
        key_usage = bands[f"smus-{account}-domain-key-usage"]
        assert key_usage[:3] == (EVENTS, "TriggeredRules", (("RuleName", f"smus-{account}-domain-key-usage"),))
        assert key_usage in drawn_bands(account_dashboard(example_stacks, account)), account


def test_a_band_drawn_with_another_period_or_width_is_not_the_alarms() -> None:
    stack: StackDoc = {
        "resource": {
            "aws_cloudwatch_metric_alarm": {
                "a": {
                    "alarm_name": "apply",
                    "metric_query": [
                        {
                            "id": "m1",
                            "metric": {
                                "namespace": "SMUS/Drift",
                                "metric_name": "ApplyDurationSeconds",
                                "dimensions": {"Account": "dev"},
                                "stat": "Maximum",
                                "period": 3600,
                            },
                        },
                        {"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 3)"},
                    ],
                }
            }
        }
    }
    (band,) = alarm_bands(stack).values()
    same = metric("ApplyDurationSeconds", stat=Stat.MAXIMUM, band_width=3)
    assert band in drawn_bands(body_of(graph(metrics=[same])))
    assert band not in drawn_bands(body_of(graph(metrics=[metric("ApplyDurationSeconds", stat=Stat.MAXIMUM)])))
    assert band not in drawn_bands(body_of(graph(metrics=[same], period=300)))
    assert band not in drawn_bands(body_of(graph(metrics=[metric("ApplyDurationSeconds", band_width=2)])))


def test_the_drift_log_widget_reads_the_stacks_log_group_and_the_fields_drift_yml_writes(
    example_stacks: dict[str, StackDoc],
) -> None:
    from stacks.ops_dashboard import DRIFT_LOG_FIELDS

    drift = (WORKFLOWS / "drift.yml").read_text(encoding="utf-8")
    written = set(re.findall(r"\{(\w+): \$\w+", drift)) | set(re.findall(r", (\w+): \$\w+", drift))
    assert set(DRIFT_LOG_FIELDS) <= written, f"drift.yml's summary objects carry {sorted(written)}"
    for account in ACCOUNTS:
        stack = example_stacks[f"{account}-ops"]
        groups = {group["name"] for group in stack["resource"].get("aws_cloudwatch_log_group", {}).values()}
        (widget,) = [w for w in account_dashboard(example_stacks, account)["widgets"] if w["type"] == "log"]
        sources = re.findall(r"SOURCE '([^']+)'", widget["properties"]["query"])
        assert sources == [f"/smus/{account}/drift"] and set(sources) <= groups, (account, sources, groups)
        assert all(field in widget["properties"]["query"] for field in DRIFT_LOG_FIELDS)


def test_the_grid_holds_every_widget_without_overlap(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        widgets = account_dashboard(example_stacks, account)["widgets"]
        cells = [(w["x"] + dx, w["y"] + dy) for w in widgets for dx in range(w["width"]) for dy in range(w["height"])]
        assert len(cells) == len(set(cells)) and all(x < GRID_COLUMNS for x, _ in cells), account
        assert widgets[0]["type"] == "text" and widgets[0]["width"] == GRID_COLUMNS


# --- the README's picture ---


def test_the_readme_picture_is_drawn_from_the_synthesised_prod_dashboard(example_stacks: dict[str, StackDoc]) -> None:
    ((name, body),) = dashboards_of(example_stacks["prod-ops"]).items()
    drawn = render_svg(body, title=name)
    assert PICTURE.read_text(encoding="utf-8") == drawn, (
        f"{PICTURE.relative_to(ROOT)} is stale: run `make docs-dashboard` (smus synth, then python -m "
        "smus_cli.dashboard_picture) and commit the picture"
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/dashboard-prod.svg)" in readme


def test_the_picture_shows_every_widget_title_and_metric(example_stacks: dict[str, StackDoc]) -> None:
    body = account_dashboard(example_stacks, "prod")
    drawn = render_svg(body, title="smus-prod-estate")
    assert drawn.startswith("<svg xmlns='http://www.w3.org/2000/svg'") and drawn.rstrip().endswith("</svg>")
    for widget in body["widgets"]:
        if widget["type"] == "metric":
            assert widget["properties"]["title"][:20] in drawn
            for _, label, read, band in metric_lines(widget["properties"]):
                # A band is drawn by its label, which names its metric and width.
                assert label[:20] in drawn and (band or read[:20] in drawn), (label, read)
    # A widget that changes changes the picture: a stale file cannot pass.
    moved = json.loads(json.dumps(body))
    moved["widgets"][1]["x"] += 1
    assert render_svg(moved, title="smus-prod-estate") != drawn


def test_the_picture_draws_a_log_widgets_query_and_a_text_widgets_heading() -> None:
    body = body_of(TextWidget(markdown="## Estate dev\nwhat this is"), LogWidget(title="Plans", log_group_names=["/g"]))
    drawn = render_svg(body, title="smus-dev-estate")
    assert "Estate dev" in drawn and "## " not in drawn and "what this is" in drawn
    assert "SOURCE '/g'" in drawn
    assert "Plans" in drawn and "log table" in drawn


def test_the_ops_layout_puts_the_signals_beside_each_other_and_the_drift_log_last() -> None:
    from stacks.ops_dashboard import OpsDashboardInputs, ops_dashboard_widgets

    stacks = ["dev-platform", "dev-projects", "dev-ops"]
    banded = [metric("ApplyDurationSeconds", dimensions={"Account": "dev", "Stack": s}, band_width=3) for s in stacks]
    inputs = OpsDashboardInputs(
        account_name="dev",
        namespace="SMUS/Drift",
        heartbeat_hours=24,
        project_quota=100,
        quota_threshold=80,
        quota_threshold_percent=80,
        change_rule_names=["smus-dev-out-of-pipeline-changes"],
        alarm_arns=[ALARM] * 9,
        apply_durations=banded,
        plan_failures=[metric("PlanFailed", stat=Stat.AVERAGE, period=21600, band_width=2)],
        key_usage=MetricSpec(namespace=EVENTS, metric_name="TriggeredRules", dimensions={"RuleName": "k"}),
        drift_log_group="/smus/dev/drift",
    )
    body = body_of(*ops_dashboard_widgets(inputs))
    shape = [(w["type"], w["x"], w["y"], w["width"], w["height"]) for w in body["widgets"]]
    assert shape == [
        ("text", 0, 0, 24, 3),
        ("alarm", 0, 3, 24, 5),  # nine alarms: three rows of four tiles
        ("metric", 0, 8, 8, 6),
        ("metric", 8, 8, 8, 6),
        ("metric", 16, 8, 8, 6),
        ("metric", 0, 14, 12, 6),
        ("metric", 12, 14, 12, 6),
        ("metric", 0, 20, 12, 6),
        ("metric", 12, 20, 12, 6),
        ("log", 0, 26, 24, 6),
    ]
    apply = body["widgets"][5]["properties"]
    assert [entry[0]["expression"] for entry in apply["metrics"] if isinstance(entry[0], dict)] == [
        "ANOMALY_DETECTION_BAND(m0, 3)",
        "ANOMALY_DETECTION_BAND(m1, 3)",
        "ANOMALY_DETECTION_BAND(m2, 3)",
    ]
    assert body["widgets"][6]["properties"]["period"] == 21600
    assert body["widgets"][-1]["properties"]["query"].startswith("SOURCE '/smus/dev/drift' | ")
    without = body_of(*ops_dashboard_widgets(replace(inputs, apply_durations=(), plan_failures=(), key_usage=None)))
    assert [w["width"] for w in without["widgets"] if w["type"] == "metric"] == [8, 8, 8, 24]
