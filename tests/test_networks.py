"""Networks: blueprints whose environments provision into a VPC get S3Location, VpcId and Subnets in every region.

aws-ia's quick-setup gives these regional parameters to Tooling, DataLake, LakehouseCatalog, RedshiftServerless,
EmrServerless, EmrOnEc2, MLExperiments and Workflows, and none to the Bedrock and QuickSight blueprints. An account
names a default network per region (`[networks.<region>]`) that such blueprints inherit; a blueprint's own
`regional_parameters` override it. Such a blueprint without a network is a config error.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_cli.synth import synthesise
from smus_constructs.blueprint_names import VPC_BLUEPRINTS, BlueprintName
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS

AWS_IA = Path(__file__).parent / "fixtures" / "aws_ia"
DEV_VPC = "vpc-0a1b2c3d4e5f60718"
DEV_SUBNETS = "subnet-0a1b2c3d4e5f60711,subnet-0a1b2c3d4e5f60712"


def dev_copy(tmp_path: Path, *edits: Callable[[str], str]) -> Path:
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    dev = config_dir / "dev.toml"
    text = dev.read_text()
    for edit in edits:
        text = edit(text)
    dev.write_text(text)
    return config_dir


def after(marker: str, added: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert marker in text, f"{marker!r} not in dev.toml"
        return text.replace(marker, f"{marker}\n{added}", 1)

    return edit


def configs_by_blueprint(doc: StackDoc) -> dict[str, dict[str, Any]]:
    return {
        body["//"]["metadata"]["path"].split("/Blueprint-")[1].split("/")[0]: body
        for body in doc["resource"]["aws_datazone_environment_blueprint_configuration"].values()
    }


def dev_platform(config_dir: Path, tmp_path: Path) -> dict[str, dict[str, Any]]:
    outdir = tmp_path / "cdktf.out"
    synthesise(config_dir, outdir, accounts=["dev"])
    return configs_by_blueprint(json.loads((outdir / "stacks" / "dev-platform" / "cdk.tf.json").read_text()))


def test_the_vpc_blueprints_are_those_aws_ia_gives_networks() -> None:
    assert {b.value for b in VPC_BLUEPRINTS} == {
        "Tooling", "DataLake", "LakehouseCatalog", "RedshiftServerless", "EmrServerless", "EmrOnEc2",
        "MLExperiments", "Workflows",
    }  # fmt: skip


def test_every_vpc_blueprint_of_the_example_estate_has_its_network(example_stacks: dict[str, StackDoc]) -> None:
    checked = 0
    for stack, doc in example_stacks.items():
        if not stack.endswith("-platform"):
            continue
        for name, config in configs_by_blueprint(doc).items():
            params = config.get("regional_parameters") or {}
            if BlueprintName(name) in VPC_BLUEPRINTS:
                for region in config["enabled_regions"]:
                    assert set(params.get(region, {})) == {"S3Location", "Subnets", "VpcId"}, (stack, name, region)
                    assert params[region]["VpcId"].startswith("vpc-"), (stack, name)
                    assert all(s.startswith("subnet-") for s in params[region]["Subnets"].split(",")), (stack, name)
                    checked += 1
            else:
                assert params == {}, (stack, name, params)
    assert checked >= 12  # Tooling, DataLake, RedshiftServerless, MLExperiments in three accounts


def test_blueprints_inherit_the_accounts_network_and_tooling_bucket(tmp_path: Path) -> None:
    configs = dev_platform(FIXTURE_ACCOUNTS, tmp_path)
    for name in ("DataLake", "RedshiftServerless", "MLExperiments"):
        assert configs[name]["regional_parameters"]["eu-west-1"] == {
            "S3Location": "s3://acme-smus-dev-projects/tooling",  # Tooling's, as aws-ia shares the domain bucket
            "Subnets": DEV_SUBNETS,
            "VpcId": DEV_VPC,
        }, name
    assert configs["Tooling"]["regional_parameters"]["eu-west-1"]["VpcId"] == DEV_VPC
    assert "regional_parameters" not in configs["AmazonBedrockChatAgent"]


def test_a_blueprints_own_network_overrides_the_default(tmp_path: Path) -> None:
    config_dir = dev_copy(
        tmp_path,
        after(
            "[blueprints.RedshiftServerless]",
            '[blueprints.RedshiftServerless.regional_parameters.eu-west-1]\nvpc_id = "vpc-0d0d0d0d0d0d0d0d0"\n'
            'subnet_ids = ["subnet-0d0d0d0d0d0d0d0d1"]\ns3_location = "s3://acme-smus-dev-redshift"',
        ),
    )
    configs = dev_platform(config_dir, tmp_path)
    assert configs["RedshiftServerless"]["regional_parameters"]["eu-west-1"] == {
        "S3Location": "s3://acme-smus-dev-redshift",
        "Subnets": "subnet-0d0d0d0d0d0d0d0d1",
        "VpcId": "vpc-0d0d0d0d0d0d0d0d0",
    }
    assert configs["DataLake"]["regional_parameters"]["eu-west-1"]["VpcId"] == DEV_VPC


def test_a_vpc_blueprint_without_a_network_is_an_error_naming_it(tmp_path: Path) -> None:
    config_dir = dev_copy(tmp_path, after("[blueprints.DataLake]", 'regions = ["eu-west-1", "eu-central-1"]'))
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    text = str(raised.value)
    assert "dev.toml: blueprints.DataLake.regional_parameters.eu-central-1 = (missing)" in text
    assert "vpc_id and subnet_ids for DataLake in eu-central-1" in text
    assert "[networks.eu-central-1]" in text


def test_a_network_outside_the_home_region_needs_its_own_s3_location(tmp_path: Path) -> None:
    config_dir = dev_copy(
        tmp_path,
        after("[blueprints.DataLake]", 'regions = ["eu-west-1", "eu-central-1"]'),
        after(
            "[blueprints.Tooling]",
            '[networks.eu-central-1]\nvpc_id = "vpc-0e0e0e0e0e0e0e0e0"\nsubnet_ids = ["subnet-0e0e0e0e0e0e0e0e1"]\n',
        ),
    )
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    text = str(raised.value)
    assert "dev.toml: blueprints.DataLake.regional_parameters.eu-central-1.s3_location = (missing)" in text
    assert "or s3_location in [networks.eu-central-1]" in text


def test_a_network_in_a_second_region_with_its_bucket_is_used_there(tmp_path: Path) -> None:
    config_dir = dev_copy(
        tmp_path,
        after("[blueprints.DataLake]", 'regions = ["eu-west-1", "eu-central-1"]'),
        after(
            "[blueprints.Tooling]",
            '[networks.eu-central-1]\nvpc_id = "vpc-0e0e0e0e0e0e0e0e0"\nsubnet_ids = ["subnet-0e0e0e0e0e0e0e0e1"]\n'
            's3_location = "s3://acme-smus-dev-frankfurt"\n',
        ),
    )
    params = dev_platform(config_dir, tmp_path)["DataLake"]["regional_parameters"]
    assert params["eu-central-1"] == {
        "S3Location": "s3://acme-smus-dev-frankfurt",
        "Subnets": "subnet-0e0e0e0e0e0e0e0e1",
        "VpcId": "vpc-0e0e0e0e0e0e0e0e0",
    }
    assert params["eu-west-1"]["VpcId"] == DEV_VPC


def test_a_vpc_without_subnets_is_an_error(tmp_path: Path) -> None:
    config_dir = dev_copy(
        tmp_path,
        after(
            "[blueprints.DataLake]",
            '[blueprints.DataLake.regional_parameters.eu-west-1]\nvpc_id = "vpc-0d0d0d0d0d0d0d0d0"',
        ),
    )
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    text = str(raised.value)
    assert "dev.toml: blueprints.DataLake.regional_parameters.eu-west-1.subnet_ids = []" in text
    assert "vpc_id and subnet_ids given together" in text


def test_a_network_needs_a_vpc_and_subnets(tmp_path: Path) -> None:
    def drop_subnets(text: str) -> str:
        start = text.index("[networks.eu-west-1]")
        line = text.index("subnet_ids", start)
        return text[:line] + text[text.index("\n", line) + 1 :]

    with pytest.raises(ConfigError, match=r"dev\.toml: networks\.eu-west-1\.subnet_ids = \(missing\)"):
        load_estate(dev_copy(tmp_path, drop_subnets))


@pytest.mark.parametrize("example", ["quick-setup", "domain-management-and-bring-your-own-role"])
def test_the_aws_ia_translations_give_their_vpc_blueprints_networks(example: str) -> None:
    (loaded,) = load_estate(AWS_IA / example / "accounts")
    vpc = [name for name in loaded.config.blueprints if name in VPC_BLUEPRINTS]
    assert vpc, example
