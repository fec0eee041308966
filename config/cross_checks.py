"""Values each field accepts that AWS still rejects: checked across fields, so `validate` says so before apply.

- Roles, keys and boundaries the estate uses must be in the file's own account (DataZone assumes the roles with
  `aws:SourceAccount` of this account; a boundary or key in another account is refused at CreateRole/CreateDomain).
- Every ARN's partition must be the region's (`cn-north-1` takes `arn:aws-cn:`, never `arn:aws:`), and the domain
  and state keys must be in the region that uses them (KMS keys are regional).
- One principal listed twice in one list names one DataZone object twice (a grant, a unit owner): both entries are
  named, because AWS would refuse the second or the construct tree would collide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from config.errors import ConfigIssue
from config.models import AccountConfig, MemberSettings, PrincipalSettings
from smus_constructs.regions import arn_account, arn_partition, arn_region, partition_of


def local_arn_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """ARNs that must name this account: every role, key and boundary the stacks hand to AWS."""
    account_id = config.account.account_id
    domain = config.domain
    fields: list[tuple[str, str | None]] = [
        ("domain.execution_role_arn", domain.execution_role_arn if domain is not None else None),
        ("domain.service_role_arn", domain.service_role_arn if domain is not None else None),
        ("blueprint_roles.provisioning_role_arn", config.blueprint_roles.provisioning_role_arn),
        ("blueprint_roles.manage_access_role_arn", config.blueprint_roles.manage_access_role_arn),
    ]
    for name, blueprint in sorted(config.blueprints.items()):
        fields.append((f"blueprints.{name.value}.provisioning_role_arn", blueprint.provisioning_role_arn))
        fields.append((f"blueprints.{name.value}.manage_access_role_arn", blueprint.manage_access_role_arn))
    boundary = config.role_settings.permissions_boundary_arn
    if boundary is not None and arn_account(boundary) != "aws":  # an AWS managed policy has no account
        fields.append((f"{config.role_settings_table}.permissions_boundary_arn", boundary))
    for field, arn in fields:
        if arn is not None and arn_account(arn) != account_id:
            yield ConfigIssue(path, field, arn, f"an ARN in this account ({account_id}): DataZone uses it there")


def partition_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Every ARN in the file in the account region's partition; keys in the region that uses them."""
    region = config.account.region
    partition = partition_of(region)
    for field, value in _strings(config.model_dump(mode="json")):
        found = arn_partition(value) if value.startswith("arn:") else None
        if found is not None and found != partition:
            yield ConfigIssue(
                path,
                field,
                value,
                f"an ARN of partition {partition!r} (arn:{partition}:...), the partition of {region}",
            )
    for field, arn, wanted in (
        ("domain.kms_key_arn", config.domain.kms_key_arn if config.domain is not None else None, region),
        ("state.kms_key_arn", config.state.kms_key_arn, config.state.region),
    ):
        if arn is not None and arn_region(arn) != wanted:
            yield ConfigIssue(path, field, arn, f"a key in {wanted}: KMS keys are regional")


def _strings(value: object, where: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")
    elif isinstance(value, str):
        yield where, value


def duplicate_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """A principal twice in one list (project creators, member pools, unit owners): both entries named."""
    for index, profile in enumerate(config.profiles):
        yield from _twice(path, f"profiles[{index}].project_creators", profile.project_creators)
    for index, unit in enumerate(config.domain_units):
        yield from _twice(path, f"domain_units[{index}].project_member_pool", unit.project_member_pool)
        yield from _twice(path, f"domain_units[{index}].owners", unit.owners)


def _twice(path: Path, field: str, entries: Sequence[PrincipalSettings | MemberSettings]) -> Iterable[ConfigIssue]:
    first: dict[tuple[str | None, ...], int] = {}
    for index, entry in enumerate(entries):
        key = _identity(entry)
        if key in first:
            yield ConfigIssue(
                path,
                f"{field}[{index}]",
                entry.model_dump(exclude_defaults=True, mode="json"),
                f"each principal once: {field}[{first[key]}] names the same one",
            )
        else:
            first[key] = index


def _identity(entry: PrincipalSettings | MemberSettings) -> tuple[str | None, ...]:
    """Who an entry names, whichever way it is written (an ID, or a name the identity lock resolved)."""
    who = entry.id or entry.name
    if isinstance(entry, MemberSettings):
        return (entry.kind, who)
    return (entry.kind, who, entry.unit, entry.project)
