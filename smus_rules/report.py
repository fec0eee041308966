"""Machine-readable reports of a check: JSON (everything) and SARIF 2.1.0 (for CI annotations, e.g. code scanning).

SARIF locations point at the account file the stack is built from (the file a reviewer changes), and carry the
construct path and Terraform address as logical locations. Suppressed findings stay in the SARIF output with their
justification, the way cdk-nag keeps suppression reasons in its output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from smus_rules.model import Finding, Rule, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def finding_dict(item: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": item.rule_id,
        "status": item.status.value,
        "stack": item.stack,
        "path": item.path,
        "address": item.address,
        "message": item.message,
        "fix": item.fix,
    }
    if item.suppression is not None:
        data["suppression"] = {
            "path": item.suppression.path,
            "reason": item.suppression.reason,
            "expires": item.suppression.expires,
        }
    return data


def sarif(
    rules: Sequence[Rule],
    findings: Sequence[Finding],
    artifact_for_stack: Mapping[str, str],
    *,
    extra_results: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A SARIF log of the failed and suppressed findings; compliant and not-applicable answers are left out."""
    index = {rule.id: position for position, rule in enumerate(rules)}
    results = []
    for item in findings:
        if item.status not in (Status.NON_COMPLIANT, Status.SUPPRESSED):
            continue
        result: dict[str, Any] = {
            "ruleId": item.rule_id,
            "ruleIndex": index.get(item.rule_id, -1),
            "level": "error" if item.status is Status.NON_COMPLIANT else "note",
            "message": {"text": item.text()},
            "locations": [location(item.stack, item.path, item.address, artifact_for_stack)],
        }
        if item.suppression is not None:
            result["suppressions"] = [{"kind": "external", "justification": item.suppression.reason}]
        results.append(result)
    results.extend(extra_results)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "smus-rules",
                        "informationUri": "https://github.com/acme/smus-estate",
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.id.replace("-", ""),
                                "shortDescription": {"text": rule.title},
                                "fullDescription": {"text": " ".join(rule.rationale.split())},
                                "defaultConfiguration": {"level": "error"},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }


def location(stack: str, path: str, address: str, artifact_for_stack: Mapping[str, str]) -> dict[str, Any]:
    return {
        "physicalLocation": {"artifactLocation": {"uri": artifact_for_stack.get(stack, f"stacks/{stack}/cdk.tf.json")}},
        "logicalLocations": [
            {"fullyQualifiedName": path, "kind": "resource"},
            {"fullyQualifiedName": f"{stack}:{address}", "kind": "member"},
        ],
    }
