"""`smus new-account NAME`: a new account file, copied from an existing account, checked before it is written.

Adding an account is mostly copying one: the template's structure (blueprints, profiles, projects, units) stays, and
what belongs to the template alone is rewritten - its account ID everywhere (ARNs, bucket names), and its name where
it stands as a word in a value (`acme-dev` -> `acme-qa`, `Environment = "dev"`). Comments and layout are kept, so
the new file reads like the one it came from.

The file is validated together with the rest of the estate before anything is written, and the command then says
which reviewed files it touched and which it checked: review files express their rules by pattern (`*-bootstrap`,
`"*"`), so a non-protected copy normally touches none; a protected copy inherits the template's blueprint approval
in `governance.toml` (security reviews that line, see .github/CODEOWNERS) rather than falling back to the wider
default list.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from config.errors import ConfigError, ConfigIssue
from config.governance import GOVERNANCE_FILE
from config.loader import load_account, load_estate
from smus_constructs.patterns import ACCEPTED, ACCOUNT_ID, REGION

ACCOUNT_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
SCHEMA_LINE = "#:schema ../account.schema.json"
EXIT_OK = 0
EXIT_BAD_INPUT = 2
LAYERS = ("bootstrap", "platform", "projects", "ops")
IDENTITIES = "identities"  # config/accounts/identities/<account>.toml: the names' Identity Center IDs


@dataclass
class NewAccount:
    """What the command wrote and what a reviewer should look at."""

    path: Path
    touched: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    to_fill_in: list[str] = field(default_factory=list)


def _word(name: str) -> re.Pattern[str]:
    """``name`` standing alone in a value: not inside a longer word (`dev` in `acme-dev`, not in `device`)."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])")


def rewrite(text: str, *, old_name: str, old_id: str, name: str, account_id: str, region: str | None) -> str:
    """The template's file with its ID and name swapped for the new account's; region too when asked."""
    text = re.sub(rf"(?<!\d){re.escape(old_id)}(?!\d)", account_id, text)
    lines = []
    for line in text.splitlines():
        # Only values: a comment line keeps its words, and `name = "dev"` under [account] is a value like any other.
        if line.lstrip().startswith("#") or "=" not in line:
            lines.append(line)
            continue
        key, _, value = line.partition("=")
        lines.append(f"{key}={_word(old_name).sub(name, value)}")
    text = "\n".join(lines) + "\n"
    if region is not None:
        old_region = tomllib.loads(text)["account"]["region"]
        text = re.sub(rf"(?<![a-z0-9-]){re.escape(old_region)}(?![a-z0-9-])", region, text)
    if not text.startswith("#:schema"):
        text = f"{SCHEMA_LINE}\n{text}"
    return text


def _check_inputs(config_dir: Path, name: str, account_id: str, template: str | None, region: str | None) -> Path:
    issues = []
    where = config_dir / f"{name}.toml"
    if not ACCOUNT_NAME.match(name):
        issues.append(ConfigIssue(where, "account.name", name, "a short lowercase name such as 'qa'"))
    if not ACCOUNT_ID.match(account_id):
        issues.append(ConfigIssue(where, "account.account_id", account_id, ACCEPTED[ACCOUNT_ID]))
    if region is not None and not REGION.match(region):
        issues.append(ConfigIssue(where, "account.region", region, ACCEPTED[REGION]))
    if where.exists():
        issues.append(ConfigIssue(where, "(file)", "exists", "a new account name: this file is already there"))
    known = sorted(path.stem for path in config_dir.glob("*.toml"))
    chosen = template or ("dev" if "dev" in known else (known[0] if known else None))
    if chosen is None or chosen not in known:
        issues.append(ConfigIssue(config_dir, "--from", chosen or "(none)", f"one of the accounts: {known}"))
    if issues:
        raise ConfigError(issues)
    assert chosen is not None
    return config_dir / f"{chosen}.toml"


def create_account(
    config_dir: Path, name: str, account_id: str, *, template: str | None = None, region: str | None = None
) -> NewAccount:
    """Write ``<config_dir>/<name>.toml`` from the template account; raises :class:`ConfigError` and writes nothing."""
    source = _check_inputs(config_dir, name, account_id, template, region)
    loaded = load_account(source)
    old = loaded.config.account
    text = rewrite(
        source.read_text(encoding="utf-8"),
        old_name=old.name,
        old_id=old.account_id,
        name=name,
        account_id=account_id,
        region=region,
    )
    review = config_dir.parent
    template_lock = config_dir / IDENTITIES / f"{old.name}.toml"
    lock_text = template_lock.read_text(encoding="utf-8") if template_lock.is_file() else None
    governance_path = review / GOVERNANCE_FILE
    governance_text = _governance_with(governance_path, old.name, name) if old.protected else None
    # Check the new file with the whole estate (duplicate IDs, shared state) in a scratch copy: nothing is written
    # into config/ unless the estate still loads.
    with tempfile.TemporaryDirectory(prefix="smus-new-account-") as scratch:
        trial = Path(scratch) / "accounts"
        trial.mkdir()
        for path in config_dir.glob("*.toml"):
            (trial / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        if (config_dir / IDENTITIES).is_dir():
            shutil.copytree(config_dir / IDENTITIES, trial / IDENTITIES)
        (trial / f"{name}.toml").write_text(text, encoding="utf-8")
        if lock_text is not None:
            (trial / IDENTITIES / f"{name}.toml").write_text(lock_text, encoding="utf-8")
        try:
            load_estate(trial)
        except ConfigError as error:  # name the real files, not the scratch copies
            raise ConfigError([_relocated(issue, trial, config_dir) for issue in error.issues]) from None
    target = config_dir / f"{name}.toml"
    target.write_text(text, encoding="utf-8")
    result = NewAccount(path=target, touched=[f"{target} (new, copied from {source.name})"])
    if lock_text is not None:
        lock = config_dir / IDENTITIES / f"{name}.toml"
        lock.write_text(lock_text, encoding="utf-8")
        result.touched.append(
            f"{lock} (identity lock copied from {old.name}: right when both accounts use the same Identity Center; "
            f"otherwise rewrite it with `smus identities --account {name}`)"
        )
    if governance_text is not None:
        governance_path.write_text(governance_text, encoding="utf-8")
        result.touched.append(
            f"{governance_path} (approved_blueprints.accounts.{name} copied from {old.name}: security reviews it)"
        )
    result.checked = _reviewed_files_checked(review, old.name, name)
    result.to_fill_in = _to_fill_in(loaded.config.account.protected, text)
    return result


def _relocated(issue: ConfigIssue, scratch: Path, config_dir: Path) -> ConfigIssue:
    path = Path(issue.file)
    moved = config_dir / path.relative_to(scratch) if path.is_relative_to(scratch) else path
    return dataclasses.replace(issue, file=moved)


def _governance_with(path: Path, template: str, name: str) -> str | None:
    """governance.toml with the template's own blueprint list copied for the new account, if it has one."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    accounts = tomllib.loads(text).get("approved_blueprints", {}).get("accounts", {})
    if template not in accounts or name in accounts:
        return None
    listed = ", ".join(f'"{value}"' for value in accounts[template])
    header = "[approved_blueprints.accounts]\n"
    if header not in text:
        return None
    return text.replace(header, f"{header}{name} = [{listed}]  # copied from {template} by smus new-account\n", 1)


def _reviewed_files_checked(review: Path, template: str, name: str) -> list[str]:
    """Reviewed files whose entries name the template by stack or account: do they cover the new account too?"""
    notes = []
    skips = review / "checkov-skips.toml"
    if skips.is_file():
        entries = tomllib.loads(skips.read_text(encoding="utf-8")).get("skip", [])
        missing = sorted(
            {
                f"{entry['check']} on {entry['stacks']}"
                for entry in entries
                for layer in LAYERS
                if fnmatch.fnmatchcase(f"{template}-{layer}", entry.get("stacks", ""))
                and not fnmatch.fnmatchcase(f"{name}-{layer}", entry.get("stacks", ""))
            }
        )
        notes.append(
            f"{skips}: "
            + (f"names {template} only, review for {name}: {'; '.join(missing)}" if missing else "covers it by pattern")
        )
    intended = review / "intended-differences.toml"
    if intended.is_file():
        entries = tomllib.loads(intended.read_text(encoding="utf-8")).get("difference", [])
        named = sum(1 for entry in entries if template in entry.get("accounts", []))
        notes.append(
            f"{intended}: "
            + (
                f"{named} entries name {template}; add {name} where it differs the same way"
                if named
                else "covers it by pattern ('*')"
            )
        )
    return notes


def _to_fill_in(protected: bool, text: str) -> list[str]:
    config = tomllib.loads(text)
    notes = [
        f"[state] kms_key_arn = {config['state']['kms_key_arn']!r}: the new account's state key ARN",
        f"[bootstrap] github_subjects = {config['bootstrap']['github_subjects']}: where CI may deploy it from",
        f"[bootstrap] break_glass_role_arn = {config['bootstrap']['break_glass_role_arn']!r}: the administrators' "
        "role that applies the bootstrap stack and alone administers the state bucket",
    ]
    if protected:
        notes.append("the domain key and roles: a protected template brings its own (kms_key_arn, *_role_arn)")
    return notes


def run_new_account(
    config_dir: Path,
    name: str,
    account_id: str,
    *,
    template: str | None,
    region: str | None,
    out: Console,
    err: Console,
) -> int:
    try:
        result = create_account(config_dir, name, account_id, template=template, region=region)
    except ConfigError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return EXIT_BAD_INPUT
    out.print(f"wrote {escape(str(result.path))}; `smus validate` passes with it")
    out.print("touched:")
    for line in result.touched:
        out.print(f"  - {escape(line)}")
    out.print("checked, unchanged:")
    for line in result.checked:
        out.print(f"  - {escape(line)}")
    out.print("fill in before the first apply (copied from the template):")
    for line in result.to_fill_in:
        out.print(f"  - {escape(line)}")
    return EXIT_OK
