"""SMUS-015: in protected accounts, profiles lock the security-relevant blueprint parameters.

A parameter override with `is_editable = false` is a control; an editable one, or none, is only a default that
any project creator can change (e.g. switch Tooling's `sagemakerDomainNetworkType` to `PublicInternetOnly`). Which
parameters of which blueprint must be locked, and to what value where it matters, is security's list in
config/governance.toml. Each configuration's blueprint is read from the `environment_blueprints` comment the profile
construct writes (the blueprint ID itself is a cross-stack reference); without it the configuration's name is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from smus_rules.doc import StackDoc, as_list
from smus_rules.findings import finding, first_or_na, not_applicable
from smus_rules.model import Finding, LockedParameter, Rule, RuleContext, Status

ID = "SMUS-015"


def is_locked(overrides: list[Any], required: LockedParameter) -> bool:
    for override in overrides:
        if not isinstance(override, dict) or override.get("name") != required.name:
            continue
        if override.get("is_editable") is False and (required.value is None or override.get("value") == required.value):
            return True
    return False


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    if not context.protected:
        yield from not_applicable(ID, context, "the account is not protected")
        return

    def each() -> Iterator[Finding]:
        for profile in doc.resources("awscc_datazone_project_profile"):
            blueprints = profile.comment("environment_blueprints")
            blueprints = blueprints if isinstance(blueprints, dict) else {}
            problems = []
            for configuration in as_list(profile.body.get("environment_configurations")):
                if not isinstance(configuration, dict):
                    continue
                name = str(configuration.get("name"))
                blueprint = blueprints.get(name, name)
                parameters = configuration.get("configuration_parameters")
                overrides = as_list(parameters.get("parameter_overrides")) if isinstance(parameters, dict) else []
                unlocked = [
                    required.describe()
                    for required in context.locked_parameters.get(blueprint, ())
                    if not is_locked(overrides, required)
                ]
                if unlocked:
                    problems.append(f"{name} ({blueprint}) does not lock {', '.join(unlocked)}")
            if problems:
                yield finding(
                    ID,
                    context,
                    profile,
                    Status.NON_COMPLIANT,
                    f"editable security parameters: {'; '.join(problems)}",
                    'add overrides = [{ name = "...", value = "...", editable = false }] to the environment in the '
                    "profile (config/accounts/<account>.toml), one per parameter listed",
                )
            else:
                yield finding(ID, context, profile, Status.COMPLIANT, "security parameters locked")

    yield from first_or_na(each(), ID, context, "no project profile in this stack")


RULE = Rule(
    id=ID,
    title="Protected accounts' profiles lock security-relevant blueprint parameters",
    rationale=__doc__ or "",
    check=check,
)
