"""Names the ops stack and the bootstrap stack must agree on, in a module of their own.

The bootstrap stack's deploy role may manage only what the ops stack names with this prefix, and the ops stack
reads the bootstrap's role names: kept here, neither stack module has to import the other.
"""

from __future__ import annotations


def ops_name_prefix(account_name: str) -> str:
    """Every alarm, rule and topic of the ops stack starts with this; the topic policy trusts exactly this prefix."""
    return f"smus-{account_name}-"
