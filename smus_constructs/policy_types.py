"""The policy types a DataZone grant can give, kept free of cdktn so config can name them without the providers."""

from __future__ import annotations

from enum import StrEnum


class GrantPolicy(StrEnum):
    """Policy types a grant can give (DataZone AddPolicyGrant `policyType`), by the entity each applies to.

    `USE_ASSET_TYPE` is left out: awscc 1.106's grant detail has no field for it.
    """

    CREATE_DOMAIN_UNIT = "CREATE_DOMAIN_UNIT"
    OVERRIDE_DOMAIN_UNIT_OWNERS = "OVERRIDE_DOMAIN_UNIT_OWNERS"
    ADD_TO_PROJECT_MEMBER_POOL = "ADD_TO_PROJECT_MEMBER_POOL"
    OVERRIDE_PROJECT_OWNERS = "OVERRIDE_PROJECT_OWNERS"
    CREATE_GLOSSARY = "CREATE_GLOSSARY"
    CREATE_FORM_TYPE = "CREATE_FORM_TYPE"
    CREATE_ASSET_TYPE = "CREATE_ASSET_TYPE"
    CREATE_PROJECT = "CREATE_PROJECT"
    CREATE_ENVIRONMENT_PROFILE = "CREATE_ENVIRONMENT_PROFILE"
    CREATE_PROJECT_FROM_PROJECT_PROFILE = "CREATE_PROJECT_FROM_PROJECT_PROFILE"
    CREATE_ENVIRONMENT_FROM_BLUEPRINT = "CREATE_ENVIRONMENT_FROM_BLUEPRINT"
    DELEGATE_CREATE_ENVIRONMENT_PROFILE = "DELEGATE_CREATE_ENVIRONMENT_PROFILE"

    @property
    def entity_type(self) -> str:
        """The entity the grant is attached to: a blueprint configuration for the two blueprint policies."""
        if self in BLUEPRINT_POLICIES:
            return "ENVIRONMENT_BLUEPRINT_CONFIGURATION"
        return "DOMAIN_UNIT"


BLUEPRINT_POLICIES = frozenset(
    {GrantPolicy.CREATE_ENVIRONMENT_FROM_BLUEPRINT, GrantPolicy.DELEGATE_CREATE_ENVIRONMENT_PROFILE}
)
