"""Which actions an IAM statement grants, as IAM matches them: case-insensitive, `*` and `?` wildcards, NotAction.

The IAM rules ask "does this Allow grant iam:PutRolePolicy?", and the answer must not depend on how the action is
spelled (`iam:PutRolePolicy`, `iam:put*`, `iam:*`, `*`, or a NotAction that does not list it).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from smus_rules.doc import JSON, as_list, is_allow

#: The root of an account as a principal: `arn:<partition>:iam::<account>:root`, or the bare account ID.
ROOT_PRINCIPAL = re.compile(r"^(arn:[^:]+:iam::[^:]+:root|\d{12})$")


def _matches(pattern: object, action: str) -> bool:
    return isinstance(pattern, str) and fnmatch.fnmatchcase(action.lower(), pattern.lower())


def grants(statement: JSON, action: str) -> bool:
    """An Allow statement that grants ``action`` (through Action, or through a NotAction that leaves it out)."""
    if not is_allow(statement):
        return False
    if "NotAction" in statement:
        return not any(_matches(pattern, action) for pattern in as_list(statement["NotAction"]))
    return any(_matches(pattern, action) for pattern in as_list(statement.get("Action")))


def granted(statement: JSON, actions: Iterable[str]) -> list[str]:
    """Which of ``actions`` the statement grants, in the order given."""
    return [action for action in actions if grants(statement, action)]


def condition_keys(statement: JSON) -> set[str]:
    """Every condition key of the statement, lowercased (condition keys are case-insensitive)."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return set()
    return {str(key).lower() for block in condition.values() if isinstance(block, dict) for key in block}
