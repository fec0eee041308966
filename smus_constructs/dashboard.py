"""One CloudWatch dashboard (`aws_cloudwatch_dashboard`, child ``Resource``) from typed widget specs.

The article this estate follows asks for the drift job "in the platform observability dashboard engineers already
look at, not a separate one": one dashboard per account, where drift, the pipeline's signals, the project quota and
the change alerts sit side by side. The body is plain data built by
:func:`smus_constructs.dashboard_body.dashboard_body` (the specs, the grid layout and AWS's limits live there), so it
can be read and checked without synth; this construct only writes it, escaped as a Terraform literal.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from constructs import Construct

from smus_constructs.dashboard_body import DEFAULT_START, Body, Widget, check_dashboard_name, dashboard_body
from smus_constructs.literals import literal


@dataclass(frozen=True, kw_only=True)
class OpsDashboardProps:
    """Props of :class:`OpsDashboard`."""

    #: 1-255 of A-Z, a-z, 0-9, '-' and '_'.
    dashboard_name: str
    #: The region every metric widget reads (the account's home region, where its metrics and rules are).
    region: str
    #: In reading order; laid out left to right on the 24-column grid (dashboard_body.layout).
    widgets: Sequence[Widget]
    #: default: '-P14D'. The time range the dashboard opens with.
    start: str = DEFAULT_START


class OpsDashboard(Construct):
    """The dashboard (child ``Resource``); ``body`` is what it was given as plain data."""

    def __init__(self, scope: Construct, id: str, props: OpsDashboardProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        check_dashboard_name(props.dashboard_name, path=path)
        self.body: Body = dashboard_body(props.widgets, region=props.region, start=props.start, path=path)
        self.resource = CloudwatchDashboard(
            self,
            "Resource",
            dashboard_name=props.dashboard_name,
            # A title or a Markdown text could hold `${`: written as a literal, Terraform never evaluates it.
            dashboard_body=literal(json.dumps(self.body, sort_keys=True)),
        )

    @property
    def dashboard_arn(self) -> str:
        return self.resource.dashboard_arn
