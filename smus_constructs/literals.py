"""Text that must reach Terraform as written: `${` and `%{` escaped, cdktn tokens left to resolve.

Every string in Terraform JSON is a template: `"${file(\\"/etc/hostname\\")}"` in a description is evaluated at plan
time and can read the CI runner's files or copy a remote-state value into text many users see. A typed prop such as a
description or a tag is meant literally, whoever passes it - this app from its config, or a product team from its own
code - so the constructs escape it where it becomes an L1 argument: `${` as `$${` and `%{` as `%%{` (Terraform's own
escapes). A cdktn token (`${TfToken[TOKEN.n]}`, a value only Terraform knows such as a created role's ARN) is what a
caller composes on purpose and is kept, so `f"Role for {domain.domain_id}"` still resolves.

Telling a token from text is only possible because text from config can never hold one: the config loader refuses
token syntax, which the construct library alone could not tell from a product team's real token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import overload

#: A cdktn string token exactly as cdktn encodes it; everything else starting `${` is template syntax to escape.
_TOKEN = r"\$\{TfToken\[[A-Za-z0-9_.]+\]\}"
_TEMPLATE = re.compile(rf"({_TOKEN})|\$\{{|%\{{")


def _escape(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    return "$${" if match.group(0) == "${" else "%%{"


@overload
def literal(text: str) -> str: ...
@overload
def literal(text: None) -> None: ...
def literal(text: str | None) -> str | None:
    """``text`` as a Terraform string that evaluates to exactly ``text`` (tokens in it still resolve)."""
    if text is None:
        return None
    return _TEMPLATE.sub(_escape, text)


@overload
def literal_map(values: Mapping[str, str]) -> dict[str, str]: ...
@overload
def literal_map(values: None) -> None: ...
def literal_map(values: Mapping[str, str] | None) -> dict[str, str] | None:
    """A map (tags, parameters) with every key and value escaped by :func:`literal`."""
    if values is None:
        return None
    return {literal(key): literal(value) for key, value in values.items()}
