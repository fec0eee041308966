"""The error a failed rule raises out of synth. Importing it does not start the jsii kernel."""

from __future__ import annotations

from collections.abc import Sequence

from smus_rules.model import Finding


class RuleFailures(Exception):  # noqa: N818 - named for what the user sees: the rule failures themselves
    """Synth stopped: unsuppressed rule failures, each with rule ID, construct path, problem and fix."""

    def __init__(self, failures: Sequence[Finding]) -> None:
        self.failures = list(failures)
        stacks = sorted({item.stack for item in self.failures})
        lines = "\n".join(f"  - {item.text()}" for item in self.failures)
        super().__init__(
            f"governance rules failed ({len(self.failures)} finding{'s' if len(self.failures) != 1 else ''} in "
            f"{', '.join(stacks)}):\n{lines}\n"
            "Fix each one, or have security accept it with a reasoned suppression in the governance file "
            "(config/governance.toml). "
            "`smus check` prints every rule's result."
        )
