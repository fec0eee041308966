"""Load and check `config/accounts/*.toml`: syntax, then types (pydantic), then references across the file.

All problems in all files are collected before anything is raised, so one run shows a reviewer every mistake.
Nothing here imports cdktn: a bad file is reported in well under a second, before the 11 s provider load.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from config.errors import MISSING, ConfigError, ConfigIssue
from config.models import MANDATORY_TAGS, AccountConfig
from smus_constructs.blueprint_names import TOOLING_BLUEPRINTS

DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent / "accounts"


@dataclass(frozen=True)
class LoadedAccount:
    """An account's validated config and the file it came from (so later errors can name the file)."""

    path: Path
    config: AccountConfig

    @property
    def name(self) -> str:
        return self.config.account.name


def load_estate(config_dir: Path = DEFAULT_CONFIG_DIR, only: Sequence[str] = ()) -> list[LoadedAccount]:
    """Every account file in ``config_dir`` (or just the named accounts), validated, sorted by account name."""
    files = sorted(config_dir.glob("*.toml"))
    if not files:
        raise ConfigError([ConfigIssue(config_dir, "(directory)", str(config_dir), "one or more <account>.toml files")])
    issues: list[ConfigIssue] = []
    accounts: list[LoadedAccount] = []
    for path in files:
        try:
            accounts.append(load_account(path))
        except ConfigError as error:
            issues.extend(error.issues)
    issues.extend(_estate_issues(accounts))
    if only:
        known = {account.name for account in accounts}
        issues.extend(
            ConfigIssue(config_dir, "account", name, f"one of {sorted(known)}") for name in only if name not in known
        )
        accounts = [account for account in accounts if account.name in only]
    if issues:
        raise ConfigError(issues)
    return sorted(accounts, key=lambda account: account.name)


def load_account(path: Path) -> LoadedAccount:
    """One account file, validated; raises :class:`ConfigError` naming every problem found."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([ConfigIssue(path, "(syntax)", str(error), "valid TOML")]) from None
    try:
        config = AccountConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_issue_from_pydantic(path, item) for item in error.errors()]) from None
    issues = list(_reference_issues(path, config))
    if issues:
        raise ConfigError(issues)
    return LoadedAccount(path=path, config=config)


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
    message = message.removeprefix("Value error, ").removeprefix("expected ")
    value = item.get("input")
    if kind.startswith("enum") and len(loc) >= 2 and loc[-1] == "[key]":
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
        ("domain.kms_key_arn", config.domain.kms_key_arn),
        ("state.kms_key_arn", config.state.kms_key_arn),
        ("account.deploy_role_arn", account.deploy_role_arn),
    ):
        if arn is not None and f":{account.account_id}:" not in arn:
            yield ConfigIssue(path, field, arn, f"an ARN in this account ({account.account_id})")

    enabled: dict[str, list[str]] = {}
    for blueprint_name, blueprint in config.blueprints.items():
        regions = blueprint.regions or [account.region]
        enabled[blueprint_name.value] = regions
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
            if env.blueprint.value not in enabled:
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
        if not any(env.blueprint in TOOLING_BLUEPRINTS for env in profile.environments):
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
        if project.profile not in profile_envs:
            yield ConfigIssue(
                path,
                f"{where}.profile",
                project.profile,
                f"a profile defined in this file: {', '.join(profile_envs) or '(none)'}",
            )
            continue
        for env_name in project.user_parameters:
            if env_name not in profile_envs[project.profile]:
                yield ConfigIssue(
                    path,
                    f"{where}.user_parameters.{env_name}",
                    env_name,
                    f"an environment of profile {project.profile!r}: {profile_envs[project.profile]}",
                )

    yield from _adoption_issues(path, config)

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


def _adoption_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Adopting a blueprint, profile or project needs the domain's ID too: import IDs must be known at plan time."""
    if config.domain.existing_id is not None:
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
