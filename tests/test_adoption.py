"""Adopting existing resources: config IDs become Terraform `import` blocks with the right address and ID."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_cli.synth import synthesise
from smus_constructs.errors import PropValidationError
from smus_constructs.project import ProjectProps, UnifiedStudioProject
from smus_constructs.project_profile import EnvironmentConfig, ProjectProfileProps, UnifiedStudioProjectProfile
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import full_synth, make_blueprint, make_domain, new_stack


def imports_of(doc: dict[str, Any]) -> dict[str, str]:
    """`to` address -> import ID, for every import block of a stack."""
    return {block["to"]: block["id"] for block in doc.get("import", [])}


def test_each_layer_emits_an_import_block_with_the_providers_id_format() -> None:
    stack = new_stack()
    domain = make_domain(stack, existing_domain_id="dzd_abc123")
    tooling = make_blueprint(stack, domain, "Tooling", existing_blueprint_id="bp1tooling")
    profile = UnifiedStudioProjectProfile(
        stack,
        "Profile",
        ProjectProfileProps(
            domain=domain, name="P", environments=[EnvironmentConfig(blueprint=tooling)], existing_profile_id="prof42"
        ),
    )
    UnifiedStudioProject(stack, "Project", ProjectProps(profile=profile, name="x", existing_project_id="prj7"))
    found = {to.split(".")[0]: block_id for to, block_id in imports_of(full_synth(stack)).items()}
    assert found == {
        "aws_datazone_domain": "dzd_abc123",
        "aws_datazone_environment_blueprint_configuration": "dzd_abc123/bp1tooling",
        "awscc_datazone_project_profile": "dzd_abc123|prof42",
        "awscc_datazone_project": "dzd_abc123|prj7",
    }


def test_import_addresses_point_at_the_resources() -> None:
    stack = new_stack()
    make_domain(stack, existing_domain_id="dzd_abc123")
    doc = full_synth(stack)
    (address,) = imports_of(doc)
    rtype, name = address.split(".")
    assert name in doc["resource"][rtype]


def test_a_created_domain_emits_no_import_block() -> None:
    stack = new_stack()
    make_domain(stack)
    assert imports_of(full_synth(stack)) == {}


def test_adopting_a_child_of_a_domain_created_here_is_refused() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    with pytest.raises(PropValidationError, match=r"existing_blueprint_id = 'bp1'.*unless the domain is adopted"):
        make_blueprint(stack, domain, "Tooling", existing_blueprint_id="bp1")


def test_a_malformed_existing_domain_id_is_refused() -> None:
    with pytest.raises(PropValidationError, match=r"existing_domain_id = 'abc123'.*\^dzd"):
        make_domain(new_stack(), existing_domain_id="abc123")


ADOPTED_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5f8a2b00-0000-4000-8000-5f8a2b000000"


def adopted_config(tmp_path: Path) -> Path:
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    dev = config_dir / "dev.toml"
    text = dev.read_text()
    text = text.replace(
        'single_sign_on = "IAM_IDENTITY_CENTER"', 'single_sign_on = "IAM_IDENTITY_CENTER"\nexisting_id = "dzd_5f8a2b"'
    )
    text = text.replace("[blueprints.DataLake]", '[blueprints.DataLake]\nexisting_blueprint_id = "c9x3lake"')
    text = text.replace('name = "customer-360"', 'name = "customer-360"\nexisting_id = "b7prj360"')
    text = text.replace(
        'single_sign_on = "IAM_IDENTITY_CENTER"',
        f'single_sign_on = "IAM_IDENTITY_CENTER"\nkms_key_arn = "{ADOPTED_KEY}"',
    )
    text = text.replace('name = "Analytics"', 'name = "Analytics"\nexisting_id = "p4analytics"', 1)
    dev.write_text(text)
    return config_dir


def test_config_with_existing_ids_synthesises_import_blocks(tmp_path: Path) -> None:
    import json

    outdir = tmp_path / "out"
    synthesise(adopted_config(tmp_path), outdir, accounts=["dev"])
    platform = json.loads((outdir / "stacks/dev-platform/cdk.tf.json").read_text())
    projects = json.loads((outdir / "stacks/dev-projects/cdk.tf.json").read_text())
    assert sorted(imports_of(platform).values()) == ["dzd_5f8a2b", "dzd_5f8a2b/c9x3lake"]
    found = imports_of(projects)
    assert sorted(found.values()) == ["dzd_5f8a2b|b7prj360", "dzd_5f8a2b|p4analytics"]
    project_address = next(to for to, block_id in found.items() if block_id == "dzd_5f8a2b|b7prj360")
    assert project_address.startswith("awscc_datazone_project.Project-customer-360")


def test_config_refuses_adopting_children_without_the_domain(tmp_path: Path) -> None:
    config_dir = adopted_config(tmp_path)
    dev = config_dir / "dev.toml"
    dev.write_text(dev.read_text().replace('existing_id = "dzd_5f8a2b"\n', ""))
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    fields = [issue.field for issue in caught.value.issues]
    assert fields == ["blueprints.DataLake.existing_blueprint_id", "profiles[0].existing_id", "projects[0].existing_id"]
    assert "unless domain.existing_id adopts the domain too" in str(caught.value)


@pytest.mark.parametrize(
    ("old", "field", "accepted"),
    [
        (
            'kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/5f8a2b00-0000-4000-8000-5f8a2b000000"\n',
            "domain.kms_key_arn",
            "or aws_owned_key = true if it uses an AWS-owned key: kms_key_identifier is immutable",
        ),
        ('existing_id = "p4analytics"\n', "projects[0].existing_id", "project_profile_id is immutable"),
    ],
)
def test_adoption_that_would_replace_what_it_adopts_is_refused(
    tmp_path: Path, old: str, field: str, accepted: str
) -> None:
    config_dir = adopted_config(tmp_path)
    dev = config_dir / "dev.toml"
    assert old in dev.read_text()
    dev.write_text(dev.read_text().replace(old, ""))
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    (issue,) = [i for i in caught.value.issues if i.field == field]
    assert accepted in issue.accepted


# --- adopting a domain that keeps its AWS-owned key -----------------------------------------------------------------


def test_an_adopted_domain_can_keep_its_aws_owned_key() -> None:
    stack = new_stack()
    domain = make_domain(stack, existing_domain_id="dzd_5f8a2b", aws_owned_key=True)
    doc = full_synth(stack)
    (body,) = doc["resource"]["aws_datazone_domain"].values()
    assert "kms_key_identifier" not in body
    assert "aws_kms_key" not in doc["resource"]
    assert domain.key is None
    assert list(imports_of(doc).values()) == ["dzd_5f8a2b"]


def test_only_an_adopted_domain_may_have_an_aws_owned_key() -> None:
    with pytest.raises(PropValidationError, match=r"aws_owned_key = True.*only with existing_domain_id"):
        make_domain(new_stack(), aws_owned_key=True)
    key = "arn:aws:kms:eu-west-1:123456789012:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f"
    with pytest.raises(PropValidationError, match=r"aws_owned_key = True.*not with kms_key_arn"):
        make_domain(new_stack(), existing_domain_id="dzd_5f8a2b", aws_owned_key=True, kms_key_arn=key)


def aws_owned_config(tmp_path: Path, *, protected: bool = False) -> Path:
    config_dir = adopted_config(tmp_path)
    dev = config_dir / "dev.toml"
    text = dev.read_text().replace(f'kms_key_arn = "{ADOPTED_KEY}"', "aws_owned_key = true")
    if protected:
        text = text.replace("protected = false", "protected = true")
    dev.write_text(text)
    return config_dir


def test_config_adopts_a_domain_with_an_aws_owned_key_and_smus_002_reports_it(tmp_path: Path) -> None:
    import json

    from config.governance import load_governance_for
    from smus_rules.doc import StackDoc
    from smus_rules.registry import RULES_BY_ID

    config_dir = aws_owned_config(tmp_path)
    outdir = tmp_path / "out"
    synthesise(config_dir, outdir, accounts=["dev"])
    platform = json.loads((outdir / "stacks/dev-platform/cdk.tf.json").read_text())
    (body,) = platform["resource"]["aws_datazone_domain"].values()
    assert "kms_key_identifier" not in body
    (loaded,) = load_estate(config_dir, only=["dev"])
    context = load_governance_for(config_dir, [loaded], partial=True).context_for(loaded, "dev-platform")
    (result,) = RULES_BY_ID["SMUS-002"].evaluate(StackDoc(platform), context)
    assert result.status.value == "compliant"
    assert "AWS-owned key" in result.message and "adopted" in result.message


def test_a_protected_account_refuses_an_aws_owned_key_without_a_governance_reason(tmp_path: Path) -> None:
    from smus_rules.errors import RuleFailures

    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    prod = config_dir / "prod.toml"
    prod.write_text(
        prod.read_text().replace(
            'kms_key_arn = "arn:aws:kms:eu-west-1:333333333333:key/3c3c3c3c-3333-4333-8333-3c3c3c3c3c3c"',
            'existing_id = "dzd_9p0r0d"\naws_owned_key = true',
        )
    )
    with pytest.raises(RuleFailures) as raised:
        synthesise(config_dir, tmp_path / "out", accounts=["prod"])
    (failure,) = raised.value.failures
    assert (failure.rule_id, failure.path) == ("SMUS-002", "prod-platform/Domain/Resource")
    assert "adopted domain uses an AWS-owned key" in failure.message
    assert "config/governance.toml" in failure.fix
    governance = config_dir.parent / "governance.toml"
    shutil.copy(FIXTURE_ACCOUNTS.parent / "governance.toml", governance)
    governance.write_text(
        governance.read_text()
        + '\n[[suppressions]]\nrule = "SMUS-002"\npath = "prod-platform/Domain"\n'
        + 'reason = "Adopted with its AWS-owned key; migration to a CMK domain tracked in SEC-881."\n'
    )
    synthesise(config_dir, tmp_path / "out", accounts=["prod"])


def test_aws_owned_key_needs_an_adopted_domain_and_no_key_arn(tmp_path: Path) -> None:
    config_dir = aws_owned_config(tmp_path)
    dev = config_dir / "dev.toml"
    dev.write_text(
        dev.read_text().replace("aws_owned_key = true", f'aws_owned_key = true\nkms_key_arn = "{ADOPTED_KEY}"')
    )
    with pytest.raises(ConfigError, match=r"domain\.aws_owned_key = true: expected to be left out when kms_key_arn"):
        load_estate(config_dir)


def test_an_adopted_domain_without_a_key_says_how_to_keep_an_aws_owned_one(tmp_path: Path) -> None:
    config_dir = aws_owned_config(tmp_path)
    dev = config_dir / "dev.toml"
    dev.write_text(dev.read_text().replace("aws_owned_key = true\n", ""))
    with pytest.raises(ConfigError, match=r"domain\.kms_key_arn = \(missing\).*or aws_owned_key = true"):
        load_estate(config_dir)
