"""Association evidence for `smus evidence` (issue 14): what joins a member account to the domain it is shared.

An auditor of a member account asks which domain it joins, whether the share is accepted, on whose behalf DataZone
may use its roles, what it enables in that domain and who may use it; of the domain account, with whom its domain is
shared and on what terms. The config says what was intended; the synthesised `cdk.tf.json` is what Terraform is
told to do, so the facts below are read from it: the member's platform stack (remote state of the domain account,
share accepter, roles and their trust, blueprint configurations, grants) and the domain account's (RAM share, its
resource and principal associations). Terraform references are written in words in braces (`{prod's platform state
output shared_domain_arn}`, `{role acme-prod-ml-provisioning}`), never as `${...}` tokens an auditor cannot read.

A stack the association needs but the synth folder lacks is refused by path (the folder is of another estate or a
partial synth); a synth folder with no `stacks/` at all is "not provided", as for every other missing input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config.associations import DomainLink
from config.loader import LoadedAccount
from smus_cli.input_files import InputFileError, read_json

Doc = dict[str, Any]

#: The platform stack is tens of kilobytes; a synthesised stack of more than this is not one of ours.
MAX_STACK_BYTES = 64 * 1024 * 1024
SYNTH_NOT_PROVIDED = "not provided (no synth folder with a stacks/ directory was given)"
DATAZONE = "datazone.amazonaws.com"
_REFERENCE = re.compile(r"\$\{([^{}]+)\}")


def platform_stack_path(synth_dir: Path, account: str) -> Path:
    return synth_dir / "stacks" / f"{account}-platform" / "cdk.tf.json"


def read_platform_stack(synth_dir: Path, account: str) -> Doc:
    """``account``'s synthesised platform stack; InputFileError naming the path when it is missing or not a stack."""
    path = platform_stack_path(synth_dir, account)
    accepted = (
        f"{account}'s synthesised platform stack: its association evidence is read from it (synthesise the same "
        f"estate into {synth_dir} with `smus synth`)"
    )
    document = read_json(path, accepted=accepted, max_bytes=MAX_STACK_BYTES)
    if not isinstance(document, dict) or not isinstance(document.get("resource", {}), dict):
        raise InputFileError(path, "(document)", type(document).__name__, f"{accepted}, a JSON object")
    return document


def _resources(doc: Doc, kind: str) -> dict[str, Doc]:
    found = doc.get("resource", {}).get(kind, {})
    return {name: body for name, body in found.items() if isinstance(body, dict)} if isinstance(found, dict) else {}


def _data(doc: Doc, kind: str) -> dict[str, Doc]:
    found = doc.get("data", {}).get(kind, {})
    return {name: body for name, body in found.items() if isinstance(body, dict)} if isinstance(found, dict) else {}


def _imports(doc: Doc) -> dict[str, str]:
    """`<type>.<logical id>` -> the import ID a stack adopts it by (`import` blocks: made by hand, now adopted)."""
    blocks = doc.get("import", [])
    return {
        str(block["to"]): str(block.get("id", ""))
        for block in (blocks if isinstance(blocks, list) else [])
        if isinstance(block, dict) and "to" in block
    }


class _Words:
    """Writes a stack's Terraform references as words: what each one is, as an auditor would name it."""

    def __init__(self, doc: Doc, domain_account: str | None) -> None:
        self._doc = doc
        self._domain_account = domain_account

    def __call__(self, value: object) -> str:
        if not isinstance(value, str):
            return json.dumps(value, sort_keys=True)
        return _REFERENCE.sub(lambda match: "{" + self._reference(match.group(1)) + "}", value)

    def _reference(self, reference: str) -> str:
        parts = reference.split(".")
        if parts[:2] == ["data", "terraform_remote_state"] and len(parts) == 5 and parts[3] == "outputs":
            return f"{self._domain_account or 'the remote'}'s platform state output {parts[4]}"
        if parts[:2] == ["data", "aws_datazone_environment_blueprint"] and len(parts) == 4:
            name = _data(self._doc, "aws_datazone_environment_blueprint").get(parts[2], {}).get("name", parts[2])
            return f"{name} blueprint {parts[3]}"
        if parts[0] == "aws_iam_role" and len(parts) == 3:
            return f"role {_resources(self._doc, 'aws_iam_role').get(parts[1], {}).get('name', parts[1])}"
        if parts[0] == "aws_datazone_domain" and len(parts) == 3:
            return f"this account's domain {parts[2]}"
        if parts[0] == "aws_ram_resource_share" and len(parts) == 3:
            return f"this account's share {parts[2]}"
        return reference


def _trust(policy_text: object, words: _Words, domain_account_id: str | None) -> tuple[list[Doc], bool]:
    """A role's trust statements in words, and whether every DataZone statement holds aws:SourceAccount to the
    domain account (the member's roles act for the domain account's DataZone, never another's)."""
    try:
        policy = json.loads(policy_text) if isinstance(policy_text, str) else {}
    except json.JSONDecodeError:
        policy = {}
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    described: list[Doc] = []
    for_domain = bool(statements)
    for statement in statements if isinstance(statements, list) else []:
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else list(services)
        actions = statement.get("Action", [])
        conditions = [
            f"{operator} {key} = {words(value)}"
            for operator, tests in sorted(statement.get("Condition", {}).items())
            for key, value in sorted(tests.items())
        ]
        source_accounts = [
            value
            for tests in statement.get("Condition", {}).values()
            for key, value in tests.items()
            if key.lower() == "aws:sourceaccount"
        ]
        if DATAZONE in services and source_accounts != [domain_account_id]:
            for_domain = False
        described.append(
            {
                "effect": statement.get("Effect", ""),
                "services": services,
                "actions": [actions] if isinstance(actions, str) else list(actions),
                "conditions": conditions,
            }
        )
    return described, for_domain


def _roles(doc: Doc, words: _Words, domain_account_id: str | None) -> list[Doc]:
    attachments = _resources(doc, "aws_iam_role_policy_attachment").values()
    inline = _resources(doc, "aws_iam_role_policy").values()
    roles = []
    for logical, body in sorted(_resources(doc, "aws_iam_role").items()):
        refs = {f"${{aws_iam_role.{logical}.{attr}}}" for attr in ("name", "id", "arn")}
        trust, for_domain = _trust(body.get("assume_role_policy"), words, domain_account_id)
        roles.append(
            {
                "name": body.get("name", logical),
                "path": body.get("path", "/"),
                "permissions_boundary": body.get("permissions_boundary"),
                "trust": trust,
                "trusted_for_the_domain_account": for_domain,
                "managed_policies": sorted(a.get("policy_arn", "") for a in attachments if a.get("role") in refs),
                "inline_policies": sorted(p.get("name", "") for p in inline if p.get("role") in refs),
            }
        )
    return roles


def _principal(principal: object, words: _Words) -> str:
    if isinstance(principal, dict) and isinstance(principal.get("project"), dict):
        project = principal["project"]
        unit = project.get("project_grant_filter", {}).get("domain_unit_filter", {})
        children = "child units included" if unit.get("include_child_domain_units") else "child units excluded"
        return (
            f"projects ({project.get('project_designation', 'any designation')}) of unit "
            f"`{words(unit.get('domain_unit', '?'))}`, {children}"
        )
    return words(json.dumps(principal, sort_keys=True))


_LOOKUP = re.compile(r"^\$\{(data\.aws_datazone_environment_blueprint\.([^.{}]+))\.id\}$")


def _blueprints(doc: Doc, words: _Words) -> list[Doc]:
    """Each blueprint configuration with the grants on it (their entity names its blueprint lookup's ID)."""
    grants = list(_resources(doc, "awscc_datazone_policy_grant").values())
    lookups = _data(doc, "aws_datazone_environment_blueprint")
    found = []
    imported = _imports(doc)
    for logical, body in _resources(doc, "aws_datazone_environment_blueprint_configuration").items():
        blueprint_ref = str(body.get("environment_blueprint_id", ""))
        match = _LOOKUP.match(blueprint_ref)
        name = str(lookups.get(match.group(2), {}).get("name", match.group(2))) if match else words(blueprint_ref)
        own_grants = [
            grant
            for grant in grants
            if match and f"${{{match.group(1)}.id}}" in str(grant.get("entity_identifier", ""))
        ]
        found.append(
            {
                "blueprint": name,
                "imported": imported.get(f"aws_datazone_environment_blueprint_configuration.{logical}"),
                "domain": words(body.get("domain_id", "")),
                "enabled_regions": list(body.get("enabled_regions", [])),
                "provisioning_role": words(body.get("provisioning_role_arn", "(none)")),
                "manage_access_role": words(body.get("manage_access_role_arn", "(none)")),
                "regional_parameters": {
                    region: {key: words(value) for key, value in sorted(params.items())}
                    for region, params in sorted(body.get("regional_parameters", {}).items())
                },
                "grants": [
                    {
                        "policy": grant.get("policy_type", ""),
                        "entity": words(grant.get("entity_identifier", "")),
                        "domain": words(grant.get("domain_identifier", "")),
                        "principal": _principal(grant.get("principal"), words),
                    }
                    for grant in own_grants
                ],
            }
        )
    return sorted(found, key=lambda blueprint: str(blueprint["blueprint"]))


def _origin(existing: str | None, made: str) -> str:
    return f"made by hand, adopted: {existing}" if existing else f"{made} by the platform stack"


def _remote_state(body: Doc, domain: DomainLink | None) -> Doc:
    settings = body.get("config", {})
    bucket, key = settings.get("bucket"), settings.get("key")
    return {
        "bucket": bucket,
        "key": key,
        "region": settings.get("region"),
        "read_with": settings.get("assume_role", {}).get("role_arn"),
        "is_the_domain_accounts_platform_state": domain is not None
        and (bucket, key) == (domain.state_bucket, domain.state_key),
    }


def member_evidence(loaded: LoadedAccount, synth_dir: Path | None) -> Doc:
    """A member account: the domain it joins (config), and how its platform stack joins it (synthesised)."""
    config, domain = loaded.config, loaded.links.domain
    association = config.association
    assert association is not None, f"{loaded.name} is not a member account"
    evidence: Doc = {
        "kind": "member",
        "joins": (
            {
                "account": domain.name,
                "account_id": domain.account_id,
                "domain": domain.domain_name,
                "region": domain.region,
            }
            if domain is not None
            else {"account": association.domain_account, "account_id": "not resolved (the estate was not loaded)"}
        ),
        "same_organization": association.same_organization,
        "share_origin": (
            "accepted by RAM within the organization"
            if association.same_organization and association.existing_share_arn is None
            else _origin(association.existing_share_arn, "accepted")
        ),
        "expected_accepter": (
            "none: both accounts are in one organization, and RAM accepts the share on its own"
            if association.same_organization
            else "an aws_ram_resource_share_accepter: the accounts are not in one organization"
        ),
        "synthesised": SYNTH_NOT_PROVIDED,
    }
    if synth_dir is None or not (synth_dir / "stacks").is_dir():
        return evidence
    doc = read_platform_stack(synth_dir, loaded.name)
    words = _Words(doc, domain.name if domain is not None else association.domain_account)
    imported = _imports(doc)
    accepters = [
        {
            "share_arn": words(body.get("share_arn", "")),
            "imported": imported.get(f"aws_ram_resource_share_accepter.{name}"),
        }
        for name, body in sorted(_resources(doc, "aws_ram_resource_share_accepter").items())
    ]
    evidence |= {
        "synthesised": platform_stack_path(synth_dir, loaded.name).relative_to(synth_dir).as_posix(),
        "domain_state": [
            _remote_state(body, domain) for _, body in sorted(_data(doc, "terraform_remote_state").items())
        ],
        "accepters": accepters,
        "accepter_as_expected": bool(accepters) != association.same_organization,
        "roles": _roles(doc, words, domain.account_id if domain is not None else None),
        "blueprints": _blueprints(doc, words),
    }
    return evidence


def domain_evidence(loaded: LoadedAccount, synth_dir: Path | None, member_ids: Mapping[str, str]) -> Doc:
    """A domain account with members: whom it shares its domain with (config), and the share itself (synthesised).

    ``member_ids``: account ID -> member name, so a principal association names the member it admits.
    """
    config = loaded.config
    evidence: Doc = {
        "kind": "domain",
        "share_origin": _origin(config.the_domain().existing_share_arn, "created"),
        "members": [
            {
                "account": link.name,
                "account_id": link.account_id,
                "region": link.region,
                "same_organization": link.same_organization,
            }
            for link in loaded.links.members
        ],
        "environments_in_members": [
            {"profile": profile.name, "blueprint": env.blueprint.value, "account": env.account}
            for profile in config.profiles
            for env in profile.environments
            if env.account is not None
        ],
        "synthesised": SYNTH_NOT_PROVIDED,
    }
    if synth_dir is None or not (synth_dir / "stacks").is_dir():
        return evidence
    doc = read_platform_stack(synth_dir, loaded.name)
    words = _Words(doc, loaded.name)
    associations = _resources(doc, "aws_ram_resource_association").values()
    principals = _resources(doc, "aws_ram_principal_association").values()
    imported = _imports(doc)
    principal_names = {id(body): name for name, body in _resources(doc, "aws_ram_principal_association").items()}
    shares: list[Doc] = []
    for logical, body in sorted(_resources(doc, "aws_ram_resource_share").items()):
        arn = f"${{aws_ram_resource_share.{logical}.arn}}"
        shares.append(
            {
                "name": words(body.get("name", "")),
                "imported": imported.get(f"aws_ram_resource_share.{logical}"),
                "permission_arns": list(body.get("permission_arns", [])),
                "allow_external_principals": bool(body.get("allow_external_principals", False)),
                "resources": [
                    words(a.get("resource_arn", "")) for a in associations if a.get("resource_share_arn") == arn
                ],
                "principals": [
                    {
                        "principal": str(p.get("principal", "")),
                        "member": member_ids.get(str(p.get("principal", "")), "NOT A MEMBER of this domain"),
                        "imported": imported.get(f"aws_ram_principal_association.{principal_names[id(p)]}"),
                    }
                    for p in principals
                    if p.get("resource_share_arn") == arn
                ],
            }
        )
    listed = {link.account_id for link in loaded.links.members}
    associated = {p["principal"] for share in shares for p in share["principals"]}
    evidence |= {
        "synthesised": platform_stack_path(synth_dir, loaded.name).relative_to(synth_dir).as_posix(),
        "shares": shares,
        "every_member_associated": listed == associated,
    }
    return evidence


def association_evidence(loaded: LoadedAccount, synth_dir: Path | None) -> Doc | None:
    """The account's association evidence, or None for an account that neither joins a domain nor has members."""
    if loaded.config.association is not None:
        return member_evidence(loaded, synth_dir)
    if loaded.links.members:
        return domain_evidence(loaded, synth_dir, {link.account_id: link.name for link in loaded.links.members})
    return None


def render_association(account: str, evidence: Doc) -> list[str]:
    """The association evidence as index.md lines (plain Markdown; references in braces, values in backticks)."""
    source = evidence["synthesised"]
    where = f"from `{source}`" if not source.startswith("not provided") else source
    lines = [f"#### {account}: association ({where})", ""]
    if evidence["kind"] == "member":
        joins = evidence["joins"]
        lines += [
            f"- Joins the domain `{joins.get('domain', '?')}` of {joins['account']} ({joins['account_id']}, "
            f"{joins.get('region', '?')}), shared by RAM",
            f"- Same organization: {'yes' if evidence['same_organization'] else 'no'}; expected accepter: "
            f"{evidence['expected_accepter']}",
        ]
        for state in evidence.get("domain_state", []):
            verdict = "yes" if state["is_the_domain_accounts_platform_state"] else "NO"
            lines.append(
                f"- Reads the shared domain from `s3://{state['bucket']}/{state['key']}` ({state['region']}) with "
                f"`{state['read_with']}`; the domain account's platform state object: {verdict}"
            )
        lines.append(f"- Share acceptance: {evidence['share_origin']}")
        if "accepters" in evidence:
            accepted = ", ".join(f"`{a['share_arn']}`{_adopted(a)}" for a in evidence["accepters"]) or "no accepter"
            verdict = "as expected" if evidence["accepter_as_expected"] else "NOT AS EXPECTED"
            lines.append(f"- Share accepted: {accepted} ({verdict})")
        for role in evidence.get("roles", []):
            trust = "; ".join(
                f"{', '.join(s['services'])} may {', '.join(s['actions'])}"
                + (f" when {' and '.join(f'`{c}`' for c in s['conditions'])}" if s["conditions"] else "")
                for s in role["trust"]
            )
            on_behalf = "yes" if role["trusted_for_the_domain_account"] else "NO"
            policies = ", ".join(f"`{p}`" for p in [*role["managed_policies"], *role["inline_policies"]]) or "none"
            lines.append(
                f"- Role `{role['path']}{role['name']}` (boundary `{role['permissions_boundary']}`): {trust}; "
                f"DataZone only on behalf of the domain account: {on_behalf}; policies: {policies}"
            )
        for blueprint in evidence.get("blueprints", []):
            grants = (
                "; ".join(f"{g['policy']} on `{g['entity']}` to {g['principal']}" for g in blueprint["grants"])
                or "no grant"
            )
            lines.append(
                f"- Blueprint {blueprint['blueprint']}{_adopted(blueprint)} in `{blueprint['domain']}`, regions "
                f"{', '.join(blueprint['enabled_regions'])}, provisioning `{blueprint['provisioning_role']}`, "
                f"manage-access `{blueprint['manage_access_role']}`; grants: {grants}"
            )
    else:
        members = ", ".join(
            f"{m['account']} ({m['account_id']}, {m['region']}, same organization: "
            f"{'yes' if m['same_organization'] else 'no'})"
            for m in evidence["members"]
        )
        lines.append(f"- Members: {members}")
        environments = ", ".join(
            f"{e['profile']}: {e['blueprint']} in {e['account']}" for e in evidence["environments_in_members"]
        )
        lines.append(f"- Profile environments in members: {environments or 'none'}")
        lines.append(f"- Share: {evidence['share_origin']}")
        for share in evidence.get("shares", []):
            principals = ", ".join(f"{p['principal']} ({p['member']}){_adopted(p)}" for p in share["principals"])
            permissions = ", ".join(f"`{arn}`" for arn in share["permission_arns"])
            lines += [
                f"- RAM share `{share['name']}`{_adopted(share)}: permission {permissions}; "
                f"allow_external_principals {str(share['allow_external_principals']).lower()}",
                f"  - resources: {', '.join(f'`{r}`' for r in share['resources']) or 'none'}",
                f"  - principals: {principals or 'none'}",
            ]
        if "every_member_associated" in evidence:
            lines.append(
                f"- Every member associated with the share, and no one else: "
                f"{'yes' if evidence['every_member_associated'] else 'NO'}"
            )
    return [*lines, ""]


def _adopted(entry: Doc) -> str:
    return f" (adopted: import `{entry['imported']}`)" if entry.get("imported") else ""
