"""Where inventory reads DataZone API responses from: saved AWS CLI output (offline), or the API itself (live).

Offline is the audited path: the engineer saves each response with the AWS CLI (commands in
docs/migration-runbook.md), the files are kept as evidence, and the same files reproduce the generated config.
Live mode (boto3, optional extra `live`) can save the responses it reads under the same names, so the two agree.
Response shapes: the DataZone API reference (GetDomain, ListEnvironmentBlueprintConfigurations, ...); for a member
(associated) account also the RAM API reference (GetResourceShares and ListResources with resourceOwner
OTHER-ACCOUNTS, GetResourceShareInvitations) and STS GetCallerIdentity (which account the responses were read in).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from smus_cli.input_files import InputFileError, read_json

DOMAIN_FILE = "get-domain.json"
BLUEPRINTS_FILE = "list-environment-blueprints.json"
CONFIGURATIONS_FILE = "list-environment-blueprint-configurations.json"
CONFIGURATION_FILE = "get-environment-blueprint-configuration-{id}.json"
PROFILES_FILE = "list-project-profiles.json"
PROFILE_FILE = "get-project-profile-{id}.json"
PROJECTS_FILE = "list-projects.json"
PROJECT_FILE = "get-project-{id}.json"
#: A member account's side of an association (smus_cli.inventory_member), read with the member's credentials.
CALLER_FILE = "get-caller-identity.json"
SHARES_FILE = "get-resource-shares.json"
SHARED_RESOURCES_FILE = "list-resources.json"
INVITATIONS_FILE = "get-resource-share-invitations.json"

#: The AWS CLI command that saves each file, for error messages and the runbook. `{domain}` is the domain ID.
CLI_COMMANDS = {
    DOMAIN_FILE: "aws datazone get-domain --identifier {domain}",
    BLUEPRINTS_FILE: "aws datazone list-environment-blueprints --domain-identifier {domain} --managed",
    CONFIGURATIONS_FILE: "aws datazone list-environment-blueprint-configurations --domain-identifier {domain}",
    CONFIGURATION_FILE: (
        "aws datazone get-environment-blueprint-configuration --domain-identifier {domain} "
        "--environment-blueprint-identifier {id}"
    ),
    PROFILES_FILE: "aws datazone list-project-profiles --domain-identifier {domain}",
    PROFILE_FILE: "aws datazone get-project-profile --domain-identifier {domain} --identifier {id}",
    PROJECTS_FILE: "aws datazone list-projects --domain-identifier {domain}",
    PROJECT_FILE: "aws datazone get-project --domain-identifier {domain} --identifier {id}",
    CALLER_FILE: "aws sts get-caller-identity",
    SHARES_FILE: "aws ram get-resource-shares --resource-owner OTHER-ACCOUNTS",
    SHARED_RESOURCES_FILE: "aws ram list-resources --resource-owner OTHER-ACCOUNTS",
    INVITATIONS_FILE: "aws ram get-resource-share-invitations",
}

#: Where each List*/Get* response keeps its entries: DataZone says `items`, RAM names them.
ITEMS_KEYS = {
    SHARES_FILE: "resourceShares",
    SHARED_RESOURCES_FILE: "resources",
    INVITATIONS_FILE: "resourceShareInvitations",
}


#: A saved DataZone response is kilobytes; anything this big is not one.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


class InventoryError(Exception):
    """A response is missing or not shaped like the API's; names the file, the field and what was expected."""

    def __init__(self, source: str, field: str, value: object, expected: str) -> None:
        self.source = source
        self.field = field
        self.value = value
        self.expected = expected
        shown = value if isinstance(value, str) and value.startswith("(") else repr(value)
        super().__init__(f"{source}: {field} = {shown}: expected {expected}")


@dataclass(frozen=True)
class Response:
    """One API response body and where it came from (a file name), so errors can point at it."""

    origin: str
    body: dict[str, Any]

    def text(self, key: str) -> str:
        value = self.body.get(key)
        if not isinstance(value, str) or not value:
            raise InventoryError(self.origin, key, "(missing)" if value is None else value, "a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.body.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise InventoryError(self.origin, key, value, "a string")
        return value

    def items(self, key: str = "items") -> Iterator[Response]:
        """The entries of a List* response (`items`, or RAM's named list), each as a response of its own."""
        items = self.body.get(key, [])
        if not isinstance(items, list):
            raise InventoryError(self.origin, key, f"(a JSON {type(items).__name__})", "a list")
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise InventoryError(self.origin, f"{key}[{index}]", f"(a JSON {type(item).__name__})", "an object")
            yield Response(f"{self.origin} {key}[{index}]", item)


class ResponseSource(Protocol):
    """The reads inventory needs. `domain_id` is known once GetDomain has been read, or (a member account) once the
    share naming it has been read and :meth:`use_domain` called."""

    def describe(self) -> str: ...
    def get(self, file_name: str, identifier: str | None = None) -> Response: ...
    def use_domain(self, domain_id: str) -> None: ...


class DirectorySource:
    """Responses saved by the AWS CLI (`--output json`) into one folder, named as in :data:`CLI_COMMANDS`."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise InventoryError(str(directory), "(directory)", "(not found)", "a folder of saved API responses")
        self.directory = directory
        self._domain_id = "<domain-id>"

    def describe(self) -> str:
        return f"saved responses in {self.directory}"

    def use_domain(self, domain_id: str) -> None:
        """Name the domain in the commands that missing files' messages print."""
        self._domain_id = domain_id

    def get(self, file_name: str, identifier: str | None = None) -> Response:
        name = file_name.format(id=identifier)
        path = self.directory / name
        command = CLI_COMMANDS[file_name].format(domain=self._domain_id, id=identifier)
        if not path.is_file():
            raise InventoryError(str(path), "(file)", "(missing)", f"the saved output of `{command} > {name}`")
        try:
            body = read_json(path, accepted=f"the output of `{command}`", max_bytes=MAX_RESPONSE_BYTES)
        except InputFileError as error:
            raise InventoryError(str(path), error.field, f"({error.value})", error.accepted) from None
        if not isinstance(body, dict):
            raise InventoryError(str(path), "(document)", f"(a JSON {type(body).__name__})", "a JSON object")
        if file_name == DOMAIN_FILE and isinstance(body.get("id"), str):
            self._domain_id = body["id"]
        return Response(name, body)


_Call = Callable[..., dict[str, Any]]


class LiveSource:
    """The DataZone API through boto3, paging through every List*; optionally saving each response as evidence."""

    def __init__(
        self, client: Any, domain_id: str, save_dir: Path | None = None, *, ram: Any = None, sts: Any = None
    ) -> None:
        self._client = client
        self._ram = ram
        self._sts = sts
        self.domain_id = domain_id
        self._save_dir = save_dir
        if save_dir is not None:
            save_dir.mkdir(parents=True, exist_ok=True)

    @classmethod
    def connect(
        cls, *, region: str | None, profile: str | None, domain_id: str | None, save_dir: Path | None
    ) -> LiveSource:
        """A client from the caller's AWS credentials. boto3 is imported here so offline use never needs it."""
        try:
            import boto3  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise InventoryError(
                "--live", "boto3", "(not installed)", "the optional extra: pip install 'smus-estate[live]'"
            ) from None
        session = boto3.Session(profile_name=profile, region_name=region)
        client = session.client("datazone")
        return cls(client, domain_id or _only_domain(client), save_dir)

    @classmethod
    def connect_member(cls, *, region: str | None, profile: str | None, save_dir: Path | None) -> LiveSource:
        """DataZone, RAM and STS clients in a member account; the domain is named once its share is read."""
        try:
            import boto3  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise InventoryError(
                "--live", "boto3", "(not installed)", "the optional extra: pip install 'smus-estate[live]'"
            ) from None
        session = boto3.Session(profile_name=profile, region_name=region)
        return cls(session.client("datazone"), "", save_dir, ram=session.client("ram"), sts=session.client("sts"))

    def describe(self) -> str:
        return f"the DataZone API (domain {self.domain_id or '(not chosen yet)'})"

    def use_domain(self, domain_id: str) -> None:
        self.domain_id = domain_id

    def get(self, file_name: str, identifier: str | None = None) -> Response:
        domain = {"domainIdentifier": self.domain_id}
        calls: dict[str, tuple[str, dict[str, Any], bool]] = {
            DOMAIN_FILE: ("get_domain", {"identifier": self.domain_id}, False),
            BLUEPRINTS_FILE: ("list_environment_blueprints", {**domain, "managed": True}, True),
            CONFIGURATIONS_FILE: ("list_environment_blueprint_configurations", domain, True),
            CONFIGURATION_FILE: (
                "get_environment_blueprint_configuration",
                {**domain, "environmentBlueprintIdentifier": identifier},
                False,
            ),
            PROFILES_FILE: ("list_project_profiles", domain, True),
            PROFILE_FILE: ("get_project_profile", {**domain, "identifier": identifier}, False),
            PROJECTS_FILE: ("list_projects", domain, True),
            PROJECT_FILE: ("get_project", {**domain, "identifier": identifier}, False),
            CALLER_FILE: ("get_caller_identity", {}, False),
            SHARES_FILE: ("get_resource_shares", {"resourceOwner": "OTHER-ACCOUNTS"}, True),
            SHARED_RESOURCES_FILE: ("list_resources", {"resourceOwner": "OTHER-ACCOUNTS"}, True),
            INVITATIONS_FILE: ("get_resource_share_invitations", {}, True),
        }
        method, arguments, paged = calls[file_name]
        client = self._client
        if file_name == CALLER_FILE:
            client = self._sts
        elif file_name in ITEMS_KEYS:
            client = self._ram
        if client is None:
            raise InventoryError("--live", file_name, "(no client)", "a member account's source (connect_member)")
        call: _Call = getattr(client, method)
        key = ITEMS_KEYS.get(file_name, "items")
        try:
            body = _all_pages(call, arguments, key) if paged else _without_metadata(call(**arguments))
        except Exception as error:
            # botocore's errors (access denied, no credentials, an endpoint that lacks the call) become one line
            # naming the call; botocore is imported only with boto3, so its classes are told apart by module.
            if not type(error).__module__.startswith("botocore"):
                raise
            command = CLI_COMMANDS[file_name].format(domain=self.domain_id, id=identifier)
            raise InventoryError(
                f"--live ({method})",
                "(call)",
                f"({type(error).__name__}: {error})",
                f"a call that succeeds with these credentials (`{command}`)",
            ) from None
        name = file_name.format(id=identifier)
        if self._save_dir is not None:
            (self._save_dir / name).write_text(json.dumps(body, indent=4, default=_json_default) + "\n")
        # Round-trip through JSON so live and offline runs see the same types (timestamps as strings).
        return Response(name, json.loads(json.dumps(body, default=_json_default)))


def _only_domain(client: Any) -> str:
    """With no --domain-id: the account's only V2 domain, or an error listing the candidates."""
    domains = [item for item in _all_pages(client.list_domains, {})["items"] if item.get("domainVersion") == "V2"]
    if len(domains) != 1:
        found = ", ".join(f"{item['id']} ({item.get('name')})" for item in domains) or "none"
        raise InventoryError("--live", "--domain-id", "(not given)", f"one of the account's V2 domains: {found}")
    domain_id: str = domains[0]["id"]
    return domain_id


def _all_pages(call: _Call, arguments: dict[str, Any], key: str = "items") -> dict[str, Any]:
    """Every page of a List* call merged into one list (`items`, or RAM's named one), as `aws ... --output json`
    prints it."""
    items: list[Any] = []
    token: str | None = None
    while True:
        page = call(**arguments, **({"nextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("nextToken")
        if not token:
            return {key: items}


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
