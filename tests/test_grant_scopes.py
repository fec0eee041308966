"""One policy grant per scope: DataZone's AddPolicyGrant collides on (entity, policy type, principal).

A second `awscc_datazone_policy_grant` with the same entity, policy type and principal as an existing one replaces
the first one's content and then fails with `AlreadyExists` (aws-ia/terraform-aws-sagemaker-unified-studio README,
Known Issues), which is why aws-ia's `policy-grant-create-project` makes one grant listing every profile.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.errors import PropValidationError
from smus_constructs.grants import AllUsers, DomainUnitProjects, GroupPrincipal, PolicyGrant, PolicyGrants
from smus_constructs.policy_types import GrantPolicy
from smus_constructs.project_profile import EnvironmentConfig, ProjectProfileProps, UnifiedStudioProjectProfile
from tests.conftest import StackDoc
from tests.helpers import make_blueprint, make_domain, new_stack, resolve, synth
from tests.test_config_errors import make_config, sub

GROUP = "906757d4-8041-70a1-4b7c-1a2b3c4d5e6f"


def grant_scope(body: dict[str, Any]) -> str:
    """What DataZone treats as one grant: entity, policy type and principal."""
    return json.dumps(
        [body["entity_type"], body["entity_identifier"], body["policy_type"], body["principal"]], sort_keys=True
    )


def profiles_with_creators(creators: list[list[Any]]) -> tuple[list[UnifiedStudioProjectProfile], dict[str, Any]]:
    stack = new_stack()
    domain = make_domain(stack)
    tooling = make_blueprint(stack, domain, BlueprintName.TOOLING)
    profiles = [
        UnifiedStudioProjectProfile(
            stack,
            f"Profile{index}",
            ProjectProfileProps(
                domain=domain,
                name=f"Profile {index}",
                environments=[EnvironmentConfig(blueprint=tooling)],
                project_creators=who,
            ),
        )
        for index, who in enumerate(creators)
    ]
    resolved = [resolve(stack, profile.project_profile_id) for profile in profiles]
    doc = synth(stack)
    grants = [
        g
        for g in doc["resource"]["awscc_datazone_policy_grant"].values()
        if g["policy_type"] == "CREATE_PROJECT_FROM_PROJECT_PROFILE"
    ]
    return profiles, {"grants": grants, "profile_ids": resolved}


def test_profiles_sharing_a_creator_on_one_unit_share_one_grant_listing_every_profile() -> None:
    _, out = profiles_with_creators([[AllUsers()], [AllUsers()], [AllUsers()]])
    assert len(out["grants"]) == 1, [grant_scope(g) for g in out["grants"]]
    detail = out["grants"][0]["detail"]["create_project_from_project_profile"]
    assert detail["project_profiles"] == out["profile_ids"]


def test_different_creators_get_their_own_grants() -> None:
    _, out = profiles_with_creators([[AllUsers()], [GroupPrincipal(group_identifier=GROUP)]])
    assert len(out["grants"]) == 2
    assert len({grant_scope(g) for g in out["grants"]}) == 2
    assert all(len(g["detail"]["create_project_from_project_profile"]["project_profiles"]) == 1 for g in out["grants"])


def test_a_creator_listed_twice_in_one_profile_is_one_grant() -> None:
    _, out = profiles_with_creators([[GroupPrincipal(group_identifier=GROUP), GroupPrincipal(group_identifier=GROUP)]])
    assert len(out["grants"]) == 1


def test_a_create_project_grant_without_profiles_is_refused() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    with pytest.raises(PropValidationError, match=r"project_profile_ids = \[\].*one or more project profile IDs"):
        PolicyGrant(
            stack,
            "Grant",
            domain_id=domain.domain_id,
            policy=GrantPolicy.CREATE_PROJECT_FROM_PROJECT_PROFILE,
            entity_id=domain.root_domain_unit_id,
            principal=AllUsers(),
        )


def test_the_same_scope_with_different_details_is_refused_naming_both() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    grants = PolicyGrants(stack, "Grants", domain_id=domain.domain_id)
    unit = domain.root_domain_unit_id
    grants.grant("Glossary", policy=GrantPolicy.CREATE_GLOSSARY, entity_id=unit, principal=AllUsers())
    with pytest.raises(PropValidationError, match=r"include_child_domain_units = False.*Glossary"):
        grants.grant(
            "Glossary2",
            policy=GrantPolicy.CREATE_GLOSSARY,
            entity_id=unit,
            principal=AllUsers(),
            include_child_domain_units=False,
        )


def test_unit_scoped_principals_merge_by_unit() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    grants = PolicyGrants(stack, "Grants", domain_id=domain.domain_id)
    root = domain.root_domain_unit_id
    for hint in ("A", "B"):
        grants.grant(
            hint,
            policy=GrantPolicy.CREATE_GLOSSARY,
            entity_id=root,
            principal=DomainUnitProjects(domain_unit_id=root),
        )
    assert len(synth(stack)["resource"]["awscc_datazone_policy_grant"]) == 1


# --- config -------------------------------------------------------------------------------------------------------


def test_a_create_project_grant_entry_must_name_its_profiles(tmp_path: Path) -> None:
    config_dir = make_config(
        tmp_path, sub('policy = "CREATE_GLOSSARY"', 'policy = "CREATE_PROJECT_FROM_PROJECT_PROFILE"')
    )
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    text = str(caught.value)
    assert "dev.toml: grants[0].profiles = (missing)" in text
    assert "one or more profiles of this file" in text


def test_a_create_project_grant_entry_names_known_profiles_of_its_unit(tmp_path: Path) -> None:
    config_dir = make_config(
        tmp_path,
        sub(
            'policy = "CREATE_GLOSSARY"\nunit = "/root"',
            'policy = "CREATE_PROJECT_FROM_PROJECT_PROFILE"\nunit = "/root/analytics"\n'
            'profiles = ["Analytics", "ML and GenAI", "Nope"]',
        ),
    )
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    text = str(caught.value)
    assert "grants[0].profiles[1] = 'ML and GenAI': expected a profile of unit '/root/analytics'" in text
    assert "grants[0].profiles[2] = 'Nope': expected a profile defined in this file" in text


def test_profiles_are_only_for_create_project_grants(tmp_path: Path) -> None:
    config_dir = make_config(
        tmp_path, sub('policy = "CREATE_GLOSSARY"', 'policy = "CREATE_GLOSSARY"\nprofiles = ["Analytics"]')
    )
    with pytest.raises(ConfigError, match=r"grants\[0\]\.profiles = \['Analytics'\]: expected to be left out"):
        load_estate(config_dir)


# --- the example estate --------------------------------------------------------------------------------------------


def test_no_two_grants_of_the_example_estate_share_a_scope(example_stacks: dict[str, StackDoc]) -> None:
    seen = 0
    for name, doc in example_stacks.items():
        grants = doc.get("resource", {}).get("awscc_datazone_policy_grant", {})
        seen += len(grants)
        counts = Counter(grant_scope(body) for body in grants.values())
        assert [scope for scope, n in counts.items() if n > 1] == [], name
        for address, body in grants.items():
            detail = body["detail"].get("create_project_from_project_profile")
            if detail is not None:
                assert detail["project_profiles"], f"{name}: {address} lists no profiles"
    assert seen > 0
