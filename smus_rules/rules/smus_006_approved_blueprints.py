"""SMUS-006: every enabled blueprint is on the account's approved list, which security owns.

Which blueprints an account enables is the platform team's choice (the account file); which it may enable is
security's (config/governance.toml). Keeping the two lists apart means enabling, say, PartnerApps in production
needs a security review, not only a platform one. The blueprint is identified by the managed-blueprint lookup
(`data.aws_datazone_environment_blueprint`) its configuration references; one that cannot be identified fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import Resource, StackDoc
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-006"
CONFIGURATION_TYPES = {
    "aws_datazone_environment_blueprint_configuration": "environment_blueprint_id",
    "awscc_datazone_environment_blueprint_configuration": "environment_blueprint_identifier",
}


def blueprint_name(doc: StackDoc, configuration: Resource) -> str | None:
    """The managed blueprint's name, read from the lookup data source the configuration references."""
    lookup = doc.referenced(configuration.body.get(CONFIGURATION_TYPES[configuration.type]))
    if lookup is None or not lookup.data or lookup.type != "aws_datazone_environment_blueprint":
        return None
    name = lookup.body.get("name")
    return name if isinstance(name, str) else None


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    approved = ", ".join(sorted(context.approved_blueprints)) or "(none)"

    def each() -> Iterator[Finding]:
        for configuration in doc.resources(*CONFIGURATION_TYPES):
            name = blueprint_name(doc, configuration)
            if name is None:
                yield finding(
                    ID,
                    context,
                    configuration,
                    Status.NON_COMPLIANT,
                    "cannot tell which blueprint this enables: its blueprint ID is not a managed-blueprint lookup",
                    "enable blueprints with UnifiedStudioBlueprint, which looks the ID up by name",
                )
            elif name in context.approved_blueprints:
                yield finding(ID, context, configuration, Status.COMPLIANT, f"{name} is approved")
            else:
                yield finding(
                    ID,
                    context,
                    configuration,
                    Status.NON_COMPLIANT,
                    f"blueprint {name} is not approved for this account (approved: {approved})",
                    f"remove [blueprints.{name}] from the account file, or ask security to add {name} to "
                    "approved_blueprints in config/governance.toml",
                )

    yield from first_or_na(each(), ID, context, "no blueprint configuration in this stack")


RULE = Rule(
    id=ID,
    title="Enabled blueprints are on the account's security-approved list",
    rationale=__doc__ or "",
    check=check,
)
