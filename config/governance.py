"""The security-owned governance file, `config/governance.toml`: what the rule pack requires of every account.

Kept apart from the account files on purpose: the platform team changes `config/accounts/*.toml` (which blueprints
an account enables, its profiles), security changes this file (which blueprints it *may* enable, the mandatory
tags, the blueprint parameters production must lock, and every accepted exception), and `.github/CODEOWNERS` makes
security the required reviewer of it. Errors name file, field, value and what is accepted, like config/loader.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from config.errors import MISSING, ConfigError, ConfigIssue
from config.loader import DEFAULT_CONFIG_DIR, LoadedAccount
from config.models import MANDATORY_TAGS, MINIMUM_DOMAIN_TIMEOUT_MINUTES
from config.toml_files import read_toml
from smus_constructs.blueprint_names import BlueprintName
from smus_rules.model import LockedParameter, RuleContext, Suppression
from smus_rules.registry import RULE_IDS
from smus_rules.suppressions import PATH_GLOB

GOVERNANCE_FILE = "governance.toml"
DEFAULT_GOVERNANCE_PATH = DEFAULT_CONFIG_DIR.parent / GOVERNANCE_FILE
MINIMUM_REASON_LENGTH = 20
_REASON_ACCEPTED = (
    f"a written reason of at least {MINIMUM_REASON_LENGTH} characters: a suppression without a reason is refused"
)


def _rule_id(value: str) -> str:
    if value not in RULE_IDS:
        raise ValueError(f"expected a rule ID of the pack: {', '.join(RULE_IDS)}")
    return value


def _path_glob(value: str) -> str:
    if not PATH_GLOB.fullmatch(value) or value.strip("*/") == "":
        raise ValueError(
            "expected a construct path such as 'prod-projects/Grant0-CREATE_GLOSSARY' ('*' within a segment, "
            "'**' across segments), naming at least a stack"
        )
    return value


def _reason(value: str) -> str:
    if len(" ".join(value.split())) < MINIMUM_REASON_LENGTH:
        raise ValueError(f"expected {_REASON_ACCEPTED}")
    return value


def _unique_tags(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("expected each tag once")
    return values


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LockedParameterSettings(Strict):
    """A blueprint parameter protected accounts' profiles must lock; `value`, when set, is the only value accepted."""

    name: Annotated[str, Field(min_length=1)]
    value: str | None = None


class ApprovedBlueprints(Strict):
    """Blueprints an account may enable: `default` for every account, or the account's own list."""

    default: list[BlueprintName]
    accounts: dict[str, list[BlueprintName]] = {}

    def for_account(self, name: str) -> frozenset[str]:
        return frozenset(b.value for b in self.accounts.get(name, self.default))


class SuppressionSettings(Strict):
    """An accepted finding: rule, construct path glob, why, and optionally until when."""

    rule: Annotated[str, AfterValidator(_rule_id)]
    path: Annotated[str, AfterValidator(_path_glob)]
    reason: Annotated[str, AfterValidator(_reason)]
    #: After this date the suppression no longer applies and the finding fails again.
    expires: dt.date | None = None

    def to_suppression(self) -> Suppression:
        return Suppression(
            rule_id=self.rule,
            path=self.path,
            reason=" ".join(self.reason.split()),
            expires=self.expires.isoformat() if self.expires else None,
        )


class GovernanceConfig(Strict):
    mandatory_tags: Annotated[list[str], Field(min_length=1), AfterValidator(_unique_tags)] = list(MANDATORY_TAGS)
    approved_blueprints: ApprovedBlueprints
    #: Blueprint name -> parameters protected accounts' profiles must lock.
    locked_parameters: dict[BlueprintName, list[LockedParameterSettings]] = {}
    suppressions: list[SuppressionSettings] = []


@dataclass(frozen=True)
class LoadedGovernance:
    """The validated governance file and where it came from."""

    path: Path
    config: GovernanceConfig

    @property
    def suppressions(self) -> list[Suppression]:
        return [entry.to_suppression() for entry in self.config.suppressions]

    def context_for(self, loaded: LoadedAccount, stack: str, *, local_backend_allowed: bool = False) -> RuleContext:
        """The rule context of one stack of one account."""
        account = loaded.config.account
        return RuleContext(
            stack=stack,
            account_id=account.account_id,
            protected=account.protected,
            local_backend_allowed=local_backend_allowed,
            approved_blueprints=self.config.approved_blueprints.for_account(account.name),
            mandatory_tags=tuple(self.config.mandatory_tags),
            locked_parameters={
                blueprint.value: tuple(LockedParameter(name=p.name, value=p.value) for p in params)
                for blueprint, params in self.config.locked_parameters.items()
            },
            minimum_timeout_minutes=MINIMUM_DOMAIN_TIMEOUT_MINUTES,
            # From both account files (the loader's links), not from the stacks: SMUS-026 compares the RAM grants
            # with what the config says the account is, a domain sharing with these members or a member of one.
            member_account_ids=tuple(sorted(member.account_id for member in loaded.links.members)),
            shared_domain_account_id=loaded.links.domain.account_id if loaded.links.domain is not None else None,
        )


def governance_path_for(config_dir: Path) -> Path:
    """`governance.toml` beside the accounts folder when there is one (a test estate's own), else the project's."""
    beside = config_dir.parent / GOVERNANCE_FILE
    return beside if beside.is_file() else DEFAULT_GOVERNANCE_PATH


def load_governance_for(
    config_dir: Path, accounts: Sequence[LoadedAccount], *, path: Path | None = None, partial: bool = False
) -> LoadedGovernance:
    """The governance file that governs ``config_dir`` (``path`` if given).

    It is checked against the accounts only when it is that estate's own file (beside the accounts folder, or given)
    and the whole estate was loaded (``partial`` is False): an estate borrowing the project's file for its few
    accounts must not fail because the file names others.
    """
    chosen = path or governance_path_for(config_dir)
    own = path is not None or chosen.parent.resolve() == config_dir.parent.resolve()
    return load_governance(chosen, accounts if own and not partial else ())


def load_governance(path: Path = DEFAULT_GOVERNANCE_PATH, accounts: Sequence[LoadedAccount] = ()) -> LoadedGovernance:
    """The governance file, validated; with ``accounts``, also checked against the estate it governs."""
    if not path.is_file():
        raise ConfigError([ConfigIssue(path, "(file)", MISSING, "the security-owned governance file")])
    raw = read_toml(path)
    try:
        config = GovernanceConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_issue(path, item) for item in error.errors()]) from None
    issues = list(_estate_issues(path, config, accounts))
    if issues:
        raise ConfigError(issues)
    return LoadedGovernance(path=path, config=config)


def _dotted(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _issue(path: Path, item: Any) -> ConfigIssue:
    loc = tuple(item["loc"])
    kind = item["type"]
    if loc and loc[-1] == "reason" and loc[0] == "suppressions":
        value = MISSING if kind == "missing" else item.get("input")
        return ConfigIssue(path, _dotted(loc), value, _REASON_ACCEPTED)
    if kind == "missing":
        return ConfigIssue(path, _dotted(loc), MISSING, "a value: this field is required")
    if kind == "extra_forbidden":
        return ConfigIssue(path, _dotted(loc), f"unknown key {loc[-1]!r}", "no such key here (see the file's comments)")
    if kind.startswith("enum") and loc and loc[-1] == "[key]":
        loc = loc[:-1]
    message = str(item["msg"]).removeprefix("Value error, ").removeprefix("expected ")
    return ConfigIssue(path, _dotted(loc), item.get("input"), message)


def _estate_issues(path: Path, config: GovernanceConfig, accounts: Sequence[LoadedAccount]) -> Iterable[ConfigIssue]:
    if not accounts:
        return
    names = sorted(loaded.name for loaded in accounts)
    for name in config.approved_blueprints.accounts:
        if name not in names:
            yield ConfigIssue(
                path, f"approved_blueprints.accounts.{name}", name, f"an account of the estate: {', '.join(names)}"
            )
