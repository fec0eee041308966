"""The ops stack's Config rules on the account's artifact buckets (a domain account's or a member's), from config
(config.artifact_buckets)."""

from __future__ import annotations

from collections.abc import Sequence

from cdktn import ITerraformDependable

from config.artifact_buckets import artifact_buckets, data_events_trail
from config.models import AccountConfig
from smus_constructs.artifact_logging import ArtifactAccessRules, ArtifactAccessRulesProps
from stacks.account_stack import AccountStack


def artifact_access_rules(
    stack: AccountStack, config: AccountConfig, name_prefix: str, depends_on: Sequence[ITerraformDependable]
) -> ArtifactAccessRules | None:
    """Child ``ArtifactAccessRules``; None without artifact buckets, or in an unprotected account that configures no
    way of logging them (the config loader refuses that in a protected one)."""
    buckets = artifact_buckets(config)
    log_bucket = config.bootstrap.access_log_bucket
    trail = data_events_trail(config)
    if not buckets or (log_bucket is None and trail is None):
        return None
    return ArtifactAccessRules(
        stack,
        "ArtifactAccessRules",
        ArtifactAccessRulesProps(
            bucket_names=[bucket.name for bucket in buckets],
            name_prefix=name_prefix,
            log_bucket=log_bucket,
            data_events_trail=trail,
            depends_on=depends_on,
        ),
    )
