"""The names of the buckets the estate's domain stores artifacts in, as plain functions (no cdktn): the platform stack
names the Tooling bucket it creates with them, and the config loader, the ops stack's Config rules and the bootstrap
stack's deploy role predict them from an account file."""

from __future__ import annotations

import re

#: `s3://bucket[/prefix]`: S3 bucket names are 3-63 of lower-case letters, digits, '.' and '-'.
S3_URI = re.compile(r"^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/.*)?$")


def tooling_bucket_name(account_id: str, region: str) -> str:
    """Account- and region-scoped, so no other account can hold the name first (S3 names are global)."""
    return f"smus-tooling-{account_id}-{region}"


def bucket_of(s3_location: str) -> str | None:
    """The bucket of an `s3://bucket/prefix` location; None for anything else."""
    match = S3_URI.match(s3_location)
    return match.group(1) if match else None
