"""parliament and cloudsplaining over every synthesised identity policy: a reviewer's IAM tools, run on every change.

- **parliament** checks each identity policy against AWS's own IAM definitions (the Service Authorization Reference,
  which it ships): unknown actions, prefixes and condition keys, and actions granted on a resource type they do not
  take. That last one is how a deploy role fails on its first apply: DataZone's CreateProject granted on `domain/*`
  grants nothing, because AWS lists it only with `*`. parliament judges one statement at a time, so an action that
  needs two resource types from two statements (kms:CreateAlias: the alias and the key) is reported twice and
  suppressed with that reason.
- **cloudsplaining** reads an account-authorization-details document, built here from the synthesised roles and their
  inline policies, and reports privilege-escalation paths, resource exposure, data exfiltration and credential
  exposure. It runs with every risky action flagged whatever its constraints (its `-aR`), so each one the estate
  needs is a reviewed entry saying which condition or resource bounds it. AWS managed policies attached to a role
  are not analysed: their documents are AWS's and are not available offline.

Terraform references in a policy (`${aws_kms_key.K.arn}`) are replaced by the widest value of their type
(`arn:*:kms:*:*:key/*`), or `*` when the type is unknown, so an analyser judges the worst the reference could be.

Both analysers live in `.venv-audit` (tools/audit-requirements.txt) and run there through
``tools/iam_analysers_runner.py``; a missing environment fails the gate, naming the install command. Every finding is
fixed or accepted in the reviewed `config/iam-analyser-suppressions.toml` (or the one beside an estate's accounts
folder), one entry per analyser, issue, stacks, resource and actions, each with a reason; an entry that matches
nothing fails the gate too.

Usage: ``python -m smus_cli.iam_analysers [cdktf.out]``; exit 0 clean, 1 on findings, 2 when an analyser is missing.
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smus_cli.audit_tools import AnalyserMissingError, audit_python
from smus_cli.runtime import PROJECT_ROOT
from smus_constructs.regions import partition_of
from smus_rules.doc import JSON, StackDoc, parse_policy
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, policy_documents

RUNNER = PROJECT_ROOT / "tools" / "iam_analysers_runner.py"
SUPPRESSIONS_NAME = "iam-analyser-suppressions.toml"
SUPPRESSIONS_FILE = PROJECT_ROOT / "config" / SUPPRESSIONS_NAME
MINIMUM_REASON_LENGTH = 40
ANALYSERS = ("parliament", "cloudsplaining")
#: `${aws_kms_key.K.arn}`: a whole-value reference (type and attribute), and any reference inside a longer string.
WHOLE_REFERENCE = re.compile(r"^\$\{(?:data\.)?([a-z][a-z0-9_]*)\.[^.}\s]+\.([a-z_]+)\}$")
ANY_REFERENCE = re.compile(r"\$\{[^}]*\}")
#: The widest ARN a reference to a resource of this type can be (its `arn`, or an `id` that is an ARN), in the
#: stack's own partition, region and account: a reference can only name something the stack's provider manages.
WIDEST_ARN: Mapping[str, str] = {
    "aws_kms_key": "arn:{partition}:kms:{region}:{account}:key/*",
    "aws_kms_alias": "arn:{partition}:kms:{region}:{account}:alias/*",
    "aws_iam_role": "arn:{partition}:iam::{account}:role/*",
    "aws_iam_policy": "arn:{partition}:iam::{account}:policy/*",
    "aws_sns_topic": "arn:{partition}:sns:{region}:{account}:*",
    "aws_sqs_queue": "arn:{partition}:sqs:{region}:{account}:*",
    "aws_dynamodb_table": "arn:{partition}:dynamodb:{region}:{account}:table/*",
    "aws_datazone_domain": "arn:{partition}:datazone:{region}:{account}:domain/*",
    "aws_cloudwatch_event_rule": "arn:{partition}:events:{region}:{account}:rule/*",
}


class IamAnalyserError(RuntimeError):
    """An analyser ran but gave no usable answer."""


@dataclass(frozen=True)
class IamFinding:
    """One analyser finding on one identity policy of one stack."""

    analyser: str
    stack: str
    #: The construct path of the policy's resource (what a suppression names), e.g. `dev-bootstrap/DeployRole/...`.
    resource: str
    address: str
    #: parliament's issue (`RESOURCE_MISMATCH`), or cloudsplaining's category and path (`PrivilegeEscalation/...`).
    issue: str
    actions: tuple[str, ...]
    detail: str = ""

    def __str__(self) -> str:
        actions = f" [{', '.join(self.actions)}]" if self.actions else ""
        return f"{self.analyser} {self.issue}{actions}: {self.stack}: {self.address}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "analyser": self.analyser,
            "stack": self.stack,
            "resource": self.resource,
            "address": self.address,
            "issue": self.issue,
            "actions": list(self.actions),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class IamSuppression:
    """An accepted finding: analyser, issue (glob), stacks (glob), resource (construct path glob), actions, reason."""

    analyser: str
    issue: str
    stacks: str
    resource: str
    actions: tuple[str, ...]
    reason: str

    def matches(self, finding: IamFinding) -> bool:
        return (
            finding.analyser == self.analyser
            and fnmatch.fnmatchcase(finding.issue, self.issue)
            and fnmatch.fnmatchcase(finding.stack, self.stacks)
            and fnmatch.fnmatchcase(finding.resource, self.resource)
            and all(any(fnmatch.fnmatchcase(a.lower(), s.lower()) for s in self.actions) for a in finding.actions)
        )


@dataclass
class IamGate:
    """The analysers' verdict after the reviewed suppressions."""

    policies: int = 0
    roles: int = 0
    findings: list[IamFinding] = field(default_factory=list)
    unsuppressed: list[IamFinding] = field(default_factory=list)
    suppressed: list[tuple[IamFinding, IamSuppression]] = field(default_factory=list)
    unused: list[IamSuppression] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.unsuppressed and not self.unused

    def counts(self) -> dict[str, dict[str, int]]:
        """Per analyser: findings, unsuppressed and suppressed."""
        return {
            name: {
                "findings": sum(1 for f in self.findings if f.analyser == name),
                "unsuppressed": sum(1 for f in self.unsuppressed if f.analyser == name),
                "suppressed": sum(1 for f, _ in self.suppressed if f.analyser == name),
            }
            for name in ANALYSERS
        }

    def report(self) -> str:
        lines = [
            f"{name}: {c['findings']} finding(s), {c['unsuppressed']} unsuppressed, {c['suppressed']} suppressed"
            for name, c in self.counts().items()
        ]
        lines.insert(0, f"IAM analysers over {self.policies} identity policies of {self.roles} roles")
        lines += [f"  FAILED  {finding}" for finding in self.unsuppressed]
        lines += [
            f"  UNUSED  suppression {s.analyser} {s.issue} on {s.stacks} / {s.resource}: matches no finding; remove it"
            for s in self.unused
        ]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "policies": self.policies,
            "roles": self.roles,
            "counts": self.counts(),
            "versions": self.versions,
            "unsuppressed": [f.as_dict() for f in self.unsuppressed],
            "suppressed": [{**f.as_dict(), "reason": s.reason} for f, s in self.suppressed],
            "unused_suppressions": [s.__dict__ | {"actions": list(s.actions)} for s in self.unused],
        }


@dataclass(frozen=True)
class Where:
    """The partition, region and account of a stack's aws provider: what a reference in it can name."""

    partition: str = "*"
    region: str = "*"
    account: str = "*"

    @classmethod
    def of(cls, raw: JSON) -> Where:
        for provider in raw.get("provider", {}).get("aws", []) or []:
            if not isinstance(provider, dict):
                continue
            region = provider.get("region")
            ids = provider.get("allowed_account_ids")
            account = ids[0] if isinstance(ids, list) and ids and isinstance(ids[0], str) else "*"
            if isinstance(region, str) and not ANY_REFERENCE.search(region):
                return cls(partition_of(region), region, account)
            return cls(account=account)
        return cls()


def widened(value: Any, where: Where = Where()) -> Any:
    """``value`` with every Terraform reference replaced by the widest value it could take (see module docstring)."""
    if isinstance(value, str):
        whole = WHOLE_REFERENCE.match(value)
        if whole is not None:
            rtype, attribute = whole.groups()
            template = WIDEST_ARN.get(rtype)
            if template is None or attribute not in ("arn", "id", "key_id"):
                return "*"
            return template.format(partition=where.partition, region=where.region, account=where.account)
        return ANY_REFERENCE.sub("*", value)
    if isinstance(value, list):
        return [widened(item, where) for item in value]
    if isinstance(value, dict):
        return {key: widened(item, where) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class _Policy:
    id: str
    stack: str
    resource: str
    address: str
    document: JSON


def identity_policies(documents: Mapping[str, JSON]) -> list[_Policy]:
    """Every identity policy of every stack (the sources SMUS-009 reads), widened."""
    found = []
    for stack, raw in sorted(documents.items()):
        for policy in policy_documents(StackDoc(raw, stack), IDENTITY_POLICY_SOURCES):
            if policy.document is None:
                continue  # SMUS-009 fails an unreadable policy already
            found.append(
                _Policy(
                    id=f"{stack}:{policy.resource.address}:{policy.attribute}",
                    stack=stack,
                    resource=policy.resource.path,
                    address=policy.resource.address,
                    document=widened(policy.document, Where.of(raw)),
                )
            )
    return found


def authorization_details(raw: JSON, stack: str) -> tuple[JSON, dict[tuple[str, str], tuple[str, str]]]:
    """An account-authorization-details document of one stack's roles, and (role, policy name) -> (path, address).

    Inline policies (`aws_iam_role_policy`) join their role by the `${aws_iam_role.<name>.id|name}` reference.
    """
    doc = StackDoc(raw, stack)
    where_ = Where.of(raw)
    account = where_.account if where_.account != "*" else "000000000000"
    roles = {role.name: role for role in doc.resources("aws_iam_role")}
    inline: dict[str, list[JSON]] = {name: [] for name in roles}
    where: dict[tuple[str, str], tuple[str, str]] = {}
    for policy in doc.resources("aws_iam_role_policy"):
        target = WHOLE_REFERENCE.match(str(policy.body.get("role", "")))
        role_name = str(policy.body.get("role", "")).split(".")[1] if target else None
        document = parse_policy(policy.body.get("policy"))
        if role_name not in inline or document is None:
            continue
        name = str(policy.body.get("name", policy.name))
        inline[role_name].append({"PolicyName": name, "PolicyDocument": widened(document, where_)})
        where[(str(roles[role_name].body.get("name", role_name)), name)] = (policy.path, policy.address)
    details = []
    for name, role in roles.items():
        role_name = str(role.body.get("name", name))
        path = str(role.body.get("path", "/"))
        details.append(
            {
                "RoleName": role_name,
                "RoleId": name,
                "Arn": f"arn:aws:iam::{account}:role{path}{role_name}",
                "Path": path,
                "CreateDate": "2026-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": widened(parse_policy(role.body.get("assume_role_policy")) or {}, where_),
                "RolePolicyList": inline[name],
                "AttachedManagedPolicies": [],
                "InstanceProfileList": [],
                "Tags": [],
            }
        )
    return {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": details, "Policies": []}, where


#: parliament's RESOURCE_POLICY_PRIVILEGE_ESCALATION detail names the bucket privilege it found in prose only.
_ESCALATING_PRIVILEGE = re.compile(r"but does allow (s3:[A-Za-z]+)")


def _parliament_actions(detail: Any) -> list[tuple[str, ...]]:
    """parliament's detail lists actions (RESOURCE_STAR) or {action, required_format} (RESOURCE_MISMATCH), or says
    in a sentence which bucket privilege could rewrite a resource policy (RESOURCE_POLICY_PRIVILEGE_ESCALATION): that
    action is the finding's, so a suppression must name it and cannot accept a privilege granted later."""
    if isinstance(detail, str):
        return [tuple(_ESCALATING_PRIVILEGE.findall(detail))]
    if isinstance(detail, list) and detail:
        actions = [item.get("action") if isinstance(item, dict) else item for item in detail]
        if all(isinstance(action, str) for action in actions):
            return [(action,) for action in sorted({str(action) for action in actions})]
    return [()]


def analyse(documents: Mapping[str, JSON], *, timeout: int = 600) -> tuple[list[IamFinding], int, int, dict[str, str]]:
    """Run both analysers over ``documents`` (stack -> cdk.tf.json); (findings, policies, roles, versions)."""
    policies = identity_policies(documents)
    accounts: dict[str, JSON] = {}
    where: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}
    roles = 0
    for stack, raw in sorted(documents.items()):
        details, where[stack] = authorization_details(raw, stack)
        if details["RoleDetailList"]:
            accounts[stack] = details
            roles += len(details["RoleDetailList"])
    request = {"policies": [{"id": p.id, "document": p.document} for p in policies], "accounts": accounts}
    completed = subprocess.run(
        [str(audit_python()), str(RUNNER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    try:
        answer: Any = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise IamAnalyserError(
            f"the IAM analysers exited {completed.returncode} without a JSON answer:\n{completed.stderr[-2000:]}"
        ) from None
    findings: list[IamFinding] = []
    for policy in policies:
        for item in answer["parliament"].get(policy.id, []):
            for actions in _parliament_actions(item.get("detail")):
                findings.append(
                    IamFinding(
                        analyser="parliament",
                        stack=policy.stack,
                        resource=policy.resource,
                        address=policy.address,
                        issue=str(item.get("issue")),
                        actions=actions,
                        detail=f"{item.get('title', '')}: {json.dumps(item.get('detail'), default=str)[:400]}",
                    )
                )
    for stack, items in answer["cloudsplaining"].items():
        for item in items:
            path, address = where[stack].get((item["role"], item["policy"]), (item["role"], item["role"]))
            category, name = item["category"], item["name"]
            findings.append(
                IamFinding(
                    analyser="cloudsplaining",
                    stack=stack,
                    resource=path,
                    address=address,
                    issue=f"{category}/{name}" if category == "PrivilegeEscalation" else category,
                    actions=tuple(sorted(item["actions"])),
                    detail=f"role {item['role']}, policy {item['policy']}",
                )
            )
    return sorted(set(findings), key=str), len(policies), roles, dict(answer.get("versions", {}))


def suppressions_path_for(config_dir: Path) -> Path:
    """The suppressions beside the accounts folder when there are some (an estate's own), else the project's."""
    beside = config_dir.parent / SUPPRESSIONS_NAME
    return beside if beside.is_file() else SUPPRESSIONS_FILE


def load_suppressions(path: Path = SUPPRESSIONS_FILE) -> list[IamSuppression]:
    """The reviewed file: each entry names an analyser, issue, stacks, a resource, actions and a reason of substance."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = sorted(set(raw) - {"suppress"})
    if unknown:
        raise ValueError(f"{path}: unknown top-level key(s) {unknown}; expected only [[suppress]] entries")
    keys = ("analyser", "issue", "stacks", "resource", "actions", "reason")
    found = []
    for index, entry in enumerate(raw.get("suppress", [])):
        where = f"{path}: suppress[{index}]"
        extra = sorted(set(entry) - set(keys))
        if extra:
            raise ValueError(f"{where}: unknown key(s) {extra}; expected {', '.join(keys)}")
        for key in ("analyser", "issue", "stacks", "resource", "reason"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ValueError(f"{where}.{key} = {entry.get(key)!r}: expected a non-empty string")
        if entry["analyser"] not in ANALYSERS:
            raise ValueError(f"{where}.analyser = {entry['analyser']!r}: expected one of {', '.join(ANALYSERS)}")
        if entry["resource"].strip() in {"*", "**"}:
            raise ValueError(f"{where}.resource = {entry['resource']!r}: expected a resource, not every resource")
        actions = entry.get("actions", [])
        if not isinstance(actions, list) or not all(isinstance(a, str) and a.strip() for a in actions):
            raise ValueError(
                f"{where}.actions = {actions!r}: expected a list of actions (globs), e.g. ['kms:CreateAlias']"
            )
        if "*" in actions:
            raise ValueError(f"{where}.actions = {actions!r}: expected the actions accepted, not every action")
        reason = " ".join(entry["reason"].split())
        if len(reason) < MINIMUM_REASON_LENGTH:
            raise ValueError(
                f"{where}.reason = {reason!r}: expected a reason of at least {MINIMUM_REASON_LENGTH} characters "
                "saying why the finding is accepted"
            )
        found.append(
            IamSuppression(
                analyser=entry["analyser"],
                issue=entry["issue"],
                stacks=entry["stacks"],
                resource=entry["resource"],
                actions=tuple(actions),
                reason=reason,
            )
        )
    return found


def gate(findings: Iterable[IamFinding], suppressions: Sequence[IamSuppression]) -> IamGate:
    """Split findings into accepted and not; report suppressions that matched nothing."""
    result = IamGate()
    used: set[int] = set()
    for finding in findings:
        result.findings.append(finding)
        index = next((i for i, s in enumerate(suppressions) if s.matches(finding)), None)
        if index is None:
            result.unsuppressed.append(finding)
        else:
            result.suppressed.append((finding, suppressions[index]))
            used.add(index)
    result.unused = [s for i, s in enumerate(suppressions) if i not in used]
    return result


def run_gate(
    documents: Mapping[str, JSON], suppressions_file: Path = SUPPRESSIONS_FILE, *, partial: bool = False
) -> IamGate:
    """Analyse, then apply the reviewed suppressions (raises :class:`AnalyserMissingError` without .venv-audit).

    ``partial``: only some accounts were synthesised, so a suppression for another account's stacks is not stale.
    """
    findings, policies, roles, versions = analyse(documents)
    result = gate(findings, load_suppressions(suppressions_file) if suppressions_file.is_file() else [])
    if partial:
        result.unused = []
    result.policies, result.roles, result.versions = policies, roles, versions
    return result


def read_stacks(outdir: Path) -> dict[str, JSON]:
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    directory = Path(args[0]) if args else Path("cdktf.out")
    documents = read_stacks(directory)
    if not documents:
        print(f"error: no synthesised stacks under {directory}: synthesise first (`make synth`)", file=sys.stderr)
        return 2
    try:
        result = run_gate(documents)
    except AnalyserMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
