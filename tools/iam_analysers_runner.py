"""Runs inside `.venv-audit` (never the app's environment): parliament and cloudsplaining over what stdin holds.

Input (JSON on stdin): ``{"policies": [{"id": ..., "document": {...}}], "accounts": {name: authorization-details}}``.
Output (JSON on stdout): ``{"parliament": {id: [finding]}, "cloudsplaining": {name: [finding]}, "versions": {...}}``.
Only the standard library and the two analysers: `smus_cli.iam_analysers` builds the input and judges the output.

cloudsplaining runs with `flag_conditional_statements` and `flag_resource_arn_statements` on (its `-aR`): by default
it only reports actions granted on `*` without a condition, which this estate never grants (SMUS-009); flagging every
risky action regardless of constraints makes each escalation, exposure and exfiltration path a reviewed entry.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from importlib.metadata import version
from typing import Any

#: Every category but InfrastructureModification, which lists every write action a policy has (cloudsplaining's own
#: report treats it as an inventory, not a risk); the write actions are what SMUS-009 and parliament already judge.
CATEGORIES = ("PrivilegeEscalation", "ResourceExposure", "DataExfiltration", "CredentialsExposure", "ServiceWildcard")


def parliament_findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    from parliament import analyze_policy_string  # type: ignore[import-not-found]

    policy = analyze_policy_string(json.dumps(document))
    return [
        {"issue": str(item.issue), "severity": str(item.severity), "title": str(item.title), "detail": item.detail}
        for item in policy.findings
    ]


def cloudsplaining_findings(details: dict[str, Any]) -> list[dict[str, Any]]:
    from cloudsplaining.command.scan import scan_account_authorization_details  # type: ignore[import-not-found]
    from cloudsplaining.shared.exclusions import Exclusions  # type: ignore[import-not-found]

    # No exclusions: cloudsplaining's defaults skip every `service-role*` name and path, which is every estate role.
    exclusions = Exclusions({"policies": [""], "roles": [""], "users": [""], "groups": [""]})
    with contextlib.redirect_stdout(io.StringIO()):
        results = scan_account_authorization_details(
            details,
            exclusions,
            return_json_results=True,
            flag_conditional_statements=True,
            flag_resource_arn_statements=True,
        )
    found: list[dict[str, Any]] = []
    for policy in results["iam_findings"].get("inline_policies", {}).values():
        for role in policy.get("AttachedTo", {}).get("roles", []):
            for category in CATEGORIES:
                for item in policy.get(category, {}).get("findings", []):
                    if isinstance(item, dict):  # privilege escalation: a named path and the actions it uses
                        name, actions = str(item.get("type", "")), [str(a) for a in item.get("actions", [])]
                    else:
                        name, actions = str(item), [str(item)]
                    found.append(
                        {
                            "role": role,
                            "policy": policy.get("PolicyName", ""),
                            "category": category,
                            "name": name,
                            "actions": actions,
                        }
                    )
    return found


def main() -> int:
    request = json.load(sys.stdin)
    answer = {
        "parliament": {item["id"]: parliament_findings(item["document"]) for item in request.get("policies", [])},
        "cloudsplaining": {name: cloudsplaining_findings(d) for name, d in request.get("accounts", {}).items()},
        "versions": {tool: version(tool) for tool in ("parliament", "cloudsplaining")},
    }
    json.dump(answer, sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
