"""Inventory: write an account's config file from what a hand-built (console or script) domain really is.

Adopting existing resources is only safe when the config reproduces every immutable value exactly: a domain whose
version or name differs is replaced, and with it every project; one whose KMS key differs gets a plan that can never
apply (the provider plans it as an update that never sends the key). So the generated file carries those
values verbatim, marks each with a comment, and the command prints the list. Values the API cannot tell (state
bucket, deploy role, CI trust, tags it lacks) become placeholders marked TODO that still validate, so the file
loads; the runbook says to clear every TODO before synth. The generated text is validated with
`config.loader.load_account` before anything is written.

Exit codes: 0 written, 1 written but with blockers (adopting it as is would replace or lose something), 2 bad input.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from config.errors import ConfigError, printable
from config.loader import LoadedAccount, load_account
from config.models import MANDATORY_TAGS
from smus_cli.input_files import InputFileError, writable_file
from smus_cli.inventory_sources import (
    BLUEPRINTS_FILE,
    CONFIGURATION_FILE,
    CONFIGURATIONS_FILE,
    DOMAIN_FILE,
    PROFILE_FILE,
    PROFILES_FILE,
    PROJECT_FILE,
    PROJECTS_FILE,
    DirectorySource,
    InventoryError,
    LiveSource,
    Response,
    ResponseSource,
)
from smus_cli.terminal import escape
from smus_cli.toml_writer import TomlDocument, Value
from smus_constructs.blueprint_names import VPC_BLUEPRINTS, BlueprintName
from smus_constructs.regions import partition_of

EXIT_WRITTEN = 0
EXIT_BLOCKERS = 1
EXIT_BAD_INPUT = 2

ACCOUNT_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
DOMAIN_ARN = re.compile(r"^arn:aws[a-z-]*:datazone:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):domain/")
TODO = "TODO"
#: Regional parameter keys the config models (RegionalParametersSettings); others cannot be carried.
REGIONAL_KEYS = {"S3Location": "s3_location", "VpcId": "vpc_id", "Subnets": "subnet_ids"}
SSO_TYPES = {"IAM_IDC": "IAM_IDENTITY_CENTER", "DISABLED": "DISABLED"}


class Severity(StrEnum):
    """How a reviewer must treat a value in the generated file."""

    KEEP = "keep exactly"  # immutable in AWS: a different value replaces the resource
    BLOCKER = "blocker"  # adopting the file as it is would replace or lose something
    TODO = "todo"  # placeholder the API cannot tell: fill in before synth
    CHECK = "check"  # the API does not return it: verify by hand
    NOT_CARRIED = "not carried"  # exists in AWS, the config has no field for it


@dataclass(frozen=True)
class Flag:
    severity: Severity
    field: str
    value: str
    note: str


@dataclass
class Inventory:
    account_name: str
    domain_id: str
    source: str
    text: str
    flags: list[Flag] = field(default_factory=list)

    @property
    def blockers(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.severity is Severity.BLOCKER]


@dataclass(frozen=True)
class Responses:
    """Everything inventory reads, fetched up front so a missing file fails before anything is generated."""

    domain: Response
    blueprints: Response
    configurations: list[Response]
    profiles: list[Response]
    projects: list[Response]


def collect(source: ResponseSource) -> Responses:
    domain = source.get(DOMAIN_FILE)
    blueprints = source.get(BLUEPRINTS_FILE)
    configurations = [
        source.get(CONFIGURATION_FILE, item.text("environmentBlueprintId"))
        for item in source.get(CONFIGURATIONS_FILE).items()
    ]
    profiles = [source.get(PROFILE_FILE, item.text("id")) for item in source.get(PROFILES_FILE).items()]
    projects = [source.get(PROJECT_FILE, item.text("id")) for item in source.get(PROJECTS_FILE).items()]
    return Responses(domain, blueprints, configurations, profiles, projects)


class Writer:
    """Builds the TOML document and the flag list together, so every flag also lands as a comment in the file."""

    def __init__(self) -> None:
        self.doc = TomlDocument()
        self.flags: list[Flag] = []

    def flag(self, severity: Severity, where: str, value: object, note: str, *, comment: bool = True) -> None:
        self.flags.append(Flag(severity, where, str(value), note))
        if comment:
            self.doc.comment(f"{severity.value.upper()}: {note}")

    def text(self) -> str:
        """The file's text, opened by a warning line when anything in it is a blocker."""
        if any(flag.severity is Severity.BLOCKER for flag in self.flags):
            header = TomlDocument()
            header.comment("BLOCKERS: do not synth or apply this file until every BLOCKER below is resolved.")
            return header.text() + self.doc.text()
        return self.doc.text()


def build(responses: Responses, account_name: str, source: str, now: datetime | None = None) -> Inventory:
    """The account file's text and its flags. Raises :class:`InventoryError` for a domain this project cannot adopt."""
    if not ACCOUNT_NAME.match(account_name):
        raise InventoryError("--account-name", "account.name", account_name, "a short lowercase name such as 'prod'")
    domain = responses.domain
    domain_id = domain.text("id")
    version = domain.optional_text("domainVersion")
    if version != "V2":
        raise InventoryError(
            domain.origin,
            "domainVersion",
            version or "(missing: a V1 domain)",
            "'V2' (a SageMaker Unified Studio domain); domain_version is immutable, so adopting this domain into "
            "this project would replace it and delete every project in it",
        )
    arn = DOMAIN_ARN.match(domain.text("arn"))
    if arn is None:
        raise InventoryError(domain.origin, "arn", domain.body.get("arn"), "a DataZone domain ARN")
    account_id, region = arn["account"], arn["region"]
    names = blueprint_names(responses.blueprints)

    out = Writer()
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    out.doc.comment(
        f"Generated by `smus inventory` on {stamp} from {source}, domain {domain_id} in account {account_id}.\n"
        "Review every KEEP, TODO, CHECK, NOT CARRIED and BLOCKER comment before synth (docs/migration-runbook.md).\n"
        "KEEP values are immutable in AWS: changing one replaces the resource. TODO values are placeholders."
    )
    write_account(out, account_name, account_id, region)
    _tags(out, domain)
    _domain(out, domain, domain_id, account_id, region)
    shared_roles = write_blueprint_roles(out, responses.configurations)
    write_networks(out, responses.configurations, names, region)
    write_blueprints(out, responses.configurations, names, region, shared_roles)
    profile_names = _profiles(out, responses.profiles, names, region, domain.optional_text("rootDomainUnitId"))
    _projects(out, responses.projects, profile_names, domain.optional_text("rootDomainUnitId"))
    out.flag(
        Severity.CHECK,
        "grants",
        "(not read)",
        "policy grants (project creators, blueprint authorisations, member pools) and domain units are not "
        "inventoried: existing ones stay in AWS unmanaged; the stacks create the grants this file configures",
        comment=False,
    )
    return Inventory(account_name, domain_id, source, out.text(), out.flags)


def blueprint_names(response: Response) -> dict[str, str]:
    """Blueprint ID -> managed blueprint name, from ListEnvironmentBlueprints (IDs differ per domain)."""
    return {item.text("id"): item.text("name") for item in response.items()}


def write_account(out: Writer, name: str, account_id: str, region: str) -> None:
    doc = out.doc
    doc.table("account")
    doc.set("name", name)
    doc.set("account_id", account_id)
    doc.set("region", region)
    out.flag(Severity.TODO, "account.protected", "false", "set true for a production account (prevent_destroy)")
    doc.set("protected", False)
    role = f"arn:aws:iam::{account_id}:role/TODO-smus-deploy"
    out.flag(Severity.TODO, "account.deploy_role_arn", role, "the deploy role the bootstrap stack creates")
    doc.set("deploy_role_arn", role)

    doc.table("state")
    bucket = f"todo-smus-tfstate-{account_id}"
    out.flag(Severity.TODO, "state.bucket", bucket, "the state bucket the bootstrap stack creates")
    doc.set("bucket", bucket)
    doc.set("region", region)
    key = f"arn:aws:kms:{region}:{account_id}:key/00000000-0000-4000-8000-000000000000"
    out.flag(Severity.TODO, "state.kms_key_arn", key, "the state bucket's KMS key")
    doc.set("kms_key_arn", key)

    doc.table("bootstrap")
    out.flag(Severity.TODO, "bootstrap", "TODO-owner/TODO-repository", "the repository and refs CI deploys from")
    doc.set("github_repository", "TODO-owner/TODO-repository")
    doc.set("github_subjects", ["environment:TODO"])
    break_glass = f"arn:aws:iam::{account_id}:role/TODO-smus-break-glass"
    out.flag(
        Severity.TODO, "bootstrap.break_glass_role_arn", break_glass, "the administrators' role that applies bootstrap"
    )
    doc.set("break_glass_role_arn", break_glass)


def _tags(out: Writer, domain: Response) -> None:
    tags = domain.body.get("tags") or {}
    if not isinstance(tags, dict):
        raise InventoryError(domain.origin, "tags", tags, "a map of tag key to value")
    out.doc.table("tags")
    out.doc.comment("From the domain's tags; every resource the stacks manage gets these.")
    for key in sorted({*tags, *MANDATORY_TAGS}):
        if key.startswith("aws:"):
            continue
        value = tags.get(key)
        if not isinstance(value, str) or not value:
            out.flag(Severity.TODO, f"tags.{key}", TODO, f"mandatory tag {key} is not on the domain")
            value = TODO
        out.doc.set(key, value)


def _domain(out: Writer, domain: Response, domain_id: str, account_id: str, region: str) -> None:
    doc = out.doc
    doc.table("domain")
    name = domain.text("name")
    out.flag(Severity.KEEP, "domain.name", name, "the aws provider replaces the domain when its name changes")
    doc.set("name", name)
    description = domain.optional_text("description")
    if description:
        doc.set("description", description)
    sso = domain.body.get("singleSignOn") or {}
    sso_type = sso.get("type", "DISABLED") if isinstance(sso, dict) else "DISABLED"
    if sso_type not in SSO_TYPES:
        raise InventoryError(domain.origin, "singleSignOn.type", sso_type, f"one of {', '.join(SSO_TYPES)}")
    assignment = sso.get("userAssignment") if isinstance(sso, dict) else None
    doc.set("single_sign_on", SSO_TYPES[sso_type])
    if sso_type == "IAM_IDC" and assignment in ("MANUAL", "AUTOMATIC"):
        out.flag(Severity.KEEP, "domain.user_assignment", assignment, "keep it, or the first apply changes sign-in")
        doc.set("user_assignment", assignment)
    out.flag(Severity.KEEP, "domain.existing_id", domain_id, "the domain to adopt (import block)")
    doc.set("existing_id", domain_id)
    key = domain.optional_text("kmsKeyIdentifier")
    if key:
        out.flag(
            Severity.KEEP,
            "domain.kms_key_arn",
            key,
            "kms_key_identifier is immutable: a new key never reaches AWS and smus guard fails the plan",
        )
        doc.set("kms_key_arn", key)
    else:
        out.flag(
            Severity.KEEP,
            "domain.aws_owned_key",
            "true",
            "the domain uses an AWS-owned key, which cannot be changed: SMUS-002 reports it, and a protected account "
            "also needs a SMUS-002 suppression with its reason in config/governance.toml",
        )
        doc.set("aws_owned_key", True)
    out.flag(
        Severity.KEEP,
        "domain.domain_version",
        "V2",
        "domain_version is immutable; the platform stack always sets V2",
        comment=False,
    )
    doc.comment("Existing roles, kept (bring your own): left out, the stack would create new ones and switch to them.")
    doc.set("execution_role_arn", domain.text("domainExecutionRole"))
    service_role = domain.optional_text("serviceRole")
    if service_role:
        doc.set("service_role_arn", service_role)
    boundary = f"arn:{partition_of(region)}:iam::{account_id}:policy/TODO-permissions-boundary"
    out.flag(
        Severity.TODO,
        "domain.permissions_boundary_arn",
        boundary,
        "the boundary every role the stacks create carries (and the deploy role writes roles only with it); "
        "a created role without one is refused",
    )
    doc.set("permissions_boundary_arn", boundary)
    status = domain.optional_text("status")
    if status != "AVAILABLE":
        out.flag(Severity.CHECK, "domain.status", status, "the domain is not AVAILABLE; adopt it once it is")


ROLE_KEYS = (
    ("provisioningRoleArn", "provisioning", "provisioning_role_arn"),
    ("manageAccessRoleArn", "manage_access", "manage_access_role_arn"),
)


def write_blueprint_roles(out: Writer, configurations: list[Response]) -> dict[str, str]:
    """The roles most blueprints use, as the account's shared ones; returns config field -> the shared role ARN.

    A blueprint with another role, or none, says so itself (see :func:`_own_roles`), so adoption changes no role.
    """
    out.doc.table("blueprint_roles")
    out.doc.comment("Existing roles, kept (bring your own).")
    shared: dict[str, str] = {}
    for key, _, field_name in ROLE_KEYS:
        values = Counter(v for c in configurations if (v := c.optional_text(key)))
        if not values:
            continue
        chosen, _ = values.most_common(1)[0]
        out.doc.set(field_name, chosen)
        shared[field_name] = chosen
    return shared


def _own_roles(out: Writer, configuration: Response, name: str, shared: dict[str, str]) -> None:
    """A blueprint's own role where it differs from the shared one, and `without_roles` for a role it has none of."""
    without = []
    for key, role, field_name in ROLE_KEYS:
        value = configuration.optional_text(key)
        if value is None:
            without.append(role)
        elif value != shared.get(field_name):
            out.flag(
                Severity.KEEP,
                f"blueprints.{name}.{field_name}",
                value,
                "this blueprint's own role (not the account's shared one): kept so adoption changes no role",
            )
            out.doc.set(field_name, value)
    if without:
        out.doc.comment("DataZone sends this blueprint no such role; kept so adoption adds none.")
        out.doc.set("without_roles", without)


def write_networks(out: Writer, configurations: list[Response], names: dict[str, str], region: str) -> None:
    """The account's network per region, from the Tooling blueprint's VPC and subnets, where a blueprint that
    provisions into a VPC carries none in DataZone: the config requires one, so adoption sends it Tooling's
    (flagged to check)."""
    by_name = {names.get(c.text("environmentBlueprintId")): c for c in configurations}
    tooling = by_name.get(BlueprintName.TOOLING.value)
    if tooling is None:
        return
    for where, params in sorted((tooling.body.get("regionalParameters") or {}).items()):
        vpc_id, subnets = params.get("VpcId"), params.get("Subnets")
        if not vpc_id or not subnets:
            continue
        without = [
            name
            for name, configuration in sorted((n, c) for n, c in by_name.items() if n is not None)
            if name in {b.value for b in VPC_BLUEPRINTS}
            and where in (configuration.body.get("enabledRegions") or [region])
            and not ((configuration.body.get("regionalParameters") or {}).get(where) or {}).get("VpcId")
        ]
        if not without:
            continue
        out.doc.table("networks", where)
        out.doc.comment("Tooling's VPC and subnets: the blueprints flagged below carry none in DataZone.")
        out.doc.set("vpc_id", str(vpc_id))
        out.doc.set("subnet_ids", [s.strip() for s in str(subnets).split(",") if s.strip()])
        for name in without:
            out.flag(
                Severity.CHECK,
                f"blueprints.{name}.regional_parameters.{where}",
                "(no VpcId or Subnets)",
                f"its environments provision into a VPC: the first apply sends it the account network "
                f"[networks.{where}] (Tooling's); give it its own vpc_id and subnet_ids if that is wrong",
            )


def write_blueprints(
    out: Writer,
    configurations: list[Response],
    names: dict[str, str],
    region: str,
    shared_roles: dict[str, str],
    *,
    member_of: str | None = None,
) -> None:
    """`[blueprints.<name>]` of every managed blueprint configured, each adopted (`existing_blueprint_id`);
    ``member_of`` names the domain account of a member file, whose configurations sit in that account's domain."""
    known = {name.value for name in BlueprintName}
    for configuration in configurations:
        blueprint_id = configuration.text("environmentBlueprintId")
        name = names.get(blueprint_id)
        if name not in known:
            out.flag(
                Severity.NOT_CARRIED,
                "blueprints",
                f"{name or '(unknown)'} ({blueprint_id})",
                "not a managed blueprint the config knows; its configuration stays in AWS, unmanaged",
                comment=False,
            )
            continue
        doc = out.doc
        doc.table("blueprints", str(name))
        out.flag(
            Severity.CHECK,
            f"blueprints.{name}.global_parameters",
            "(not returned)",
            "GetEnvironmentBlueprintConfiguration does not return global parameters: compare with the console",
        )
        out.flag(
            Severity.KEEP,
            f"blueprints.{name}.existing_blueprint_id",
            blueprint_id,
            "the blueprint identifier is immutable on its configuration"
            + (
                ""
                if member_of is None
                else f" (imported as <association.existing_domain_id>/{blueprint_id} in {member_of}'s domain)"
            ),
        )
        doc.set("existing_blueprint_id", blueprint_id)
        regions = configuration.body.get("enabledRegions") or [region]
        doc.set("regions", [str(r) for r in regions])
        _own_roles(out, configuration, str(name), shared_roles)
        if configuration.optional_text("environmentRolePermissionBoundary"):
            out.flag(
                Severity.NOT_CARRIED,
                f"blueprints.{name}",
                configuration.body["environmentRolePermissionBoundary"],
                "environmentRolePermissionBoundary is not modelled per blueprint",
            )
        regional = configuration.body.get("regionalParameters") or {}
        for region_name, parameters in sorted(regional.items()):
            _regional_parameters(out, str(name), region_name, parameters)


def _regional_parameters(out: Writer, name: str, region: str, parameters: dict[str, Any]) -> None:
    settings: dict[str, Value] = {}
    for key, value in sorted(parameters.items()):
        if key not in REGIONAL_KEYS:
            out.flag(
                Severity.NOT_CARRIED,
                f"blueprints.{name}.regional_parameters.{region}",
                f"{key} = {value}",
                "the config has no field for this parameter; the first apply would drop it",
                comment=False,
            )
            continue
        field_name = REGIONAL_KEYS[key]
        settings[field_name] = [s.strip() for s in str(value).split(",") if s.strip()] if key == "Subnets" else value
    if settings:
        out.doc.table("blueprints", name, "regional_parameters", region)
        for key, value in settings.items():
            out.doc.set(key, value)


def _profiles(
    out: Writer, profiles: list[Response], names: dict[str, str], region: str, root_unit: str | None
) -> dict[str, str]:
    """Write `[[profiles]]`; return profile ID -> name, which projects refer to."""
    by_id: dict[str, str] = {}
    for profile in profiles:
        profile_id, name = profile.text("id"), profile.text("name")
        by_id[profile_id] = name
        doc = out.doc
        doc.array_table("profiles")
        out.flag(
            Severity.TODO,
            f"profiles[{name}].project_creators",
            "(not read)",
            "who may create projects from this profile is a policy grant; add project_creators",
        )
        doc.set("name", name)
        description = profile.optional_text("description")
        if description:
            doc.set("description", description)
        out.flag(Severity.KEEP, f"profiles[{name}].existing_id", profile_id, "the profile to adopt (import block)")
        doc.set("existing_id", profile_id)
        if profile.optional_text("status") == "DISABLED":
            out.flag(
                Severity.NOT_CARRIED,
                f"profiles[{name}]",
                "DISABLED",
                "the profile is disabled; the config has no status",
            )
        if profile.optional_text("domainUnitId") not in (None, root_unit):
            out.flag(
                Severity.TODO,
                f"profiles[{name}].unit",
                profile.body["domainUnitId"],
                "the profile belongs to a domain unit other than the root: set unit to its path",
            )
        if profile.body.get("projectResourceTags") or profile.body.get("allowCustomProjectResourceTags"):
            out.flag(
                Severity.NOT_CARRIED,
                f"profiles[{name}]",
                "projectResourceTags",
                "project resource tag rules are not modelled",
            )
        doc.comment("In the order AWS returns them: awscc matches environment configurations by position.")
        doc.set_rows("environments", _environments(out, profile, name, names, region))
    return by_id


def _environments(
    out: Writer, profile: Response, profile_name: str, names: dict[str, str], region: str
) -> list[dict[str, Value]]:
    rows: list[dict[str, Value]] = []
    configurations = profile.body.get("environmentConfigurations") or []
    for index, env in enumerate(configurations):
        where = f"profiles[{profile_name}].environments[{index}]"
        blueprint_id = env.get("environmentBlueprintId")
        blueprint = names.get(str(blueprint_id))
        if blueprint not in {name.value for name in BlueprintName}:
            out.flag(
                Severity.BLOCKER,
                f"{where}.blueprint",
                blueprint_id,
                "the environment uses a blueprint that is not a managed blueprint the config knows",
            )
            continue
        row: dict[str, Value] = {"blueprint": str(blueprint)}
        if env.get("deploymentMode") == "ON_DEMAND":
            row["mode"] = "ON_DEMAND"
        if env.get("name") and env["name"] != blueprint:
            row["name"] = env["name"]
        if env.get("description"):
            row["description"] = env["description"]
        env_region = (env.get("awsRegion") or {}).get("regionName")
        if env_region and env_region != region:
            row["region"] = env_region
        account = (env.get("awsAccount") or {}).get("awsAccountId")
        if account is None and (env.get("awsAccount") or env.get("accountPools")):
            out.flag(Severity.NOT_CARRIED, f"{where}.account", "(account pool or path)", "not modelled")
        overrides = (env.get("configurationParameters") or {}).get("parameterOverrides") or []
        if overrides:
            row["overrides"] = [
                {"name": o["name"], "value": o.get("value", ""), **({"editable": True} if o.get("isEditable") else {})}
                for o in overrides
            ]
        rows.append(row)
    return rows


def _projects(out: Writer, projects: list[Response], profile_names: dict[str, str], root_unit: str | None) -> None:
    for project in projects:
        project_id, name = project.text("id"), project.text("name")
        doc = out.doc
        doc.array_table("projects")
        out.flag(
            Severity.CHECK,
            f"projects[{name}].execution_role",
            "(not returned)",
            "project_execution_role is immutable and GetProject does not return it: if the CreateProject event in "
            "CloudTrail names one, set execution_role_arn to exactly that role",
        )
        out.flag(
            Severity.TODO,
            f"projects[{name}].owners",
            "(not read)",
            "memberships are not inventoried (ListProjectMemberships): add owners and contributors",
        )
        doc.set("name", name)
        profile_id = project.optional_text("projectProfileId")
        profile = profile_names.get(profile_id or "")
        if profile is None:
            out.flag(
                Severity.BLOCKER,
                f"projects[{name}].profile",
                profile_id or "(none)",
                "the project's profile is not among the domain's profiles; project_profile_id is immutable, so the "
                "project cannot be adopted with another profile",
            )
            profile = TODO
        else:
            out.flag(
                Severity.KEEP,
                f"projects[{name}].profile",
                profile,
                f"project_profile_id is immutable: the project was created from {profile} ({profile_id})",
            )
        doc.set("profile", profile)
        description = project.optional_text("description")
        if description:
            doc.set("description", description)
        out.flag(Severity.KEEP, f"projects[{name}].existing_id", project_id, "the project to adopt (import block)")
        doc.set("existing_id", project_id)
        category = project.optional_text("projectCategory")
        if category:
            out.flag(Severity.NOT_CARRIED, f"projects[{name}].project_category", category, "immutable; not modelled")
        status = project.optional_text("projectStatus")
        if status not in (None, "ACTIVE"):
            out.flag(Severity.CHECK, f"projects[{name}]", status, "the project is not ACTIVE; adopt it once it is")
        if project.optional_text("domainUnitId") not in (None, root_unit):
            out.flag(
                Severity.TODO,
                f"projects[{name}].unit",
                project.body["domainUnitId"],
                "the project belongs to a domain unit other than the root: set unit to its path",
            )
        _project_details(out, project)


def _project_details(out: Writer, project: Response) -> None:
    parameters: dict[str, dict[str, str]] = {}
    for entry in project.body.get("userParameters") or []:
        env_name = entry.get("environmentConfigurationName")
        values = {p["name"]: str(p.get("value", "")) for p in entry.get("environmentParameters") or [] if p.get("name")}
        if env_name and values:
            parameters[env_name] = values
    if parameters:
        out.doc.set("user_parameters", parameters)
    tags = {
        tag["key"]: tag.get("value", "")
        for tag in project.body.get("resourceTags") or []
        if tag.get("source") == "PROJECT" and tag.get("key")
    }
    if tags:
        out.doc.set("resource_tags", tags)


def validate(inventory: Inventory) -> LoadedAccount:
    """Load the generated text exactly as `smus validate` would; raises :class:`ConfigError`."""
    with tempfile.TemporaryDirectory(prefix="smus-inventory-") as folder:
        path = Path(folder) / f"{inventory.account_name}.toml"
        path.write_text(inventory.text, encoding="utf-8")
        return load_account(path)


def validate_except_blockers(inventory: Inventory) -> None:
    """Validate; a problem in a field already flagged as a blocker is expected (the file says do not synth)."""
    try:
        validate(inventory)
    except ConfigError as error:
        blocked = {flag.field for flag in inventory.blockers}
        remaining = [issue for issue in error.issues if issue.field not in blocked]
        if remaining:
            raise ConfigError(remaining) from None


_STYLE = {
    Severity.BLOCKER: "bold red",
    Severity.KEEP: "bold yellow",
    Severity.TODO: "cyan",
    Severity.CHECK: "magenta",
    Severity.NOT_CARRIED: "dim",
}


def render_flags(inventory: Inventory, console: Console) -> None:
    """The printed list: immutable values first, then what the engineer must fill in or check."""
    order = list(Severity)
    table = Table(title=f"{inventory.account_name}: values to review")
    for column in ("severity", "field", "value", "note"):
        table.add_column(column, overflow="fold")
    for flag in sorted(inventory.flags, key=lambda f: order.index(f.severity)):
        table.add_row(
            f"[{_STYLE[flag.severity]}]{flag.severity.value}[/]",
            escape(flag.field),
            escape(flag.value),
            escape(flag.note),
        )
    console.print(table)


def make_source(
    *,
    from_dir: Path | None,
    live: bool,
    region: str | None,
    profile: str | None,
    domain_id: str | None,
    save_dir: Path | None,
) -> ResponseSource:
    """Exactly one of `--from-dir` (saved responses) or `--live` (the API, boto3)."""
    if (from_dir is None) == (not live):
        raise InventoryError(
            "(options)", "--from-dir / --live", "(both)" if live else "(neither)", "exactly one of them"
        )
    if from_dir is not None:
        return DirectorySource(from_dir)
    return LiveSource.connect(region=region, profile=profile, domain_id=domain_id, save_dir=save_dir)


def run_inventory(
    *,
    from_dir: Path | None,
    live: bool,
    region: str | None,
    profile: str | None,
    domain_id: str | None,
    save_dir: Path | None,
    account_name: str,
    output: Path,
    force: bool,
    out: Console,
    err: Console,
) -> int:
    """The `smus inventory` command: read responses, build, validate, write; returns the exit code."""
    if not output_is_writable(output, force=force, err=err):
        return EXIT_BAD_INPUT
    try:
        source = make_source(
            from_dir=from_dir, live=live, region=region, profile=profile, domain_id=domain_id, save_dir=save_dir
        )
        try:
            inventory = build(collect(source), account_name, source.describe())
        except (TypeError, AttributeError, KeyError, ValueError) as error:
            # Valid JSON of the wrong shape (a list where the API returns an object, a number for a name): the
            # typed accessors name the field where they can; anything they miss is still this one clear line.
            raise InventoryError(
                source.describe(), "(shape)", f"({type(error).__name__}: {error})", "the DataZone API's response shape"
            ) from None
        validate_except_blockers(inventory)
    except (InventoryError, ConfigError) as error:
        err.print(f"[bold red]error:[/] {escape(printable(str(error), keep=chr(10)))}")
        return EXIT_BAD_INPUT
    return write_and_report(inventory, output, out)


def output_is_writable(output: Path, *, force: bool, err: Console) -> bool:
    """The account file can be written (a new file, or --force): checked before anything is read."""
    try:
        writable_file(output, what="the account file")
    except InputFileError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return False
    if output.exists() and not force:
        err.print(
            f"[bold red]error:[/] {escape(str(output))}: (file) = (exists): "
            "expected a new file (or --force to replace it)"
        )
        return False
    return True


def write_and_report(inventory: Inventory, output: Path, out: Console) -> int:
    """Write the validated text, print the flags; the exit code says whether blockers remain."""
    account_name = inventory.account_name
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(inventory.text, encoding="utf-8")
    render_flags(inventory, out)
    keep = sum(1 for flag in inventory.flags if flag.severity is Severity.KEEP)
    todo = sum(1 for flag in inventory.flags if flag.severity is Severity.TODO)
    out.print(f"wrote {output} (domain {inventory.domain_id}): {keep} values to keep exactly, {todo} TODO to fill in")
    if output.name != f"{account_name}.toml":
        out.print(f"[yellow]note[/]: move it to config/accounts/{account_name}.toml; the loader needs that name")
    if inventory.blockers:
        out.print(
            f"[bold red]BLOCKED[/]: {len(inventory.blockers)} blocker(s); adopting this as is would replace or lose "
            "something. Do not synth until they are resolved."
        )
        return EXIT_BLOCKERS
    return EXIT_WRITTEN
