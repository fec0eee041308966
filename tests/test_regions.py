"""The region table against the SDK's own endpoint data, and the config checks it drives.

botocore ships `data/endpoints.json` (each partition's regions); `make test` installs a botocore into `.venv-checkov`
with checkov. That copy may be older than the one the table was read from, so the check is one-way: every region
botocore knows is in the table with the same partition (the table may know newer regions).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smus_constructs.regions import PARTITION_REGIONS, REGION_PARTITION, arn_partition, arn_region, partition_of

REPO = Path(__file__).resolve().parent.parent


def botocore_partitions() -> dict[str, set[str]]:
    found = sorted(REPO.glob(".venv-checkov/lib/python3*/site-packages/botocore/data/endpoints.json"))
    if not found:
        pytest.fail("botocore's endpoints.json is missing: `make test` installs it with checkov into .venv-checkov")
    data = json.loads(found[0].read_text())
    return {partition["partition"]: set(partition["regions"]) for partition in data["partitions"]}


def test_every_region_botocore_knows_is_in_the_table_with_its_partition() -> None:
    partitions = botocore_partitions()
    for partition in PARTITION_REGIONS:
        missing = partitions[partition] - PARTITION_REGIONS[partition]
        assert not missing, f"{partition}: regions botocore knows that the table lacks: {sorted(missing)}"
    for region, partition in REGION_PARTITION.items():
        if region in {r for regions in partitions.values() for r in regions}:
            assert region in partitions[partition], f"{region} is not in {partition} according to botocore"


@pytest.mark.parametrize(
    ("region", "partition"),
    [("eu-west-1", "aws"), ("cn-northwest-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("eu-west-9", "aws")],
)
def test_partition_of_region(region: str, partition: str) -> None:
    assert partition_of(region) == partition


def test_arn_fields() -> None:
    arn = "arn:aws-cn:kms:cn-north-1:123456789012:key/abc"
    assert (arn_partition(arn), arn_region(arn)) == ("aws-cn", "cn-north-1")
    assert arn_partition("not-an-arn") is None
