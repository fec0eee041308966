"""`smus identities`: write an account's identity lock from the Identity Store, for the names its file uses.

Offline (the audited path) it reads what the AWS CLI saved:

    aws identitystore list-groups --identity-store-id d-XXXXXXXXXX --output json > list-groups.json
    aws identitystore list-users  --identity-store-id d-XXXXXXXXXX --output json > list-users.json

(the CLI merges every page into one `Groups` / `Users` list). Live (boto3, the optional `live` extra) it calls
GetGroupId / GetUserId for each name (unique attributes `displayName` / `userName`), which Identity Store allows from
a member account, and can save what it found in the same two files so an offline run reproduces the lock.

Only names the account file uses are written: the lock is reviewed like code, and a changed ID changes who gets
access. A name the store does not have is an error naming file, field and name, and nothing is written.
Exit codes: 0 written, 1 a name was not found, 2 bad input.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from rich.console import Console
from rich.markup import escape

from config.errors import ConfigError
from config.identities import IdentityLock, NamedPrincipal, load_lock, lock_path, named_principals
from config.loader import load_account
from smus_cli.toml_writer import toml_key, toml_string
from smus_constructs.patterns import IDENTITY_CENTER_ID, IDENTITY_STORE_ID

EXIT_WRITTEN = 0
EXIT_NOT_FOUND = 1
EXIT_BAD_INPUT = 2

GROUPS_FILE = "list-groups.json"
USERS_FILE = "list-users.json"
CLI_COMMANDS = {
    GROUPS_FILE: "aws identitystore list-groups --identity-store-id {store} --output json",
    USERS_FILE: "aws identitystore list-users --identity-store-id {store} --output json",
}
Kind = Literal["user", "group"]


class IdentityError(Exception):
    """A response is missing or not shaped like the API's: names the file, the field and what was expected."""

    def __init__(self, source: str, field: str, value: object, expected: str) -> None:
        shown = value if isinstance(value, str) and value.startswith("(") else repr(value)
        super().__init__(f"{source}: {field} = {shown}: expected {expected}")


class IdentitySource(Protocol):
    """Looks names up in one identity store."""

    identity_store_id: str

    def describe(self) -> str: ...
    def find(self, kind: Kind, name: str) -> str | None: ...


@dataclass
class SavedResponses:
    """`list-groups.json` / `list-users.json` as the AWS CLI saves them."""

    directory: Path
    identity_store_id: str
    groups: dict[str, str]
    users: dict[str, str]

    @classmethod
    def read(cls, directory: Path, identity_store_id: str | None) -> SavedResponses:
        if not directory.is_dir():
            raise IdentityError(str(directory), "(directory)", "(not found)", "a folder of saved Identity Store output")
        stores: set[str] = set()
        groups = _read_list(directory, GROUPS_FILE, "Groups", "GroupId", "DisplayName", stores)
        users = _read_list(directory, USERS_FILE, "Users", "UserId", "UserName", stores)
        if identity_store_id is None:
            if len(stores) != 1:
                raise IdentityError(
                    str(directory),
                    "IdentityStoreId",
                    sorted(stores) or "(none)",
                    "one identity store across the saved responses (or --identity-store-id)",
                )
            identity_store_id = stores.pop()
        elif stores - {identity_store_id}:
            raise IdentityError(
                str(directory), "IdentityStoreId", sorted(stores), f"only {identity_store_id!r} (--identity-store-id)"
            )
        return cls(directory, identity_store_id, groups, users)

    def describe(self) -> str:
        return f"saved responses {GROUPS_FILE}, {USERS_FILE}"

    def find(self, kind: Kind, name: str) -> str | None:
        return (self.users if kind == "user" else self.groups).get(name)


def _read_list(
    directory: Path, file_name: str, key: str, id_key: str, name_key: str, stores: set[str]
) -> dict[str, str]:
    """name -> ID from one saved List* response; a missing file is an empty store (a file may name only groups)."""
    path = directory / file_name
    if not path.is_file():
        return {}
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise IdentityError(str(path), "(syntax)", f"(not JSON: {error.msg} at line {error.lineno})", "JSON") from None
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise IdentityError(str(path), key, "(missing)", f"the output of `{CLI_COMMANDS[file_name]}`")
    found: dict[str, str] = {}
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            raise IdentityError(str(path), where, f"(a JSON {type(item).__name__})", "an object")
        identifier, name = item.get(id_key), item.get(name_key)
        if not isinstance(identifier, str) or not IDENTITY_CENTER_ID.match(identifier):
            raise IdentityError(str(path), f"{where}.{id_key}", identifier, "an Identity Center ID")
        if not isinstance(name, str) or not name:
            raise IdentityError(str(path), f"{where}.{name_key}", name, "a non-empty string")
        store = item.get("IdentityStoreId")
        if isinstance(store, str):
            stores.add(store)
        found[name] = identifier
    return found


class LiveIdentityStore:
    """The Identity Store API through boto3: GetGroupId / GetUserId per name; optionally saving what it found."""

    def __init__(self, client: Any, identity_store_id: str, save_dir: Path | None = None) -> None:
        self._client = client
        self.identity_store_id = identity_store_id
        self._save_dir = save_dir
        self._found: dict[Kind, dict[str, str]] = {"group": {}, "user": {}}

    @classmethod
    def connect(
        cls, *, region: str | None, profile: str | None, identity_store_id: str | None, save_dir: Path | None
    ) -> LiveIdentityStore:
        try:
            import boto3  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise IdentityError(
                "--live", "boto3", "(not installed)", "the optional extra: pip install 'smus-estate[live]'"
            ) from None
        session = boto3.Session(profile_name=profile, region_name=region)
        if identity_store_id is None:
            instances = session.client("sso-admin").list_instances().get("Instances", [])
            if len(instances) != 1:
                found = ", ".join(str(i.get("IdentityStoreId")) for i in instances) or "none"
                raise IdentityError("--live", "--identity-store-id", "(not given)", f"one of: {found}")
            identity_store_id = str(instances[0]["IdentityStoreId"])
        return cls(session.client("identitystore"), identity_store_id, save_dir)

    def describe(self) -> str:
        return f"the Identity Store API ({self.identity_store_id}), {datetime.now(UTC):%Y-%m-%d}"

    def find(self, kind: Kind, name: str) -> str | None:
        call, path, key = (
            (self._client.get_group_id, "displayName", "GroupId")
            if kind == "group"
            else (self._client.get_user_id, "userName", "UserId")
        )
        try:
            response = call(
                IdentityStoreId=self.identity_store_id,
                AlternateIdentifier={"UniqueAttribute": {"AttributePath": path, "AttributeValue": name}},
            )
        except Exception as error:  # botocore's ClientError; a missing name is ResourceNotFoundException
            if _error_code(error) == "ResourceNotFoundException":
                return None
            raise
        identifier = str(response[key])
        self._found[kind][name] = identifier
        return identifier

    def save(self) -> None:
        """What was found, as the two files an offline run reads."""
        if self._save_dir is None:
            return
        self._save_dir.mkdir(parents=True, exist_ok=True)
        store = self.identity_store_id
        for file_name, key, id_key, name_key, kind in (
            (GROUPS_FILE, "Groups", "GroupId", "DisplayName", "group"),
            (USERS_FILE, "Users", "UserId", "UserName", "user"),
        ):
            items = [
                {id_key: identifier, name_key: name, "IdentityStoreId": store}
                for name, identifier in sorted(self._found[kind].items())  # type: ignore[index]
            ]
            (self._save_dir / file_name).write_text(json.dumps({key: items}, indent=4) + "\n", encoding="utf-8")


def _error_code(error: Exception) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code is not None else None
    return None


@dataclass(frozen=True)
class LockResult:
    text: str
    lock: IdentityLock
    missing: list[NamedPrincipal]


def build_lock(account: str, named: Iterable[NamedPrincipal], source: IdentitySource) -> LockResult:
    """The lock text for ``named`` (sorted, one line per name), and the names the store does not have."""
    groups: dict[str, str] = {}
    users: dict[str, str] = {}
    missing: list[NamedPrincipal] = []
    for entry in named:
        target = users if entry.kind == "user" else groups
        if entry.name in target:
            continue
        identifier = source.find(entry.kind, entry.name)
        if identifier is None:
            missing.append(entry)
        else:
            target[entry.name] = identifier
    lines = [
        f"# Identity Center IDs for the user and group names that {account}.toml (beside this folder) uses.",
        "# Written by `smus identities`; review it like code: a changed ID changes who gets access.",
        f"identity_store_id = {toml_string(source.identity_store_id)}",
        f"source = {toml_string(source.describe())}",
    ]
    for title, entries in (("groups", groups), ("users", users)):
        lines += ["", f"[{title}]", *(f"{toml_key(name)} = {toml_string(i)}" for name, i in sorted(entries.items()))]
    lock = IdentityLock(
        identity_store_id=source.identity_store_id, source=source.describe(), groups=groups, users=users
    )
    return LockResult("\n".join(lines) + "\n", lock, missing)


def run_identities(
    *,
    account_file: Path,
    from_dir: Path | None,
    live: bool,
    identity_store_id: str | None,
    region: str | None,
    profile: str | None,
    save_dir: Path | None,
    out: Console,
    err: Console,
) -> int:
    """The `smus identities` command; returns the exit code."""
    if (from_dir is None) == (not live):
        err.print("[bold red]error:[/] --from-dir / --live = (both or neither): expected exactly one of them")
        return EXIT_BAD_INPUT
    if identity_store_id is not None and not IDENTITY_STORE_ID.match(identity_store_id):
        err.print(
            f"[bold red]error:[/] --identity-store-id = {escape(repr(identity_store_id))}: "
            "expected an identity store ID such as 'd-1234567890'"
        )
        return EXIT_BAD_INPUT
    try:
        loaded = load_account(account_file, resolve=False)
        source: SavedResponses | LiveIdentityStore
        if from_dir is not None:
            source = SavedResponses.read(from_dir, identity_store_id)
        else:
            source = LiveIdentityStore.connect(
                region=region, profile=profile, identity_store_id=identity_store_id, save_dir=save_dir
            )
        result = build_lock(loaded.name, named_principals(loaded.config), source)
    except (ConfigError, IdentityError) as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return EXIT_BAD_INPUT
    if result.missing:
        for entry in result.missing:
            err.print(
                f"[bold red]error:[/] {escape(str(account_file))}: {escape(entry.field)}.name = "
                f"{escape(repr(entry.name))}: expected a {entry.kind} of identity store "
                f"{escape(source.identity_store_id)} ({escape(source.describe())})"
            )
        err.print("nothing written")
        return EXIT_NOT_FOUND
    if isinstance(source, LiveIdentityStore):
        source.save()
    target = lock_path(account_file)
    previous = load_lock(target) if target.is_file() else None
    _write_atomically(target, result.text)
    changed = _changes(previous, result.lock)
    out.print(
        f"wrote {escape(str(target))}: {len(result.lock.groups)} groups, {len(result.lock.users)} users"
        + (f"; changed: {escape(', '.join(changed))}" if changed else "")
    )
    return EXIT_WRITTEN


def _changes(previous: IdentityLock | None, current: IdentityLock) -> list[str]:
    """What a reviewer must look at: names whose ID changed, appeared or went."""
    if previous is None:
        return []
    notes = []
    for kind, before, after in (
        ("group", previous.groups, current.groups),
        ("user", previous.users, current.users),
    ):
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                state = "new" if name not in before else "gone" if name not in after else "new ID"
                notes.append(f"{kind} {name!r} ({state})")
    return notes


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
