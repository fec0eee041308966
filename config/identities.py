"""The identity lock: the Identity Center IDs behind the user and group names an account file uses.

DataZone needs Identity Store IDs (a UUID, optionally after a 10-hex-digit prefix) in user and group profiles,
memberships, grants and unit owners; its CloudFormation patterns also accept any text, so a display name passes every
check and fails at apply. Reviewers, though, must see *who* gets access. So account files name people and groups
(`name = "analytics-leads"`), and `config/accounts/identities/<account>.toml`, written by `smus identities` from the
Identity Store and reviewed like code, maps each name to its ID. Synth stays offline and deterministic, the rules and
the guard see real IDs, and no plan-time data source or extra plan-role permission is needed.

The lock lives inside the accounts folder, so any copy of an estate carries its locks, and `*.toml` in the folder
itself stays the account files only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from config.errors import MISSING, ConfigError, ConfigIssue
from config.models import AccountConfig, MemberSettings, PrincipalSettings
from config.toml_files import read_toml
from smus_constructs.patterns import ACCEPTED, IDENTITY_CENTER_ID, IDENTITY_STORE_ID

LOCK_FOLDER = "identities"
REFRESH = "smus identities --account {account} --from-dir <saved responses>  (or --live)"


def _matching(pattern: Any) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"expected {ACCEPTED[pattern]}")
        return value

    return AfterValidator(check)


IdentityCenterId = Annotated[str, _matching(IDENTITY_CENTER_ID)]


class IdentityLock(BaseModel):
    """One account's lock file: the identity store it was read from, and name -> ID for groups and users."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    identity_store_id: Annotated[str, _matching(IDENTITY_STORE_ID)]
    #: When and from what it was written (free text from `smus identities`), for the reviewer.
    source: str = ""
    #: Group display name -> group ID.
    groups: dict[str, IdentityCenterId] = {}
    #: User name (Identity Center `UserName`) -> user ID.
    users: dict[str, IdentityCenterId] = {}

    def lookup(self, kind: Literal["user", "group"], name: str) -> str | None:
        return (self.users if kind == "user" else self.groups).get(name)


def lock_path(account_file: Path) -> Path:
    """Where an account file's lock is: `<accounts folder>/identities/<account>.toml`."""
    return account_file.parent / LOCK_FOLDER / account_file.name


@dataclass(frozen=True)
class NamedPrincipal:
    """A user or group that the file names, where it sits, and the setting that names it."""

    field: str
    kind: Literal["user", "group"]
    name: str


def named_principals(config: AccountConfig) -> Iterator[NamedPrincipal]:
    """Every user and group given by name in the file, with the field path that names it."""
    for field, who in _everyone(config):
        if who.name is not None and who.kind in ("user", "group"):
            kind: Literal["user", "group"] = "user" if who.kind == "user" else "group"
            yield NamedPrincipal(field, kind, who.name)


def _everyone(config: AccountConfig) -> Iterator[tuple[str, MemberSettings | PrincipalSettings]]:
    for index, profile in enumerate(config.profiles):
        for k, creator in enumerate(profile.project_creators):
            yield f"profiles[{index}].project_creators[{k}]", creator
    for index, unit in enumerate(config.domain_units):
        for k, owner in enumerate(unit.owners):
            yield f"domain_units[{index}].owners[{k}]", owner
        for k, pooled in enumerate(unit.project_member_pool):
            yield f"domain_units[{index}].project_member_pool[{k}]", pooled
    for index, grant in enumerate(config.grants):
        yield f"grants[{index}].principal", grant.principal
    for index, project in enumerate(config.projects):
        for role in ("owners", "contributors"):
            for k, member in enumerate(getattr(project, role)):
                yield f"projects[{index}].{role}[{k}]", member


def load_lock(path: Path) -> IdentityLock:
    """The lock at ``path``; raises :class:`ConfigError` naming every bad entry."""
    raw = read_toml(path)
    try:
        return IdentityLock.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_lock_issue(path, item) for item in error.errors()]) from None


def _lock_issue(path: Path, item: Any) -> ConfigIssue:
    field = ".".join(str(part) for part in item["loc"]) or "(file)"
    if item["type"] == "missing":
        return ConfigIssue(path, field, MISSING, "a value: this field is required")
    if item["type"] == "extra_forbidden":
        return ConfigIssue(path, field, "(unknown key)", f"one of: {', '.join(IdentityLock.model_fields)}")
    message = str(item["msg"]).removeprefix("Value error, ").removeprefix("expected ")
    return ConfigIssue(path, field, item.get("input"), message)


def resolve_identities(account_file: Path, config: AccountConfig) -> AccountConfig:
    """``config`` with every `name` resolved to its ID (the name is kept for comments); raises naming each miss."""
    named = list(named_principals(config))
    if not named:
        return config
    path = lock_path(account_file)
    refresh = REFRESH.format(account=config.account.name)
    if not path.is_file():
        first = named[0]
        raise ConfigError(
            [
                ConfigIssue(
                    account_file,
                    f"{first.field}.name",
                    first.name,
                    f"a {first.kind} in the identity lock {path}, which does not exist: write it with `{refresh}`",
                )
            ]
        )
    lock = load_lock(path)
    issues = [
        ConfigIssue(
            account_file,
            f"{entry.field}.name",
            entry.name,
            f"a {entry.kind} the identity lock {path} knows ({_known(lock, entry.kind)}); refresh it with `{refresh}`",
        )
        for entry in named
        if lock.lookup(entry.kind, entry.name) is None
    ]
    if issues:
        raise ConfigError(issues)
    return _with_ids(config, lock)


def _known(lock: IdentityLock, kind: Literal["user", "group"]) -> str:
    names = sorted(lock.users if kind == "user" else lock.groups)
    return ", ".join(repr(name) for name in names[:8]) + (", ..." if len(names) > 8 else "") or "none"


def _resolved(who: Any, lock: IdentityLock) -> Any:
    if who.name is None or who.kind not in ("user", "group"):
        return who
    return who.model_copy(update={"id": lock.lookup(who.kind, who.name)})


def _all(items: Iterable[Any], lock: IdentityLock) -> list[Any]:
    return [_resolved(item, lock) for item in items]


def _with_ids(config: AccountConfig, lock: IdentityLock) -> AccountConfig:
    """A copy with `id` filled in wherever a `name` was given (no re-validation: both fields are then set)."""
    return config.model_copy(
        update={
            "profiles": [
                p.model_copy(update={"project_creators": _all(p.project_creators, lock)}) for p in config.profiles
            ],
            "domain_units": [
                u.model_copy(
                    update={
                        "owners": _all(u.owners, lock),
                        "project_member_pool": _all(u.project_member_pool, lock),
                    }
                )
                for u in config.domain_units
            ],
            "grants": [g.model_copy(update={"principal": _resolved(g.principal, lock)}) for g in config.grants],
            "projects": [
                p.model_copy(update={"owners": _all(p.owners, lock), "contributors": _all(p.contributors, lock)})
                for p in config.projects
            ],
        }
    )
