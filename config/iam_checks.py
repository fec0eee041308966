"""What the account file may ask of the estate's IAM: checks across fields that keep the deploy role from escalating.

- A role the stacks create carries the permissions boundary (`domain.permissions_boundary_arn`): the deploy role
  writes a role only while it carries one, so no role it writes can hold more than the boundary allows. Without one,
  the deploy role could create a role with any inline policy and a trust naming anyone; so a created role without a
  boundary is refused unless `domain.no_permissions_boundary_reason` says why, and never in a protected account.
- The deploy and plan roles live outside the role path the deploy role manages (`/service-role/<domain>-*`):
  inside it, the deploy role could write its own policy or the plan role's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from config.created_roles import created_roles
from config.errors import MISSING, ConfigIssue
from config.models import AccountConfig
from config.pipeline_trust import plan_role_arn
from smus_constructs.pipeline_rules import split_role_arn
from smus_constructs.role_names import SERVICE_ROLE_PATH


def managed_role_prefix(config: AccountConfig) -> str:
    """The path and name prefix of every role the deploy role manages: `/service-role/<domain>-`."""
    return f"{SERVICE_ROLE_PATH}{config.name_prefix}-"


def boundary_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """A created role without a boundary needs a stated reason (never in a protected account); a reason must be true."""
    domain = config.role_settings
    table = config.role_settings_table
    reason = domain.no_permissions_boundary_reason
    unbounded = [role for role in created_roles(config) if role.permissions_boundary_arn is None]
    if unbounded and (reason is None or config.account.protected):
        names = ", ".join(f"{role.name} ({role.field} is not set)" for role in unbounded)
        why = (
            "a protected account's created roles always need one"
            if config.account.protected
            else f"or set {table}.no_permissions_boundary_reason to say why they need none"
        )
        yield ConfigIssue(
            path,
            f"{table}.permissions_boundary_arn",
            MISSING,
            f"a permissions boundary policy ARN for the roles the stacks create: {names}; give those roles instead, "
            f"{why}",
        )
    if reason is not None and domain.permissions_boundary_arn is not None:
        yield ConfigIssue(
            path,
            f"{table}.no_permissions_boundary_reason",
            reason,
            f"no reason: {table}.permissions_boundary_arn is set, so every created role carries it; remove one of them",
        )
    elif reason is not None and not unbounded:
        yield ConfigIssue(
            path,
            f"{table}.no_permissions_boundary_reason",
            reason,
            "no reason: the stacks create no role without a boundary (every role is given or bounded); remove it",
        )
    elif reason is not None and config.account.protected:
        yield ConfigIssue(
            path,
            f"{table}.no_permissions_boundary_reason",
            reason,
            f"no reason in a protected account: set {table}.permissions_boundary_arn, or give the roles",
        )


def managed_path_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """The deploy and plan roles must not match the deploy role's own `role/service-role/<domain>-*` resource."""
    prefix = managed_role_prefix(config)
    plan_field = "bootstrap.plan_role_name"
    for field, arn in (
        ("account.deploy_role_arn", config.account.deploy_role_arn),
        (plan_field, plan_role_arn(config)),
    ):
        _, _, role_path, name = split_role_arn(arn)
        if (role_path + name).startswith(prefix):
            derived = " (derived from account.deploy_role_arn)" if field == plan_field else ""
            yield ConfigIssue(
                path,
                field,
                arn
                if field != plan_field or config.bootstrap.plan_role_name is None
                else config.bootstrap.plan_role_name,
                f"a role outside {prefix}*{derived}: the deploy role manages every role there, so it could rewrite "
                "this role's permissions; use another path or name, e.g. 'arn:aws:iam::<account>:role/smus-deploy'",
            )
