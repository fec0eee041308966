"""Structural differences between two accounts' config, to gate promotion (dev -> staging -> prod).

What is compared is the shape of an estate: which blueprints are enabled where and with what parameters, which
profiles compose which blueprints, whether keys and roles are created or brought, tags, projects. What must differ
between accounts is left out: account IDs, ARNs (only their mode is compared), and names derived from the account
(bucket and domain names); the account name and ID inside any remaining value are replaced by placeholders.

Member (associated) accounts compare by their role in the domain, never by name or ID: a domain account's facts hold
each member's own facts under `members.<role>`, where the role is the member's name without its domain account's name
(`prod-ml` joining `prod` and `staging-ml` joining `staging` are both `ml`), and a profile environment deploys into
"domain account" or "member <role>". A name is the stable key: keyed by the blueprints a member hosts, enabling one
more blueprint would read as one member gone and another come.

A difference fails the gate (exit 1) unless `config/intended-differences.toml` declares it with a reason, so an
environment cannot drift from the one it is promoted to without someone writing down why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from rich.console import Console
from rich.table import Table

from config.loader import DEFAULT_CONFIG_DIR
from config.models import AccountConfig, PrincipalSettings
from smus_cli.reviewed_files import load_reviewed_file
from smus_cli.terminal import escape

EXIT_SAME = 0
EXIT_UNDECLARED = 1
EXIT_BAD_INPUT = 2

INTENDED_FILE = "intended-differences.toml"
DEFAULT_INTENDED = DEFAULT_CONFIG_DIR.parent / INTENDED_FILE

#: Tags whose value is the account's identity: equal values would be the mistake.
MUST_DIFFER_TAGS = frozenset({"Environment"})

ABSENT = "(absent)"
PRESENT = "present"
CREATED = "created"
BROUGHT = "bring-your-own"

#: Every field of config/models.py and what the diff does with it; tests fail when a new field is not listed here,
#: so a field added to the model cannot silently escape the promotion gate.
FIELD_COVERAGE: dict[str, str] = {
    "account.name": "ignored: the account's own name",
    "account.account_id": "ignored: must differ",
    "account.region": "compared",
    "account.protected": "compared",
    "account.deploy_role_arn": "ignored: an ARN in the account",
    "state.bucket": "ignored: named after the account",
    "state.region": "compared",
    "state.kms_key_arn": "ignored: an ARN in the account",
    "state.key_prefix": "compared",
    "state.dynamodb_table": "compared as set or not",
    "bootstrap.github_repository": "compared",
    "bootstrap.github_subjects": "ignored: each account deploys from its own environment or branch",
    "bootstrap.plan_subjects": "compared",
    "bootstrap.plan_role_name": "compared",
    "bootstrap.break_glass_role_arn": "ignored: an ARN in the account",
    "bootstrap.state_in_bucket": "ignored: each account's bootstrap state is migrated when its administrator does it",
    "bootstrap.drift_role_name": "ignored: names a role in the account",
    "bootstrap.create_oidc_provider": "ignored: whether the account already had a GitHub OIDC provider",
    "bootstrap.oidc_provider_arn": "ignored: an ARN in the account",
    "bootstrap.service_linked_roles": "compared",
    "bootstrap.noncurrent_version_expiration_days": "compared",
    "bootstrap.noncurrent_versions_to_keep": "compared",
    "bootstrap.access_log_bucket": "compared as set or not",
    "tags": "compared, except the tags in MUST_DIFFER_TAGS",
    "domain.name": "ignored: named after the account",
    "domain.description": "ignored: free text",
    "domain.single_sign_on": "compared",
    "domain.user_assignment": "compared",
    "domain.kms_key_arn": "compared as created or bring-your-own",
    "domain.aws_owned_key": "compared as the key's mode (aws-owned)",
    "domain.execution_role_arn": "compared as created or bring-your-own",
    "domain.service_role_arn": "compared as created or bring-your-own",
    "domain.permissions_boundary_arn": "compared as set or not",
    "domain.no_permissions_boundary_reason": "ignored: the reason for an unset boundary, which is compared",
    "domain.timeouts.create": "compared",
    "domain.timeouts.delete": "compared",
    "domain.existing_id": "ignored: an ID in the account",
    "domain.existing_share_arn": "ignored: an ARN in the account",
    "domain.associated_accounts": "compared by role: members.<role> (see member_roles), each with its own facts",
    "association.domain_account": "compared as the member's role in that domain (association.role)",
    "association.same_organization": "compared",
    "association.name_prefix": "ignored: named after the account",
    "association.permissions_boundary_arn": "compared as set or not",
    "association.no_permissions_boundary_reason": "ignored: free text",
    "association.existing_share_arn": "ignored: an ARN in the domain account",
    "association.existing_domain_id": "ignored: an ID in the domain account",
    "association.s3_data_events_trail": "compared as set or not",
    "domain.s3_data_events_trail": "compared as set or not",
    "blueprint_roles.provisioning_role_arn": "compared as created or bring-your-own",
    "blueprint_roles.manage_access_role_arn": "compared as created or bring-your-own",
    "networks.vpc_id": "compared as set or not: VPCs are per account",
    "networks.subnet_ids": "compared as a count: subnets are per account",
    "networks.s3_location": "compared, account name and ID as placeholders",
    "blueprints.regions": "compared (default: the account's region); which blueprints are enabled is compared too",
    "blueprints.regional_parameters.s3_location": "compared, account name and ID as placeholders",
    "blueprints.regional_parameters.vpc_id": "compared as set or not: VPCs are per account",
    "blueprints.regional_parameters.subnet_ids": "compared as a count: subnets are per account",
    "blueprints.global_parameters": "compared, account name and ID as placeholders",
    "blueprints.authorized_units": "compared",
    "blueprints.existing_blueprint_id": "ignored: an ID in the account",
    "blueprints.query_execution_role_arn": "compared as created or bring-your-own",
    "blueprints.provisioning_role_arn": "compared as shared, bring-your-own or none",
    "blueprints.manage_access_role_arn": "compared as shared, bring-your-own or none",
    "blueprints.without_roles": "compared (as the role's none)",
    "profiles.name": "compared: which exist",
    "profiles.description": "ignored: free text",
    "profiles.environments.blueprint": "compared, in order (awscc matches them by position)",
    "profiles.environments.mode": "compared",
    "profiles.environments.name": "compared",
    "profiles.environments.description": "ignored: free text",
    "profiles.environments.region": "compared",
    "profiles.environments.account": "compared by role: 'domain account' or 'member <role>'",
    "profiles.environments.overrides.name": "compared",
    "profiles.environments.overrides.value": "compared, account name and ID as placeholders",
    "profiles.environments.overrides.editable": "compared",
    "profiles.status": "compared",
    "profiles.project_creators.kind": "compared",
    "profiles.project_creators.id": "compared",
    "profiles.project_creators.name": "compared: by name, so accounts on different identity stores compare",
    "profiles.project_creators.unit": "compared",
    "profiles.project_creators.project": "compared",
    "profiles.project_creators.designation": "compared",
    "profiles.project_creators.include_child_units": "compared",
    "profiles.project_creators.reason": "ignored: free text",
    "profiles.unit": "compared",
    "profiles.project_execution_role": "compared",
    "profiles.existing_id": "ignored: an ID in the account",
    "projects.name": "compared: which exist",
    "projects.profile": "compared",
    "projects.category": "compared",
    "projects.description": "ignored: free text",
    "projects.template": "compared",
    "projects.owners.id": "compared",
    "projects.owners.name": "compared: by name, so accounts on different identity stores compare",
    "projects.owners.kind": "compared",
    "projects.contributors.id": "compared",
    "projects.contributors.name": "compared: by name, so accounts on different identity stores compare",
    "projects.contributors.kind": "compared",
    "projects.user_parameters": "compared, account name and ID as placeholders",
    "projects.resource_tags": "compared",
    "projects.unit": "compared",
    "projects.execution_role_arn": "compared as from-profile or bring-your-own",
    "projects.existing_id": "ignored: an ID in the account",
    "ignore_changes.resource": "compared: which attributes are left unreconciled",
    "ignore_changes.attribute": "compared",
    "ignore_changes.reason": "ignored: free text",
    "bedrock.approved_model_ids": "compared",
    "operations.alert_emails": "ignored: each account alerts its own on-call",
    "operations.alert_subscriptions.protocol": "ignored: each account alerts its own on-call",
    "operations.alert_subscriptions.endpoint": "ignored: each account alerts its own on-call",
    "operations.metric_namespace": "compared",
    "operations.project_quota": "compared",
    "operations.quota_threshold_percent": "compared",
    "operations.heartbeat_hours": "compared",
    "operations.drift_log_retention_days": "compared",
    "operations.plan_github_environment": "ignored: each account plans from its own GitHub environment",
    "operations.config_rules": "compared",
    "operations.create_config_recorder": "ignored: whether the account already had an AWS Config recorder",
    "operations.config_delivery_bucket": "ignored: a bucket in the account",
    "domain_units.path": "compared: which exist",
    "domain_units.description": "ignored: free text",
    "domain_units.owners.id": "compared",
    "domain_units.owners.name": "compared: by name, so accounts on different identity stores compare",
    "domain_units.owners.kind": "compared",
    "domain_units.project_member_pool.kind": "compared",
    "domain_units.project_member_pool.id": "compared",
    "domain_units.project_member_pool.name": "compared: by name, so accounts on different identity stores compare",
    "domain_units.project_member_pool.unit": "compared",
    "domain_units.project_member_pool.project": "compared",
    "domain_units.project_member_pool.designation": "compared",
    "domain_units.project_member_pool.include_child_units": "compared",
    "domain_units.project_member_pool.reason": "ignored: free text",
    "grants.policy": "compared: which grants exist",
    "grants.principal.kind": "compared",
    "grants.principal.id": "compared",
    "grants.principal.name": "compared: by name, so accounts on different identity stores compare",
    "grants.principal.unit": "compared",
    "grants.principal.project": "compared",
    "grants.principal.designation": "compared",
    "grants.principal.include_child_units": "compared",
    "grants.principal.reason": "ignored: free text",
    "grants.unit": "compared",
    "grants.blueprint": "compared",
    "grants.include_child_units": "compared",
    "grants.profiles": "compared",
    "grants.reason": "ignored: free text",
}

Key = tuple[str, ...]


def _account_or_star(value: str) -> str:
    if value != "*" and not re.match(r"^[a-z][a-z0-9-]{1,30}$", value):
        raise ValueError("'*' or an account name such as 'prod'")
    return value


class IntendedDifference(BaseModel):
    """A difference between two accounts that a reviewer accepted, with the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: The two accounts, in either order; '*' stands for any account.
    accounts: tuple[Annotated[str, AfterValidator(_account_or_star)], Annotated[str, AfterValidator(_account_or_star)]]
    #: A difference path as `smus diff-envs` prints it; it also covers every path below it.
    path: Annotated[str, Field(min_length=1)]
    reason: Annotated[str, Field(min_length=10)]

    def applies_to(self, a: str, b: str) -> bool:
        first, second = self.accounts
        return (_matches(first, a) and _matches(second, b)) or (_matches(first, b) and _matches(second, a))

    def covers(self, path: str) -> bool:
        return path == self.path or path.startswith(f"{self.path}.")


def _matches(pattern: str, account: str) -> bool:
    return pattern in ("*", account)


class IntendedDifferences(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    difference: list[IntendedDifference] = []


def intended_path_for(config_dir: Path) -> Path | None:
    """`intended-differences.toml` beside the accounts folder (an estate's own, as with governance.toml), if any."""
    beside = config_dir.parent / INTENDED_FILE
    return beside if beside.is_file() else None


def load_intended(path: Path | None) -> IntendedDifferences:
    """The declarations at ``path``; with no path, the default file if present."""
    if path is None:
        if not DEFAULT_INTENDED.is_file():
            return IntendedDifferences()
        path = DEFAULT_INTENDED
    return load_reviewed_file(path, IntendedDifferences)


class _Normaliser:
    """Replace the account's name and ID inside a value, so `s3://acme-dev-x` and `s3://acme-prod-x` compare equal."""

    def __init__(self, name: str, account_id: str) -> None:
        self._name = re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])")
        self._id = account_id

    def __call__(self, value: str) -> str:
        return self._name.sub("<account>", value.replace(self._id, "<account-id>"))


def _mode(arn: str | None) -> str:
    return CREATED if arn is None else BROUGHT


def _set(value: object) -> str:
    return "none" if value is None else "set"


DOMAIN_ACCOUNT = "domain account"


def member_role(member: str, domain_account: str) -> str:
    """A member's name without its domain account's name: `prod-ml` of `prod` is `ml`, so is `ml-prod`.

    Environments name their accounts after themselves, so what is left is the part that names the member's role in
    its domain; a name that does not carry the domain account's name is its own role.
    """
    if member.startswith(f"{domain_account}-"):
        return member.removeprefix(f"{domain_account}-")
    if member.endswith(f"-{domain_account}"):
        return member.removesuffix(f"-{domain_account}")
    return member


def member_roles(domain_account: str, members: Iterable[str]) -> dict[str, str]:
    """Member name -> role (:func:`member_role`); members whose roles would clash keep their full names."""
    roles = {member: member_role(member, domain_account) for member in members}
    clashing = {role for role in roles.values() if list(roles.values()).count(role) > 1}
    return {member: member if role in clashing else role for member, role in roles.items()}


def structure(config: AccountConfig, members: Mapping[str, AccountConfig] | None = None) -> dict[Key, str]:
    """The account's config as comparable facts: key path -> normalised value. See :data:`FIELD_COVERAGE`.

    ``members``: the configs of the members a domain account lists (by account name), whose facts are part of the
    domain account's under `members.<role>`. Raises ValueError naming a listed member it does not hold.
    """
    account = config.account
    norm = _Normaliser(account.name, account.account_id)
    facts: dict[Key, str] = {
        ("account", "region"): account.region,
        ("account", "protected"): str(account.protected).lower(),
        ("state", "region"): config.state.region,
        ("state", "key_prefix"): config.state.key_prefix,
        ("state", "dynamodb_table"): _set(config.state.dynamodb_table),
    }
    bootstrap = config.bootstrap
    facts |= {
        ("bootstrap", "github_repository"): bootstrap.github_repository,
        ("bootstrap", "service_linked_roles"): ", ".join(sorted(r.value for r in bootstrap.service_linked_roles))
        or "none",
        ("bootstrap", "noncurrent_version_expiration_days"): str(bootstrap.noncurrent_version_expiration_days),
        ("bootstrap", "noncurrent_versions_to_keep"): str(bootstrap.noncurrent_versions_to_keep),
        ("bootstrap", "access_log_bucket"): _set(bootstrap.access_log_bucket),
        ("bedrock", "approved_model_ids"): ", ".join(sorted(config.bedrock.approved_model_ids)) or "none",
        ("operations", "metric_namespace"): config.operations.metric_namespace,
        ("operations", "project_quota"): str(config.operations.project_quota),
        ("operations", "quota_threshold_percent"): str(config.operations.quota_threshold_percent),
        ("operations", "heartbeat_hours"): str(config.operations.heartbeat_hours),
        ("operations", "drift_log_retention_days"): str(config.operations.drift_log_retention_days),
        ("operations", "config_rules"): str(config.operations.config_rules).lower(),
    }
    for tag, value in config.tags.items():
        if tag not in MUST_DIFFER_TAGS:
            facts["tags", tag] = norm(value)

    domain = config.domain
    roles = member_roles(account.name, domain.associated_accounts if domain is not None else ())
    if config.association is not None:  # a member account: no domain of its own
        association = config.association
        facts |= {
            ("association", "role"): member_role(account.name, association.domain_account),
            ("association", "same_organization"): str(association.same_organization).lower(),
            ("association", "permissions_boundary"): _set(association.permissions_boundary_arn),
            ("association", "s3_data_events_trail"): _set(association.s3_data_events_trail),
        }
    if domain is not None:
        facts |= _member_facts(account.name, roles, members or {})
        facts |= {
            ("domain", "single_sign_on"): domain.single_sign_on.value,
            ("domain", "user_assignment"): domain.user_assignment,
            ("domain", "kms_key"): "aws-owned" if domain.aws_owned_key else _mode(domain.kms_key_arn),
            ("domain", "execution_role"): _mode(domain.execution_role_arn),
            ("domain", "service_role"): _mode(domain.service_role_arn),
            ("domain", "permissions_boundary"): _set(domain.permissions_boundary_arn),
            ("domain", "s3_data_events_trail"): _set(domain.s3_data_events_trail),
            ("domain", "timeouts", "create"): domain.timeouts.create,
            ("domain", "timeouts", "delete"): domain.timeouts.delete,
        }
    facts |= {
        ("blueprint_roles", "provisioning_role"): _mode(config.blueprint_roles.provisioning_role_arn),
        ("blueprint_roles", "manage_access_role"): _mode(config.blueprint_roles.manage_access_role_arn),
    }

    for region, network in config.networks.items():
        where: Key = ("networks", region)
        facts[(*where, "vpc_id")] = _set(network.vpc_id)
        facts[(*where, "subnet_ids")] = f"{len(network.subnet_ids)} subnets"
        facts[(*where, "s3_location")] = norm(network.s3_location) if network.s3_location else "none"

    for name, blueprint in config.blueprints.items():
        at: Key = ("blueprints", name.value)
        facts[at] = PRESENT
        facts[(*at, "regions")] = ", ".join(sorted(blueprint.regions or [account.region]))
        for region, params in blueprint.regional_parameters.items():
            where = (*at, "regional_parameters", region)
            facts[(*where, "s3_location")] = norm(params.s3_location) if params.s3_location else "none"
            facts[(*where, "vpc_id")] = _set(params.vpc_id)
            facts[(*where, "subnet_ids")] = f"{len(params.subnet_ids)} subnets"
        for key, value in blueprint.global_parameters.items():
            facts[(*at, "global_parameters", key)] = norm(value)
        facts[(*at, "authorized_units")] = ", ".join(sorted(blueprint.authorized_units)) or "/root (default)"
        if name.value == "Tooling":
            facts[(*at, "query_execution_role")] = _mode(blueprint.query_execution_role_arn)
        for role in ("provisioning", "manage_access"):
            own = getattr(blueprint, f"{role}_role_arn")
            mode = "none" if role in blueprint.without_roles else BROUGHT if own is not None else "shared"
            facts[(*at, f"{role}_role")] = mode

    for profile in config.profiles:
        at = ("profiles", profile.name)
        facts[at] = PRESENT
        facts[(*at, "environments")] = ", ".join(env.name or env.blueprint.value for env in profile.environments)
        for env in profile.environments:
            where = (*at, "environments", env.name or env.blueprint.value)
            facts[where] = PRESENT
            facts[(*where, "blueprint")] = env.blueprint.value
            facts[(*where, "mode")] = env.mode
            facts[(*where, "region")] = env.region or account.region
            target = DOMAIN_ACCOUNT if env.account is None else f"member {roles.get(env.account, env.account)}"
            facts[(*where, "account")] = target
            for override in env.overrides:
                editable = " (editable)" if override.editable else ""
                value = "(no value)" if override.value is None else norm(override.value)
                facts[(*where, "overrides", override.name)] = value + editable
        facts[(*at, "project_creators")] = _principals(profile.project_creators)
        facts[(*at, "unit")] = profile.unit
        facts[(*at, "project_execution_role")] = profile.project_execution_role
        facts[(*at, "status")] = profile.status

    for project in config.projects:
        at = ("projects", project.name)
        facts[at] = PRESENT
        facts[(*at, "profile")] = project.profile or "(none)"
        facts[(*at, "category")] = project.category
        facts[(*at, "template")] = project.template
        facts[(*at, "unit")] = project.unit
        facts[(*at, "execution_role")] = "from profile" if project.execution_role_arn is None else BROUGHT
        facts[(*at, "owners")] = _people((m.kind, norm(m.who)) for m in project.owners)
        facts[(*at, "contributors")] = _people((m.kind, norm(m.who)) for m in project.contributors)
        for env_name, parameters in project.user_parameters.items():
            for key, value in parameters.items():
                facts[(*at, "user_parameters", env_name, key)] = norm(value)
        for key, value in project.resource_tags.items():
            facts[(*at, "resource_tags", key)] = norm(value)

    for entry in config.ignore_changes:
        facts["ignore_changes", entry.resource, entry.attribute] = PRESENT

    for unit in config.domain_units:
        at = ("domain_units", unit.path)
        facts[at] = PRESENT
        facts[(*at, "owners")] = _people((m.kind, norm(m.who)) for m in unit.owners)
        facts[(*at, "project_member_pool")] = _principals(unit.project_member_pool)

    for grant in config.grants:
        target = f"blueprint {grant.blueprint.value}" if grant.blueprint else f"unit {grant.unit}"
        children = "" if grant.include_child_units else ", child units excluded"
        profiles = f" from {', '.join(sorted(grant.profiles))}" if grant.profiles else ""
        facts["grants", f"{grant.policy}{profiles} on {target} to {_principal(grant.principal)}{children}"] = PRESENT
    return facts


def _member_facts(
    domain_account: str, roles: Mapping[str, str], members: Mapping[str, AccountConfig]
) -> dict[Key, str]:
    """Each member's own facts (as if its file were compared) under `members.<role>`."""
    facts: dict[Key, str] = {}
    for name, role in roles.items():
        member = members.get(name)
        if member is None:
            raise ValueError(
                f"{domain_account} lists member {name!r} in [domain] associated_accounts: its config is needed to "
                f"compare it (members given: {', '.join(sorted(members)) or 'none'})"
            )
        facts["members", role] = PRESENT
        facts |= {("members", role, *key): value for key, value in structure(member).items()}
    return facts


def _people(members: Iterable[tuple[str, str]]) -> str:
    return ", ".join(sorted(f"{kind}:{ident}" for kind, ident in members)) or "none"


def _principal(principal: PrincipalSettings) -> str:
    """A principal as one comparable string; its free-text reason is left out."""
    ident = principal.who or principal.unit or principal.project
    text = f"{principal.kind}:{ident}" if ident else principal.kind
    if principal.designation != "CONTRIBUTOR":
        text += f" as {principal.designation}"
    if not principal.include_child_units:
        text += " (child units excluded)"
    return text


def _principals(principals: Iterable[PrincipalSettings]) -> str:
    return ", ".join(sorted(_principal(p) for p in principals)) or "none"


@dataclass(frozen=True)
class Difference:
    path: str
    a_value: str
    b_value: str
    declaration: IntendedDifference | None

    @property
    def intended(self) -> bool:
        return self.declaration is not None


@dataclass(frozen=True)
class DiffReport:
    a: str
    b: str
    differences: list[Difference]
    #: Declarations for this pair of accounts that matched nothing: the difference they excuse is gone.
    stale: list[IntendedDifference]

    @property
    def undeclared(self) -> list[Difference]:
        return [d for d in self.differences if not d.intended]

    @property
    def exit_code(self) -> int:
        return EXIT_UNDECLARED if self.undeclared else EXIT_SAME


def compare(
    a: AccountConfig,
    b: AccountConfig,
    intended: IntendedDifferences,
    members: Mapping[str, AccountConfig] | None = None,
) -> DiffReport:
    """Every structural difference between ``a`` and ``b``, each matched to a declaration when one covers it.

    ``members``: the configs of the member accounts either side lists (see :func:`structure`).
    """
    a_name, b_name = a.account.name, b.account.name
    left, right = structure(a, members), structure(b, members)
    declarations = [d for d in intended.difference if d.applies_to(a_name, b_name)]
    used: set[IntendedDifference] = set()
    differences = []
    for key in sorted(left.keys() | right.keys()):
        a_value, b_value = left.get(key, ABSENT), right.get(key, ABSENT)
        if a_value == b_value or _under_absent_entity(key, left, right):
            continue
        path = ".".join(key)
        declaration = next((d for d in declarations if d.covers(path)), None)
        if declaration is not None:
            used.add(declaration)
        differences.append(Difference(path, a_value, b_value, declaration))
    return DiffReport(a_name, b_name, differences, [d for d in declarations if d not in used])


def _under_absent_entity(key: Key, left: Mapping[Key, str], right: Mapping[Key, str]) -> bool:
    """True for the details of a project/profile/blueprint only one side has: that entity is reported once."""
    for length in range(1, len(key)):
        prefix = key[:length]
        if (left.get(prefix) == PRESENT) != (right.get(prefix) == PRESENT):
            return True
    return False


def render(report: DiffReport, console: Console) -> None:
    if report.differences:
        table = Table()
        table.add_column("path", overflow="fold")
        table.add_column(report.a, overflow="fold")
        table.add_column(report.b, overflow="fold")
        table.add_column("declared", overflow="fold")
        for diff in report.differences:
            status = "[green]intended[/]" if diff.intended else "[bold red]UNDECLARED[/]"
            table.add_row(escape(diff.path), escape(diff.a_value), escape(diff.b_value), status)
        console.print(table)
        for diff in report.differences:
            if diff.declaration is not None:
                console.print(f"  intended {escape(diff.path)}: {escape(diff.declaration.reason)}")
    for stale in report.stale:
        console.print(
            f"[yellow]stale declaration[/] {escape(str(list(stale.accounts)))} {escape(stale.path)}: no such "
            "difference any more; "
            "remove it from the intended differences"
        )
    undeclared = report.undeclared
    if undeclared:
        console.print(
            f"[bold red]FAIL[/]: {len(undeclared)} undeclared difference(s) between {report.a} and {report.b}: "
            f"{escape(', '.join(d.path for d in undeclared))}. Align the configs, or declare the difference with "
            "a reason in config/intended-differences.toml."
        )
    elif report.differences:
        console.print(f"[bold green]PASS[/]: every difference between {report.a} and {report.b} is declared")
    else:
        console.print(f"[bold green]PASS[/]: no structural differences between {report.a} and {report.b}")


def as_json_report(report: DiffReport) -> dict[str, Any]:
    return {
        "accounts": [report.a, report.b],
        "passed": not report.undeclared,
        "exit_code": report.exit_code,
        "differences": [
            {
                "path": d.path,
                "a_value": d.a_value,
                "b_value": d.b_value,
                "intended": d.intended,
                "reason": d.declaration.reason if d.declaration else None,
            }
            for d in report.differences
        ],
        "stale_declarations": [{"accounts": list(s.accounts), "path": s.path} for s in report.stale],
    }


def run_diff(
    a: str, b: str, config_dir: Path, intended_path: Path | None, *, as_json: bool, out: Console, err: Console
) -> int:
    """The `smus diff-envs` command: load both accounts and the declarations, compare, print; returns the exit code."""
    from config.errors import ConfigError, ConfigIssue
    from config.loader import load_estate

    if a == b:  # an account compared with itself always passes: as a promotion gate that is a silent no-op
        err.print(f"[bold red]error:[/] diff-envs {escape(a)} {escape(b)}: expected two different accounts")
        return EXIT_BAD_INPUT
    try:
        # The whole estate: a domain account's members are compared with it, and each member is its own file.
        loaded = {account.name: account.config for account in load_estate(config_dir)}
        unknown = [name for name in _unique((a, b)) if name not in loaded]
        if unknown:
            raise ConfigError(
                [ConfigIssue(config_dir, "account", name, f"one of {sorted(loaded)}") for name in unknown]
            )
        intended = load_intended(intended_path or intended_path_for(config_dir))
    except ConfigError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return EXIT_BAD_INPUT
    report = compare(loaded[a], loaded[b], intended, loaded)
    if as_json:
        out.print(json.dumps(as_json_report(report), indent=2), markup=False, highlight=False, soft_wrap=True)
    else:
        render(report, out)
    return report.exit_code


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))
