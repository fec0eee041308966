"""`smus inventory`: an existing domain becomes an account file that validates, adopts by ID, keeps the immutable."""

from __future__ import annotations

import json
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from config.loader import load_account
from smus_cli.app import app
from smus_cli.inventory import Inventory, Severity, build, collect, validate
from smus_cli.inventory_sources import DirectorySource, InventoryError, LiveSource
from smus_cli.toml_writer import TomlDocument

RESEARCH = Path(__file__).parent / "fixtures" / "inventory" / "research"
DOMAIN_ID = "dzd_7kq2m9x4v1c8rt"
KEY = "arn:aws:kms:eu-west-1:444444444444:key/7f3c2a1b-5d4e-4f6a-9b8c-0d1e2f3a4b5c"

runner = CliRunner()


def inventory_of(directory: Path = RESEARCH) -> Inventory:
    return build(collect(DirectorySource(directory)), "research", "fixtures")


def flags(inventory: Inventory, severity: Severity) -> dict[str, str]:
    return {flag.field: flag.value for flag in inventory.flags if flag.severity is severity}


@pytest.fixture()
def responses(tmp_path: Path) -> Path:
    """A copy of the saved responses that a test may edit."""
    target = tmp_path / "responses"
    shutil.copytree(RESEARCH, target)
    return target


def edit_json(path: Path, change: Any) -> None:
    body = json.loads(path.read_text())
    change(body)
    path.write_text(json.dumps(body, indent=4))


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["inventory", *args])
    return result.exit_code, result.output


# --- round trip: saved responses -> TOML -> load_account ------------------------------------------------------------


def test_generated_file_validates_with_the_config_loader() -> None:
    account = validate(inventory_of()).config
    assert account.account.name == "research"
    assert (account.account.account_id, account.account.region) == ("444444444444", "eu-west-1")


def test_generated_file_carries_every_existing_id() -> None:
    config = validate(inventory_of()).config
    assert config.the_domain().existing_id == DOMAIN_ID
    assert {name.value: b.existing_blueprint_id for name, b in config.blueprints.items()} == {
        "Tooling": "cjegf7f6kky6w7",
        "DataLake": "d6y5smpdi8x9lz",
        "RedshiftServerless": "bmz9r2ycf8sa3l",
        "MLExperiments": "5w4n0hxlc2pbtk",
    }
    assert {p.name: p.existing_id for p in config.profiles} == {
        "SQL analytics": "r7c2x9k4p1m6dz",
        "ML experiments": "w3h8b5n0t2q7ya",
    }
    assert {p.name: p.existing_id for p in config.projects} == {
        "genomics-qc": "5hq2w8d1m7x4ks",
        "protein-folding": "9vt3e6r0b2n8wp",
    }


def test_immutable_values_are_carried_exactly() -> None:
    config = validate(inventory_of()).config
    assert config.the_domain().kms_key_arn == KEY
    assert config.the_domain().name == "research-studio"
    assert {p.name: p.profile for p in config.projects} == {
        "genomics-qc": "SQL analytics",
        "protein-folding": "ML experiments",
    }


def test_existing_roles_are_brought_not_created() -> None:
    config = validate(inventory_of()).config
    assert (
        config.the_domain().execution_role_arn
        == "arn:aws:iam::444444444444:role/service-role/AmazonSageMakerDomainExecution"
    )
    assert (
        config.the_domain().service_role_arn
        == "arn:aws:iam::444444444444:role/service-role/AmazonSageMakerDomainService"
    )
    assert config.blueprint_roles.provisioning_role_arn == (
        "arn:aws:iam::444444444444:role/service-role/AmazonSageMakerProvisioning-444444444444"
    )


def test_profile_environments_keep_the_api_order_names_modes_and_overrides() -> None:
    profile = validate(inventory_of()).config.profiles[0]
    assert [(e.blueprint.value, e.name, e.mode) for e in profile.environments] == [
        ("Tooling", None, "ON_CREATE"),
        ("DataLake", "Lakehouse Database", "ON_CREATE"),
        ("RedshiftServerless", "Redshift Serverless", "ON_DEMAND"),
    ]
    assert [(o.name, o.value, o.editable) for o in profile.environments[0].overrides] == [
        ("enableSpaces", "true", False)
    ]


def test_regional_parameters_are_mapped_to_config_fields() -> None:
    tooling = next(b for n, b in validate(inventory_of()).config.blueprints.items() if n.value == "Tooling")
    params = tooling.regional_parameters["eu-west-1"]
    assert params.vpc_id == "vpc-0c5d6e7f8a9b01234"
    assert params.subnet_ids == ["subnet-0c5d6e7f8a9b01201", "subnet-0c5d6e7f8a9b01202", "subnet-0c5d6e7f8a9b01203"]


def test_project_details_keep_user_parameters_and_only_project_sourced_tags() -> None:
    project = validate(inventory_of()).config.projects[0]
    assert project.user_parameters == {"Redshift Serverless": {"workgroupBaseCapacity": "32"}}
    assert project.resource_tags == {"Study": "GX-2025-04"}  # CostCenter came from the profile, not the project


# --- flags: in the printed list and as comments in the file ---------------------------------------------------------


def test_every_immutable_value_is_flagged_keep() -> None:
    keep = flags(inventory_of(), Severity.KEEP)
    assert keep["domain.kms_key_arn"] == KEY
    assert keep["domain.domain_version"] == "V2"
    assert keep["domain.name"] == "research-studio"
    assert keep["projects[genomics-qc].profile"] == "SQL analytics"
    assert keep["blueprints.Tooling.existing_blueprint_id"] == "cjegf7f6kky6w7"


def test_project_execution_role_is_flagged_for_a_manual_check() -> None:
    check = flags(inventory_of(), Severity.CHECK)
    assert check["projects[genomics-qc].execution_role"] == "(not returned)"


def test_placeholders_are_marked_todo_in_the_file_and_the_list() -> None:
    inventory = inventory_of()
    todo = flags(inventory, Severity.TODO)
    assert todo["state.bucket"] == "todo-smus-tfstate-444444444444"
    assert todo["account.deploy_role_arn"] == "arn:aws:iam::444444444444:role/TODO-smus-deploy"
    assert todo["tags.DataClassification"] == "TODO"  # mandatory, and not on the domain
    assert (
        '# TODO: the state bucket the bootstrap stack creates\nbucket = "todo-smus-tfstate-444444444444"'
        in inventory.text
    )


def test_immutable_values_carry_a_keep_comment_right_above_them() -> None:
    text = inventory_of().text
    assert (
        f"# KEEP EXACTLY: kms_key_identifier is immutable: a new key never reaches AWS and smus guard fails the plan\n"
        f'kms_key_arn = "{KEY}"' in text
    )
    assert '# KEEP EXACTLY: the domain to adopt (import block)\nexisting_id = "dzd_7kq2m9x4v1c8rt"' in text


def test_cli_writes_the_file_and_prints_the_list(tmp_path: Path) -> None:
    output = tmp_path / "research.toml"
    code, printed = run("--from-dir", str(RESEARCH), "--account-name", "research", "-o", str(output))
    assert code == 0, printed
    assert load_account(output).config.the_domain().existing_id == DOMAIN_ID
    assert "keep exactly" in printed and "domain.kms_key_arn" in printed
    assert f"wrote {output} (domain {DOMAIN_ID})" in printed


# --- what must stop the migration -----------------------------------------------------------------------------------


def test_v1_domain_is_refused(responses: Path, tmp_path: Path) -> None:
    edit_json(responses / "get-domain.json", lambda body: body.update(domainVersion="V1"))
    code, printed = run("--from-dir", str(responses), "--account-name", "research", "-o", str(tmp_path / "x.toml"))
    assert code == 2
    assert "get-domain.json: domainVersion = 'V1': expected 'V2'" in printed
    assert not (tmp_path / "x.toml").exists()


def test_domain_without_a_version_is_refused_as_v1(responses: Path) -> None:
    edit_json(responses / "get-domain.json", lambda body: body.pop("domainVersion"))
    with pytest.raises(InventoryError, match=r"domainVersion = \(missing: a V1 domain\)"):
        inventory_of(responses)


def test_aws_owned_key_is_kept_and_flagged(responses: Path, tmp_path: Path) -> None:
    edit_json(responses / "get-domain.json", lambda body: body.pop("kmsKeyIdentifier"))
    inventory = inventory_of(responses)
    assert not inventory.blockers
    assert flags(inventory, Severity.KEEP)["domain.aws_owned_key"] == "true"
    loaded = validate(inventory)
    assert loaded.config.the_domain().aws_owned_key is True
    assert loaded.config.the_domain().kms_key_arn is None


def test_project_whose_profile_is_unknown_is_a_blocker(responses: Path) -> None:
    edit_json(
        responses / "get-project-9vt3e6r0b2n8wp.json", lambda body: body.update(projectProfileId="gone0000000000")
    )
    blockers = {flag.field: flag.value for flag in inventory_of(responses).blockers}
    assert blockers == {"projects[protein-folding].profile": "gone0000000000"}


# --- what the config cannot hold is reported, not dropped silently ---------------------------------------------------


def test_unknown_regional_parameter_is_reported_not_carried(responses: Path) -> None:
    name = "get-environment-blueprint-configuration-cjegf7f6kky6w7.json"
    edit_json(responses / name, lambda body: body["regionalParameters"]["eu-west-1"].update(AZs="eu-west-1a"))
    not_carried = flags(inventory_of(responses), Severity.NOT_CARRIED)
    assert not_carried["blueprints.Tooling.regional_parameters.eu-west-1"] == "AZs = eu-west-1a"


def test_custom_blueprint_is_reported_and_left_out(responses: Path) -> None:
    def add(body: dict[str, Any]) -> None:
        body["items"].append(dict(body["items"][0], environmentBlueprintId="custom000000001"))

    edit_json(responses / "list-environment-blueprint-configurations.json", add)
    shutil.copy(
        responses / "get-environment-blueprint-configuration-cjegf7f6kky6w7.json",
        responses / "get-environment-blueprint-configuration-custom000000001.json",
    )
    edit_json(
        responses / "get-environment-blueprint-configuration-custom000000001.json",
        lambda body: body.update(environmentBlueprintId="custom000000001"),
    )
    inventory = inventory_of(responses)
    assert flags(inventory, Severity.NOT_CARRIED)["blueprints"] == "(unknown) (custom000000001)"
    assert "custom000000001" not in inventory.text
    validate(inventory)


def test_a_blueprint_keeps_its_own_role_or_none(responses: Path) -> None:
    names = {
        "get-environment-blueprint-configuration-5w4n0hxlc2pbtk.json",
        "get-environment-blueprint-configuration-d6y5smpdi8x9lz.json",
    }
    own, without = sorted(names)
    other = "arn:aws:iam::444444444444:role/service-role/MLProvisioning"
    edit_json(responses / own, lambda body: body.update(provisioningRoleArn=other))
    edit_json(responses / without, lambda body: body.pop("manageAccessRoleArn"))
    inventory = inventory_of(responses)
    assert not flags(inventory, Severity.NOT_CARRIED).get("blueprint_roles.provisioning_role_arn")
    blueprints = validate(inventory).config.blueprints
    with_own = [name.value for name, b in blueprints.items() if b.provisioning_role_arn == other]
    with_none = [name.value for name, b in blueprints.items() if b.without_roles == ["manage_access"]]
    assert len(with_own) == 1 and len(with_none) == 1, (with_own, with_none)
    assert flags(inventory, Severity.KEEP)[f"blueprints.{with_own[0]}.provisioning_role_arn"] == other
    others = [b for name, b in blueprints.items() if name.value not in with_own + with_none]
    assert others and all(b.provisioning_role_arn is None and not b.without_roles for b in others)


# --- bad input ------------------------------------------------------------------------------------------------------


def test_missing_response_file_names_the_file_and_the_command_that_saves_it(responses: Path) -> None:
    (responses / "get-project-5hq2w8d1m7x4ks.json").unlink()
    with pytest.raises(InventoryError) as caught:
        inventory_of(responses)
    message = str(caught.value)
    assert "get-project-5hq2w8d1m7x4ks.json: (file) = (missing)" in message
    assert f"aws datazone get-project --domain-identifier {DOMAIN_ID} --identifier 5hq2w8d1m7x4ks" in message


def test_response_that_is_not_json_exits_2(responses: Path, tmp_path: Path) -> None:
    (responses / "list-projects.json").write_text("An error occurred (AccessDeniedException)")
    code, printed = run("--from-dir", str(responses), "--account-name", "research", "-o", str(tmp_path / "r.toml"))
    assert code == 2
    assert "list-projects.json: (syntax) = (not JSON" in printed


def test_response_missing_a_required_field_names_it(responses: Path) -> None:
    edit_json(responses / "get-project-profile-r7c2x9k4p1m6dz.json", lambda body: body.pop("name"))
    with pytest.raises(InventoryError, match=r"get-project-profile-r7c2x9k4p1m6dz.json: name = \(missing\)"):
        inventory_of(responses)


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    output = tmp_path / "research.toml"
    output.write_text("# reviewed by hand\n")
    code, printed = run("--from-dir", str(RESEARCH), "--account-name", "research", "-o", str(output))
    assert code == 2
    assert "(file) = (exists): expected a new file (or --force to replace it)" in printed
    assert output.read_text() == "# reviewed by hand\n"


def test_invalid_account_name_is_refused(tmp_path: Path) -> None:
    code, printed = run("--from-dir", str(RESEARCH), "--account-name", "Research!", "-o", str(tmp_path / "r.toml"))
    assert code == 2
    assert "account.name = 'Research!': expected a short lowercase name" in printed


@pytest.mark.parametrize("mode", [["--live"], []], ids=["both", "neither"])
def test_exactly_one_source_is_required(mode: list[str], tmp_path: Path) -> None:
    source = ["--from-dir", str(RESEARCH)] if mode else []
    code, printed = run(*source, *mode, "--account-name", "research", "-o", str(tmp_path / "r.toml"))
    assert code == 2
    assert "--from-dir / --live" in printed and "expected exactly one of them" in printed


def test_live_mode_without_boto3_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # makes `import boto3` raise ImportError
    code, printed = run("--live", "--account-name", "research", "-o", str(tmp_path / "r.toml"))
    assert code == 2
    assert "boto3 = (not installed): expected the optional extra: pip install 'smus-estate[live]'" in printed


# --- live mode, against a stand-in for the boto3 client -------------------------------------------------------------


class FakeDataZone:
    """Answers like boto3's DataZone client from the saved responses; List* calls come back in pages of one."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self.calls: list[str] = []

    def _read(self, name: str) -> dict[str, Any]:
        body: dict[str, Any] = json.loads((self._dir / name).read_text())
        body["ResponseMetadata"] = {"HTTPStatusCode": 200}
        return body

    def _page(self, name: str, nextToken: str | None = None, **_: Any) -> dict[str, Any]:  # noqa: N803 (boto3 name)
        items = json.loads((self._dir / name).read_text())["items"]
        index = int(nextToken or 0)
        page: dict[str, Any] = {"items": items[index : index + 1]}
        if index + 1 < len(items):
            page["nextToken"] = str(index + 1)
        return page

    def get_domain(self, identifier: str) -> dict[str, Any]:
        self.calls.append("get_domain")
        return self._read("get-domain.json")

    def list_domains(self, **kwargs: Any) -> dict[str, Any]:
        return {"items": [{"id": DOMAIN_ID, "name": "research-studio", "domainVersion": "V2"}]}

    def list_environment_blueprints(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs.get("managed") is True
        return self._page("list-environment-blueprints.json", **kwargs)

    def list_environment_blueprint_configurations(self, **kwargs: Any) -> dict[str, Any]:
        return self._page("list-environment-blueprint-configurations.json", **kwargs)

    def get_environment_blueprint_configuration(self, **kwargs: Any) -> dict[str, Any]:
        return self._read(f"get-environment-blueprint-configuration-{kwargs['environmentBlueprintIdentifier']}.json")

    def list_project_profiles(self, **kwargs: Any) -> dict[str, Any]:
        return self._page("list-project-profiles.json", **kwargs)

    def get_project_profile(self, **kwargs: Any) -> dict[str, Any]:
        return self._read(f"get-project-profile-{kwargs['identifier']}.json")

    def list_projects(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("list_projects")
        return self._page("list-projects.json", **kwargs)

    def get_project(self, **kwargs: Any) -> dict[str, Any]:
        return self._read(f"get-project-{kwargs['identifier']}.json")


def test_live_mode_pages_through_lists_and_saves_files_offline_mode_reads_back(tmp_path: Path) -> None:
    client = FakeDataZone(RESEARCH)
    saved = tmp_path / "evidence"
    live = build(collect(LiveSource(client, DOMAIN_ID, saved)), "research", "fixtures")
    assert client.calls.count("list_projects") == 2, "two projects, one per page: both pages must be read"
    assert {p.name for p in validate(live).config.projects} == {"genomics-qc", "protein-folding"}
    assert "ResponseMetadata" not in (saved / "get-domain.json").read_text()
    replay = build(collect(DirectorySource(saved)), "research", "fixtures")
    assert replay.text.split("\n", 2)[2] == live.text.split("\n", 2)[2]  # identical below the timestamped header


# --- the TOML writer ------------------------------------------------------------------------------------------------


def test_toml_writer_escapes_strings_and_quotes_keys() -> None:
    doc = TomlDocument()
    doc.table("tags")
    doc.set("Cost Center", 'a "quoted" \\ value\nnext\tline')
    doc.set_rows("rows", [{"name": "x", "editable": True, "n": 2}])
    assert tomllib.loads(doc.text()) == {
        "tags": {"Cost Center": 'a "quoted" \\ value\nnext\tline', "rows": [{"name": "x", "editable": True, "n": 2}]}
    }


# --- the lead's part: the generated file synthesises with import blocks ---------------------------------------------


def test_generated_file_synthesises_with_import_blocks_for_every_adopted_resource(tmp_path: Path) -> None:
    from smus_cli.synth import synthesise

    accounts = tmp_path / "accounts"
    accounts.mkdir()
    (accounts / "research.toml").write_text(inventory_of().text)
    synthesise(accounts, tmp_path / "out")
    imports: dict[str, str] = {}
    for stack in ("research-platform", "research-projects"):
        doc = json.loads((tmp_path / "out" / "stacks" / stack / "cdk.tf.json").read_text())
        imports |= {entry["id"]: entry["to"].split(".")[0] for entry in doc.get("import", [])}
    assert imports == {
        DOMAIN_ID: "aws_datazone_domain",
        f"{DOMAIN_ID}/cjegf7f6kky6w7": "aws_datazone_environment_blueprint_configuration",
        f"{DOMAIN_ID}/d6y5smpdi8x9lz": "aws_datazone_environment_blueprint_configuration",
        f"{DOMAIN_ID}/bmz9r2ycf8sa3l": "aws_datazone_environment_blueprint_configuration",
        f"{DOMAIN_ID}/5w4n0hxlc2pbtk": "aws_datazone_environment_blueprint_configuration",
        f"{DOMAIN_ID}|r7c2x9k4p1m6dz": "awscc_datazone_project_profile",
        f"{DOMAIN_ID}|w3h8b5n0t2q7ya": "awscc_datazone_project_profile",
        f"{DOMAIN_ID}|5hq2w8d1m7x4ks": "awscc_datazone_project",
        f"{DOMAIN_ID}|9vt3e6r0b2n8wp": "awscc_datazone_project",
    }


# --- the runbook's "every TODO cleared" check (docs/migration-runbook.md, step 3) ------------------------------------

RUNBOOK = Path(__file__).parents[1] / "docs" / "migration-runbook.md"


def runbook_todo_check() -> list[str]:
    """The runbook's grep command for a cleared file, as written there (so the test fails if the doc changes)."""
    import re
    import shlex

    line = next(row for row in RUNBOOK.read_text().splitlines() if row.startswith("grep ") and "TODO" in row)
    command = shlex.split(line.split("  #")[0].replace('"config/accounts/$ACCOUNT.toml"', "ACCOUNT_FILE"))
    assert command[0] == "grep" and command[-1] == "ACCOUNT_FILE", line
    re.compile(command[2])  # a pattern grep -E can take is one Python can take here
    return command[:-1]


def grep(command: list[str], text: str, tmp_path: Path) -> str:
    import subprocess

    path = tmp_path / "research.toml"
    path.write_text(text)
    return subprocess.run([*command, str(path)], capture_output=True, text=True, check=False).stdout


def test_runbook_todo_check_finds_every_placeholder_but_not_the_header(tmp_path: Path) -> None:
    text = inventory_of().text
    rows = text.splitlines()
    found = {int(hit.split(":", 1)[0]) for hit in grep(runbook_todo_check(), text, tmp_path).splitlines()}
    todo_comments = {number for number, row in enumerate(rows, 1) if row.startswith("# TODO:")}
    assert todo_comments, "the inventory marks its placeholders with # TODO: lines"
    assert todo_comments <= found, "every TODO comment line is reported"
    assert 'bucket = "todo-smus-tfstate-444444444444"' in {rows[n - 1] for n in found}, "and placeholder values"
    header = {number for number, row in enumerate(rows, 1) if row.startswith("# Review every KEEP, TODO")}
    assert header and not header & found, "the header names TODO too; the check must not match it"


def test_runbook_todo_check_prints_nothing_once_every_todo_is_cleared(tmp_path: Path) -> None:
    text = inventory_of().text
    cleared = "\n".join(row for row in text.splitlines() if not row.startswith("# TODO:"))
    cleared = cleared.replace("TODO", "acme").replace("todo", "acme")
    assert grep(runbook_todo_check(), cleared, tmp_path) == ""
    # and a placeholder value whose comment was deleted is still caught
    half = "\n".join(row for row in text.splitlines() if not row.startswith("# TODO:"))
    assert "todo-smus-tfstate-444444444444" in grep(runbook_todo_check(), half, tmp_path)


def test_vpc_blueprints_without_a_network_get_toolings_as_the_account_network_flagged() -> None:
    loaded = validate(inventory_of())
    (network,) = loaded.config.networks.values()
    assert network.vpc_id == "vpc-0c5d6e7f8a9b01234"
    assert len(network.subnet_ids) == 3
    checks = flags(inventory_of(), Severity.CHECK)
    assert "blueprints.DataLake.regional_parameters.eu-west-1" in checks
    assert "blueprints.Tooling.regional_parameters.eu-west-1" not in checks
