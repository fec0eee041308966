"""Inventory of a member (associated) account: the domain another account shares with it, written as a member file.

Run in the member account M (its credentials, or the responses saved with them) for a domain account A that already
has a file in the estate. It reads what exists: the RAM share M has (GetResourceShares and ListResources with
resourceOwner OTHER-ACCOUNTS, GetResourceShareInvitations), the shared domain (GetDomain works from M once the
association is active), and M's own blueprint configurations in that domain (enabled regions, roles, regional
parameters). It writes `config/accounts/<M>.toml` with `[association] domain_account = A`, M's roles, network and
blueprints, and TODO placeholders for what the API cannot tell, as the domain inventory does (smus_cli.inventory).
What exists is adopted: the share M already receives (`existing_share_arn`: accepted, or shared inside one
organization), the shared domain's ID as a literal (`existing_domain_id`) and each blueprint configuration
(`existing_blueprint_id`). The share is adopted on both sides, so A's file must adopt it too (`[domain]
existing_share_arn`, with its `existing_id`); until it does, that is the file's one BLOCKER.

Everything read is checked against A's file before anything is generated: the share must come from A's account and
carry a DataZone domain, the domain must be A's (account, region, name, and ID when A's file adopts one), and every
blueprint configuration must sit in the domain's region (RAM shares a domain within its region, and a member enables
its blueprints there) with roles of M. A member file validates only together with its domain's file (the two sides
name each other: config.associations), so the generated file is validated in a copy of the estate folder, never on
its own, and nothing is written unless that passes.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from config.errors import ConfigError, ConfigIssue, printable
from config.loader import load_account, load_estate
from config.models import MANDATORY_TAGS
from smus_cli.inventory import (
    ACCOUNT_NAME,
    DOMAIN_ARN,
    EXIT_BAD_INPUT,
    TODO,
    Inventory,
    Severity,
    Writer,
    blueprint_names,
    output_is_writable,
    write_account,
    write_and_report,
    write_blueprint_roles,
    write_blueprints,
    write_networks,
)
from smus_cli.inventory_sources import (
    BLUEPRINTS_FILE,
    CALLER_FILE,
    CONFIGURATION_FILE,
    CONFIGURATIONS_FILE,
    DOMAIN_FILE,
    INVITATIONS_FILE,
    SHARED_RESOURCES_FILE,
    SHARES_FILE,
    DirectorySource,
    InventoryError,
    LiveSource,
    Response,
    ResponseSource,
)
from smus_cli.terminal import escape
from smus_constructs.patterns import ACCOUNT_ID, DOMAIN_ID, RAM_SHARE_ARN, ROLE_ARN
from smus_constructs.regions import partition_of

#: RAM's resource type of a DataZone domain (what ListResources says, and `ram:RequestedResourceType`).
DOMAIN_RESOURCE_TYPE = "datazone:Domain"
#: What the console names a domain's share, and what AWS's DataZone policies let RAM manage.
SHARE_NAME_PREFIX = "DataZone-"
#: What `[association] existing_share_arn` takes: the same pattern, so a share read here is one the config accepts.
SHARE_ARN = RAM_SHARE_ARN
DOMAIN_RESOURCE_ARN = re.compile(
    r"^arn:aws[a-z-]*:datazone:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):domain/(?P<id>dzd[-_][a-zA-Z0-9_-]{1,36})$",
    re.ASCII,
)
ROLE_KEYS = ("provisioningRoleArn", "manageAccessRoleArn")


@dataclass(frozen=True, kw_only=True)
class DomainAccount:
    """The domain account as its file describes it: what the share and the domain must match."""

    path: Path
    name: str
    account_id: str
    region: str
    domain_name: str
    #: The domain's ID when the domain account's file adopts it; else only the share can tell it.
    existing_id: str | None
    associated_accounts: tuple[str, ...]
    #: The share the domain account's file adopts ([domain] existing_share_arn), if any.
    existing_share_arn: str | None = None


def domain_account(config_dir: Path, name: str) -> DomainAccount:
    """The domain account's file in the estate folder, loaded (a bad one fails here, naming itself)."""
    if not ACCOUNT_NAME.match(name):
        raise InventoryError("--member-of", "association.domain_account", name, "a short lowercase name such as 'prod'")
    path = config_dir / f"{name}.toml"
    if not path.is_file():
        raise InventoryError(
            str(path), "(file)", "(missing)", f"the domain account's file in {config_dir} (--config-dir)"
        )
    config = load_account(path).config
    if config.domain is None:
        raise InventoryError(
            str(path),
            "domain",
            "(missing: a member account)",
            "the file of a domain account (with [domain]): a member joins another account's own domain",
        )
    return DomainAccount(
        path=path,
        name=name,
        account_id=config.account.account_id,
        region=config.account.region,
        domain_name=config.domain.name,
        existing_id=config.domain.existing_id,
        associated_accounts=tuple(config.domain.associated_accounts),
        existing_share_arn=config.domain.existing_share_arn,
    )


@dataclass(frozen=True, kw_only=True)
class Association:
    """The share that brings the domain to the member, as RAM tells it from the member's side."""

    member_account_id: str
    share_arn: str
    share_name: str
    share_origin: str
    domain_id: str
    #: The member's invitation to the share: ACCEPTED or PENDING; None when there is none (one organization, RAM
    #: sharing with AWS Organizations: RAM sends no invitation).
    invitation: str | None


@dataclass(frozen=True)
class MemberResponses:
    """Everything the member inventory reads, fetched before anything is generated."""

    association: Association
    domain: Response
    blueprints: Response
    configurations: list[Response]


def collect_member(source: ResponseSource, domain: DomainAccount, domain_id: str | None) -> MemberResponses:
    """RAM first (which domain, from whom), then the domain and this account's blueprint configurations in it."""
    association = find_association(
        caller=source.get(CALLER_FILE),
        shares=source.get(SHARES_FILE),
        resources=source.get(SHARED_RESOURCES_FILE),
        invitations=source.get(INVITATIONS_FILE),
        domain=domain,
        domain_id=domain_id,
    )
    source.use_domain(association.domain_id)
    shared = source.get(DOMAIN_FILE)
    blueprints = source.get(BLUEPRINTS_FILE)
    configurations = [
        source.get(CONFIGURATION_FILE, item.text("environmentBlueprintId"))
        for item in source.get(CONFIGURATIONS_FILE).items()
    ]
    return MemberResponses(association, shared, blueprints, configurations)


@dataclass(frozen=True)
class _Share:
    arn: str
    name: str
    owner: str
    status: str | None
    origin: str


@dataclass(frozen=True)
class _SharedDomain:
    share: _Share
    domain_id: str
    origin: str


def find_association(
    *,
    caller: Response,
    shares: Response,
    resources: Response,
    invitations: Response,
    domain: DomainAccount,
    domain_id: str | None,
) -> Association:
    """The one share from the domain account carrying its domain; every other outcome is a named error."""
    member_id = _matching(caller, "Account", ACCOUNT_ID, "the 12-digit ID of the account the responses were read in")
    if member_id == domain.account_id:
        raise InventoryError(
            caller.origin,
            "Account",
            member_id,
            f"the member account's ID, not the domain account's ({domain.name}.toml): read the responses with the "
            "member's credentials",
        )
    wanted = _wanted_domain(domain, domain_id)
    by_arn = {share.arn: share for share in _shares(shares)}
    found = list(_shared_domains(resources, by_arn, domain))
    if wanted is not None:
        matches = [entry for entry in found if entry.domain_id == wanted]
        if not matches:
            raise InventoryError(
                resources.origin,
                "resources",
                f"(no {DOMAIN_RESOURCE_TYPE} {wanted})",
                f"the domain {wanted} shared with account {member_id}; shared with it: {_listed(found)}",
            )
        chosen = matches[0]
    else:
        chosen = _only_from(found, domain, member_id, resources.origin)
    share = chosen.share
    if share.owner != domain.account_id:
        raise InventoryError(
            share.origin,
            "owningAccountId",
            share.owner,
            f"{domain.account_id}, the account of {domain.name}.toml (the domain account this member joins): the "
            f"share carrying {chosen.domain_id} comes from another account",
        )
    if share.status not in (None, "ACTIVE"):
        raise InventoryError(share.origin, "status", share.status, "'ACTIVE' (a share being deleted cannot be adopted)")
    invitation = _invitation(invitations, share, member_id, domain)
    return Association(
        member_account_id=member_id,
        share_arn=share.arn,
        share_name=share.name,
        share_origin=share.origin,
        domain_id=chosen.domain_id,
        invitation=invitation,
    )


def _matching(response: Response, key: str, pattern: re.Pattern[str], expected: str) -> str:
    value = response.text(key)
    if not pattern.fullmatch(value):  # whole: `$` alone also matches before a trailing newline
        raise InventoryError(response.origin, key, value, expected)
    return value


def _wanted_domain(domain: DomainAccount, domain_id: str | None) -> str | None:
    """--domain-id, or the ID the domain account's file adopts; the two must agree."""
    if domain_id is not None and not DOMAIN_ID.match(domain_id):
        raise InventoryError("--domain-id", "domain_id", domain_id, "a DataZone domain ID such as 'dzd_abc123'")
    if domain_id is not None and domain.existing_id is not None and domain_id != domain.existing_id:
        raise InventoryError(
            "--domain-id",
            "domain_id",
            domain_id,
            f"{domain.existing_id}, the domain {domain.name}.toml adopts (domain.existing_id), or leave it out",
        )
    return domain_id or domain.existing_id


def _shares(shares: Response) -> Iterable[_Share]:
    for item in shares.items("resourceShares"):
        arn = _matching(item, "resourceShareArn", SHARE_ARN, "a RAM resource share ARN")
        owner = _matching(item, "owningAccountId", ACCOUNT_ID, "a 12-digit account ID")
        match = SHARE_ARN.fullmatch(arn)
        if match is not None and match["account"] != owner:
            raise InventoryError(
                item.origin, "owningAccountId", owner, f"{match['account']}, the account in the share's ARN"
            )
        yield _Share(arn, item.text("name"), owner, item.optional_text("status"), item.origin)


def _shared_domains(resources: Response, by_arn: dict[str, _Share], domain: DomainAccount) -> Iterable[_SharedDomain]:
    """Each DataZone domain shared with this account, and its share; a DataZone share carrying anything else fails.

    A DataZone share is one named `DataZone-*` or carrying a domain; only those from the domain account, or carrying
    a domain at all, are this command's business (a network account's subnet share is not).
    """
    carried: dict[str, list[Response]] = {}
    for item in resources.items("resources"):
        carried.setdefault(item.text("resourceShareArn"), []).append(item)
    for share_arn, items in sorted(carried.items()):
        share = by_arn.get(share_arn)
        domains = [item for item in items if item.text("type") == DOMAIN_RESOURCE_TYPE]
        is_datazone = bool(domains) or (share is not None and share.name.startswith(SHARE_NAME_PREFIX))
        if share is None:
            if domains:
                raise InventoryError(
                    domains[0].origin,
                    "resourceShareArn",
                    share_arn,
                    f"a share listed in {SHARES_FILE} (the domain's share, as `aws ram get-resource-shares "
                    "--resource-owner OTHER-ACCOUNTS` lists it)",
                )
            continue
        if not is_datazone or (share.owner != domain.account_id and not domains):
            continue
        for item in items:
            kind = item.text("type")
            if kind != DOMAIN_RESOURCE_TYPE:
                raise InventoryError(
                    item.origin,
                    "type",
                    kind,
                    f"{DOMAIN_RESOURCE_TYPE}: share {share.name!r} ({share.arn}) is a DataZone share (named "
                    f"{SHARE_NAME_PREFIX}* or carrying a domain) and must carry only the domain",
                )
        if not domains:
            raise InventoryError(
                share.origin,
                "resources",
                "(none)",
                f"a {DOMAIN_RESOURCE_TYPE} resource in share {share.name!r}: {SHARES_FILE} lists it, "
                f"{SHARED_RESOURCES_FILE} shows nothing it carries",
            )
        for item in domains:
            arn = _matching(
                item, "arn", DOMAIN_RESOURCE_ARN, "a DataZone domain ARN (arn:aws:datazone:...:domain/dzd_...)"
            )
            match = DOMAIN_RESOURCE_ARN.fullmatch(arn)
            assert match is not None
            if match["account"] != share.owner:
                raise InventoryError(
                    item.origin, "arn", arn, f"a domain of account {share.owner}, which owns share {share.name!r}"
                )
            if match["region"] != domain.region:
                raise InventoryError(
                    item.origin,
                    "arn",
                    arn,
                    f"a domain in {domain.region}, the region of {domain.name}.toml: a domain is shared within its "
                    "region",
                )
            yield _SharedDomain(share, match["id"], item.origin)


def _only_from(found: list[_SharedDomain], domain: DomainAccount, member_id: str, origin: str) -> _SharedDomain:
    """With no domain ID known: the one domain the domain account shares with this account."""
    from_domain_account = [entry for entry in found if entry.share.owner == domain.account_id]
    if len(from_domain_account) == 1:
        return from_domain_account[0]
    if from_domain_account:
        raise InventoryError(
            "--domain-id", "domain_id", "(not given)", f"one of the domains shared: {_listed(from_domain_account)}"
        )
    if found:
        return found[0]  # the caller names its owner as the error
    raise InventoryError(
        origin,
        "resources",
        f"(no {DOMAIN_RESOURCE_TYPE})",
        f"a DataZone domain shared with account {member_id} by {domain.account_id} ({domain.name}.toml): the "
        "share has not reached this account, or the responses were read in another account",
    )


def _listed(found: Iterable[_SharedDomain]) -> str:
    return ", ".join(f"{entry.domain_id} (from {entry.share.owner})" for entry in found) or "(none)"


def _invitation(invitations: Response, share: _Share, member_id: str, domain: DomainAccount) -> str | None:
    """ACCEPTED, PENDING, or None (no invitation: shared within one organization); anything else fails."""
    statuses: list[str] = []
    for item in invitations.items("resourceShareInvitations"):
        if item.optional_text("resourceShareArn") != share.arn:
            continue
        receiver = item.optional_text("receiverAccountId")
        if receiver is not None and receiver != member_id:
            raise InventoryError(item.origin, "receiverAccountId", receiver, f"{member_id}, this member account")
        sender = item.optional_text("senderAccountId")
        if sender is not None and sender != domain.account_id:
            raise InventoryError(
                item.origin, "senderAccountId", sender, f"{domain.account_id}, the account of {domain.name}.toml"
            )
        statuses.append(item.text("status"))
    for status in ("ACCEPTED", "PENDING"):
        if status in statuses:
            return status
    if statuses:
        raise InventoryError(
            invitations.origin,
            "status",
            statuses[-1],
            f"'ACCEPTED' or 'PENDING' for share {share.name!r}: a rejected or expired invitation carries nothing; the "
            "domain account shares again",
        )
    return None


def build_member(
    responses: MemberResponses,
    account_name: str,
    domain: DomainAccount,
    source: str,
    now: datetime | None = None,
) -> Inventory:
    """The member file's text and flags; raises :class:`InventoryError` for what does not belong to ``domain``."""
    if not ACCOUNT_NAME.match(account_name) or account_name == domain.name:
        raise InventoryError(
            "--account-name",
            "account.name",
            account_name,
            f"a short lowercase name such as 'prod-ml', not the domain account's ({domain.name})",
        )
    association = responses.association
    member_id, region = association.member_account_id, domain.region
    _check_domain(responses.domain, association, domain)
    for configuration in responses.configurations:
        _check_configuration(configuration, association, member_id, region)
    names = blueprint_names(responses.blueprints)

    out = Writer()
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    out.doc.comment(
        f"Generated by `smus inventory --member-of {domain.name}` on {stamp} from {source}, in account {member_id}: "
        f"a member of {domain.name}'s domain {association.domain_id}, shared by {association.share_name} "
        f"({association.share_arn}).\n"
        "Review every KEEP, TODO, CHECK, NOT CARRIED and BLOCKER comment before synth "
        "(docs/associated-accounts-runbook.md)."
    )
    write_account(out, account_name, member_id, region)
    _association(out, association, domain, member_id, region, adopts_blueprints=bool(responses.configurations))
    _tags(out)
    shared_roles = write_blueprint_roles(out, responses.configurations)
    write_networks(out, responses.configurations, names, region)
    write_blueprints(out, responses.configurations, names, region, shared_roles, member_of=domain.name)
    _role_checks(out, shared_roles, domain)
    out.flag(
        Severity.CHECK,
        "grants",
        "(not read)",
        f"this account's platform stack grants CREATE_ENVIRONMENT_FROM_BLUEPRINT on each blueprint (entity "
        f"{member_id}:<blueprint id>) to the domain's root unit; one made by hand for the same principal collides "
        "(AlreadyExists): list them with `aws datazone list-policy-grants` and remove it first",
        comment=False,
    )
    return Inventory(account_name, association.domain_id, source, out.text(), out.flags)


def _check_domain(shared: Response, association: Association, domain: DomainAccount) -> None:
    """The domain GetDomain returns is the shared one, and it is the domain account's (account, region, name)."""
    if shared.text("id") != association.domain_id:
        raise InventoryError(
            shared.origin, "id", shared.text("id"), f"{association.domain_id}, the domain the share carries"
        )
    version = shared.optional_text("domainVersion")
    if version != "V2":
        raise InventoryError(
            shared.origin, "domainVersion", version or "(missing: a V1 domain)", "'V2' (a Unified Studio domain)"
        )
    arn = DOMAIN_ARN.match(shared.text("arn"))
    if arn is None or arn["account"] != domain.account_id or arn["region"] != domain.region:
        raise InventoryError(
            shared.origin,
            "arn",
            shared.text("arn"),
            f"a DataZone domain ARN of account {domain.account_id} in {domain.region} ({domain.name}.toml)",
        )
    name = shared.text("name")
    if name != domain.domain_name:
        raise InventoryError(
            shared.origin,
            "name",
            name,
            f"{domain.domain_name!r}, the domain {domain.name}.toml describes (domain.name): the share brings "
            "another domain",
        )


def _check_configuration(configuration: Response, association: Association, member_id: str, region: str) -> None:
    """A member's configuration: in the shared domain, in its region only, with roles of the member account."""
    origin = configuration.origin
    found = configuration.optional_text("domainId")
    if found is not None and found != association.domain_id:
        raise InventoryError(origin, "domainId", found, f"{association.domain_id}, the shared domain")
    regions = configuration.body.get("enabledRegions") or [region]
    if not isinstance(regions, list) or any(item != region for item in regions):
        raise InventoryError(
            origin,
            "enabledRegions",
            regions,
            f"[{region!r}] only, the shared domain's region: this project enables a member's blueprints where RAM "
            "shares the domain",
        )
    regional = configuration.body.get("regionalParameters") or {}
    if not isinstance(regional, dict):
        raise InventoryError(origin, "regionalParameters", regional, "a map of region to parameters")
    for key in sorted(regional):
        if key != region:
            raise InventoryError(
                origin, f"regionalParameters.{key}", key, f"{region!r} only, the shared domain's region"
            )
        if not isinstance(regional[key], dict):
            raise InventoryError(origin, f"regionalParameters.{key}", regional[key], "a map of parameter to value")
    for key in ROLE_KEYS:
        arn = configuration.optional_text(key)
        if arn is None:
            continue
        if not ROLE_ARN.match(arn):
            raise InventoryError(origin, key, arn, "an IAM role ARN (arn:aws:iam::<account>:role/<path>/<name>)")
        if arn.split(":")[4] != member_id:
            raise InventoryError(
                origin,
                key,
                arn,
                f"a role of account {member_id}: a member's blueprints provision with its own roles (were these "
                "responses read with the member's credentials?)",
            )


def _association(
    out: Writer,
    association: Association,
    domain: DomainAccount,
    member_id: str,
    region: str,
    *,
    adopts_blueprints: bool,
) -> None:
    doc = out.doc
    doc.table("association")
    doc.set("domain_account", domain.name)
    if association.invitation is None:
        out.flag(
            Severity.CHECK,
            "association.same_organization",
            "true",
            "RAM sent this account no invitation: the share reached it inside the domain account's organization "
            "(RAM sharing with AWS Organizations); set false if the two accounts are not in one organization",
        )
        doc.set("same_organization", True)
    else:
        doc.set("same_organization", False)
    boundary = f"arn:{partition_of(region)}:iam::{member_id}:policy/TODO-permissions-boundary"
    out.flag(
        Severity.TODO,
        "association.permissions_boundary_arn",
        boundary,
        "the boundary every role this account's stacks create carries; a created role without one is refused",
    )
    doc.set("permissions_boundary_arn", boundary)
    _share(out, association, domain)
    if adopts_blueprints:
        out.flag(
            Severity.KEEP,
            "association.existing_domain_id",
            association.domain_id,
            "the shared domain's ID as a literal: the blueprint configurations below are imported as "
            f"{association.domain_id}/<blueprint id>, and the plan fails if {domain.name}'s state names another",
        )
        doc.set("existing_domain_id", association.domain_id)


def _share(out: Writer, association: Association, domain: DomainAccount) -> None:
    """`existing_share_arn` for a share this account already receives; what the domain account's file must say."""
    doc = out.doc
    arn = association.share_arn
    adopted = domain.existing_share_arn == arn
    expected = f"DataZone-{domain.domain_name}-{association.domain_id}"
    if association.invitation == "PENDING":
        if adopted:
            out.flag(
                Severity.BLOCKER,
                "association",
                arn,
                f"{domain.name}.toml adopts this share, but this account's invitation is still pending: its platform "
                "stack would create this account's principal association, which exists. Accept the invitation "
                "(`aws ram get-resource-share-invitations`, then `aws ram accept-resource-share-invitation "
                "--resource-share-invitation-arn <arn>`) and inventory again, so both sides import it",
                comment=False,
            )
        else:
            out.flag(
                Severity.CHECK,
                "association",
                arn,
                f"the invitation is still pending and {domain.name}.toml does not adopt this share: its platform "
                f"stack shares the domain again ({expected!r}) and this account's accepts that share on its first "
                "apply; decline this invitation, or accept it and adopt the share on both sides "
                "(docs/associated-accounts-runbook.md)",
                comment=False,
            )
        return
    doc.set("existing_share_arn", arn)
    if adopted:
        out.flag(
            Severity.KEEP,
            "association.existing_share_arn",
            arn,
            f"the share this account receives, adopted on both sides ({domain.name}.toml [domain] existing_share_arn)"
            + (
                ": this account's acceptance is imported"
                if association.invitation == "ACCEPTED"
                else ": shared inside the organization, nothing to accept"
            ),
        )
        if association.share_name != expected:
            out.flag(
                Severity.CHECK,
                f"share (in {domain.name})",
                association.share_name,
                f"{domain.name}'s platform stack renames the adopted share {expected!r} in place (RAM "
                "UpdateResourceShare): AWS's DataZone policies manage only shares named DataZone*",
                comment=False,
            )
        return
    fix = f'existing_share_arn = "{arn}"' + (
        ""
        if domain.existing_id
        else f' (with existing_id = "{association.domain_id}": a share is adopted with its domain)'
    )
    out.flag(
        Severity.BLOCKER,
        "association.existing_share_arn",
        arn,
        f"{domain.name}.toml does not adopt this share: add {fix} to its [domain] and inventory again. Left as it "
        f"is, {domain.name}'s platform stack would share the domain a second time ({expected!r}) and this account's "
        "would wait for an invitation to it",
    )


def _tags(out: Writer) -> None:
    """A member's resources are tagged for the member; nothing in the responses says how."""
    out.doc.table("tags")
    for key in MANDATORY_TAGS:
        out.flag(Severity.TODO, f"tags.{key}", TODO, f"mandatory tag {key}: this account's own value")
        out.doc.set(key, TODO)


def _role_checks(out: Writer, shared_roles: dict[str, str], domain: DomainAccount) -> None:
    for field_name, arn in sorted(shared_roles.items()):
        out.flag(
            Severity.CHECK,
            f"blueprint_roles.{field_name}",
            arn,
            f"its trust must let datazone.amazonaws.com assume it with aws:SourceAccount = {domain.account_id} (the "
            "domain account; manage-access also aws:SourceArn = the domain's ARN): read it with `aws iam get-role`",
            comment=False,
        )


def validate_in_estate(inventory: Inventory, config_dir: Path, output: Path) -> None:
    """Load the estate folder with the generated file in it, as `smus validate` would; raises :class:`ConfigError`.

    A member file validates only with its domain's file (both sides name each other), so it is checked in a copy of
    the folder. Issues name the real files (the folder's, and ``output`` for the generated one).
    """
    with tempfile.TemporaryDirectory(prefix="smus-inventory-") as folder:
        estate = Path(folder) / "accounts"
        shutil.copytree(config_dir, estate, symlinks=False)
        generated = estate / f"{inventory.account_name}.toml"
        generated.write_text(inventory.text, encoding="utf-8")
        blocked = {flag.field for flag in inventory.blockers}
        try:
            load_estate(estate)
        except ConfigError as error:
            issues = [_real(issue, estate, config_dir, generated, output) for issue in error.issues]
            remaining = [issue for issue in issues if issue.field not in blocked]
            if remaining:
                raise ConfigError(remaining) from None


def _real(issue: ConfigIssue, estate: Path, config_dir: Path, generated: Path, output: Path) -> ConfigIssue:
    if issue.file == generated:
        return ConfigIssue(output, issue.field, issue.value, issue.accepted)
    if issue.file.is_relative_to(estate):
        return ConfigIssue(config_dir / issue.file.relative_to(estate), issue.field, issue.value, issue.accepted)
    return issue


def check_domain_lists_member(domain: DomainAccount, account_name: str) -> None:
    """Both sides name each other: the domain account's file must list the member before its file is written."""
    if account_name not in domain.associated_accounts:
        raise InventoryError(
            str(domain.path),
            "domain.associated_accounts",
            list(domain.associated_accounts),
            f"a list naming {account_name!r}: add it there first (both files name each other; the member file "
            "validates only with it: docs/associated-accounts-runbook.md)",
        )


def run_member_inventory(
    *,
    member_of: str,
    config_dir: Path,
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
    """`smus inventory --member-of <domain account>`: read, check against the estate, build, validate, write."""
    if not output_is_writable(output, force=force, err=err):
        return EXIT_BAD_INPUT
    try:
        domain = domain_account(config_dir, member_of)
        check_domain_lists_member(domain, account_name)
        source: ResponseSource
        if (from_dir is None) == (not live):
            raise InventoryError(
                "(options)", "--from-dir / --live", "(both)" if live else "(neither)", "exactly one of them"
            )
        if from_dir is not None:
            source = DirectorySource(from_dir)
        else:
            source = LiveSource.connect_member(region=region or domain.region, profile=profile, save_dir=save_dir)
        try:
            inventory = build_member(collect_member(source, domain, domain_id), account_name, domain, source.describe())
        except (TypeError, AttributeError, KeyError, ValueError) as error:
            raise InventoryError(
                source.describe(), "(shape)", f"({type(error).__name__}: {error})", "the RAM and DataZone API's shape"
            ) from None
        validate_in_estate(inventory, config_dir, output)
    except (InventoryError, ConfigError) as error:
        err.print(f"[bold red]error:[/] {escape(printable(str(error), keep=chr(10)))}")
        return EXIT_BAD_INPUT
    return write_and_report(inventory, output, out)
