"""Where each blueprint's environments go, region by region: its own regional parameters, else the account's network.

Blueprints whose environments provision into a VPC (`smus_constructs.blueprint_names.VPC_BLUEPRINTS`) need
`S3Location`, `VpcId` and `Subnets` in every region they are enabled in; aws-ia's quick-setup gives them the same
three values. An account names one network per region (`[networks.<region>]`) that those blueprints inherit, and a
blueprint's own `regional_parameters` replace it (VPC and subnets together: a VPC with another VPC's subnets would
fail at apply). In the account's region the S3 location defaults to the Tooling blueprint's bucket, given or created,
as aws-ia shares the domain bucket. Other blueprints inherit nothing: they get only what they name.

Pure functions of the validated config, so `smus validate` reports a missing network before any synth, and the
platform stack builds from the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from config.errors import MISSING, ConfigIssue
from config.models import AccountConfig, RegionalParametersSettings
from smus_constructs.blueprint_names import VPC_BLUEPRINTS, BlueprintName


@dataclass(frozen=True)
class Placement:
    """A blueprint's regional parameters in one region, after defaults. ``s3_location`` None in the account's
    region means the Tooling bucket, which only the platform stack knows when it creates it."""

    s3_location: str | None
    vpc_id: str | None
    subnet_ids: tuple[str, ...]


def placements(config: AccountConfig, name: BlueprintName) -> dict[str, Placement]:
    """Region -> where ``name``'s environments go, for each region it is enabled in (empty placements left out)."""
    blueprint = config.blueprints[name]
    found: dict[str, Placement] = {}
    for region in blueprint.regions or [config.account.region]:
        own = blueprint.regional_parameters.get(region, RegionalParametersSettings())
        default = config.networks.get(region) if name in VPC_BLUEPRINTS else None
        if own.vpc_id is not None or own.subnet_ids:
            vpc_id, subnet_ids = own.vpc_id, tuple(own.subnet_ids)
        elif default is not None:
            vpc_id, subnet_ids = default.vpc_id, tuple(default.subnet_ids)
        else:
            vpc_id, subnet_ids = None, ()
        s3_location = own.s3_location or (default.s3_location if default is not None else None)
        if s3_location or vpc_id or subnet_ids:
            found[region] = Placement(s3_location=s3_location, vpc_id=vpc_id, subnet_ids=subnet_ids)
    return found


def network_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """A VPC and its subnets given together; every VPC blueprint placed in a network, with an S3 location."""
    home = config.account.region
    tooling_bucket_here = BlueprintName.TOOLING in config.blueprints
    for name, blueprint in sorted(config.blueprints.items()):
        for region, params in sorted(blueprint.regional_parameters.items()):
            where = f"blueprints.{name.value}.regional_parameters.{region}"
            if params.vpc_id is not None and not params.subnet_ids:
                yield ConfigIssue(
                    path, f"{where}.subnet_ids", [], "subnets of vpc_id: vpc_id and subnet_ids given together"
                )
            if params.subnet_ids and params.vpc_id is None:
                yield ConfigIssue(
                    path, f"{where}.vpc_id", MISSING, "the subnets' VPC: vpc_id and subnet_ids given together"
                )
        if name not in VPC_BLUEPRINTS:
            continue
        placed = placements(config, name)
        for region in blueprint.regions or [home]:
            where = f"blueprints.{name.value}.regional_parameters.{region}"
            here = placed.get(region)
            if here is None or here.vpc_id is None:
                yield ConfigIssue(
                    path,
                    where,
                    MISSING,
                    f"vpc_id and subnet_ids for {name.value} in {region} (its environments provision into a VPC): "
                    f"here, or the account's default network [networks.{region}]",
                )
            elif here.s3_location is None and not (region == home and tooling_bucket_here):
                yield ConfigIssue(
                    path,
                    f"{where}.s3_location",
                    MISSING,
                    f"an S3 URI for {name.value}'s environments in {region}: here, or s3_location in "
                    f"[networks.{region}] (only the account's region defaults to the Tooling bucket)",
                )
