"""A member adopting an existing association, in the stacks (issue 14): import blocks with the provider's ID formats.

prod's share made by hand (`[domain] existing_share_arn`) is imported with its domain association
(`<share arn>,<domain arn>`) and prod-ml's principal association (`<share arn>,<account id>`); prod-ml's acceptance is
imported by the share's ARN, and its blueprint configurations as `<existing_domain_id>/<blueprint id>`. Each import
of the member fails its plan on a precondition when the domain account's state names another share or domain.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from smus_cli.synth import synthesise
from smus_constructs.association_permissions import DomainShareScope
from smus_constructs.domain_share import DomainShare, DomainShareAccepter, SharedDomain, ShareMember
from smus_constructs.errors import PropValidationError
from tests.helpers import full_synth, make_domain, new_stack
from tests.test_associated_accounts import role_policy
from tests.test_guard_real_plans import AWS_VERSION, MIRROR, RealPlans, configuration, mirrored_provider
from tests.test_member_adoption_config import DOMAIN_ID, ML_ID, SHARE, TOOLING_ID, adopting_estate

Doc = dict[str, Any]
DOMAIN_ARN = f"arn:aws:datazone:eu-west-1:333333333333:domain/{DOMAIN_ID}"
REMOTE = "data.terraform_remote_state.DomainAccountState_5750D296.outputs"
TOOLING_BLUEPRINT = "Blueprint-Tooling_33C792B1"


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Doc]:
    root = tmp_path_factory.mktemp("adopting")
    outdir = root / "cdktf.out"
    synthesise(adopting_estate(root), outdir, accounts=["prod", "prod-ml"])
    return {path.parent.name: json.loads(path.read_text()) for path in (outdir / "stacks").glob("*/cdk.tf.json")}


def imports_by_type(doc: Doc) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in doc.get("import", []):
        rtype, name = block["to"].split(".")
        assert name in doc["resource"][rtype], f"import to {block['to']}: no such resource"
        found.setdefault(rtype, []).append(block["id"])
    return {rtype: sorted(ids) for rtype, ids in found.items()}


def test_the_domain_account_imports_its_share_and_the_associations_that_exist(stacks: dict[str, Doc]) -> None:
    assert imports_by_type(stacks["prod-platform"]) == {
        "aws_datazone_domain": [DOMAIN_ID],
        "aws_ram_resource_share": [SHARE],
        "aws_ram_resource_association": [f"{SHARE},{DOMAIN_ARN}"],
        "aws_ram_principal_association": [f"{SHARE},444444444444"],
    }


def test_an_adopted_domain_is_the_only_domain_the_deploy_role_may_put_in_its_share(stacks: dict[str, Doc]) -> None:
    """Threat model 18: with the domain's ID known (existing_id), RAM associations are held to that domain."""
    deploy = role_policy(stacks["prod-bootstrap"], "DeployEstate")
    associate = deploy["AssociateTheDomainAndItsMembersOnly"]
    assert associate["Condition"]["ArnLikeIfExists"] == {"ram:ResourceArn": DOMAIN_ARN}


def test_a_share_scope_refuses_a_malformed_domain_id() -> None:
    with pytest.raises(PropValidationError, match=r"domain_id = 'dzd_x\*'.*DataZone domain ID"):
        DomainShareScope(
            domain_name="acme-prod", member_account_ids=["444444444444"], allow_external_principals=True,
            stack_tag="prod-platform", domain_id="dzd_x*",
        )  # fmt: skip


def test_the_member_imports_its_acceptance_and_its_blueprint_configurations(stacks: dict[str, Doc]) -> None:
    assert imports_by_type(stacks["prod-ml-platform"]) == {
        "aws_ram_resource_share_accepter": [SHARE],
        "aws_datazone_environment_blueprint_configuration": [f"{DOMAIN_ID}/{ML_ID}", f"{DOMAIN_ID}/{TOOLING_ID}"],
    }


def test_the_members_imports_fail_the_plan_when_the_domain_accounts_state_disagrees(stacks: dict[str, Doc]) -> None:
    member = stacks["prod-ml-platform"]["resource"]
    (accepter,) = member["aws_ram_resource_share_accepter"].values()
    assert accepter["share_arn"] == f"${{{REMOTE}.shared_domain_share_arn}}"  # still read by object, not copied
    (check,) = accepter["lifecycle"]["precondition"]
    assert check["condition"] == f'${{({REMOTE}.shared_domain_share_arn == "{SHARE}")}}'
    assert f"existing_share_arn: this file adopts {SHARE}" in check["error_message"]
    configurations = member["aws_datazone_environment_blueprint_configuration"].values()
    assert [c["domain_id"] for c in configurations] == [f"${{{REMOTE}.shared_domain_id}}"] * 2
    assert [c["lifecycle"]["precondition"][0]["condition"] for c in configurations] == [
        f'${{({REMOTE}.shared_domain_id == "{DOMAIN_ID}")}}'
    ] * 2


# --- the constructs on their own ------------------------------------------------------------------------------------


def test_a_member_not_yet_associated_gets_its_principal_association_created() -> None:
    stack = new_stack()
    domain = make_domain(stack, existing_domain_id=DOMAIN_ID, account_id="333333333333")
    DomainShare(
        stack,
        "Share",
        domain=domain,
        domain_name="acme-prod",
        members=[
            ShareMember(name="old", account_id="444444444444", associated=True),
            ShareMember(name="new", account_id="555555555555"),
        ],
        existing_share_arn=SHARE,
    )
    ids = [block["id"] for block in full_synth(stack)["import"]]
    assert f"{SHARE},444444444444" in ids
    assert not any(block_id.endswith(",555555555555") for block_id in ids)


@pytest.mark.parametrize(
    ("domain_kwargs", "share", "members", "message"),
    [
        ({}, SHARE, [ShareMember(name="m", account_id="444444444444")], r"unless the domain is adopted or imported"),
        (
            {"existing_domain_id": DOMAIN_ID},
            SHARE.replace("333333333333", "555555555555"),
            [ShareMember(name="m", account_id="444444444444")],
            r"a share of the domain's account 333333333333 in eu-west-1",
        ),
        (
            {"existing_domain_id": DOMAIN_ID},
            "arn:aws:ram:eu-west-1:333333333333:resource-share/x",
            [ShareMember(name="m", account_id="444444444444")],
            r"existing_share_arn = 'arn:aws:ram:eu-west-1:333333333333:resource-share/x'.*a RAM resource share ARN",
        ),
        (
            {"existing_domain_id": DOMAIN_ID},
            None,
            [ShareMember(name="m", account_id="444444444444", associated=True)],
            r"members\[\]\.associated = \['m'\].*false unless existing_share_arn is given",
        ),
    ],
    ids=["created-domain", "share-of-another-account", "malformed-share", "associated-without-a-share"],
)
def test_adopting_a_share_is_refused_unless_its_ids_are_literal_and_the_domains(
    domain_kwargs: dict[str, str], share: str | None, members: list[ShareMember], message: str
) -> None:
    stack = new_stack()
    domain = make_domain(stack, account_id="333333333333", **domain_kwargs)
    with pytest.raises(PropValidationError, match=message):
        DomainShare(stack, "Share", domain=domain, domain_name="acme-prod", members=members, existing_share_arn=share)


def test_an_accepter_adopts_only_a_share_of_the_domain_account() -> None:
    with pytest.raises(PropValidationError, match=r"a share of the domain's account 333333333333 in eu-west-1"):
        DomainShareAccepter(
            new_stack(),
            "Accepter",
            share_arn=SHARE,
            owner="333333333333",
            region="eu-west-1",
            existing_share_arn=SHARE.replace("eu-west-1", "eu-central-1"),
        )


def test_a_shared_domain_refuses_a_malformed_literal_id() -> None:
    with pytest.raises(PropValidationError, match=r"known_domain_id = '5p8x2k7m'.*\^dzd"):
        SharedDomain(
            new_stack(),
            "Shared",
            domain_id="x",
            domain_arn="y",
            root_domain_unit_id="z",
            account_id="333333333333",
            region="eu-west-1",
            known_domain_id="5p8x2k7m",
        )


# --- real terraform 1.11.4 and hashicorp/aws 5.100 (the filesystem mirror): the IDs as the provider reads them -------
#
# The stacks pin aws 6.69.1 and awscc, and the mirror holds aws 5.100 only: each stack is validated with its awscc
# resources left out and the attributes 6.x added dropped (the guard's real-plan tests note the same gap). Then
# every import ID synthesised here goes to the provider's importer, planned against a closed endpoint: an ID of the
# right form gets past the importer's parsing to the RAM call (refused connection), one of the wrong form fails in
# the parsing ("unexpected format for ID" / "Wrong format for import ID"). That is the provider's own reading of each
# format, not our copy of its docs.

#: Attributes aws 6.x added that 5.100 refuses ("Extraneous JSON object property").
ADDED_IN_6 = {
    "aws_datazone_domain": ("domain_version", "service_role"),
    "aws_datazone_environment_blueprint_configuration": ("global_parameters",),
}
#: Attributes aws 6.x added that outputs read (aws_datazone_domain's root unit).
READ_ADDED_IN_6 = (".root_domain_unit_id",)
CLOSED = "http://127.0.0.1:9"
#: One initialised working directory, and the `terraform` block pinning the mirror's aws.
Terraform = tuple[RealPlans, Doc]


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    executable = shutil.which("terraform")
    assert executable is not None, "terraform is not on PATH: these tests need terraform 1.11 (README)"
    assert mirrored_provider(MIRROR) is not None, f"no hashicorp/aws {AWS_VERSION} plugin in {MIRROR}"
    root = tmp_path_factory.mktemp("adoption-terraform")
    (root / "terraform.rc").write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n'
    )
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("TF_", "AWS_"))},
        "TF_CLI_CONFIG_FILE": str(root / "terraform.rc"),
        "TF_DATA_DIR": str(root / "init" / ".terraform"),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    (root / "init").mkdir()
    pinned = {"required_providers": {"aws": {"source": "hashicorp/aws", "version": AWS_VERSION}}}
    (root / "init" / "main.tf.json").write_text(json.dumps({"terraform": pinned}))
    plans = RealPlans(root=root, env=env, terraform=executable)
    plans.run(root / "init", "init", "-input=false", "-backend=false")
    return plans, pinned


def run_terraform(terraform: Terraform, name: str, document: Doc, *args: str) -> subprocess.CompletedProcess[str]:
    plans, _ = terraform
    case = plans.root / name
    case.mkdir()
    shutil.copy(plans.root / "init" / ".terraform.lock.hcl", case)
    (case / "main.tf.json").write_text(json.dumps(document))
    return subprocess.run(
        [plans.terraform, *args, "-no-color"],
        cwd=case,
        env=dict(plans.env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def on_aws_5(doc: Doc, pinned: Doc) -> Doc:
    """The stack as the 5.100 mirror can check it: no backend, no awscc, no attribute 6.x added."""
    document: Doc = json.loads(json.dumps(doc))
    document["terraform"] = pinned
    document["provider"] = {"aws": document["provider"]["aws"]}
    for kind in ("resource", "data"):
        for rtype in [rtype for rtype in document.get(kind, {}) if rtype.startswith("awscc_")]:
            del document[kind][rtype]
    outputs = {
        name: output
        for name, output in document.pop("output", {}).items()
        if not any(gone in json.dumps(output) for gone in ("awscc_", *READ_ADDED_IN_6))
    }
    if outputs:
        document["output"] = outputs
    for rtype, dropped in ADDED_IN_6.items():
        for body in document.get("resource", {}).get(rtype, {}).values():
            for attribute in dropped:
                body.pop(attribute, None)
    return document


@pytest.mark.parametrize("stack", ["prod-platform", "prod-ml-platform"])
def test_the_adopting_stacks_validate_with_their_imports_and_preconditions(
    stacks: dict[str, Doc], terraform: Terraform, stack: str
) -> None:
    document = on_aws_5(stacks[stack], terraform[1])
    assert document["import"], "the stack adopts something"
    result = run_terraform(terraform, f"validate-{stack}", document, "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The configuration is valid." in result.stdout


def offline_provider() -> Doc:
    provider = configuration()["provider"]
    provider["aws"] |= {"max_retries": 1, "endpoints": [{"ram": CLOSED, "datazone": CLOSED}]}
    return dict(provider)


def importing(terraform: Terraform, imports: list[Doc], resources: Doc) -> str:
    document = {"terraform": terraform[1], "provider": offline_provider(), "resource": resources, "import": imports}
    result = run_terraform(
        terraform, f"import-{len(list(terraform[0].root.iterdir()))}", document, "plan", "-input=false", "-lock=false"
    )
    assert result.returncode != 0, "planned against a closed endpoint: the imports cannot succeed"
    return " ".join((result.stdout + result.stderr).split())


def ram_targets(stacks: dict[str, Doc]) -> tuple[list[Doc], Doc]:
    """Every RAM import block synthesised here, with bodies of literal values (the references lead elsewhere)."""
    member = "444444444444"
    bodies = {
        "aws_ram_resource_share": {"name": f"DataZone-acme-prod-{DOMAIN_ID}"},
        "aws_ram_resource_association": {"resource_arn": DOMAIN_ARN, "resource_share_arn": SHARE},
        "aws_ram_principal_association": {"principal": member, "resource_share_arn": SHARE},
        "aws_ram_resource_share_accepter": {"share_arn": SHARE},
    }
    imports = [
        block
        for name in ("prod-platform", "prod-ml-platform")
        for block in stacks[name]["import"]
        if block["to"].startswith("aws_ram_")
    ]
    resources: Doc = {}
    for block in imports:
        rtype, name = block["to"].split(".")
        resources.setdefault(rtype, {})[name] = bodies[rtype]
    return imports, resources


def test_the_providers_importers_read_the_synthesised_ram_ids(stacks: dict[str, Doc], terraform: Terraform) -> None:
    imports, resources = ram_targets(stacks)
    assert len(imports) == 4
    printed = importing(terraform, imports, resources)
    assert "unexpected format for ID" not in printed
    for operation, block_id in (
        ("reading RAM Resource Share", SHARE),
        ("reading RAM Resource Association", f"{SHARE},{DOMAIN_ARN}"),
        ("reading RAM Principal Association", f"{SHARE},444444444444"),
        ("reading accepted RAM Resource Share", SHARE),
    ):
        assert f"{operation} ({block_id})" in printed, operation
    assert printed.count("connection refused") >= 4


def test_the_providers_importers_refuse_the_association_ids_in_another_form(
    stacks: dict[str, Doc], terraform: Terraform
) -> None:
    imports, resources = ram_targets(stacks)
    wrong = [
        {**block, "id": block["id"].replace(",", "/")}
        for block in imports
        if block["to"].startswith(("aws_ram_resource_association", "aws_ram_principal_association"))
    ]
    printed = importing(terraform, wrong, resources)
    assert printed.count("unexpected format for ID") == 2, printed


def test_the_providers_importer_reads_the_blueprint_configuration_id(
    stacks: dict[str, Doc], terraform: Terraform
) -> None:
    # aws 5.100's ImportState of this resource panics right after parsing the ID when planned offline (a nil pointer
    # in environment_blueprint_configuration.go); the parse itself is what this checks: the wrong form is refused.
    block = next(b for b in stacks["prod-ml-platform"]["import"] if b["to"].endswith(TOOLING_BLUEPRINT))
    body = {"domain_id": DOMAIN_ID, "environment_blueprint_id": TOOLING_ID, "enabled_regions": ["eu-west-1"]}
    rtype, name = block["to"].split(".")
    right = importing(terraform, [block], {rtype: {name: body}})
    assert f"Preparing import... [id={DOMAIN_ID}/{TOOLING_ID}]" in right
    assert "Wrong format for import ID" not in right
    wrong = importing(terraform, [{**block, "id": f"{DOMAIN_ID},{TOOLING_ID}"}], {rtype: {name: body}})
    assert "Wrong format for import ID" in wrong and "'domain-id/environment-blueprint-id'" in wrong
