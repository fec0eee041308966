"""Draw a synthesised CloudWatch dashboard as an SVG: each widget where the body puts it on the 24-column grid, its
title, the metrics it plots (with their statistic and band), and its horizontal annotations.

The README's picture of an account's dashboard (docs/dashboard-prod.svg) is drawn from the `dashboard_body` in
`cdktf.out`, not by hand, so it cannot show a widget the stack does not create; tests/test_dashboard.py redraws it
from the synthesised example estate and fails when the checked-in file is stale. No data is invented: a graph's
plot area shows only its annotation lines, placed to scale, and the band a widget draws.

    python -m smus_cli.dashboard_picture [cdktf.out/stacks/prod-ops/cdk.tf.json] [docs/dashboard-prod.svg]

Plain SVG text, no dependencies; cdktn is never imported.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

GRID_COLUMNS = 24
COLUMN_PX = 40
ROW_PX = 30
GAP_PX = 4
MARGIN_PX = 8
FONT = "font-family='Helvetica, Arial, sans-serif'"
#: Roughly the advance of one character at 11 px in Helvetica: enough to shorten a line before it leaves its widget.
CHAR_PX = 6.0
#: CloudWatch's own series colours, in its order.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf")
DEFAULT_STACK = Path("cdktf.out/stacks/prod-ops/cdk.tf.json")
DEFAULT_PICTURE = Path("docs/dashboard-prod.svg")


def terraform_literal(text: str) -> str:
    """What a Terraform JSON string evaluates to when it holds no interpolation: `$${` is `${`, `%%{` is `%{`."""
    return text.replace("$${", "${").replace("%%{", "%{")


def dashboards_of(stack: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Dashboard name -> parsed body, for every `aws_cloudwatch_dashboard` of a synthesised stack."""
    found: dict[str, dict[str, Any]] = {}
    for resource in stack.get("resource", {}).get("aws_cloudwatch_dashboard", {}).values():
        found[str(resource["dashboard_name"])] = json.loads(terraform_literal(resource["dashboard_body"]))
    return found


def _fit(text: str, width_px: float, char_px: float = CHAR_PX) -> str:
    room = max(int(width_px / char_px), 4)
    return text if len(text) <= room else text[: room - 1] + "\u2026"


def _wrap(text: str, width_px: float, char_px: float = CHAR_PX) -> list[str]:
    room = max(int(width_px / char_px), 8)
    lines: list[str] = []
    for paragraph in text.splitlines():
        words, line = paragraph.split(), ""
        for word in words:
            if line and len(line) + 1 + len(word) > room:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return lines


def _text(x: float, y: float, content: str, *, size: int = 11, weight: str = "normal", fill: str = "#16191f") -> str:
    return (
        f"<text x='{x:g}' y='{y:g}' {FONT} font-size='{size}' font-weight='{weight}' fill='{fill}'>"
        f"{escape(content)}</text>"
    )


def metric_lines(properties: Mapping[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(colour, label, what is read, is a band) for each entry of a metric widget's `metrics`, in order."""
    lines: list[tuple[str, str, str, bool]] = []
    previous: list[Any] = []
    for index, entry in enumerate(properties.get("metrics", [])):
        options = next((item for item in entry if isinstance(item, dict)), {})
        items = [item for item in entry if not isinstance(item, dict)]
        if not items:
            expression = str(options.get("expression", ""))
            label = str(options.get("label", expression))
            band = "ANOMALY_DETECTION_BAND" in expression
            lines.append((str(options.get("color", "#95a5a6")), label, expression, band))
            continue
        items = [previous[i] if item == "." and i < len(previous) else item for i, item in enumerate(items)]
        previous = items
        namespace, name, *rest = (str(item) for item in items)
        dimensions = "".join(f" {rest[i]}={rest[i + 1]}" for i in range(0, len(rest) - 1, 2))
        stat = options.get("stat", properties.get("stat", "Average"))
        period = int(options.get("period", properties.get("period", 300)))
        read = f"{namespace} {name}{dimensions} \u00b7 {stat}/{period}s"
        color = str(options.get("color", PALETTE[index % len(PALETTE)]))
        lines.append((color, str(options.get("label", f"{namespace} {name}")), read, False))
    return lines


def _metric_widget(left: float, top: float, width: float, height: float, properties: Mapping[str, Any]) -> list[str]:
    parts: list[str] = []
    inner = width - 16
    y = top + 36
    for color, label, read, band in metric_lines(properties):
        if band:
            parts.append(f"<rect x='{left + 8:g}' y='{y - 8:g}' width='12' height='9' fill='{color}' opacity='0.45'/>")
        else:
            parts.append(f"<rect x='{left + 8:g}' y='{y - 4:g}' width='12' height='3' fill='{color}'/>")
        if band:
            # The band's label names its metric and width; the expression itself would only repeat them.
            parts.append(_text(left + 26, y, _fit(label, inner - 18, 5.6), size=10))
            y += 14
            continue
        parts.append(_text(left + 26, y, _fit(label, inner - 18)))
        parts.append(_text(left + 26, y + 11, _fit(read, inner - 18, 5.0), size=9, fill="#687078"))
        y += 25
    plot_top, plot_bottom = y + 2, top + height - 14
    if plot_bottom - plot_top < 16:
        return parts
    lines = [line for line in properties.get("annotations", {}).get("horizontal", []) if isinstance(line, dict)]
    floor = float(properties.get("yAxis", {}).get("left", {}).get("min", 0))
    ceiling = max([float(line["value"]) for line in lines] + [floor + 1]) * 1.2
    parts.append(
        f"<line x1='{left + 8:g}' y1='{plot_bottom:g}' x2='{left + width - 8:g}' y2='{plot_bottom:g}' "
        "stroke='#aab7b8' stroke-width='1'/>"
    )
    for line in lines:
        value = float(line["value"])
        share = (value - floor) / (ceiling - floor) if ceiling > floor else 0
        at = plot_bottom - share * (plot_bottom - plot_top)
        color = str(line.get("color", "#7f7f7f"))
        fill = line.get("fill")
        if fill in ("above", "below"):
            shade_top, shade_bottom = (plot_top, at) if fill == "above" else (at, plot_bottom)
            parts.append(
                f"<rect x='{left + 8:g}' y='{shade_top:g}' width='{width - 16:g}' "
                f"height='{shade_bottom - shade_top:g}' fill='{color}' opacity='0.08'/>"
            )
        parts.append(
            f"<line x1='{left + 8:g}' y1='{at:g}' x2='{left + width - 8:g}' y2='{at:g}' stroke='{color}' "
            "stroke-width='1.5' stroke-dasharray='5 3'/>"
        )
        label = str(line["label"])
        shown = label if f"{value:g}" in label else f"{label} ({value:g})"
        parts.append(_text(left + 10, at - 3, _fit(shown, inner - 4, 5.5), size=10, fill=color))
    return parts


def _alarm_tiles(left: float, top: float, width: float, height: float, properties: Mapping[str, Any]) -> list[str]:
    """One tile per alarm, named after the ARN's last part, four to a row (the state is only known live)."""
    parts = [_text(left + 8, top + 32, f"sorted by {properties.get('sortBy', 'default')}", size=9, fill="#687078")]
    names = [str(arn).rsplit(":alarm:", 1)[-1] for arn in properties.get("alarms", [])]
    per_row, tile_height = 4, 18
    tile_width = (width - 16 - (per_row - 1) * 4) / per_row
    for index, name in enumerate(names):
        row, column = divmod(index, per_row)
        x = left + 8 + column * (tile_width + 4)
        y = top + 40 + row * (tile_height + 3)
        if y + tile_height > top + height - 2:
            parts.append(_text(x, y + 12, f"\u2026 and {len(names) - index} more", size=9, fill="#687078"))
            break
        parts.append(
            f"<rect x='{x:g}' y='{y:g}' width='{tile_width:g}' height='{tile_height}' rx='2' fill='#f8f8f8' "
            "stroke='#aab7b8'/>"
        )
        parts.append(_text(x + 5, y + 12.5, _fit(name, tile_width - 10, 5.2), size=9))
    return parts


def render_svg(body: Mapping[str, Any], *, title: str) -> str:
    """The SVG text of one dashboard body (deterministic: the same body gives the same bytes)."""
    widgets: Sequence[Mapping[str, Any]] = body.get("widgets", [])
    rows = max((int(w.get("y", 0)) + int(w.get("height", 6)) for w in widgets), default=1)
    width = GRID_COLUMNS * COLUMN_PX + 2 * MARGIN_PX
    height = rows * ROW_PX + 2 * MARGIN_PX + 28
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>",
        f"<rect x='0' y='0' width='{width}' height='{height}' fill='#f2f3f3'/>",
        _text(
            MARGIN_PX,
            MARGIN_PX + 14,
            f"CloudWatch dashboard {title} \u00b7 opens at {body.get('start', 'default')} \u00b7 "
            f"{len(widgets)} widgets on the 24-column grid",
            size=13,
            weight="bold",
        ),
    ]
    for widget in widgets:
        left = MARGIN_PX + int(widget.get("x", 0)) * COLUMN_PX + GAP_PX / 2
        top = MARGIN_PX + 28 + int(widget.get("y", 0)) * ROW_PX + GAP_PX / 2
        box_width = int(widget.get("width", 6)) * COLUMN_PX - GAP_PX
        box_height = int(widget.get("height", 6)) * ROW_PX - GAP_PX
        properties = widget.get("properties", {})
        parts.append(
            f"<rect x='{left:g}' y='{top:g}' width='{box_width:g}' height='{box_height:g}' rx='3' fill='#ffffff' "
            "stroke='#d5dbdb'/>"
        )
        if widget.get("type") == "text":
            y = top + 16
            for line in _wrap(str(properties.get("markdown", "")), box_width - 16):
                heading = line.startswith("#")
                shown = line.lstrip("#").strip().replace("`", "")
                parts.append(
                    _text(left + 8, y, shown, size=13 if heading else 11, weight="bold" if heading else "normal")
                )
                y += 16 if heading else 14
            continue
        title = _fit(str(properties.get("title", "")), box_width - 16, 7.0)
        parts.append(_text(left + 8, top + 18, title, size=12, weight="bold"))
        if widget.get("type") == "alarm":
            parts += _alarm_tiles(left, top, box_width, box_height, properties)
            continue
        if widget.get("type") == "log":
            y = top + 36
            parts.append(_text(left + 8, y, "CloudWatch Logs Insights", size=9, fill="#687078"))
            for line in str(properties.get("query", "")).split(" | "):
                y += 14
                parts.append(_text(left + 8, y, _fit(line, box_width - 16, 5.6), size=10, fill="#16191f"))
            shape = f"log {properties.get('view', 'table')} \u00b7 x={widget.get('x')} y={widget.get('y')} "
            shape += f"{widget.get('width')}\u00d7{widget.get('height')}"
            parts.append(
                _text(left + box_width - 6 - len(shape) * 4.6, top + box_height - 4, shape, size=8, fill="#879596")
            )
            continue
        shape = f"{properties.get('view', 'timeSeries')} \u00b7 x={widget.get('x')} y={widget.get('y')} "
        shape += f"{widget.get('width')}\u00d7{widget.get('height')}"
        parts.append(
            _text(left + box_width - 6 - len(shape) * 4.6, top + box_height - 4, shape, size=8, fill="#879596")
        )
        parts += _metric_widget(left, top, box_width, box_height, properties)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    stack_file = Path(args[0]) if args else DEFAULT_STACK
    picture = Path(args[1]) if len(args) > 1 else DEFAULT_PICTURE
    if not stack_file.is_file():
        print(f"{stack_file}: no synthesised stack there; run `smus synth` first", file=sys.stderr)
        return 2
    dashboards = dashboards_of(json.loads(stack_file.read_text(encoding="utf-8")))
    if len(dashboards) != 1:
        print(f"{stack_file}: expected one aws_cloudwatch_dashboard, found {sorted(dashboards)}", file=sys.stderr)
        return 2
    ((name, body),) = dashboards.items()
    picture.write_text(render_svg(body, title=name), encoding="utf-8")
    print(f"{picture}: {name}, {len(body.get('widgets', []))} widgets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
