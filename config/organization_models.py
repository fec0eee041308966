"""`config/organization.toml`: the organization's management account, where the guardrails stack applies its SCPs.

Kept apart from the account files on purpose: the SCPs are applied with management-account (or delegated-admin)
credentials, by a different team, with their own state; no member account's pipeline can change them. The file is
optional: without it no guardrails stack is synthesised. What the SCP protects comes from the account files (every
account with `protected = true`: its deploy role, plan role, state bucket and the domain name its roles start with),
so the two can never drift apart; this file only says where to apply and whom to attach to.

Errors name file, field, value and what would be accepted, like config/loader.py. Depends on config.models and
config.loader, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from config.errors import MISSING, ConfigError, ConfigIssue
from config.loader import LoadedAccount
from config.models import MANDATORY_TAGS, AccountId, BucketName, KmsKeyArn, Region, RoleArn, Tags
from smus_constructs.guardrail_policy import ACCEPTED_TARGET, TARGET_ID

ORGANIZATION_FILE = "organization.toml"
GUARDRAILS_LAYER = "guardrails"
#: The stack's name: it belongs to no account, so it is not `<account>-<layer>`.
GUARDRAILS_STACK = f"organization-{GUARDRAILS_LAYER}"


def _target(value: str) -> str:
    if not TARGET_ID.fullmatch(value):
        raise ValueError(f"expected {ACCEPTED_TARGET}")
    return value


def _unique(values: list[str]) -> list[str]:
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"expected each target once; listed more than once: {', '.join(duplicates)}")
    return values


def _mandatory_tags(values: dict[str, str]) -> dict[str, str]:
    missing = [tag for tag in MANDATORY_TAGS if tag not in values]
    if missing:
        raise ValueError(f"expected the mandatory tags {', '.join(MANDATORY_TAGS)}; missing: {', '.join(missing)}")
    return values


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ManagementAccount(Strict):
    """The account the SCPs are created in: the management account or a delegated administrator for policies."""

    account_id: AccountId
    #: default: us-east-1. Organizations is a global service; its API lives in us-east-1 (aws partition).
    region: Region = "us-east-1"
    #: The role the guardrails stack's provider and backend assume, in this account.
    deploy_role_arn: RoleArn

    @field_validator("deploy_role_arn")
    @classmethod
    def _role_in_account(cls, value: str, info: ValidationInfo) -> str:
        account_id = info.data.get("account_id")
        if account_id is not None and f":{account_id}:" not in value:
            raise ValueError(f"expected a role in the management account {account_id}")
        return value


class OrganizationState(Strict):
    """Where the guardrails stack's state lives: its own object, `<key_prefix>/<account id>/guardrails.tfstate`."""

    bucket: BucketName
    region: Region
    kms_key_arn: KmsKeyArn
    key_prefix: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9/_-]{0,100}$")] = "smus"


class GuardrailSettings(Strict):
    """Whom the SCP is attached to, and the break-glass roles it exempts besides the deploy roles."""

    #: default: every protected account's ID. Account IDs or OU IDs ('ou-...'); an OU gets the policy for all of its
    #: accounts, and the DataZone statement still only binds the protected accounts (aws:PrincipalAccount).
    targets: Annotated[list[Annotated[str, AfterValidator(_target)]], AfterValidator(_unique)] = []
    #: Account name -> break-glass role ARN, for protected accounts whose file has no `[bootstrap]
    #: break_glass_role_arn`. The SCP exempts it from every statement: it is the documented way around the pipeline.
    break_glass_role_arns: dict[str, RoleArn] = {}


class OrganizationConfig(Strict):
    organization: ManagementAccount
    state: OrganizationState
    guardrails: GuardrailSettings = GuardrailSettings()
    #: The provider's default tags for the policy; the mandatory tags are required here as in account files.
    tags: Annotated[Tags, AfterValidator(_mandatory_tags)]


@dataclass(frozen=True)
class ProtectedAccount:
    """One protected account of the estate as the SCP sees it."""

    loaded: LoadedAccount
    break_glass_role_arn: str


@dataclass(frozen=True)
class LoadedOrganization:
    path: Path
    config: OrganizationConfig
    protected: tuple[ProtectedAccount, ...]

    @property
    def targets(self) -> list[str]:
        chosen = self.config.guardrails.targets
        return list(chosen) if chosen else sorted(p.loaded.config.account.account_id for p in self.protected)

    @property
    def unreached(self) -> list[str]:
        """Protected accounts no target attaches the policy to, as `name (id)`; empty while an OU is a target, whose
        accounts this file cannot know. A member account outside the organization is one: no SCP can reach it."""
        targets = self.targets
        if any(not target.isdigit() for target in targets):
            return []
        return [
            f"{p.loaded.name} ({p.loaded.config.account.account_id})"
            for p in self.protected
            if p.loaded.config.account.account_id not in targets
        ]

    @property
    def pipeline_role_arns(self) -> list[str]:
        """The roles the SCP must never deny: each protected account's deploy role and its break-glass role."""
        return sorted(
            {arn for p in self.protected for arn in (p.loaded.config.account.deploy_role_arn, p.break_glass_role_arn)}
        )

    @property
    def state_key(self) -> str:
        state = self.config.state
        return f"{state.key_prefix}/{self.config.organization.account_id}/{GUARDRAILS_LAYER}.tfstate"


def organization_path_for(config_dir: Path) -> Path:
    """`organization.toml` beside the accounts folder (config/organization.toml for config/accounts/)."""
    return config_dir.parent / ORGANIZATION_FILE


def load_organization_for(config_dir: Path, accounts: Sequence[LoadedAccount]) -> LoadedOrganization | None:
    """The estate's organization file, checked against its accounts; None when there is none (no guardrails)."""
    path = organization_path_for(config_dir)
    if not path.exists() and not path.is_symlink():
        return None
    return load_organization(path, accounts)


def load_organization(path: Path, accounts: Sequence[LoadedAccount]) -> LoadedOrganization:
    from config.toml_files import read_toml

    raw = read_toml(path)
    try:
        config = OrganizationConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_issue(path, item) for item in error.errors()]) from None
    protected, issues = _protected_accounts(path, config, accounts)
    if issues:
        raise ConfigError(issues)
    return LoadedOrganization(path=path, config=config, protected=tuple(protected))


def _break_glass_in_account_file(loaded: LoadedAccount) -> str | None:
    """`[bootstrap] break_glass_role_arn` once the account files carry it (another change adds it)."""
    value = getattr(loaded.config.bootstrap, "break_glass_role_arn", None)
    return value if isinstance(value, str) else None


def _protected_accounts(
    path: Path, config: OrganizationConfig, accounts: Sequence[LoadedAccount]
) -> tuple[list[ProtectedAccount], list[ConfigIssue]]:
    issues: list[ConfigIssue] = []
    by_name = {loaded.name: loaded for loaded in accounts}
    protected_names = sorted(name for name, loaded in by_name.items() if loaded.config.account.protected)
    field = "guardrails.break_glass_role_arns"
    for name in config.guardrails.break_glass_role_arns:
        if name not in protected_names:
            issues.append(
                ConfigIssue(path, f"{field}.{name}", name, f"a protected account: {', '.join(protected_names) or '-'}")
            )
    if not protected_names:
        issues.append(
            ConfigIssue(path, "(file)", "no protected account", "at least one account file with protected = true")
        )
    found: list[ProtectedAccount] = []
    management = config.organization.account_id
    for name in protected_names:
        loaded = by_name[name]
        account_id = loaded.config.account.account_id
        if account_id == management:
            issues.append(
                ConfigIssue(
                    path,
                    "organization.account_id",
                    management,
                    f"an account other than the protected account {name!r}: SCPs do not bind the management account",
                )
            )
        arn = _break_glass_in_account_file(loaded) or config.guardrails.break_glass_role_arns.get(name)
        if arn is None:
            issues.append(
                ConfigIssue(
                    path, f"{field}.{name}", MISSING, f"the break-glass role ARN of {name} (a role in {account_id})"
                )
            )
            continue
        if f":{account_id}:" not in arn:
            issues.append(ConfigIssue(path, f"{field}.{name}", arn, f"a role in {name}'s account {account_id}"))
            continue
        if arn == loaded.config.account.deploy_role_arn:
            issues.append(ConfigIssue(path, f"{field}.{name}", arn, "a role other than the deploy role"))
            continue
        found.append(ProtectedAccount(loaded=loaded, break_glass_role_arn=arn))
    known = {loaded.config.account.account_id for loaded in accounts}
    protected_ids = {by_name[name].config.account.account_id for name in protected_names}
    for index, target in enumerate(config.guardrails.targets):
        if target.isdigit() and target not in protected_ids:
            what = "an unprotected account of the estate" if target in known else "an account outside the estate"
            issues.append(
                ConfigIssue(
                    path,
                    f"guardrails.targets[{index}]",
                    target,
                    f"a protected account's ID ({', '.join(sorted(protected_ids)) or '-'}) or an OU ID; "
                    f"this is {what}, whose pipeline the policy does not exempt",
                )
            )
    return found, issues


def _dotted(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _issue(path: Path, item: Any) -> ConfigIssue:
    loc = tuple(item["loc"])
    kind = item["type"]
    if kind == "missing":
        return ConfigIssue(path, _dotted(loc), MISSING, "a value: this field is required")
    if kind == "extra_forbidden":
        return ConfigIssue(path, _dotted(loc), f"unknown key {loc[-1]!r}", "no such key here (see the file's comments)")
    message = str(item["msg"]).removeprefix("Value error, ").removeprefix("expected ")
    return ConfigIssue(path, _dotted(loc), item.get("input"), message)
