"""Route the account's `[[ignore_changes]]` entries to the resource each one names."""

from __future__ import annotations

from config.models import AccountConfig
from smus_constructs.lifecycle import IgnoreChange


def ignore_changes_for(config: AccountConfig, resource: str) -> list[IgnoreChange]:
    """Entries for ``resource`` ('domain', 'blueprint:<Name>', 'profile:<name>' or 'project:<name>')."""
    return [
        IgnoreChange(attribute=entry.attribute, reason=entry.reason)
        for entry in config.ignore_changes
        if entry.resource == resource
    ]
