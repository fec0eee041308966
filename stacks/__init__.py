"""Per-account, per-layer stacks: each account gets a platform stack and a projects stack, each with its own state."""

from stacks.estate import EstateStacks, build_estate

__all__ = ["EstateStacks", "build_estate"]
