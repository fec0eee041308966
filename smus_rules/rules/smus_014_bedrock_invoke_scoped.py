"""SMUS-014: Bedrock model invocation is allowed on named models only.

Model risk approves individual models ([bedrock] approved_model_ids). A statement that allows `bedrock:InvokeModel*`
(directly, or through `bedrock:*` or `*`) on `Resource: "*"`, or on a wildcard model such as `foundation-model/*`,
lets a project call every model in the region, approved or not. Conditions do not rescue it: the model is the
resource.

A foundation model granted in every region (`arn:aws:bedrock:*::foundation-model/...`, any wildcard region) also
fails unless the statement ties it to an inference profile (a `bedrock:InferenceProfileArn` condition): otherwise
the project may call the model directly in any region, outside the geography its approved profile routes to.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from smus_rules.doc import StackDoc, as_list, is_allow, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, policy_documents
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-014"
INVOKE_ACTIONS = ("bedrock:invokemodel", "bedrock:invokemodelwithresponsestream")


def grants_invoke(statement: dict[str, object]) -> bool:
    actions = [action.lower() for action in as_list(statement.get("Action")) if isinstance(action, str)]
    return any(fnmatch.fnmatchcase(target, action) for action in actions for target in INVOKE_ACTIONS)


def names_a_model(resource: object) -> bool:
    """True for an ARN whose resource ID (after the first '/') is set and has no wildcard."""
    if not isinstance(resource, str) or "/" not in resource:
        return False
    model = resource.split("/", 1)[1]
    return bool(model) and "*" not in model


def any_region_model(resource: object) -> bool:
    """A foundation-model ARN whose region has a wildcard."""
    parts = resource.split(":", 5) if isinstance(resource, str) else []
    return len(parts) == 6 and parts[2] == "bedrock" and "*" in parts[3] and parts[5].startswith("foundation-model/")


def tied_to_a_profile(statement: dict[str, object]) -> bool:
    condition = statement.get("Condition")
    return isinstance(condition, dict) and any(
        isinstance(block, dict) and any(key.lower() == "bedrock:inferenceprofilearn" for key in block)
        for block in condition.values()
    )


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, IDENTITY_POLICY_SOURCES):
            if policy.document is None:
                continue  # unreadable identity policies fail SMUS-009
            invoking = [
                (index, statement)
                for index, statement in enumerate(statements(policy.document))
                if is_allow(statement) and grants_invoke(statement)
            ]
            if not invoking:
                continue
            problems = []
            for index, statement in invoking:
                resources = as_list(statement.get("Resource"))
                if "NotResource" in statement or not resources:
                    problems.append(f"{statement_label(index, statement)} names no model")
                unscoped = [str(resource) for resource in resources if not names_a_model(resource)]
                if unscoped:
                    problems.append(f"{statement_label(index, statement)} allows invoke on {', '.join(unscoped)}")
                everywhere = [str(r) for r in resources if any_region_model(r)]
                if everywhere and not tied_to_a_profile(statement):
                    problems.append(
                        f"{statement_label(index, statement)} allows {', '.join(everywhere)} in every region, not only "
                        "through an inference profile"
                    )
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {'; '.join(problems)}",
                    "allow bedrock:InvokeModel* only on arn:<partition>:bedrock:<region>::foundation-model/<model id> "
                    "(or inference-profile ARNs) of the models in [bedrock] approved_model_ids, and a profile's "
                    "foundation model only in its destination regions with an ArnEquals bedrock:InferenceProfileArn "
                    "condition",
                )
            else:
                yield finding(ID, context, policy.resource, Status.COMPLIANT, "invoke limited to named models")

    yield from first_or_na(each(), ID, context, "no policy allows Bedrock invocation in this stack")


RULE = Rule(
    id=ID,
    title="Bedrock InvokeModel* is scoped to model IDs",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
