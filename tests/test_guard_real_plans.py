"""`smus guard` on plans that real Terraform wrote: the hand-written fixtures could drift from what Terraform prints.

Terraform 1.11 plans offline against the hashicorp/aws provider from a filesystem mirror (no registry, no network):
fake credentials with the provider's `skip_*` settings, `-refresh=false`, and a state file written by hand (format
version 4), so `terraform plan -out` and `terraform show -json` need no AWS account. `terraform init` runs once per
session (fixture `real_plans`), and one plan (fixture `real_plan`) holds every scenario, one domain each.

The pinned mirror holds hashicorp/aws 5.100, whose `aws_datazone_domain` has no `domain_version` (6.x added it), and
no awscc provider, so domain units and a version change are covered by hand-written plans in tests/test_guard.py;
`test_the_hand_written_unit_plan_has_the_shape_terraform_prints` holds that fixture to the shape checked here.

The tests fail (never skip) when terraform or the mirror is missing: CI sets both up (pull-request.yml, verify job).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest

from smus_cli.guard import AllowEntry, AllowList, Finding, GuardReport, Verdict, as_json_report, evaluate
from smus_cli.plan_model import ChangeKind, load_plan

PLANS = Path(__file__).parent / "fixtures" / "plans"
AWS_VERSION = "5.100.0"
#: Where the machine image keeps the mirror; CI points SMUS_TF_PLUGIN_MIRROR at the one it builds.
MIRROR = Path(os.environ.get("SMUS_TF_PLUGIN_MIRROR") or "/opt/tf-plugins")
PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'
MIRROR_STEP = "Provider mirror for the guard's real-plan tests"

OLD_KEY = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
NEW_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
DEPOSED = "1a2b3c4d"
EXEC_ROLE = "arn:aws:iam::111111111111:role/service-role/acme-dev-DomainExecution"


def mirrored_provider(mirror: Path) -> Path | None:
    """The aws plugin in ``mirror``, in either layout Terraform reads: unpacked (the image's) or packed (CI's)."""
    base = mirror / "registry.terraform.io" / "hashicorp" / "aws"
    unpacked = sorted((base / AWS_VERSION / "linux_amd64").glob("terraform-provider-aws_v*"))
    packed = base / f"terraform-provider-aws_{AWS_VERSION}_linux_amd64.zip"
    return unpacked[0] if unpacked else packed if packed.is_file() else None


@dataclass(frozen=True)
class RealPlans:
    """One initialised working directory; :meth:`plan` runs a scenario there and returns `terraform show -json`."""

    root: Path
    env: Mapping[str, str]
    terraform: str

    def plan(self, name: str, resources: dict[str, Any], state: list[dict[str, Any]]) -> Path:
        case = self.root / name
        case.mkdir()
        shutil.copy(self.root / "init" / ".terraform.lock.hcl", case)
        (case / "main.tf.json").write_text(json.dumps({**configuration(), "resource": resources}))
        (case / "terraform.tfstate").write_text(json.dumps(state_file(state)))
        self.run(case, "plan", "-refresh=false", "-lock=false", "-input=false", "-out=plan.tfplan")
        shown = self.run(case, "show", "-json", "plan.tfplan")
        (case / "plan.json").write_text(shown)
        return case / "plan.json"

    def run(self, cwd: Path, *args: str) -> str:
        result = subprocess.run(
            [self.terraform, *args, "-no-color"],
            cwd=cwd,
            env=dict(self.env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"terraform {args[0]} in {cwd.name} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout


def configuration() -> dict[str, Any]:
    """The provider, offline: fake keys and every lookup that would call AWS turned off."""
    return {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": AWS_VERSION}}},
        "provider": {
            "aws": {
                "region": "eu-west-1",
                "access_key": "AKIAIOSFODNN7EXAMPLE",
                "secret_key": "fake-secret-for-an-offline-plan",
                "skip_credentials_validation": True,
                "skip_requesting_account_id": True,
                "skip_metadata_api_check": True,
                "skip_region_validation": True,
            }
        },
    }


def state_file(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "8a7c2f1e-0000-4000-8000-000000000001",
        "outputs": {},
        "resources": resources,
    }


def domain_config(name: str = "acme-dev", key: str = OLD_KEY) -> dict[str, Any]:
    return {"name": name, "domain_execution_role": EXEC_ROLE, "kms_key_identifier": key}


def domain_attributes(domain_id: str = "dzd_5qx1b2c3d4e5f6", key: str = OLD_KEY) -> dict[str, Any]:
    """Every attribute of the 5.100 schema, as the provider's Read leaves them."""
    return {
        "arn": f"arn:aws:datazone:eu-west-1:111111111111:domain/{domain_id}",
        "description": None,
        "domain_execution_role": EXEC_ROLE,
        "id": domain_id,
        "kms_key_identifier": key,
        "name": "acme-dev",
        "portal_url": f"https://{domain_id}.sagemaker.eu-west-1.on.aws",
        "single_sign_on": None,
        "skip_deletion_check": None,
        "tags": None,
        "tags_all": {},
        "timeouts": None,
    }


def domain_in_state(*instances: dict[str, Any], name: str = "Domain") -> dict[str, Any]:
    return {
        "mode": "managed",
        "type": "aws_datazone_domain",
        "name": name,
        "provider": PROVIDER,
        "instances": list(instances),
    }


def instance(attributes: dict[str, Any], deposed: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"schema_version": 0, "attributes": attributes}
    if deposed:
        found["deposed"] = deposed
    return found


@pytest.fixture(scope="session")
def real_plans(tmp_path_factory: pytest.TempPathFactory) -> RealPlans:
    """`terraform init` once per session against the filesystem mirror; a missing tool is a failure, not a skip."""
    terraform = shutil.which("terraform")
    assert terraform is not None, "terraform is not on PATH: the guard's real-plan tests need terraform 1.11 (README)"
    plugin = mirrored_provider(MIRROR)
    assert plugin is not None, (
        f"no hashicorp/aws {AWS_VERSION} plugin in the filesystem mirror {MIRROR} (set SMUS_TF_PLUGIN_MIRROR): "
        f"expected {MIRROR}/registry.terraform.io/hashicorp/aws/{AWS_VERSION}/linux_amd64/terraform-provider-aws_v* "
        f"or a packed terraform-provider-aws_{AWS_VERSION}_linux_amd64.zip beside it (`terraform providers mirror`)"
    )
    root = tmp_path_factory.mktemp("real-plans")
    cli_config = root / "terraform.rc"
    # No `direct {}` source: every provider comes from the mirror or not at all, so nothing can reach the network.
    cli_config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n')
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("TF_", "AWS_"))},
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_DATA_DIR": str(root / "init" / ".terraform"),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    (root / "init").mkdir()
    (root / "init" / "main.tf.json").write_text(json.dumps(configuration()))
    plans = RealPlans(root=root, env=env, terraform=terraform)
    plans.run(root / "init", "init", "-input=false", "-backend=false")
    return plans


KEY_CHANGED = "aws_datazone_domain.KeyChanged"
WITH_DEPOSED = "aws_datazone_domain.WithDeposed"
RENAMED = "aws_datazone_domain.Renamed"
MEMBER_MOVED = "aws_ram_principal_association.MemberMoved"
SHARE_REMOVED = "aws_ram_resource_share.ShareRemoved"
ACCEPTER_REMOVED = "aws_ram_resource_share_accepter.AccepterRemoved"
DOMAIN_SHARED = "aws_ram_resource_association.DomainShared"
SHARE_ARN = "arn:aws:ram:eu-west-1:333333333333:resource-share/8c2f1e6a-0000-4000-8000-000000000001"
DOMAIN_ARN = "arn:aws:datazone:eu-west-1:333333333333:domain/dzd_5qx1b2c3d4e5f6"


def ram_in_state(type_: str, name: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"mode": "managed", "type": type_, "name": name, "provider": PROVIDER, "instances": [instance(attributes)]}


def ram_state() -> list[dict[str, Any]]:
    """A domain account's share with a member, and a member's accepter, as the 5.100 provider's Read leaves them."""
    return [
        ram_in_state(
            "aws_ram_principal_association",
            "MemberMoved",
            {"id": f"{SHARE_ARN},444444444444", "principal": "444444444444", "resource_share_arn": SHARE_ARN},
        ),
        ram_in_state(
            "aws_ram_resource_association",
            "DomainShared",
            {"id": f"{SHARE_ARN},{DOMAIN_ARN}", "resource_arn": DOMAIN_ARN, "resource_share_arn": SHARE_ARN},
        ),
        ram_in_state(
            "aws_ram_resource_share",
            "ShareRemoved",
            {
                "allow_external_principals": False,
                "arn": SHARE_ARN,
                "id": SHARE_ARN,
                "name": "DataZone-acme-prod-dzd_5qx1b2c3d4e5f6",
                "permission_arns": [
                    "arn:aws:ram::aws:permission/AWSRAMPermissionsAmazonDatazoneDomainExtendedServiceAccess"
                ],
                "tags": None,
                "tags_all": {},
                "timeouts": None,
            },
        ),
        ram_in_state(
            "aws_ram_resource_share_accepter",
            "AccepterRemoved",
            {
                "id": SHARE_ARN,
                "invitation_arn": "arn:aws:ram:eu-west-1:333333333333:resource-share-invitation/0001",
                "receiver_account_id": "444444444444",
                "resources": [DOMAIN_ARN],
                "sender_account_id": "333333333333",
                "share_arn": SHARE_ARN,
                "share_id": "rs-8c2f1e6a",
                "share_name": "DataZone-acme-prod-dzd_5qx1b2c3d4e5f6",
                "status": "ACTIVE",
                "timeouts": None,
            },
        ),
    ]


@pytest.fixture(scope="session")
def real_plan(real_plans: RealPlans) -> Path:
    """One plan, three domains (one plan and one `show` cost 10-20 s here, so the scenarios share them):

    * KeyChanged: the config names another key than the one the domain has;
    * WithDeposed: a failed create-before-destroy left a deposed domain beside the current one, which is unchanged;
    * Renamed: a changed `name`, which the provider marks RequiresReplace;
    * the RAM share of an associated account: a member association whose principal changes, a share and a member's
      accepter removed from the configuration, and the domain's association to the share left as it is.
    """
    return real_plans.plan(
        "estate",
        {
            "aws_datazone_domain": {
                "KeyChanged": domain_config(key=NEW_KEY),
                "WithDeposed": domain_config(),
                "Renamed": domain_config(name="acme-dev-analytics"),
            },
            "aws_ram_principal_association": {
                "MemberMoved": {"principal": "555555555555", "resource_share_arn": SHARE_ARN}
            },
            "aws_ram_resource_association": {
                "DomainShared": {"resource_arn": DOMAIN_ARN, "resource_share_arn": SHARE_ARN}
            },
        },
        [
            domain_in_state(instance(domain_attributes("dzd_k3ych4ng3d0001")), name="KeyChanged"),
            domain_in_state(
                instance(domain_attributes("dzd_curr3nt000001")),
                instance(domain_attributes("dzd_0ld0bj3ct0001"), deposed=DEPOSED),
                name="WithDeposed",
            ),
            domain_in_state(instance(domain_attributes("dzd_r3nam3d000001")), name="Renamed"),
            *ram_state(),
        ],
    )


def report_of(plan: Path, allow: AllowList | None = None) -> GuardReport:
    return evaluate(load_plan(plan), allow or AllowList(), today=date(2026, 1, 1), stack="dev-platform")


def finding_of(report: GuardReport, address: str, deposed: str | None = None) -> Finding:
    [found] = [f for f in report.findings if f.change.address == address and f.change.deposed == deposed]
    return found


def raw_change(plan: Path, address: str, deposed: str | None = None) -> dict[str, Any]:
    document = json.loads(plan.read_text())
    [found] = [c for c in document["resource_changes"] if c["address"] == address and c.get("deposed") == deposed]
    return dict(found)


def allow(address: str, action: Literal["delete", "replace", "forget"], deposed: str | None = None) -> AllowEntry:
    return AllowEntry(
        stack="dev-platform",
        address=address,
        action=action,
        deposed=deposed,
        reason="CHG-9: a reviewer's entry for this test",
        expires=date(2099, 1, 1),
    )


def test_the_guard_reads_the_real_plan_and_fails_it(real_plan: Path) -> None:
    report = report_of(real_plan)
    assert report.plan.format_version == "1.2" and report.plan.terraform_version.startswith("1.11")
    assert report.exit_code == 1
    blocked = {(f.change.address, f.change.deposed) for f in report.blocked}
    assert blocked == {
        (KEY_CHANGED, None),
        (WITH_DEPOSED, DEPOSED),
        (RENAMED, None),
        (MEMBER_MOVED, None),
        (SHARE_REMOVED, None),
        (ACCEPTER_REMOVED, None),
    }


# --- (1) a key change --------------------------------------------------------------------------------------------


def test_terraform_plans_a_key_change_as_an_update_and_the_guard_fails_it(real_plan: Path) -> None:
    raw = raw_change(real_plan, KEY_CHANGED)
    # What the provider really does: an in-place update, nothing forcing a replacement (domain.go).
    assert raw["change"]["actions"] == ["update"]
    assert "replace_paths" not in raw["change"] and "action_reason" not in raw
    found = finding_of(report_of(real_plan), KEY_CHANGED)
    assert (found.verdict, found.change.kind) == (Verdict.BLOCKED, ChangeKind.NONE)
    assert [(a.name, a.before, a.after) for a in found.attributes] == [("kms_key_identifier", OLD_KEY, NEW_KEY)]


def test_the_cli_names_kms_key_identifier_and_the_address(real_plan: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smus_cli.app", "guard", str(real_plan), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    [item] = [f for f in json.loads(result.stdout)["findings"] if f["address"] == KEY_CHANGED]
    assert item["attributes"] == [
        {"name": "kms_key_identifier", "before": OLD_KEY, "after": NEW_KEY, "after_unknown": False}
    ]
    table = subprocess.run(
        [sys.executable, "-m", "smus_cli.app", "guard", str(real_plan)], capture_output=True, text=True, check=False
    )
    text = " ".join(table.stdout.split())
    assert f"{KEY_CHANGED}: update in place changes kms_key_identifier from '{OLD_KEY}' to '{NEW_KEY}'" in text, text


def test_no_allow_list_entry_lets_the_key_change_through(real_plan: Path) -> None:
    entries = AllowList(allow=[allow(KEY_CHANGED, action) for action in ("delete", "replace", "forget")])
    assert finding_of(report_of(real_plan, entries), KEY_CHANGED).verdict is Verdict.BLOCKED


# --- (2) a deposed object ------------------------------------------------------------------------------------------


def test_a_deposed_object_terraform_destroys_is_named_with_its_key(real_plan: Path) -> None:
    raw = raw_change(real_plan, WITH_DEPOSED, DEPOSED)
    assert (raw["change"]["actions"], raw["deposed"]) == (["delete"], DEPOSED)
    assert raw_change(real_plan, WITH_DEPOSED)["change"]["actions"] == ["no-op"]  # the current object stays
    report = report_of(real_plan)
    found = finding_of(report, WITH_DEPOSED, DEPOSED)
    assert (found.verdict, found.change.kind) == (Verdict.BLOCKED, ChangeKind.DELETE)
    assert f"deposed key {DEPOSED}" in found.note
    [item] = [f for f in as_json_report(report)["findings"] if f["address"] == WITH_DEPOSED]
    assert (item["deposed"], item["verdict"]) == (DEPOSED, "blocked")
    assert [f.change.address for f in report.findings].count(WITH_DEPOSED) == 1, (
        "the no-op current object is no finding"
    )


def test_only_an_entry_with_the_deposed_key_allows_the_deposed_deletion(real_plan: Path) -> None:
    for_current = report_of(real_plan, AllowList(allow=[allow(WITH_DEPOSED, "delete")]))
    assert finding_of(for_current, WITH_DEPOSED, DEPOSED).verdict is Verdict.BLOCKED
    assert [e.address for e in for_current.unused_entries] == [WITH_DEPOSED]
    for_deposed = report_of(real_plan, AllowList(allow=[allow(WITH_DEPOSED, "delete", DEPOSED)]))
    assert finding_of(for_deposed, WITH_DEPOSED, DEPOSED).verdict is Verdict.ALLOWED


# --- (4) an associated account's RAM share ----------------------------------------------------------------------


def test_moving_a_member_association_is_a_replacement_and_is_blocked(real_plan: Path) -> None:
    raw = raw_change(real_plan, MEMBER_MOVED)
    assert raw["change"]["actions"] == ["delete", "create"]
    assert raw["change"]["replace_paths"] == [["principal"]]
    found = finding_of(report_of(real_plan), MEMBER_MOVED)
    assert (found.verdict, found.change.kind) == (Verdict.BLOCKED, ChangeKind.REPLACE)
    assert "environments are cut off" in found.note


def test_removing_the_share_or_a_members_accepter_is_blocked(real_plan: Path) -> None:
    report = report_of(real_plan)
    for address in (SHARE_REMOVED, ACCEPTER_REMOVED):
        assert raw_change(real_plan, address)["change"]["actions"] == ["delete"]
        found = finding_of(report, address)
        assert (found.verdict, found.change.kind) == (Verdict.BLOCKED, ChangeKind.DELETE), address
    assert DOMAIN_SHARED not in {f.change.address for f in report.findings}, "an unchanged association is no finding"


def test_an_allow_list_entry_lets_a_planned_member_removal_through(real_plan: Path) -> None:
    entries = AllowList(allow=[allow(MEMBER_MOVED, "replace")])
    assert finding_of(report_of(real_plan, entries), MEMBER_MOVED).verdict is Verdict.ALLOWED


# --- (3) replacements, and the shape of the hand-written domain-unit plan -----------------------------------------


def test_a_replacement_terraform_prints_is_blocked_with_its_replace_path(real_plan: Path) -> None:
    found = finding_of(report_of(real_plan), RENAMED)
    assert (found.verdict, found.change.kind) == (Verdict.BLOCKED, ChangeKind.REPLACE)
    assert (found.change.action_reason, found.change.replace_path_strings()) == (
        "replace_because_cannot_update",
        ["name"],
    )
    assert found.attributes == (), "the key did not change, so no immutable attribute is named"


def test_the_hand_written_unit_plan_has_the_shape_terraform_prints(real_plan: Path) -> None:
    """No awscc plugin here: the domain-unit plan is hand-written, so hold it to the keys real Terraform writes."""
    real = raw_change(real_plan, RENAMED)
    written = json.loads((PLANS / "domain-unit-changes.json").read_text())
    [replaced] = [c for c in written["resource_changes"] if c["change"]["actions"] == ["delete", "create"]]
    assert sorted(replaced) == sorted(real)
    assert sorted(replaced["change"]) == sorted(real["change"])
    assert replaced["action_reason"] == real["action_reason"]
    real_document = json.loads(real_plan.read_text())
    assert written["format_version"] == real_document["format_version"]
    assert set(written) <= set(real_document)
    report = report_of(PLANS / "domain-unit-changes.json")
    assert {f.change.address for f in report.blocked} == {
        "awscc_datazone_domain_unit.Units_analytics_78CE29E6",
        "awscc_datazone_domain_unit.Units_risk_C0A12099",
    }


def test_init_ran_once_for_the_session(real_plans: RealPlans, real_plan: Path) -> None:
    """Every scenario uses the one init's data folder (TF_DATA_DIR); none has its own."""
    assert (real_plans.root / "init" / ".terraform" / "providers").is_dir()
    assert not (real_plan.parent / ".terraform").exists()


def test_ci_gives_the_tests_a_mirror_of_the_same_provider() -> None:
    """A runner has no /opt/tf-plugins: the verify job writes a mirror of this version and names it to `make test`."""
    import yaml

    workflow = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pull-request.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["verify"]["steps"]
    names = [step.get("name") for step in steps]
    mirror, tests = steps[names.index(MIRROR_STEP)], steps[names.index("Tests")]
    assert names.index(MIRROR_STEP) < names.index("Tests")
    assert f'"version": "{AWS_VERSION}"' in mirror["run"] and "providers mirror -platform=linux_amd64" in mirror["run"]
    assert tests["env"]["SMUS_TF_PLUGIN_MIRROR"] == "${{ runner.temp }}/tf-mirror"
    assert '"$RUNNER_TEMP/tf-mirror"' in mirror["run"]
