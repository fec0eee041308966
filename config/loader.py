"""Load and check `config/accounts/*.toml`: syntax, then types (pydantic), then references across the file.

All problems in all files are collected before anything is raised, so one run shows a reviewer every mistake.
Nothing here imports cdktn: a bad file is reported in well under a second, before the 11 s provider load.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from config.artifact_buckets import artifact_logging_issues
from config.associations import AssociationLinks, estate_issues, links, shape_issues
from config.cross_checks import duplicate_issues, local_arn_issues, partition_issues
from config.errors import MISSING, ConfigError, ConfigIssue
from config.iam_checks import boundary_issues, managed_path_issues
from config.identities import resolve_identities
from config.models import MANDATORY_TAGS, AccountConfig, MemberSettings, PrincipalSettings
from config.networks import network_issues
from config.pipeline_trust import operations_issues, pipeline_trust_issues
from config.templates import template_issues
from config.toml_files import read_toml
from smus_constructs.blueprint_names import BEDROCK_BLUEPRINTS, TOOLING_BLUEPRINTS, BlueprintName
from smus_constructs.policy_types import BLUEPRINT_POLICIES, GrantPolicy
from smus_constructs.runtime import project_root

#: `config/accounts` of the project you are in (nearest `cdktf.json` above the current directory), never the folder
#: this package was installed from: the same environment used from another checkout reads that checkout's files.
DEFAULT_CONFIG_DIR = (project_root() or Path.cwd().resolve()) / "config" / "accounts"


@dataclass(frozen=True)
class LoadedAccount:
    """An account's validated config and the file it came from (so later errors can name the file)."""

    path: Path
    config: AccountConfig
    #: The other side of this account's associations (its members, or the domain it joins), resolved by
    #: :func:`load_estate` from both files. default: none (a single file loaded on its own, or no association).
    links: AssociationLinks = dataclasses.field(default_factory=AssociationLinks)

    @property
    def name(self) -> str:
        return self.config.account.name


def account_files(config_dir: Path) -> tuple[list[Path], list[Path]]:
    """The account files of ``config_dir``, and the editor lock and backup files skipped (`.#dev.toml`, `.dev.toml`).

    Everything else ending in `.toml` is an account file, whatever it turns out to be (a folder, a dangling link):
    each of those is an error naming it, never a silent skip.
    """
    try:
        entries = sorted(config_dir.iterdir())
    except OSError as error:
        raise ConfigError(
            [
                ConfigIssue(
                    config_dir, "(directory)", error.strerror or str(error), "a readable folder of <account>.toml"
                )
            ]
        ) from None
    candidates = [path for path in entries if path.name.endswith(".toml")]
    skipped = [path for path in candidates if path.name.startswith((".", "#"))]
    return [path for path in candidates if path not in skipped], skipped


def load_estate(config_dir: Path = DEFAULT_CONFIG_DIR, only: Sequence[str] = ()) -> list[LoadedAccount]:
    """Every account file in ``config_dir`` (or just the named accounts), validated, sorted by account name."""
    files, _skipped = account_files(config_dir)
    if not files:
        raise ConfigError([ConfigIssue(config_dir, "(directory)", str(config_dir), "one or more <account>.toml files")])
    issues: list[ConfigIssue] = []
    accounts: list[LoadedAccount] = []
    failed: set[str] = set()
    for path in files:
        try:
            accounts.append(load_account(path))
        except ConfigError as error:
            issues.extend(error.issues)
            failed.add(path.stem)
    issues.extend(_estate_issues(accounts))
    issues.extend(estate_issues([(account.path, account.config) for account in accounts], failed))
    if not issues:
        resolved = links([(account.path, account.config) for account in accounts])
        accounts = [replace(account, links=resolved.get(account.name, AssociationLinks())) for account in accounts]
    if only:
        known = {account.name for account in accounts} | failed  # a file that failed is already reported
        issues.extend(
            ConfigIssue(config_dir, "account", name, f"one of {sorted(known)}") for name in only if name not in known
        )
        accounts = [account for account in accounts if account.name in only]
    if issues:
        raise ConfigError(issues)
    return sorted(accounts, key=lambda account: account.name)


def load_account(path: Path, *, resolve: bool = True) -> LoadedAccount:
    """One account file, validated, its user and group names resolved to IDs through its identity lock.

    ``resolve=False`` keeps the names unresolved (what `smus identities` reads to write the lock). Raises
    :class:`ConfigError` naming every problem found.
    """
    raw = read_toml(path)
    tokens = list(_token_issues(path, raw))
    if tokens:
        raise ConfigError(tokens)
    try:
        config = AccountConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_issue_from_pydantic(path, item) for item in error.errors()]) from None
    shape = list(shape_issues(path, config))
    if shape:
        raise ConfigError(shape)
    issues = list(_reference_issues(path, config))
    if issues:
        raise ConfigError(issues)
    if resolve:
        config = resolve_identities(path, config)
    duplicates = list(duplicate_issues(path, config))  # after resolving: a name and its ID are one principal
    if duplicates:
        raise ConfigError(duplicates)
    return LoadedAccount(path=path, config=config)


#: cdktn encodes values only Terraform knows as text (`${TfToken[TOKEN.1]}`, lists as `#{TfToken[...]}`) and numbers
#: as huge floats near -1.888e289; it resolves any of them it meets in any string it synthesises. In config they can
#: only be an attack: one resolved to the deploy role's ARN and added a remote-state read.
TOKEN_MARKER = "TfToken["
TOKEN_NUMBER = 1e280


def _token_issues(path: Path, raw: object, where: str = "") -> Iterable[ConfigIssue]:
    """Every key or value in the raw file that cdktn would read as one of its tokens."""
    accepted = "plain text: cdktn token syntax ('TfToken[') is not allowed in config"
    if isinstance(raw, dict):
        for key, value in raw.items():
            field = f"{where}.{key}" if where else str(key)
            if TOKEN_MARKER in str(key):
                yield ConfigIssue(path, field, key, accepted)
            yield from _token_issues(path, value, field)
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            yield from _token_issues(path, value, f"{where}[{index}]")
    elif isinstance(raw, str) and TOKEN_MARKER in raw:
        yield ConfigIssue(path, where or "(file)", raw, accepted)
    elif isinstance(raw, float) and (math.isinf(raw) or math.isnan(raw) or abs(raw) >= TOKEN_NUMBER):
        yield ConfigIssue(path, where, raw, "a finite number below 1e280 (cdktn reads larger ones as tokens)")


# Arguments Terraform can be told to ignore, per resource kind (the provider schemas' configurable arguments); an
# unknown name would otherwise only fail at plan with "Unsupported attribute".
IGNORABLE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "domain": frozenset(
        {
            "description",
            "domain_execution_role",
            "kms_key_identifier",
            "name",
            "service_role",
            "single_sign_on",
            "skip_deletion_check",
            "tags",
        }
    ),
    "blueprint": frozenset(
        {
            "enabled_regions",
            "global_parameters",
            "manage_access_role_arn",
            "provisioning_role_arn",
            "regional_parameters",
        }
    ),
    "profile": frozenset(
        {
            "allow_custom_project_resource_tags",
            "description",
            "domain_unit_identifier",
            "environment_configurations",
            "project_resource_tags",
            "status",
        }
    ),
    "project": frozenset(
        {
            "description",
            "domain_unit_id",
            "glossary_terms",
            "project_profile_version",
            "resource_tags",
            "user_parameters",
        }
    ),
}


def _dotted(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _known_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """Field names of the model at ``loc`` (the parent of an unknown key), to say what a typo should have been."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            if field is None:
                return []
            current = field.annotation
        args = getattr(current, "__args__", ())
        nested = [arg for arg in args if isinstance(arg, type) and issubclass(arg, BaseModel)]
        if isinstance(part, int) or (nested and not (isinstance(current, type) and issubclass(current, BaseModel))):
            current = nested[0] if nested else current
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _issue_from_pydantic(path: Path, item: Any) -> ConfigIssue:
    loc = tuple(item["loc"])
    kind = item["type"]
    if kind == "missing":
        return ConfigIssue(path, _dotted(loc), MISSING, "a value: this field is required")
    if kind == "extra_forbidden":
        known = _known_keys(AccountConfig, loc[:-1])
        accepted = f"one of the known keys: {', '.join(known)}" if known else "no such key here"
        return ConfigIssue(path, _dotted(loc), f"unknown key {loc[-1]!r}", accepted)
    message = str(item["msg"])
    message = message.removeprefix("Value error, ").removeprefix("expected ").removeprefix("Input should be ")
    value = item.get("input")
    if len(loc) >= 2 and loc[-1] == "[key]":  # a bad key of a table: name it by the key itself
        loc = loc[:-1]
    return ConfigIssue(path, _dotted(loc), value, message)


def _reference_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Checks that span fields: things pydantic cannot see one field at a time."""
    account = config.account
    if path.stem != account.name:
        yield ConfigIssue(path, "account.name", account.name, f"the file's name without '.toml' ({path.stem!r})")
    for tag in MANDATORY_TAGS:
        if not config.tags.get(tag, "").strip():
            yield ConfigIssue(
                path,
                f"tags.{tag}",
                config.tags.get(tag, MISSING),
                f"a non-empty value: {', '.join(MANDATORY_TAGS)} are mandatory",
            )
    for field, arn in (
        ("domain.kms_key_arn", config.domain.kms_key_arn if config.domain is not None else None),
        ("state.kms_key_arn", config.state.kms_key_arn),
        ("account.deploy_role_arn", account.deploy_role_arn),
    ):
        if arn is not None and f":{account.account_id}:" not in arn:
            yield ConfigIssue(path, field, arn, f"an ARN in this account ({account.account_id})")

    enabled: dict[str, list[str]] = {}
    for blueprint_name, blueprint in config.blueprints.items():
        regions = blueprint.regions or [account.region]
        enabled[blueprint_name.value] = regions
        if blueprint.query_execution_role_arn is not None:
            if blueprint_name.value != "Tooling":
                yield ConfigIssue(
                    path,
                    f"blueprints.{blueprint_name.value}.query_execution_role_arn",
                    blueprint.query_execution_role_arn,
                    "to be left out: only the Tooling blueprint has a query execution role",
                )
            elif "sagemakerQueryExecutionRoleArn" in blueprint.global_parameters:
                yield ConfigIssue(
                    path,
                    "blueprints.Tooling.global_parameters.sagemakerQueryExecutionRoleArn",
                    blueprint.global_parameters["sagemakerQueryExecutionRoleArn"],
                    "to be left out: query_execution_role_arn sets it",
                )
        for role in blueprint.without_roles:
            arn = blueprint.provisioning_role_arn if role == "provisioning" else blueprint.manage_access_role_arn
            if arn is not None:
                yield ConfigIssue(
                    path,
                    f"blueprints.{blueprint_name.value}.{role}_role_arn",
                    arn,
                    f"to be left out: without_roles omits the {role.replace('_', '-')} role",
                )
        for region in blueprint.regional_parameters:
            if region not in regions:
                yield ConfigIssue(
                    path,
                    f"blueprints.{blueprint_name.value}.regional_parameters.{region}",
                    region,
                    f"one of the blueprint's regions {regions}",
                )

    profile_envs: dict[str, list[str]] = {}
    for index, profile in enumerate(config.profiles):
        where = f"profiles[{index}]"
        if profile.name in profile_envs:
            yield ConfigIssue(path, f"{where}.name", profile.name, "a profile name not used earlier in this file")
        names = []
        for env_index, env in enumerate(profile.environments):
            env_where = f"{where}.environments[{env_index}]"
            if env.account is not None:
                pass  # deployed in a member account: config.associations checks that it enables the blueprint
            elif env.blueprint.value not in enabled:
                yield ConfigIssue(
                    path,
                    f"{env_where}.blueprint",
                    env.blueprint.value,
                    f"a blueprint this account enables: {', '.join(sorted(enabled)) or '(none)'}",
                )
            elif (env.region or account.region) not in enabled[env.blueprint.value]:
                yield ConfigIssue(
                    path,
                    f"{env_where}.region",
                    env.region or account.region,
                    f"a region {env.blueprint.value} is enabled in: {enabled[env.blueprint.value]}",
                )
            names.append(env.name or env.blueprint.value)
        # An empty list is the model-governance profile (it deploys nothing); any other needs Tooling.
        if profile.environments and not any(env.blueprint in TOOLING_BLUEPRINTS for env in profile.environments):
            yield ConfigIssue(
                path,
                f"{where}.environments",
                [env.blueprint.value for env in profile.environments],
                "a list that includes Tooling (or ToolingLite)",
            )
        for duplicate in sorted({n for n in names if names.count(n) > 1}):
            yield ConfigIssue(
                path, f"{where}.environments", duplicate, "unique environment names (set 'name' to tell two apart)"
            )
        profile_envs[profile.name] = names

    seen_projects: set[str] = set()
    for index, project in enumerate(config.projects):
        where = f"projects[{index}]"
        if project.name in seen_projects:
            yield ConfigIssue(path, f"{where}.name", project.name, "a project name not used earlier in this file")
        seen_projects.add(project.name)
        if project.category == "ADMIN":
            yield from _admin_project_issues(path, config, index, enabled)
            continue
        if project.profile not in profile_envs:
            yield ConfigIssue(
                path,
                f"{where}.profile",
                MISSING if project.profile is None else project.profile,
                f"a profile defined in this file: {', '.join(profile_envs) or '(none)'}",
            )
            continue
        yield from _tooling_lite_role_issues(path, config, index)
        for env_name in project.user_parameters:
            if env_name not in profile_envs[project.profile]:
                yield ConfigIssue(
                    path,
                    f"{where}.user_parameters.{env_name}",
                    env_name,
                    f"an environment of profile {project.profile!r}: {profile_envs[project.profile]}",
                )

    yield from network_issues(path, config)
    yield from local_arn_issues(path, config)
    yield from partition_issues(path, config)
    yield from template_issues(path, config)
    yield from operations_issues(path, config)
    yield from _adoption_issues(path, config)
    yield from _access_issues(path, config)
    yield from _bedrock_issues(path, config)
    yield from _bootstrap_issues(path, config)
    yield from artifact_logging_issues(path, config)
    yield from boundary_issues(path, config)
    yield from managed_path_issues(path, config)
    yield from pipeline_trust_issues(path, config)

    for index, entry in enumerate(config.ignore_changes):
        kind, _, name = entry.resource.partition(":")
        known = {"domain": {""}, "blueprint": set(enabled), "profile": set(profile_envs), "project": seen_projects}[
            kind
        ]
        if name not in known:
            yield ConfigIssue(
                path,
                f"ignore_changes[{index}].resource",
                entry.resource,
                f"a {kind} defined in this file: {sorted(known)}",
            )
        attribute = entry.attribute.split(".")[0].split("[")[0]
        if attribute not in IGNORABLE_ATTRIBUTES[kind]:
            yield ConfigIssue(
                path,
                f"ignore_changes[{index}].attribute",
                entry.attribute,
                f"an argument of the {kind}'s resource: {', '.join(sorted(IGNORABLE_ATTRIBUTES[kind]))}",
            )


def _principals(config: AccountConfig) -> Iterable[tuple[str, PrincipalSettings]]:
    """Every principal in the file, with the field path that names it."""
    for index, profile in enumerate(config.profiles):
        for k, principal in enumerate(profile.project_creators):
            yield f"profiles[{index}].project_creators[{k}]", principal
    for index, unit in enumerate(config.domain_units):
        for k, principal in enumerate(unit.project_member_pool):
            yield f"domain_units[{index}].project_member_pool[{k}]", principal
    for index, grant in enumerate(config.grants):
        yield f"grants[{index}].principal", grant.principal


def _members(config: AccountConfig) -> Iterable[tuple[str, MemberSettings]]:
    for index, unit in enumerate(config.domain_units):
        for k, owner in enumerate(unit.owners):
            yield f"domain_units[{index}].owners[{k}]", owner
    for index, project in enumerate(config.projects):
        for role in ("owners", "contributors"):
            for k, member in enumerate(getattr(project, role)):
                yield f"projects[{index}].{role}[{k}]", member


def _access_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Units exist before anything is placed in them; principals fit the domain's sign-on mode and protection."""
    declared = [unit.path for unit in config.domain_units]
    known_units = {"/root", *declared}
    units_text = ", ".join(sorted(known_units))
    for index, unit in enumerate(config.domain_units):
        parent = unit.path.rsplit("/", 1)[0]
        if unit.path == "/root":
            yield ConfigIssue(
                path, f"domain_units[{index}].path", unit.path, "a path below /root (the root unit always exists)"
            )
        elif parent != "/root" and parent not in known_units:
            yield ConfigIssue(
                path, f"domain_units[{index}].path", unit.path, f"a unit whose parent {parent!r} is declared too"
            )
        if declared.count(unit.path) > 1 and declared.index(unit.path) != index:
            yield ConfigIssue(
                path, f"domain_units[{index}].path", unit.path, "a unit path not declared earlier in this file"
            )

    def unit_issue(field: str, unit: str | None) -> Iterable[ConfigIssue]:
        if unit is not None and unit not in known_units:
            yield ConfigIssue(path, field, unit, f"a declared domain unit: {units_text}")

    for name, blueprint in config.blueprints.items():
        for k, unit_path in enumerate(blueprint.authorized_units):
            yield from unit_issue(f"blueprints.{name.value}.authorized_units[{k}]", unit_path)
    for index, profile in enumerate(config.profiles):
        yield from unit_issue(f"profiles[{index}].unit", profile.unit)
    for index, project in enumerate(config.projects):
        yield from unit_issue(f"projects[{index}].unit", project.unit)
    for index, grant in enumerate(config.grants):
        yield from unit_issue(f"grants[{index}].unit", grant.unit)
        if grant.policy in BLUEPRINT_POLICIES:
            if grant.blueprint is None or grant.blueprint not in config.blueprints:
                shown = grant.blueprint.value if grant.blueprint else MISSING
                enabled = ", ".join(sorted(b.value for b in config.blueprints))
                yield ConfigIssue(
                    path, f"grants[{index}].blueprint", shown, f"a blueprint this account enables: {enabled}"
                )
        elif grant.blueprint is not None:
            yield ConfigIssue(
                path,
                f"grants[{index}].blueprint",
                grant.blueprint.value,
                f"to be left out: {grant.policy.value} applies to a unit",
            )
        yield from _grant_profile_issues(path, config, index)

    project_names = {project.name for project in config.projects}
    # A member names no principal (no units, projects or grants), so its sign-on mode is its domain's business.
    identity_center = config.domain is None or config.domain.single_sign_on.value == "IAM_IDENTITY_CENTER"
    for field, principal in _principals(config):
        yield from unit_issue(f"{field}.unit", principal.unit)
        if principal.kind == "project" and principal.project not in project_names:
            yield ConfigIssue(
                path,
                f"{field}.project",
                principal.project,
                f"a project in this file: {', '.join(sorted(project_names))}",
            )
        if principal.kind == "all_users" and config.account.protected and len((principal.reason or "").strip()) < 10:
            yield ConfigIssue(
                path,
                f"{field}.reason",
                principal.reason or MISSING,
                "a reason of 10+ characters: an all-users grant in a protected account must say why",
            )
        if not identity_center and principal.kind in ("user", "group"):
            yield from _iam_mode_issue(path, field, principal.kind, principal.id, principal.name)
    if not identity_center:
        for field, member in _members(config):
            yield from _iam_mode_issue(path, field, member.kind, member.id, member.name)


def _admin_project_issues(
    path: Path, config: AccountConfig, index: int, enabled: dict[str, list[str]]
) -> Iterable[ConfigIssue]:
    """The domain management portal's admin project: one per domain, no profile, and Tooling enabled in the region.

    aws-ia's domain-management-portal module creates it with only a name, the root unit and `project_category =
    "ADMIN"`, after checking with a precondition that the Tooling blueprint is enabled in the domain's region.
    """
    project = config.projects[index]
    where = f"projects[{index}]"
    admins = [i for i, p in enumerate(config.projects) if p.category == "ADMIN"]
    if admins[0] != index:
        yield ConfigIssue(
            path, f"{where}.category", "ADMIN", f"one ADMIN project per domain (projects[{admins[0]}] is one)"
        )
    left_out = "to be left out: an ADMIN project has no profile, template parameters or execution role"
    for field, value in (
        ("profile", project.profile),
        ("execution_role_arn", project.execution_role_arn),
    ):
        if value is not None:
            yield ConfigIssue(path, f"{where}.{field}", value, left_out)
    if project.user_parameters:
        yield ConfigIssue(path, f"{where}.user_parameters", project.user_parameters, left_out)
    if project.template != "standard":
        yield ConfigIssue(path, f"{where}.template", project.template, "'standard' for an ADMIN project")
    if config.account.region not in enabled.get("Tooling", []):
        yield ConfigIssue(
            path,
            f"{where}.category",
            "ADMIN",
            f"the Tooling blueprint enabled in {config.account.region}: the admin project needs it",
        )


def _tooling_lite_role_issues(path: Path, config: AccountConfig, index: int) -> Iterable[ConfigIssue]:
    """A project on a ToolingLite profile needs an execution role: ToolingLite creates none (aws-ia fails the plan)."""
    project = config.projects[index]
    profile = next(p for p in config.profiles if p.name == project.profile)
    if (
        any(env.blueprint is BlueprintName.TOOLING_LITE for env in profile.environments)
        and project.execution_role_arn is None
        and profile.project_execution_role != "create"
    ):
        yield ConfigIssue(
            path,
            f"projects[{index}].execution_role_arn",
            MISSING,
            f"a role ARN, or project_execution_role = 'create' on profile {profile.name!r}: a project on ToolingLite "
            "runs as its execution role, which ToolingLite does not create",
        )


def _grant_profile_issues(path: Path, config: AccountConfig, index: int) -> Iterable[ConfigIssue]:
    """A create-project grant names the profiles it allows, each of the grant's unit; other grants name none.

    DataZone accepts an empty list, and the grant then allows nothing; aws-ia's policy-grant-create-project requires
    one or more profiles, all of the unit the grant is on.
    """
    grant = config.grants[index]
    field = f"grants[{index}].profiles"
    if grant.policy is not GrantPolicy.CREATE_PROJECT_FROM_PROJECT_PROFILE:
        if grant.profiles:
            yield ConfigIssue(
                path, field, grant.profiles, "to be left out: only CREATE_PROJECT_FROM_PROJECT_PROFILE names profiles"
            )
        return
    units = {profile.name: profile.unit for profile in config.profiles}
    if not grant.profiles:
        yield ConfigIssue(
            path,
            field,
            MISSING,
            f"one or more profiles of this file on unit {grant.unit!r}: {', '.join(sorted(units)) or '(none)'}",
        )
    for k, name in enumerate(grant.profiles):
        if name not in units:
            yield ConfigIssue(
                path, f"{field}[{k}]", name, f"a profile defined in this file: {', '.join(sorted(units)) or '(none)'}"
            )
        elif units[name] != grant.unit:
            yield ConfigIssue(
                path,
                f"{field}[{k}]",
                name,
                f"a profile of unit {grant.unit!r} (the grant's unit); {name!r} belongs to {units[name]!r}",
            )


def _iam_mode_issue(
    path: Path, field: str, kind: str, identifier: str | None, name: str | None
) -> Iterable[ConfigIssue]:
    """With single sign-on disabled only IAM users and roles exist in the domain (no Identity Center names)."""
    if kind == "group":
        yield ConfigIssue(
            path, f"{field}.kind", kind, "'user': groups need IAM Identity Center (domain.single_sign_on)"
        )
    elif name is not None:
        yield ConfigIssue(
            path, f"{field}.name", name, "an IAM user or role ARN in 'id': this domain has single sign-on disabled"
        )
    elif identifier is not None and not identifier.startswith("arn:"):
        yield ConfigIssue(
            path, f"{field}.id", identifier, "an IAM user or role ARN: this domain has single sign-on disabled"
        )


def _bootstrap_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """What spans [account], [state] and [bootstrap]: the bootstrap stack creates the state bucket from these."""
    account_id = config.account.account_id
    provider_arn = config.bootstrap.oidc_provider_arn
    if provider_arn is not None and f":{account_id}:" not in provider_arn:
        yield ConfigIssue(path, "bootstrap.oidc_provider_arn", provider_arn, f"an ARN in this account ({account_id})")
    if config.bootstrap.access_log_bucket == config.state.bucket:
        yield ConfigIssue(
            path,
            "bootstrap.access_log_bucket",
            config.bootstrap.access_log_bucket,
            "a bucket other than [state] bucket (a bucket cannot log into itself)",
        )
    if config.state.region != config.account.region:
        yield ConfigIssue(
            path,
            "state.region",
            config.state.region,
            f"the account's region {config.account.region!r}: the bootstrap stack creates the bucket there",
        )


def _bedrock_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Bedrock blueprints need a model allow-list, so no project role ever gets `bedrock:InvokeModel` on `*`."""
    bedrock = sorted(name.value for name in config.blueprints if name in BEDROCK_BLUEPRINTS)
    if bedrock and not config.bedrock.approved_model_ids:
        yield ConfigIssue(
            path,
            "bedrock.approved_model_ids",
            [],
            f"one or more approved model IDs, because Bedrock blueprints are enabled: {', '.join(bedrock)}",
        )
    for index, project in enumerate(config.projects):
        arn = project.execution_role_arn
        if arn is not None and f":{config.account.account_id}:" not in arn:
            yield ConfigIssue(
                path,
                f"projects[{index}].execution_role_arn",
                arn,
                f"a role in this account ({config.account.account_id})",
            )


def _adoption_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Adoption must never turn into replacement on the first apply.

    Children need the domain's ID too (import IDs must be known at plan time); an adopted domain must keep its key
    (`kms_key_identifier` is immutable); an adopted project must keep its profile (`project_profile_id` is immutable).
    """
    if config.domain is None:
        return  # a member adopts through [association] (config.associations checks it against its domain account)
    if config.domain.aws_owned_key:
        if config.domain.existing_id is None:
            yield ConfigIssue(
                path,
                "domain.aws_owned_key",
                True,
                "to be left out unless domain.existing_id adopts a domain that uses an AWS-owned key: a new domain "
                "gets a customer-managed key",
            )
        if config.domain.kms_key_arn is not None:
            yield ConfigIssue(
                path, "domain.aws_owned_key", True, "to be left out when kms_key_arn names the domain's key"
            )
    if config.domain.existing_id is not None:
        if config.domain.kms_key_arn is None and not config.domain.aws_owned_key:
            yield ConfigIssue(
                path,
                "domain.kms_key_arn",
                MISSING,
                "the adopted domain's own key ARN, or aws_owned_key = true if it uses an AWS-owned key: "
                "kms_key_identifier is immutable, a created key would never reach AWS and smus guard fails the plan "
                "(smus inventory writes it)",
            )
        adopted_profiles = {profile.name for profile in config.profiles if profile.existing_id is not None}
        for index, project in enumerate(config.projects):
            if (
                project.existing_id is not None
                and project.category != "ADMIN"
                and project.profile not in adopted_profiles
            ):
                yield ConfigIssue(
                    path,
                    f"projects[{index}].existing_id",
                    project.existing_id,
                    f"a project whose profile {project.profile!r} is adopted too (its existing_id): "
                    "project_profile_id is immutable, a new profile would replace the project",
                )
        return
    accepted = "to be left out unless domain.existing_id adopts the domain too"
    for name, blueprint in config.blueprints.items():
        if blueprint.existing_blueprint_id is not None:
            yield ConfigIssue(
                path, f"blueprints.{name.value}.existing_blueprint_id", blueprint.existing_blueprint_id, accepted
            )
    for index, profile in enumerate(config.profiles):
        if profile.existing_id is not None:
            yield ConfigIssue(path, f"profiles[{index}].existing_id", profile.existing_id, accepted)
    for index, project in enumerate(config.projects):
        if project.existing_id is not None:
            yield ConfigIssue(path, f"projects[{index}].existing_id", project.existing_id, accepted)


def _estate_issues(accounts: Sequence[LoadedAccount]) -> Iterable[ConfigIssue]:
    """Checks across files: two files must not describe the same account or share a state object."""
    by_id: dict[str, LoadedAccount] = {}
    for loaded in accounts:
        account_id = loaded.config.account.account_id
        if account_id in by_id:
            yield ConfigIssue(
                loaded.path,
                "account.account_id",
                account_id,
                f"an account not already described by {by_id[account_id].path.name}",
            )
        by_id[account_id] = loaded
