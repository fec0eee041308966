"""`smus inventory --member-of`: a member account associated by hand becomes a member file that validates with its
domain's file, carries its roles, network and blueprints, and adopts the share, the domain ID and the blueprint
configurations it found; once the domain's file adopts the share too it is written without blockers (issue 14).

Offline from saved responses (tests/fixtures/inventory/member/: prod-ml's view of prod's domain acme-prod, shared
by RAM and accepted, with Tooling and MLExperiments enabled), and live against stand-ins for boto3's clients (moto
implements neither DataZone nor RAM's OTHER-ACCOUNTS reads, ListResources or invitations).
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from config.loader import load_estate
from smus_cli.app import app
from smus_cli.inventory import Inventory, Severity
from smus_cli.inventory_member import (
    build_member,
    collect_member,
    domain_account,
    validate_in_estate,
)
from smus_cli.inventory_sources import (
    BLUEPRINTS_FILE,
    CALLER_FILE,
    CLI_COMMANDS,
    CONFIGURATIONS_FILE,
    DOMAIN_FILE,
    INVITATIONS_FILE,
    SHARED_RESOURCES_FILE,
    SHARES_FILE,
    DirectorySource,
    InventoryError,
    LiveSource,
)
from tests.estate import FIXTURE_ACCOUNTS

MEMBER = Path(__file__).parent / "fixtures" / "inventory" / "member"
DOMAIN_ID = "dzd_5p8x2k7m4q9wrt"
SHARE = "arn:aws:ram:eu-west-1:333333333333:resource-share/0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b"
PROVISIONING = "arn:aws:iam::444444444444:role/service-role/AmazonSageMakerProvisioning-333333333333"
MANAGE_ACCESS = f"arn:aws:iam::444444444444:role/service-role/AmazonSageMakerManageAccess-eu-west-1-{DOMAIN_ID}"
TOOLING, ML = "t7qd3mx8k2v5nc", "m4w9z1rb6y8hfe"
PROD_LISTS = "[domain.timeouts]"
PROD_LISTS_MEMBER = 'associated_accounts = ["prod-ml"]\n\n[domain.timeouts]'

runner = CliRunner()


@pytest.fixture()
def estate(tmp_path: Path) -> Path:
    """The suite's estate with prod listing prod-ml (its side of the association), and no prod-ml file yet."""
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    (config_dir / "prod-ml.toml").unlink(missing_ok=True)
    prod = config_dir / "prod.toml"
    text = prod.read_text()
    if "associated_accounts" not in text:
        text = text.replace(PROD_LISTS, PROD_LISTS_MEMBER, 1)
    prod.write_text(text)
    return config_dir


PROD_DOMAIN = 'name = "acme-prod"\n'
PROD_ADOPTS = f'{PROD_DOMAIN}existing_id = "{DOMAIN_ID}"\nexisting_share_arn = "{SHARE}"\n'


@pytest.fixture()
def adopting(estate: Path) -> Path:
    """The estate where prod's file adopts its domain and the share it made by hand for prod-ml (its side of
    adopting the association)."""
    prod = estate / "prod.toml"
    assert PROD_DOMAIN in prod.read_text()
    prod.write_text(prod.read_text().replace(PROD_DOMAIN, PROD_ADOPTS, 1))
    return estate


@pytest.fixture()
def responses(tmp_path: Path) -> Path:
    """A copy of the member's saved responses that a test may edit."""
    target = tmp_path / "responses"
    shutil.copytree(MEMBER, target)
    return target


def edit_json(path: Path, change: Callable[[Any], object]) -> None:
    body = json.loads(path.read_text())
    change(body)
    path.write_text(json.dumps(body, indent=4))


def inventory_of(estate: Path, directory: Path = MEMBER, domain_id: str | None = None) -> Inventory:
    domain = domain_account(estate, "prod")
    return build_member(collect_member(DirectorySource(directory), domain, domain_id), "prod-ml", domain, "fixtures")


def flags(inventory: Inventory, severity: Severity) -> dict[str, str]:
    return {flag.field: flag.value for flag in inventory.flags if flag.severity is severity}


def flags_reason(inventory: Inventory, field: str) -> str:
    (reason,) = [flag.note for flag in inventory.flags if flag.field == field]
    return reason


def run(estate: Path, directory: Path, output: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        [
            "inventory",
            "--member-of",
            "prod",
            "--config-dir",
            str(estate),
            "--from-dir",
            str(directory),
            "--account-name",
            "prod-ml",
            "-o",
            str(output),
            *extra,
        ],
    )
    return result.exit_code, result.output


def refused(estate: Path, directory: Path, tmp_path: Path) -> str:
    """Run the CLI on bad input: exit 2, nothing written; the message, one line, for asserting on."""
    output = tmp_path / "out" / "prod-ml.toml"
    code, printed = run(estate, directory, output)
    assert code == 2, printed
    assert not output.exists(), "nothing is written for bad input"
    return " ".join(printed.split())


# --- what the member file says --------------------------------------------------------------------------------------


def test_member_file_joins_the_domain_account_and_validates_with_the_estate(estate: Path, tmp_path: Path) -> None:
    inventory = inventory_of(estate)
    validate_in_estate(inventory, estate, tmp_path / "prod-ml.toml")
    data = tomllib.loads(inventory.text)
    assert "domain" not in data
    assert data["account"] | {"protected": None} == {
        "name": "prod-ml",
        "account_id": "444444444444",
        "region": "eu-west-1",
        "protected": None,
        "deploy_role_arn": "arn:aws:iam::444444444444:role/TODO-smus-deploy",
    }
    assert data["association"] == {
        "domain_account": "prod",
        "same_organization": False,
        "permissions_boundary_arn": "arn:aws:iam::444444444444:policy/TODO-permissions-boundary",
        "existing_share_arn": SHARE,
        "existing_domain_id": DOMAIN_ID,
    }


def test_member_file_brings_the_roles_network_and_blueprints_it_found(estate: Path) -> None:
    data = tomllib.loads(inventory_of(estate).text)
    assert data["blueprint_roles"] == {"provisioning_role_arn": PROVISIONING, "manage_access_role_arn": MANAGE_ACCESS}
    assert data["networks"] == {
        "eu-west-1": {
            "vpc_id": "vpc-0a4b4c4d4e4f40414",
            "subnet_ids": ["subnet-0a4b4c4d4e4f40411", "subnet-0a4b4c4d4e4f40412"],
        }
    }
    assert data["blueprints"] == {
        "Tooling": {
            "existing_blueprint_id": TOOLING,
            "regions": ["eu-west-1"],
            "regional_parameters": {
                "eu-west-1": {
                    "s3_location": f"s3://amazon-sagemaker-444444444444-eu-west-1-prodml/{DOMAIN_ID}",
                    "subnet_ids": ["subnet-0a4b4c4d4e4f40411", "subnet-0a4b4c4d4e4f40412"],
                    "vpc_id": "vpc-0a4b4c4d4e4f40414",
                }
            },
        },
        "MLExperiments": {"existing_blueprint_id": ML, "regions": ["eu-west-1"]},
    }


def test_a_hand_associated_account_is_written_without_blockers_once_its_domain_adopts_the_share(
    adopting: Path,
) -> None:
    output = adopting / "prod-ml.toml"
    code, printed = run(adopting, MEMBER, output)
    assert code == 0, printed
    assert "# BLOCKER" not in output.read_text()
    accounts = {account.name: account for account in load_estate(adopting)}
    link = accounts["prod-ml"].links.domain
    assert link is not None and (link.name, link.account_id) == ("prod", "333333333333")
    (member,) = accounts["prod"].links.members
    assert (member.account_id, member.existing_share_arn) == ("444444444444", SHARE)
    assert f"wrote {output} (domain {DOMAIN_ID})" in " ".join(printed.split())


def test_what_is_adopted_is_kept_with_its_reason(adopting: Path) -> None:
    inventory = inventory_of(adopting)
    keep = flags(inventory, Severity.KEEP)
    assert keep["association.existing_share_arn"] == SHARE
    assert keep["association.existing_domain_id"] == DOMAIN_ID
    assert keep["blueprints.Tooling.existing_blueprint_id"] == TOOLING
    assert keep["blueprints.MLExperiments.existing_blueprint_id"] == ML
    note = flags_reason(inventory, "blueprints.Tooling.existing_blueprint_id")
    assert f"(imported as <association.existing_domain_id>/{TOOLING} in prod's domain)" in note
    assert "acceptance is imported" in flags_reason(inventory, "association.existing_share_arn")


def test_a_share_its_domain_account_does_not_adopt_is_the_one_blocker(estate: Path) -> None:
    inventory = inventory_of(estate)
    (blocker,) = inventory.blockers
    assert (blocker.field, blocker.value) == ("association.existing_share_arn", SHARE)
    assert (
        f'prod.toml does not adopt this share: add existing_share_arn = "{SHARE}" (with existing_id = "{DOMAIN_ID}": '
        "a share is adopted with its domain) to its [domain] and inventory again" in blocker.note
    )
    assert inventory.text.startswith("# BLOCKERS: do not synth or apply this file")
    # Written, with the blocker: the estate with this file refuses the share until prod adopts it.
    assert tomllib.loads(inventory.text)["association"]["existing_share_arn"] == SHARE


def test_roles_trust_and_grants_are_named_for_checking(adopting: Path) -> None:
    check = flags(inventory_of(adopting), Severity.CHECK)
    assert check["blueprint_roles.provisioning_role_arn"] == PROVISIONING
    assert check["grants"] == "(not read)"
    assert "share (in prod)" not in check  # the share is named as the stack names it: nothing to rename


def test_an_adopted_share_of_another_name_is_renamed_and_said_so(adopting: Path, responses: Path) -> None:
    edit_json(responses / "get-resource-shares.json", lambda body: body["resourceShares"][0].update(name="ml-share"))
    check = flags(inventory_of(adopting, responses), Severity.CHECK)
    assert check["share (in prod)"] == "ml-share"


def test_no_invitation_means_one_organization_and_nothing_to_accept(adopting: Path, responses: Path) -> None:
    edit_json(responses / "get-resource-share-invitations.json", lambda body: body.update(resourceShareInvitations=[]))
    inventory = inventory_of(adopting, responses)
    association = tomllib.loads(inventory.text)["association"]
    assert (association["same_organization"], association["existing_share_arn"]) == (True, SHARE)
    assert flags(inventory, Severity.CHECK)["association.same_organization"] == "true"
    assert inventory.blockers == []
    assert "shared inside the organization, nothing to accept" in flags_reason(
        inventory, "association.existing_share_arn"
    )


def test_a_pending_invitation_is_left_for_the_stack_to_accept(estate: Path, responses: Path) -> None:
    edit_json(
        responses / "get-resource-share-invitations.json",
        lambda body: body["resourceShareInvitations"][0].update(status="PENDING"),
    )
    inventory = inventory_of(estate, responses)
    association = tomllib.loads(inventory.text)["association"]
    assert association["same_organization"] is False
    assert "existing_share_arn" not in association
    assert inventory.blockers == []
    assert flags(inventory, Severity.CHECK)["association"] == SHARE


def test_a_pending_invitation_to_an_adopted_share_must_be_accepted_first(adopting: Path, responses: Path) -> None:
    edit_json(
        responses / "get-resource-share-invitations.json",
        lambda body: body["resourceShareInvitations"][0].update(status="PENDING"),
    )
    inventory = inventory_of(adopting, responses)
    (blocker,) = inventory.blockers
    assert (blocker.field, blocker.value) == ("association", SHARE)
    assert "Accept the invitation" in blocker.note and "inventory again" in blocker.note


def test_unrelated_shares_from_other_accounts_are_ignored(estate: Path) -> None:
    # The fixture also holds a network account's subnet share (555555555555): not a DataZone share.
    assert "555555555555" not in inventory_of(estate).text


# --- hostile or wrong input: a named error, nothing written ---------------------------------------------------------


def test_a_malformed_share_arn_is_refused(estate: Path, responses: Path, tmp_path: Path) -> None:
    edit_json(
        responses / "get-resource-shares.json",
        lambda body: body["resourceShares"][0].update(resourceShareArn="arn:aws:ram:eu-west-1:3333:share/x"),
    )
    message = refused(estate, responses, tmp_path)
    assert (
        "get-resource-shares.json resourceShares[0]: resourceShareArn = 'arn:aws:ram:eu-west-1:3333:share/x': "
        "expected a RAM resource share ARN" in message
    )


@pytest.mark.parametrize(
    "arn",
    [
        f"{SHARE}\n",  # a trailing newline: `$` alone matches before it
        "arn:aws:ram:eu-west-1:333333333333:resource-share/------------------------------------",
    ],
    ids=["trailing-newline", "not-a-uuid"],
)
def test_a_share_arn_the_config_would_not_take_is_refused(
    estate: Path, responses: Path, tmp_path: Path, arn: str
) -> None:
    # existing_share_arn is written from this value: it must be a share ARN whole, as the config checks it.
    edit_json(
        responses / "get-resource-shares.json", lambda body: body["resourceShares"][0].update(resourceShareArn=arn)
    )
    edit_json(responses / "list-resources.json", lambda body: body["resources"][0].update(resourceShareArn=arn))
    message = refused(estate, responses, tmp_path)
    assert "get-resource-shares.json resourceShares[0]: resourceShareArn = " in message
    assert "expected a RAM resource share ARN" in message


def test_a_malformed_domain_arn_in_the_share_is_refused(estate: Path, responses: Path, tmp_path: Path) -> None:
    edit_json(
        responses / "list-resources.json",
        lambda body: body["resources"][0].update(arn="arn:aws:datazone:eu-west-1:333333333333:domain/acme"),
    )
    message = refused(estate, responses, tmp_path)
    assert "list-resources.json resources[0]: arn = 'arn:aws:datazone:eu-west-1:333333333333:domain/acme'" in message
    assert "expected a DataZone domain ARN" in message


def test_a_datazone_share_carrying_something_else_is_refused(estate: Path, responses: Path, tmp_path: Path) -> None:
    edit_json(
        responses / "list-resources.json",
        lambda body: body["resources"][0].update(
            type="glue:Database", arn="arn:aws:glue:eu-west-1:333333333333:database/sales"
        ),
    )
    message = refused(estate, responses, tmp_path)
    assert "list-resources.json resources[0]: type = 'glue:Database': expected datazone:Domain" in message
    assert f"share 'DataZone-acme-prod-{DOMAIN_ID}'" in message


def test_a_share_from_another_account_than_the_domain_account_is_refused(
    estate: Path, responses: Path, tmp_path: Path
) -> None:
    for name in ("get-resource-shares.json", "list-resources.json", "get-domain.json"):
        path = responses / name
        path.write_text(path.read_text().replace("333333333333", "666666666666"))
    message = refused(estate, responses, tmp_path)
    assert (
        "get-resource-shares.json resourceShares[0]: owningAccountId = '666666666666': expected 333333333333, the "
        "account of prod.toml" in message
    )


def test_a_blueprint_configuration_in_another_region_is_refused(estate: Path, responses: Path, tmp_path: Path) -> None:
    edit_json(
        responses / f"get-environment-blueprint-configuration-{ML}.json",
        lambda body: body.update(enabledRegions=["eu-west-1", "us-east-1"]),
    )
    message = refused(estate, responses, tmp_path)
    assert (
        f"get-environment-blueprint-configuration-{ML}.json: enabledRegions = ['eu-west-1', 'us-east-1']: "
        "expected ['eu-west-1'] only, the shared domain's region" in message
    )


def test_regional_parameters_for_another_region_are_refused(estate: Path, responses: Path) -> None:
    def move(body: dict[str, Any]) -> None:
        body["regionalParameters"] = {"us-east-1": body["regionalParameters"]["eu-west-1"]}

    edit_json(responses / f"get-environment-blueprint-configuration-{TOOLING}.json", move)
    with pytest.raises(InventoryError, match=r"regionalParameters.us-east-1 = 'us-east-1': expected 'eu-west-1' only"):
        inventory_of(estate, responses)


def test_roles_of_the_domain_account_mean_the_wrong_credentials(estate: Path, responses: Path) -> None:
    domain_role = "arn:aws:iam::333333333333:role/service-role/AmazonSageMakerProvisioning-333333333333"
    edit_json(
        responses / f"get-environment-blueprint-configuration-{ML}.json",
        lambda body: body.update(provisioningRoleArn=domain_role),
    )
    with pytest.raises(InventoryError, match=r"provisioningRoleArn = .*: expected a role of account 444444444444"):
        inventory_of(estate, responses)


def test_a_malformed_role_arn_is_refused(estate: Path, responses: Path) -> None:
    edit_json(
        responses / f"get-environment-blueprint-configuration-{ML}.json",
        lambda body: body.update(manageAccessRoleArn="AmazonSageMakerManageAccess"),
    )
    with pytest.raises(InventoryError, match=r"manageAccessRoleArn = 'AmazonSageMakerManageAccess': expected an IAM"):
        inventory_of(estate, responses)


def test_responses_read_in_the_domain_account_are_refused(estate: Path, responses: Path, tmp_path: Path) -> None:
    edit_json(responses / "get-caller-identity.json", lambda body: body.update(Account="333333333333"))
    message = refused(estate, responses, tmp_path)
    assert "get-caller-identity.json: Account = '333333333333': expected the member account's ID" in message


def test_a_domain_the_domain_account_file_does_not_describe_is_refused(estate: Path, responses: Path) -> None:
    edit_json(responses / "get-domain.json", lambda body: body.update(name="acme-sandbox"))
    with pytest.raises(InventoryError, match=r"name = 'acme-sandbox': expected 'acme-prod', the domain prod.toml"):
        inventory_of(estate, responses)


def test_a_rejected_invitation_is_refused(estate: Path, responses: Path) -> None:
    edit_json(
        responses / "get-resource-share-invitations.json",
        lambda body: body["resourceShareInvitations"][0].update(status="REJECTED"),
    )
    with pytest.raises(InventoryError, match=r"status = 'REJECTED': expected 'ACCEPTED' or 'PENDING'"):
        inventory_of(estate, responses)


def test_a_domain_id_that_is_not_shared_is_refused(estate: Path) -> None:
    with pytest.raises(InventoryError) as caught:
        inventory_of(estate, domain_id="dzd_notshared00")
    assert "resources = (no datazone:Domain dzd_notshared00)" in str(caught.value)
    assert f"shared with it: {DOMAIN_ID} (from 333333333333)" in str(caught.value)


def test_the_domain_account_must_list_the_member_first(estate: Path, tmp_path: Path) -> None:
    prod = estate / "prod.toml"
    text = prod.read_text().replace('associated_accounts = ["prod-ml"]\n', "")
    prod.write_text(text.replace(', account = "prod-ml"', ""))  # and no profile deploys there
    message = refused(estate, MEMBER, tmp_path)
    assert f"{prod}: domain.associated_accounts = []: expected a list naming 'prod-ml'" in message


def test_member_of_a_member_or_a_missing_file_is_refused(estate: Path, tmp_path: Path) -> None:
    (estate / "ghost.toml").unlink(missing_ok=True)
    output = tmp_path / "prod-ml.toml"
    result = runner.invoke(
        app,
        [
            *("inventory", "--member-of", "ghost", "--config-dir", str(estate), "--from-dir", str(MEMBER)),
            *("--account-name", "prod-ml", "-o", str(output)),
        ],
    )
    assert result.exit_code == 2
    assert f"{estate / 'ghost.toml'}: (file) = (missing): expected the domain account's file" in " ".join(
        result.output.split()
    )
    assert not output.exists()


def test_estate_problems_name_the_real_files_not_the_copy(estate: Path, tmp_path: Path) -> None:
    staging = estate / "staging.toml"
    staging.write_text(staging.read_text().replace('region = "eu-west-1"', 'region = "moon-1"', 1))
    message = refused(estate, MEMBER, tmp_path)
    assert f"{staging}: account.region = 'moon-1'" in message
    assert "smus-inventory-" not in message


def test_the_account_name_must_not_be_the_domain_account(estate: Path) -> None:
    domain = domain_account(estate, "prod")
    with pytest.raises(InventoryError, match=r"account.name = 'prod': expected a short lowercase name"):
        build_member(collect_member(DirectorySource(MEMBER), domain, None), "prod", domain, "fixtures")


# --- live mode, against stand-ins for boto3's DataZone, RAM and STS clients -----------------------------------------


class FakeClients:
    """Answers like boto3's clients from the saved responses; every list comes back in pages of one."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self.pages: dict[str, int] = {}

    def _read(self, name: str) -> dict[str, Any]:
        body: dict[str, Any] = json.loads((self._dir / name).read_text())
        return body | {"ResponseMetadata": {"HTTPStatusCode": 200}}

    def _page(self, name: str, key: str, nextToken: str | None = None, **_: Any) -> dict[str, Any]:  # noqa: N803
        self.pages[name] = self.pages.get(name, 0) + 1
        items = json.loads((self._dir / name).read_text())[key]
        index = int(nextToken or 0)
        page: dict[str, Any] = {key: items[index : index + 1]}
        if index + 1 < len(items):
            page["nextToken"] = str(index + 1)
        return page

    # sts
    def get_caller_identity(self) -> dict[str, Any]:
        return self._read("get-caller-identity.json")

    # ram
    def get_resource_shares(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["resourceOwner"] == "OTHER-ACCOUNTS"
        return self._page("get-resource-shares.json", "resourceShares", **kwargs)

    def list_resources(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["resourceOwner"] == "OTHER-ACCOUNTS"
        return self._page("list-resources.json", "resources", **kwargs)

    def get_resource_share_invitations(self, **kwargs: Any) -> dict[str, Any]:
        return self._page("get-resource-share-invitations.json", "resourceShareInvitations", **kwargs)

    # datazone
    def get_domain(self, identifier: str) -> dict[str, Any]:
        assert identifier == DOMAIN_ID
        return self._read("get-domain.json")

    def list_environment_blueprints(self, **kwargs: Any) -> dict[str, Any]:
        return self._page("list-environment-blueprints.json", "items", **kwargs)

    def list_environment_blueprint_configurations(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["domainIdentifier"] == DOMAIN_ID
        return self._page("list-environment-blueprint-configurations.json", "items", **kwargs)

    def get_environment_blueprint_configuration(self, **kwargs: Any) -> dict[str, Any]:
        return self._read(f"get-environment-blueprint-configuration-{kwargs['environmentBlueprintIdentifier']}.json")


def test_live_mode_pages_ram_and_datazone_and_saves_files_offline_mode_reads_back(estate: Path, tmp_path: Path) -> None:
    fake = FakeClients(MEMBER)
    saved = tmp_path / "evidence"
    domain = domain_account(estate, "prod")
    live_source = LiveSource(fake, "", saved, ram=fake, sts=fake)
    live = build_member(collect_member(live_source, domain, None), "prod-ml", domain, "fixtures")
    assert fake.pages["get-resource-shares.json"] == 2, "two shares, one per page: both pages are read"
    assert fake.pages["list-resources.json"] == 2
    assert "ResponseMetadata" not in (saved / "get-caller-identity.json").read_text()
    replay = build_member(collect_member(DirectorySource(saved), domain, None), "prod-ml", domain, "fixtures")
    assert replay.text.split("# Review", 1)[1] == live.text.split("# Review", 1)[1]  # below the stamped header


# --- the runbook saves exactly the files the member inventory reads -------------------------------------------------

RUNBOOK = Path(__file__).parents[1] / "docs" / "associated-accounts-runbook.md"


def test_runbook_saves_each_member_response_with_the_command_inventory_names() -> None:
    lines = " ".join(RUNBOOK.read_text().replace("\\\n", " ").split())
    saved = [CALLER_FILE, SHARES_FILE, SHARED_RESOURCES_FILE, INVITATIONS_FILE, DOMAIN_FILE, BLUEPRINTS_FILE]
    for name in saved:
        command = CLI_COMMANDS[name].format(domain='"$D"')
        assert f'{command} --output json > "$R/{name}"' in lines, name
    command = CLI_COMMANDS[CONFIGURATIONS_FILE].format(domain='"$D"')
    assert f'{command} --output json > "$R/{CONFIGURATIONS_FILE}"' in lines
    fixtures = sorted(path.name for path in MEMBER.iterdir() if "-configuration-" not in path.name)
    assert fixtures == sorted([*saved, CONFIGURATIONS_FILE]), "the fixtures are what the runbook saves"


class FakeClientError(Exception):
    """Stands in for botocore's ClientError, which inventory tells apart by module."""

    __module__ = "botocore.exceptions"


def test_a_refused_live_call_is_one_line_naming_the_call(estate: Path) -> None:
    fake = FakeClients(MEMBER)

    def denied(**kwargs: Any) -> dict[str, Any]:
        raise FakeClientError("An error occurred (AccessDeniedException) when calling the ListResources operation")

    fake.list_resources = denied  # type: ignore[method-assign]
    source = LiveSource(fake, "", ram=fake, sts=fake)
    with pytest.raises(InventoryError) as caught:
        collect_member(source, domain_account(estate, "prod"), None)
    assert str(caught.value) == (
        "--live (list_resources): (call) = (FakeClientError: An error occurred (AccessDeniedException) when calling "
        "the ListResources operation): expected a call that succeeds with these credentials (`aws ram list-resources "
        "--resource-owner OTHER-ACCOUNTS`)"
    )


# --- the generated member file synthesises with the member stacks ---------------------------------------------------


def test_generated_member_file_synthesises_with_import_blocks(adopting: Path, tmp_path: Path) -> None:
    from smus_cli.synth import synthesise

    output = adopting / "prod-ml.toml"
    code, printed = run(adopting, MEMBER, output)
    assert code == 0, printed
    synthesise(adopting, tmp_path / "out", accounts=["prod", "prod-ml"])
    stacks = tmp_path / "out" / "stacks"
    doc = json.loads((stacks / "prod-ml-platform" / "cdk.tf.json").read_text())
    resources = doc["resource"]
    configurations = resources["aws_datazone_environment_blueprint_configuration"].values()
    assert sorted(c["provisioning_role_arn"] for c in configurations) == [PROVISIONING, PROVISIONING]
    assert sorted(c["manage_access_role_arn"] for c in configurations) == [MANAGE_ACCESS, MANAGE_ACCESS]
    assert "aws_s3_bucket" not in resources, "the member's Tooling bucket is kept (its S3Location)"
    assert sorted((block["to"].split(".")[0], block["id"]) for block in doc["import"]) == [
        ("aws_datazone_environment_blueprint_configuration", f"{DOMAIN_ID}/{ML}"),
        ("aws_datazone_environment_blueprint_configuration", f"{DOMAIN_ID}/{TOOLING}"),
        ("aws_ram_resource_share_accepter", SHARE),
    ]
    domain_side = json.loads((stacks / "prod-platform" / "cdk.tf.json").read_text())
    assert f"{SHARE},444444444444" in [block["id"] for block in domain_side["import"]]
