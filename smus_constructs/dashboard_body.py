"""A CloudWatch dashboard body as plain data: typed widget specs in, the `DashboardBody` JSON object out.

Kept free of cdktn, so a test, the README's picture (smus_cli.dashboard_picture) and a reviewer's script can build
and read a body without starting the jsii kernel; :class:`smus_constructs.dashboard.OpsDashboard` writes it into an
`aws_cloudwatch_dashboard`.

The format and its limits are AWS's "Dashboard Body Structure and Syntax" (CloudWatch API Reference):

* a body is an object with a `widgets` array of 0-500 widgets, plus `start` and `periodOverride`;
* each widget sits on a 24-column grid: `x` 0-23, `width` 1-24, `height` 1-1000 grid units, `y` 0 or more;
* a metric widget's `metrics` array holds 0-500 metrics and expressions; a single metric is
  `[Namespace, MetricName, DimensionName, DimensionValue, ..., {rendering properties}]`, an expression
  `[{"expression": ..., "id": ..., "label": ...}]`, and an `id` must start with a lowercase letter;
* `period` is a multiple of 60, at least 60; a horizontal annotation is `{value, label, color, fill, yAxis, visible}`;
* a log widget's `query` starts with the log groups, each `SOURCE '<name>'`, then `|` and the Logs Insights query;
* an alarm status widget lists 1-100 alarm ARNs (`alarms`), sorted by `sortBy`.

CloudWatch's service quotas add one more: at most 2,500 metrics per dashboard across all widgets, counting the
metrics an expression reads. Dashboard names are 1-255 of A-Z, a-z, 0-9, '-' and '_' (PutDashboard).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError

GRID_COLUMNS = 24
MAX_WIDGETS = 500
MAX_WIDGET_HEIGHT = 1000
MAX_METRICS_PER_WIDGET = 500
MAX_METRICS_PER_DASHBOARD = 2500
DASHBOARD_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
#: What a dashboard shows when it opens: two weeks, enough to see a band around a 6-hourly job's points.
DEFAULT_START = "-P14D"
#: A relative start (`-PT8H`, `-P14D`, `-P3M`): the dashboard then always ends now.
RELATIVE_START = re.compile(r"^-P(T\d+[MH]|\d+[DWM])$")
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: The grey AWS's console gives an anomaly-detection band.
BAND_COLOR = "#95a5a6"

Body = dict[str, Any]


class Stat(StrEnum):
    """The CloudWatch statistics these widgets use (percentiles are left out: no estate metric needs one)."""

    SUM = "Sum"
    MAXIMUM = "Maximum"
    MINIMUM = "Minimum"
    AVERAGE = "Average"
    SAMPLE_COUNT = "SampleCount"


class GraphView(StrEnum):
    TIME_SERIES = "timeSeries"
    BAR = "bar"
    SINGLE_VALUE = "singleValue"


@dataclass(frozen=True, kw_only=True)
class MetricSpec:
    """One metric on a graph."""

    namespace: str
    metric_name: str
    #: default: none. Written in this order after the metric name.
    dimensions: Mapping[str, str] = field(default_factory=dict)
    #: default: Maximum.
    stat: Stat = Stat.MAXIMUM
    #: default: the widget's period.
    period: int | None = None
    #: default: CloudWatch's own label (namespace, name and dimensions).
    label: str | None = None
    #: default: no band. Set: the graph also draws `ANOMALY_DETECTION_BAND(m, band_width)`, the band an
    #: anomaly-detection alarm on this metric compares against (width in standard deviations; CloudWatch's default 2).
    band_width: float | None = None


@dataclass(frozen=True, kw_only=True)
class HorizontalLine:
    """A horizontal annotation: an alarm threshold or a quota drawn across the graph."""

    value: float
    label: str
    #: default: no shading. 'above' or 'below' shades that side of the line (e.g. the alarming side).
    fill: Literal["above", "below"] | None = None
    #: default: CloudWatch picks one. A six-digit hex colour such as '#d62728'.
    color: str | None = None


@dataclass(frozen=True, kw_only=True)
class GraphWidget:
    """A metric widget (`type: metric`)."""

    title: str
    metrics: Sequence[MetricSpec]
    #: default: none.
    lines: Sequence[HorizontalLine] = ()
    #: default: 3600 s: the estate's metrics arrive a few times a day, so an hour is the finest useful point.
    period: int = 3600
    view: GraphView = GraphView.TIME_SERIES
    stacked: bool = False
    #: default: 0. The left axis' floor; None lets CloudWatch choose.
    y_min: float | None = 0
    width: int = 12
    height: int = 6


@dataclass(frozen=True, kw_only=True)
class TextWidget:
    """A Markdown widget (`type: text`): what the dashboard is for and where the runbook is."""

    markdown: str
    width: int = GRID_COLUMNS
    height: int = 2


@dataclass(frozen=True, kw_only=True)
class LogWidget:
    """A CloudWatch Logs Insights widget (`type: log`): the latest lines of log groups, e.g. the drift job's plan
    summaries, beside the metrics they explain."""

    title: str
    #: 1-50 log group names (Logs Insights queries at most 50 groups; each is written `SOURCE '<name>'`).
    log_group_names: Sequence[str]
    #: default: the newest 50 events. The query after the `SOURCE` list, Logs Insights syntax, lines joined by `|`.
    query: str = "fields @timestamp, @message | sort @timestamp desc | limit 50"
    view: Literal["table", "timeSeries", "bar", "pie"] = "table"
    width: int = GRID_COLUMNS
    height: int = 6


@dataclass(frozen=True, kw_only=True)
class AlarmStatusWidget:
    """An alarm status widget (`type: alarm`): every alarm's state at a glance, those in ALARM first."""

    title: str
    #: 1-100 alarm ARNs, as literals (the body is plain data: a token would reach CloudWatch unresolved).
    alarm_arns: Sequence[str]
    #: default: 'stateUpdatedTimestamp' - ALARM first, then INSUFFICIENT_DATA, then OK, most recent change first.
    sort_by: Literal["default", "stateUpdatedTimestamp", "timestamp"] = "stateUpdatedTimestamp"
    width: int = GRID_COLUMNS
    height: int = 3


Widget = GraphWidget | TextWidget | LogWidget | AlarmStatusWidget
ALARM_ARN = re.compile(r"^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:[^:]{1,255}$")
MAX_ALARMS_PER_WIDGET = 100
#: CloudWatch Logs group names: 1-512 of these characters.
LOG_GROUP_NAME = re.compile(r"^[A-Za-z0-9_./#-]{1,512}$")


@dataclass(frozen=True)
class Placement:
    x: int
    y: int
    width: int
    height: int


def layout(widgets: Sequence[Widget]) -> list[Placement]:
    """Left to right in the 24-column grid, a new row when the next widget does not fit (the row is as tall as its
    tallest widget), so widgets never overlap and the order in the spec is the reading order."""
    placements: list[Placement] = []
    x = y = row_height = 0
    for widget in widgets:
        if x + widget.width > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        placements.append(Placement(x, y, widget.width, widget.height))
        x += widget.width
        row_height = max(row_height, widget.height)
    return placements


def check_dashboard_name(name: str, *, path: str, prop: str = "dashboard_name") -> str:
    if not DASHBOARD_NAME.match(name):
        raise PropValidationError(path, prop, name, "1-255 of A-Z, a-z, 0-9, '-' and '_' (CloudWatch PutDashboard)")
    return name


def _check_size(widget: Widget, where: str, path: str) -> None:
    if not isinstance(widget.width, int) or not 1 <= widget.width <= GRID_COLUMNS:
        raise PropValidationError(path, f"{where}.width", widget.width, "1 to 24 grid columns")
    if not isinstance(widget.height, int) or not 1 <= widget.height <= MAX_WIDGET_HEIGHT:
        raise PropValidationError(path, f"{where}.height", widget.height, "1 to 1000 grid rows")


def _check_period(value: int, where: str, path: str) -> None:
    if not isinstance(value, int) or value < 60 or value % 60:
        raise PropValidationError(path, where, value, "a period in seconds: a multiple of 60, at least 60")


def _check_text(value: str, where: str, path: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise PropValidationError(path, where, value, "a non-empty text")


def _metric_entries(widget: GraphWidget, where: str, path: str) -> list[list[Any]]:
    entries: list[list[Any]] = []
    for index, metric in enumerate(widget.metrics):
        at = f"{where}.metrics[{index}]"
        _check_text(metric.namespace, f"{at}.namespace", path)
        _check_text(metric.metric_name, f"{at}.metric_name", path)
        if metric.period is not None:
            _check_period(metric.period, f"{at}.period", path)
        entry: list[Any] = [metric.namespace, metric.metric_name]
        for name, value in metric.dimensions.items():
            _check_text(value, f"{at}.dimensions[{name!r}]", path)
            entry += [name, value]
        metric_id = f"m{index}"
        rendering: dict[str, Any] = {"id": metric_id, "stat": str(metric.stat)}
        if metric.period is not None:
            rendering["period"] = metric.period
        if metric.label is not None:
            rendering["label"] = metric.label
        entries.append([*entry, rendering])
        if metric.band_width is not None:
            if isinstance(metric.band_width, bool) or not 0 < metric.band_width <= 100:
                raise PropValidationError(
                    path, f"{at}.band_width", metric.band_width, "a band width above 0 (standard deviations)"
                )
            label = metric.label or metric.metric_name
            entries.append(
                [
                    {
                        "expression": f"ANOMALY_DETECTION_BAND({metric_id}, {metric.band_width:g})",
                        "id": f"band{index}",
                        "label": f"{label}: expected band (width {metric.band_width:g})",
                        "color": BAND_COLOR,
                    }
                ]
            )
    return entries


def _graph(widget: GraphWidget, region: str, where: str, path: str) -> dict[str, Any]:
    _check_text(widget.title, f"{where}.title", path)
    _check_period(widget.period, f"{where}.period", path)
    if isinstance(widget.metrics, str) or not widget.metrics:
        raise PropValidationError(path, f"{where}.metrics", widget.metrics, "at least one MetricSpec")
    metrics = _metric_entries(widget, where, path)
    if len(metrics) > MAX_METRICS_PER_WIDGET:
        raise PropValidationError(
            path, f"{where}.metrics", len(metrics), f"at most {MAX_METRICS_PER_WIDGET} metrics and expressions"
        )
    properties: dict[str, Any] = {
        "title": widget.title,
        "region": region,
        "view": str(widget.view),
        "stacked": widget.stacked,
        "period": widget.period,
        "metrics": metrics,
    }
    if widget.lines:
        horizontal = []
        for index, line in enumerate(widget.lines):
            at = f"{where}.lines[{index}]"
            _check_text(line.label, f"{at}.label", path)
            if line.color is not None and not HEX_COLOR.match(line.color):
                raise PropValidationError(path, f"{at}.color", line.color, "a six-digit hex colour such as '#d62728'")
            annotation: dict[str, Any] = {"value": line.value, "label": line.label}
            if line.fill is not None:
                annotation["fill"] = line.fill
            if line.color is not None:
                annotation["color"] = line.color
            horizontal.append(annotation)
        properties["annotations"] = {"horizontal": horizontal}
    if widget.y_min is not None:
        properties["yAxis"] = {"left": {"min": widget.y_min}}
    return properties


def _log(widget: LogWidget, region: str, where: str, path: str) -> dict[str, Any]:
    _check_text(widget.title, f"{where}.title", path)
    _check_text(widget.query, f"{where}.query", path)
    names = widget.log_group_names
    if isinstance(names, str) or not 1 <= len(names) <= 50:
        raise PropValidationError(path, f"{where}.log_group_names", names, "1 to 50 log group names")
    for index, name in enumerate(names):
        if not isinstance(name, str) or not LOG_GROUP_NAME.match(name):
            raise PropValidationError(
                path, f"{where}.log_group_names[{index}]", name, "a log group name (1-512 of A-Z a-z 0-9 _ . / # -)"
            )
    sources = " | ".join(f"SOURCE '{name}'" for name in names)
    return {"title": widget.title, "region": region, "view": widget.view, "query": f"{sources} | {widget.query}"}


def _alarms(widget: AlarmStatusWidget, where: str, path: str) -> dict[str, Any]:
    _check_text(widget.title, f"{where}.title", path)
    arns = widget.alarm_arns
    if isinstance(arns, str) or not 1 <= len(arns) <= MAX_ALARMS_PER_WIDGET:
        raise PropValidationError(path, f"{where}.alarm_arns", arns, "1 to 100 alarm ARNs")
    for index, arn in enumerate(arns):
        if not isinstance(arn, str) or not ALARM_ARN.match(arn):
            raise PropValidationError(
                path,
                f"{where}.alarm_arns[{index}]",
                arn,
                "an alarm ARN such as 'arn:aws:cloudwatch:<region>:<account>:alarm:<name>'",
            )
    return {"title": widget.title, "alarms": list(arns), "sortBy": widget.sort_by}


def dashboard_body(
    widgets: Sequence[Widget], *, region: str, start: str = DEFAULT_START, path: str = "dashboard"
) -> Body:
    """The `DashboardBody` object for these widgets, laid out by :func:`layout`; refuses what PutDashboard would.

    ``path`` names the construct in an error. ``periodOverride`` is `inherit`: each graph keeps its own period (an
    hourly drift point averaged into a day would hide the drift).
    """
    patterns.check(patterns.REGION, region, path=path, prop="region")
    if not RELATIVE_START.match(start):
        raise PropValidationError(path, "start", start, "a relative start such as '-PT8H', '-P14D' or '-P3M'")
    if isinstance(widgets, str) or len(widgets) > MAX_WIDGETS:
        raise PropValidationError(path, "widgets", len(widgets), f"at most {MAX_WIDGETS} widgets")
    rendered: list[dict[str, Any]] = []
    for index, (widget, place) in enumerate(zip(widgets, layout(widgets), strict=True)):
        where = f"widgets[{index}]"
        _check_size(widget, where, path)
        if isinstance(widget, GraphWidget):
            kind, properties = "metric", _graph(widget, region, where, path)
        elif isinstance(widget, TextWidget):
            _check_text(widget.markdown, f"{where}.markdown", path)
            kind, properties = "text", {"markdown": widget.markdown}
        elif isinstance(widget, LogWidget):
            kind, properties = "log", _log(widget, region, where, path)
        elif isinstance(widget, AlarmStatusWidget):
            kind, properties = "alarm", _alarms(widget, where, path)
        else:
            raise PropValidationError(path, where, widget, "a GraphWidget, TextWidget, LogWidget or AlarmStatusWidget")
        rendered.append(
            {
                "type": kind,
                "x": place.x,
                "y": place.y,
                "width": place.width,
                "height": place.height,
                "properties": properties,
            }
        )
    body: Body = {"start": start, "periodOverride": "inherit", "widgets": rendered}
    total = len(list(plotted_metrics(body)))
    if total > MAX_METRICS_PER_DASHBOARD:
        raise PropValidationError(path, "widgets", total, f"at most {MAX_METRICS_PER_DASHBOARD} metrics in all")
    return body


@dataclass(frozen=True)
class PlottedMetric:
    """A metric a body's widget names: where it must come from for the graph to show anything."""

    widget_title: str
    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]


def plotted_metrics(body: Mapping[str, Any]) -> Iterator[PlottedMetric]:
    """Every single metric the metric widgets of a body name (expressions are skipped: they only read these).

    Reads the format as AWS writes it too, so a body from the console or from `cdktf.out` can be checked the same way:
    `"."` repeats the previous metric's namespace, name or dimension at that position.
    """
    for widget in body.get("widgets", []):
        if widget.get("type") != "metric":
            continue
        properties = widget.get("properties", {})
        previous: list[Any] = []
        for entry in properties.get("metrics", []):
            items = [item for item in entry if not isinstance(item, dict)]
            if not items:
                continue  # an expression
            resolved = [
                previous[index] if item == "." and index < len(previous) else item for index, item in enumerate(items)
            ]
            previous = resolved
            namespace, name, *rest = resolved
            pairs = tuple((str(rest[i]), str(rest[i + 1])) for i in range(0, len(rest) - 1, 2))
            yield PlottedMetric(str(properties.get("title", "")), str(namespace), str(name), pairs)
