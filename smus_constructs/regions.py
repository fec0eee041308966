"""The AWS regions that exist, and the ARN partition each belongs to.

From botocore's `data/endpoints.json` (the SDK's own endpoint rules; botocore 1.43.11, read 2026-12-02): the
`regions` of each partition. A region code that only looks right (`eu-west-9`) passes the CloudFormation pattern and
fails at apply, and a region in another partition than the ARNs (`cn-north-1` with `arn:aws:`) can never work, so
both are config errors. `tests/test_regions.py` checks this table against the botocore that `make test` installs.
Partitions whose regions DataZone has no endpoint in (the ISO partitions) are left out: nothing here can deploy there.
"""

from __future__ import annotations

PARTITION_REGIONS: dict[str, frozenset[str]] = {
    "aws": frozenset(
        {
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        }
    ),
    "aws-cn": frozenset({"cn-north-1", "cn-northwest-1"}),
    "aws-us-gov": frozenset({"us-gov-east-1", "us-gov-west-1"}),
}

REGION_PARTITION: dict[str, str] = {
    region: partition for partition, regions in PARTITION_REGIONS.items() for region in regions
}


def known_region(region: str) -> bool:
    return region in REGION_PARTITION


def partition_of(region: str) -> str:
    """The ARN partition of ``region`` (a known region's own; by prefix for one this table does not list yet)."""
    if region in REGION_PARTITION:
        return REGION_PARTITION[region]
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def arn_partition(arn: str) -> str | None:
    """The partition field of an ARN (`arn:<partition>:...`), or None when ``arn`` is not an ARN."""
    parts = arn.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "arn" else None


def arn_region(arn: str) -> str | None:
    """The region field of an ARN (empty for global services such as IAM), or None when it has none."""
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" else None


def arn_account(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else None
