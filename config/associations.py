"""Associated (member) accounts: one domain shared by RAM with workload accounts, described on both sides.

The domain account's file lists its members (`[domain] associated_accounts`) and each member's file names the
domain it joins (`[association] domain_account`), as RAM itself has two sides (share, accept): the domain owners
approve who joins in their file, the member's owners approve joining in theirs, and the two must agree. A member file
has no `[domain]`, profiles, projects, units or grants: those live in the domain account's file.

Checked here, each as a named error: an unknown domain account (either side names a file that is not there, or not a
domain), a region mismatch (RAM shares a domain within its region), a member that is also a domain, a member listed
twice (in one list, or by two domains), the two sides disagreeing, and a profile environment that targets a member
which does not enable that blueprint in that region. Adopting an association made by hand: the domain account's
`[domain] existing_share_arn` and the member's `[association] existing_share_arn` name one share of the domain
account, in its region; a member's adopted blueprint configurations need `[association] existing_domain_id` (the
domain account's `existing_id` when it has one). Nothing here imports cdktn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from config.errors import MISSING, ConfigIssue
from config.models import AccountConfig
from config.pipeline_trust import plan_role_arn
from smus_constructs.patterns import RAM_SHARE_ARN

MEMBER_LEFT_OUT = "to be left out: a member account has no domain of its own"


@dataclass(frozen=True, kw_only=True)
class MemberLink:
    """A member as its domain account's stacks see it: where to share the domain, whose roles may read the share."""

    name: str
    account_id: str
    region: str
    same_organization: bool
    deploy_role_arn: str
    plan_role_arn: str
    #: Blueprint name -> the regions the member enables it in (profile environments deploy there).
    blueprint_regions: Mapping[str, tuple[str, ...]]
    #: The adopted share this member already receives (`[association] existing_share_arn`): its principal
    #: association is imported, not created. default: none (created).
    existing_share_arn: str | None = None


@dataclass(frozen=True, kw_only=True)
class DomainLink:
    """The domain account as a member's stacks see it: where its platform state object is, and what it is called."""

    name: str
    account_id: str
    region: str
    domain_name: str
    state_bucket: str
    state_region: str
    #: The domain account's platform state object: the only object of its bucket a member's roles may read.
    state_key: str
    state_kms_key_arn: str
    partition: str
    #: How the shared domain's metadata is encrypted: "handed_in" (``domain_kms_key_arn``, a key another team owns),
    #: "created" (by the domain account's platform stack, its ARN known only after apply) or "aws_owned".
    domain_key: Literal["handed_in", "created", "aws_owned"] = "created"
    domain_kms_key_arn: str | None = None


@dataclass(frozen=True, kw_only=True)
class AssociationLinks:
    """Resolved by the loader from both files, so a stack never needs the other account's file."""

    #: Set in a member account: the domain it joins.
    domain: DomainLink | None = None
    #: Set in a domain account: its members, in the order its file lists them.
    members: tuple[MemberLink, ...] = ()


def shared_domain_key_resource(link: DomainLink) -> str | None:
    """What a member's roles name for the shared domain's key: the handed-in key's ARN; the domain account's keys in
    the domain's region when its platform stack creates the key (the ID is known only after apply, and the created
    key's policy is the only one of that account naming the member); nothing for an AWS-owned key."""
    if link.domain_key == "aws_owned":
        return None
    if link.domain_kms_key_arn is not None:
        return link.domain_kms_key_arn
    return f"arn:{link.partition}:kms:{link.region}:{link.account_id}:key/*"


def platform_state_key(config: AccountConfig) -> str:
    """The platform stack's state object (stacks.account_stack.state_key of the platform layer)."""
    return f"{config.state.key_prefix}/{config.account.account_id}/platform.tfstate"


def shape_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """One file on its own: a domain or a member (never both), and a member holds nothing of a domain."""
    association = config.association
    if config.domain is not None and association is not None:
        yield ConfigIssue(
            path,
            "association",
            association.domain_account,
            "to be left out while [domain] is set: a member that is also a domain is refused (one account is "
            "either a domain account or a member of another's domain)",
        )
        return
    if config.domain is None and association is None:
        yield ConfigIssue(path, "domain", MISSING, "a [domain] table, or [association] for a member account")
        return
    if association is not None:
        if association.domain_account == config.account.name:
            yield ConfigIssue(
                path,
                "association.domain_account",
                association.domain_account,
                "another account file: the domain account whose domain this member joins",
            )
        for field in ("profiles", "projects", "domain_units", "grants", "ignore_changes"):
            if getattr(config, field):
                yield ConfigIssue(
                    path,
                    field,
                    [_entry_name(item) for item in getattr(config, field)],
                    f"{MEMBER_LEFT_OUT}: profiles, projects, units, grants and their lifecycles live in "
                    f"{association.domain_account}.toml",
                )
        for name, blueprint in sorted(config.blueprints.items()):
            if blueprint.authorized_units:
                yield ConfigIssue(
                    path,
                    f"blueprints.{name.value}.authorized_units",
                    blueprint.authorized_units,
                    f"{MEMBER_LEFT_OUT}: its blueprints are granted to the shared domain's root unit",
                )
            if blueprint.existing_blueprint_id is not None and association.existing_domain_id is None:
                yield ConfigIssue(
                    path,
                    f"blueprints.{name.value}.existing_blueprint_id",
                    blueprint.existing_blueprint_id,
                    "to be left out unless association.existing_domain_id names the shared domain: the "
                    "configuration is imported as '<domain id>/<blueprint id>', and an import block needs the domain "
                    "ID as a literal (the domain account's state is read only at plan)",
                )
        return
    domain = config.the_domain()
    seen: set[str] = set()
    for index, member in enumerate(domain.associated_accounts):
        field = f"domain.associated_accounts[{index}]"
        if member == config.account.name:
            yield ConfigIssue(path, field, member, "another account file: a domain account is not its own member")
        elif member in seen:
            yield ConfigIssue(path, field, member, "a member not listed earlier in this list (a member listed twice)")
        seen.add(member)
    yield from _domain_share_issues(path, config)
    for p_index, profile in enumerate(config.profiles):
        for e_index, env in enumerate(profile.environments):
            if env.account is not None and env.account not in domain.associated_accounts:
                yield ConfigIssue(
                    path,
                    f"profiles[{p_index}].environments[{e_index}].account",
                    env.account,
                    "a member listed in domain.associated_accounts: "
                    + (", ".join(domain.associated_accounts) or "(none)"),
                )


def _domain_share_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """`[domain] existing_share_arn`: this account's own share, in its region, of a domain adopted with it."""
    domain = config.the_domain()
    arn = domain.existing_share_arn
    if arn is None:
        return
    field = "domain.existing_share_arn"
    match = RAM_SHARE_ARN.fullmatch(arn)
    assert match is not None, "checked by the model"
    account, region = config.account.account_id, config.account.region
    if match["account"] != account:
        yield ConfigIssue(
            path, field, arn, f"a share owned by this account ({account}): the domain account shares its own domain"
        )
    if match["region"] != region:
        yield ConfigIssue(path, field, arn, f"a share in this account's region ({region}): RAM shares are regional")
    if domain.existing_id is None:
        yield ConfigIssue(
            path,
            field,
            arn,
            "to be left out unless domain.existing_id adopts the domain too: the domain association is imported as "
            "'<share arn>,<domain arn>', and an import block needs the domain's ARN as a literal",
        )
    if not domain.associated_accounts:
        yield ConfigIssue(
            path,
            field,
            arn,
            "to be left out unless domain.associated_accounts lists the members the share reaches (no members, no "
            "share)",
        )


def _member_adoption_issues(member: _Account, domain: _Account) -> Iterable[ConfigIssue]:
    """A member adopts the share and domain its domain account adopts (or, for the domain ID, publishes)."""
    association = member.config.association
    assert association is not None
    domain_name = domain.config.account.name
    domain_settings = domain.config.the_domain()
    arn = association.existing_share_arn
    if arn is not None:
        field = "association.existing_share_arn"
        match = RAM_SHARE_ARN.fullmatch(arn)
        assert match is not None, "checked by the model"
        owner, region = domain.config.account.account_id, domain.config.account.region
        if match["account"] != owner or match["region"] != region:
            yield ConfigIssue(
                member.path,
                field,
                arn,
                f"a share of the domain account {owner} ({domain_name}.toml) in its region {region}: the share "
                "that brings its domain here",
            )
        elif arn != domain_settings.existing_share_arn:
            adopted = domain_settings.existing_share_arn
            yield ConfigIssue(
                member.path,
                field,
                arn,
                f"the share {domain_name}.toml adopts in [domain] existing_share_arn "
                + (f"({adopted})" if adopted else f"(it adopts none: add existing_share_arn = {arn!r} there)")
                + ": both sides adopt one share",
            )
    domain_id = association.existing_domain_id
    if domain_id is not None and domain_settings.existing_id not in (None, domain_id):
        yield ConfigIssue(
            member.path,
            "association.existing_domain_id",
            domain_id,
            f"{domain_settings.existing_id!r}, the domain {domain_name}.toml adopts (domain.existing_id): the "
            "domain shared with this account",
        )


@dataclass(frozen=True)
class _Account:
    path: Path
    config: AccountConfig


def estate_issues(accounts: Sequence[tuple[Path, AccountConfig]], failed: Iterable[str] = ()) -> Iterable[ConfigIssue]:
    """Across files: both sides name each other, in one region, each member joins one domain.

    ``failed`` names the files that did not load (already reported): nothing is said about naming them.
    """
    skipped = set(failed)
    by_name = {config.account.name: _Account(path, config) for path, config in accounts}
    domains = sorted(name for name, account in by_name.items() if account.config.domain is not None)
    listed_by: dict[str, str] = {}
    for name in domains:
        account = by_name[name]
        for index, member_name in enumerate(account.config.the_domain().associated_accounts):
            field = f"domain.associated_accounts[{index}]"
            member = by_name.get(member_name)
            if member_name == name or member_name in skipped:
                continue  # shape_issues names it, or its own errors are reported
            if member is None:
                yield ConfigIssue(
                    account.path,
                    field,
                    member_name,
                    f"the file name of a member account in this folder: {_names(by_name, members=True)}",
                )
                continue
            if member.config.association is None:
                yield ConfigIssue(
                    account.path,
                    field,
                    member_name,
                    f"a member account (with [association], no [domain]): {member_name}.toml is a domain account, and "
                    "a member that is also a domain is refused",
                )
                continue
            if member.config.association.domain_account != name:
                yield ConfigIssue(
                    account.path,
                    field,
                    member_name,
                    f"a member whose [association] domain_account is {name!r}: {member_name}.toml names "
                    f"{member.config.association.domain_account!r} (the two sides disagree)",
                )
            if member_name in listed_by and listed_by[member_name] != name:
                yield ConfigIssue(
                    account.path,
                    field,
                    member_name,
                    f"a member no other domain lists: {listed_by[member_name]}.toml lists it too (a member listed "
                    "twice joins one domain only)",
                )
            listed_by.setdefault(member_name, name)
    for name, account in sorted(by_name.items()):
        association = account.config.association
        if association is None or account.config.domain is not None or association.domain_account in {name, *skipped}:
            continue
        domain = by_name.get(association.domain_account)
        field = "association.domain_account"
        if domain is None or domain.config.domain is None:
            yield ConfigIssue(
                account.path,
                field,
                association.domain_account,
                f"the file name of a domain account (with [domain]) in this folder: {_names(by_name, members=False)}"
                + ("" if domain is None else f"; {association.domain_account}.toml is a member account"),
            )
            continue
        if name not in domain.config.the_domain().associated_accounts:
            yield ConfigIssue(
                account.path,
                field,
                association.domain_account,
                f"a domain account whose [domain] associated_accounts lists {name!r} "
                f"({association.domain_account}.toml does not: the two sides disagree)",
            )
        yield from _member_adoption_issues(account, domain)
        if account.config.account.region != domain.config.account.region:
            yield ConfigIssue(
                account.path,
                "account.region",
                account.config.account.region,
                f"the domain account's region {domain.config.account.region!r} ({association.domain_account}.toml): "
                "a domain is shared and its blueprints enabled in its own region",
            )
    for name in domains:
        yield from _profile_target_issues(by_name[name], by_name)


def _profile_target_issues(account: _Account, by_name: Mapping[str, _Account]) -> Iterable[ConfigIssue]:
    """A profile environment in a member: the member enables that blueprint in the environment's region."""
    for p_index, profile in enumerate(account.config.profiles):
        for e_index, env in enumerate(profile.environments):
            member = by_name.get(env.account) if env.account is not None else None
            if member is None or member.config.association is None:
                continue  # no target, or not a member: shape_issues / estate_issues name it
            blueprint = member.config.blueprints.get(env.blueprint)
            region = env.region or member.config.account.region
            regions = (blueprint.regions or [member.config.account.region]) if blueprint is not None else []
            if region not in regions:
                enabled = sorted(
                    name.value
                    for name, settings in member.config.blueprints.items()
                    if region in (settings.regions or [member.config.account.region])
                )
                yield ConfigIssue(
                    account.path,
                    f"profiles[{p_index}].environments[{e_index}].blueprint",
                    env.blueprint.value,
                    f"a blueprint {env.account}.toml enables in {region}: {', '.join(enabled) or '(none)'}",
                )


def _entry_name(item: object) -> str:
    """How a reviewer finds an entry of a list in the file: its name, path or resource."""
    for key in ("name", "path", "resource"):
        value = getattr(item, key, None)
        if isinstance(value, str):
            return value
    return type(item).__name__


def _names(by_name: Mapping[str, _Account], *, members: bool) -> str:
    names = sorted(name for name, account in by_name.items() if (account.config.association is not None) == members)
    return ", ".join(names) or "(none)"


def links(accounts: Sequence[tuple[Path, AccountConfig]]) -> dict[str, AssociationLinks]:
    """Account name -> its resolved associations; call only once :func:`estate_issues` found nothing."""
    by_name = {config.account.name: config for _, config in accounts}
    resolved: dict[str, AssociationLinks] = {}
    for name, config in by_name.items():
        if config.domain is not None and config.domain.associated_accounts:
            resolved[name] = AssociationLinks(
                members=tuple(_member_link(by_name[member]) for member in config.domain.associated_accounts)
            )
        elif config.association is not None:
            resolved[name] = AssociationLinks(domain=_domain_link(by_name[config.association.domain_account]))
    return resolved


def _member_link(config: AccountConfig) -> MemberLink:
    assert config.association is not None
    return MemberLink(
        name=config.account.name,
        account_id=config.account.account_id,
        region=config.account.region,
        same_organization=config.association.same_organization,
        deploy_role_arn=config.account.deploy_role_arn,
        plan_role_arn=plan_role_arn(config),
        existing_share_arn=config.association.existing_share_arn,
        blueprint_regions={
            name.value: tuple(settings.regions or [config.account.region])
            for name, settings in sorted(config.blueprints.items())
        },
    )


def _domain_link(config: AccountConfig) -> DomainLink:
    from smus_constructs.regions import partition_of

    domain = config.the_domain()
    return DomainLink(
        name=config.account.name,
        account_id=config.account.account_id,
        region=config.account.region,
        domain_name=domain.name,
        state_bucket=config.state.bucket,
        state_region=config.state.region,
        state_key=platform_state_key(config),
        state_kms_key_arn=config.state.kms_key_arn,
        partition=partition_of(config.account.region),
        domain_key="handed_in" if domain.kms_key_arn else "aws_owned" if domain.aws_owned_key else "created",
        domain_kms_key_arn=domain.kms_key_arn,
    )
