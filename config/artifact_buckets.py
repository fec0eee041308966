"""Which buckets hold the domain's artifacts, and how their access is logged (issue 16 item 4).

The artifact buckets are the S3 locations the account's blueprints send in its home region: the Tooling bucket
(created by the platform stack, `smus-tooling-<account>-<region>`, when the Tooling blueprint names no S3 location)
and every bucket a blueprint's `s3_location` names. Other regions' buckets are left to those regions: AWS Config
evaluates a bucket in its own region, and the ops stack has rules in the home region only.

Two ways to log who read or wrote them, either accepted:

* S3 server access logs into `[bootstrap] access_log_bucket` (the account's log bucket, which the state bucket logs to
  already). The platform stack turns them on for the Tooling bucket it creates; a bucket handed in is its owner's to
  configure, and the ops stack's S3_BUCKET_LOGGING_ENABLED rule reports one that does not log there.
* CloudTrail data events, where `[domain] s3_data_events_trail` (a member's `[association] s3_data_events_trail`)
  names the trail that records them (an organisation trail usually does); the ops stack's
  CLOUDTRAIL_S3_DATAEVENTS_ENABLED rule checks a trail does.

A protected account with artifact buckets and neither is refused: its artifact access would be unaudited. Other
accounts may go without (a dev account's logs cost more than they tell); nothing is then checked.

A member account (`[association]`, no `[domain]`) holds artifact buckets of its own: the shared domain's project
environments in this account write to its Tooling bucket (created in this account, named for this account and the
domain's region, which is this account's: config.associations refuses a region mismatch) and its blueprints' S3
locations. They are found, checked and logged the same way, with this account's log bucket or trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from config.errors import ConfigIssue
from config.models import AccountConfig
from config.networks import placements
from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.bucket_names import bucket_of, tooling_bucket_name


@dataclass(frozen=True)
class ArtifactBucket:
    name: str
    #: True for the Tooling bucket the platform stack creates (and so can set logging on).
    created: bool


def artifact_buckets(config: AccountConfig) -> tuple[ArtifactBucket, ...]:
    """The home region's artifact buckets, sorted by name, the created Tooling bucket marked (a domain account's,
    or a member's in the shared domain: stacks.member_platform creates its Tooling bucket in the member)."""
    home = config.account.region
    found: dict[str, bool] = {}
    if BlueprintName.TOOLING in config.blueprints:
        here = placements(config, BlueprintName.TOOLING).get(home)
        if here is None or here.s3_location is None:
            found[tooling_bucket_name(config.account.account_id, home)] = True
    for name in sorted(config.blueprints):
        placed = placements(config, name).get(home)
        bucket = bucket_of(placed.s3_location) if placed is not None and placed.s3_location else None
        if bucket is not None:
            found.setdefault(bucket, False)
    return tuple(ArtifactBucket(name, created) for name, created in sorted(found.items()))


def data_events_trail(config: AccountConfig) -> str | None:
    """The trail said to record the artifact buckets' S3 data events: [domain]'s, or a member's [association]'s."""
    if config.domain is not None:
        return config.domain.s3_data_events_trail
    return config.association.s3_data_events_trail if config.association is not None else None


def artifact_logging_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    buckets = artifact_buckets(config)
    log_bucket = config.bootstrap.access_log_bucket
    trail = data_events_trail(config)
    if buckets and config.account.protected and log_bucket is None and trail is None:
        table = "association" if config.domain is None and config.association is not None else "domain"
        yield ConfigIssue(
            path,
            "bootstrap.access_log_bucket",
            None,
            f"the account's S3 access-log bucket, or [{table}] s3_data_events_trail (the trail that records S3 "
            "data events), because a protected account's artifact buckets must log access: "
            + ", ".join(bucket.name for bucket in buckets),
        )
    if log_bucket is not None and log_bucket in {bucket.name for bucket in buckets}:
        yield ConfigIssue(
            path,
            "bootstrap.access_log_bucket",
            log_bucket,
            "a bucket other than the domain's artifact buckets (a bucket cannot log into itself)",
        )
