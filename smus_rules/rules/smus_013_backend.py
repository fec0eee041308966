"""SMUS-013: state lives in an encrypted S3 backend with native locking, under a key that names the account.

State holds every resource's attributes; it must be encrypted, locked against two concurrent applies
(`use_lockfile`, GA since Terraform 1.11), and kept under a key naming the account so that two accounts' states can
never be confused. Bootstrap stacks are the deliberate exception: they create the bucket the others use and so keep
local state (stacks/bootstrap.py). For them the rule is not applicable; in any other stack local state fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc
from smus_rules.findings import finding
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-013"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    backend = doc.backend()
    kind, settings = backend if backend is not None else ("local", {})
    address = f"terraform.backend.{kind}"
    if kind == "local":
        if context.local_backend_allowed:
            yield finding(
                ID,
                context,
                None,
                Status.NOT_APPLICABLE,
                "bootstrap stack: local state by design (it creates the state bucket)",
                address=address,
            )
        else:
            yield finding(
                ID,
                context,
                None,
                Status.NON_COMPLIANT,
                "state is local (no S3 backend): unencrypted, unlocked and on one machine",
                "derive the stack from AccountStack, which configures the account's S3 backend",
                address=address,
            )
        return
    if kind != "s3":
        yield finding(
            ID,
            context,
            None,
            Status.NON_COMPLIANT,
            f"backend {kind!r} is not the S3 backend this estate's state controls are defined for",
            "use the S3 backend (AccountStack)",
            address=address,
        )
        return
    problems = []
    if settings.get("encrypt") is not True:
        problems.append(f"encrypt is {settings.get('encrypt')!r}, not true")
    if settings.get("use_lockfile") is not True:
        problems.append(f"use_lockfile is {settings.get('use_lockfile')!r}, not true")
    key = settings.get("key")
    if context.account_id is not None and not (isinstance(key, str) and context.account_id in key.split("/")):
        problems.append(f"key {key!r} does not name account {context.account_id}")
    if problems:
        yield finding(
            ID,
            context,
            None,
            Status.NON_COMPLIANT,
            f"S3 backend: {'; '.join(problems)}",
            "set encrypt = true and use_lockfile = true, and a key of <prefix>/<account id>/<layer>.tfstate "
            "(AccountStack does all three)",
            address=address,
        )
    else:
        yield finding(ID, context, None, Status.COMPLIANT, "encrypted, locked, keyed by account", address=address)


RULE = Rule(
    id=ID,
    title="Backend is encrypted, uses the lockfile and its key names the account",
    rationale=__doc__ or "",
    check=check,
)
