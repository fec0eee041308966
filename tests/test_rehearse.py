"""The deploy rehearsal (`make rehearse`): its override keeps the account pinning and moves only the endpoint, its
gaps are named, and - the test that matters - the whole rehearsal runs against its own moto server and passes.

The full run needs terraform, an aws provider (the registry or a filesystem mirror) and .venv-rehearse, which this
test makes with `make rehearse-install` when it is missing. Anything else missing fails the test, naming it: the
rehearsal never silently skips.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smus_cli.moto_server import port_open
from smus_cli.rehearse import (
    DEFAULT_VENV,
    MOTO_PATTERN_OPERATORS,
    PROJECT_ROOT,
    cli_config_text,
    drift_scripts,
    mirrored_versions,
    pattern_operators,
)
from smus_cli.rehearse_override import ENDPOINT_SERVICES, rehearsal_override

ENDPOINT = "http://127.0.0.1:4566"


def stack(**resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "terraform": {
            "backend": {"s3": {"bucket": "real-state", "key": "ops.tfstate"}},
            "required_providers": {"aws": {"source": "hashicorp/aws", "version": "6.69.1"}},
        },
        "provider": {
            "aws": [
                {
                    "allowed_account_ids": ["111111111111"],
                    "assume_role": [{"role_arn": "arn:aws:iam::111111111111:role/smus-deploy"}],
                    "region": "eu-west-1",
                }
            ]
        },
        "resource": resources,
    }


def test_override_moves_the_endpoint_and_state_and_keeps_the_account_pinning() -> None:
    override, gaps = rehearsal_override(stack(), endpoint=ENDPOINT, state_path="/tmp/x.tfstate", provider_version=None)
    provider = override["provider"]["aws"][0]
    assert provider["endpoints"] == [dict.fromkeys(ENDPOINT_SERVICES, ENDPOINT)]
    assert {"sts", "iam", "kms", "s3", "events", "cloudwatch"} <= set(ENDPOINT_SERVICES)
    assert provider["skip_metadata_api_check"] is True and provider["s3_use_path_style"] is True
    # Terraform merges the override over the stack: what it does not name (account pinning, role, region) stays.
    assert not {"allowed_account_ids", "assume_role", "region"} & set(provider)
    assert override["terraform"]["backend"] == {"local": {"path": "/tmp/x.tfstate"}}
    assert "required_providers" not in override["terraform"]
    assert gaps == []


def test_override_relaxes_the_provider_pin_only_when_told() -> None:
    override, _ = rehearsal_override(stack(), endpoint=ENDPOINT, state_path="s", provider_version="5.100.0")
    assert override["terraform"]["required_providers"] == {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}


def test_override_refuses_a_stack_with_another_provider() -> None:
    document = stack()
    document["provider"]["awscc"] = [{"region": "eu-west-1"}]
    with pytest.raises(ValueError, match=r"not an aws-only stack: providers \['aws', 'awscc'\]"):
        rehearsal_override(document, endpoint=ENDPOINT, state_path="s", provider_version=None)


def test_moto_gaps_are_named_and_worked_around_only_where_they_apply() -> None:
    document = stack(
        aws_config_config_rule={
            "Guard": {"name": "g", "source": {"owner": "CUSTOM_POLICY"}},
            "Managed": {"name": "m", "source": {"owner": "AWS"}, "scope": {"tag_key": "ManagedBy"}},
            "Typed": {
                "name": "t",
                "source": {"owner": "AWS"},
                "scope": {"compliance_resource_types": ["AWS::S3::Bucket"]},
            },
        },
        aws_s3_bucket_lifecycle_configuration={
            "Lifecycle": {"rule": [{"id": "r", "noncurrent_version_expiration": [{"newer_noncurrent_versions": 10}]}]}
        },
    )
    override, gaps = rehearsal_override(document, endpoint=ENDPOINT, state_path="s", provider_version=None)
    assert override["resource"]["aws_config_config_rule"] == {
        "Guard": {"count": 0},
        "Managed": {"lifecycle": {"ignore_changes": ["scope"]}},
    }
    assert override["resource"]["aws_s3_bucket_lifecycle_configuration"]["Lifecycle"]["rule"] == [
        {"id": "r", "noncurrent_version_expiration": [{}]}
    ]
    assert [gap.address for gap in gaps] == [
        "aws_config_config_rule.Guard",
        "aws_config_config_rule.Managed",
        "aws_s3_bucket_lifecycle_configuration.Lifecycle",
    ]
    assert "moto gap at aws_config_config_rule.Guard: PutConfigRule fails on CUSTOM_POLICY" in gaps[0].line()


def test_a_prefixed_service_principal_ignores_the_suffix_moto_reads_back() -> None:
    document = stack(
        aws_iam_service_linked_role={
            "EmrServerless": {"aws_service_name": "ops.emr-serverless.amazonaws.com"},
            "Redshift": {"aws_service_name": "redshift.amazonaws.com"},
            "Suffixed": {"aws_service_name": "observability.aoss.amazonaws.com", "custom_suffix": "x"},
        }
    )
    override, gaps = rehearsal_override(document, endpoint=ENDPOINT, state_path="s", provider_version=None)
    assert override["resource"]["aws_iam_service_linked_role"] == {
        "EmrServerless": {"lifecycle": {"ignore_changes": ["custom_suffix"]}}
    }
    assert [gap.address for gap in gaps] == ["aws_iam_service_linked_role.EmrServerless"]
    assert "ops.emr-serverless.amazonaws.com names the role with a suffix" in gaps[0].line()


def test_a_gap_resource_that_others_reference_is_not_left_out() -> None:
    document = stack(
        aws_config_config_rule={"Guard": {"name": "g", "source": {"owner": "CUSTOM_POLICY"}}},
        terraform_data={"Uses": {"input": "${aws_config_config_rule.Guard.arn}"}},
    )
    override, gaps = rehearsal_override(document, endpoint=ENDPOINT, state_path="s", provider_version=None)
    assert "resource" not in override and gaps == []


def test_pattern_operators_finds_what_moto_cannot_match() -> None:
    pattern = {
        "source": ["aws.datazone"],
        "detail": {
            "$or": [
                {"userIdentity": {"arn": [{"anything-but": ["arn:aws:iam::1:role/x"]}]}},
                {"userIdentity": {"arn": [{"exists": False}]}},
            ],
            "eventName": [{"wildcard": "Create*"}],
            "awsRegion": [{"anything-but": {"prefix": "us-"}}],
        },
    }
    found = pattern_operators(pattern)
    assert found == {"$or", "anything-but", "exists", "wildcard", "anything-but/prefix"}
    assert found - MOTO_PATTERN_OPERATORS - {"$or"} == {"wildcard", "anything-but/prefix"}
    assert pattern_operators({"source": ["aws.datazone"]}) == set()


def test_the_drift_scripts_are_the_workflows_own() -> None:
    scripts = {name: (script, always) for name, script, always in drift_scripts()}
    assert "terraform -chdir=" in scripts["plan"][0] and "plan -detailed-exitcode" in scripts["plan"][0]
    assert "DriftCheckCompleted" in scripts["heartbeat"][0] and scripts["heartbeat"][1] is False
    published = scripts.get("publish", scripts["plan"])[0]
    assert "DriftDetected" in published and "DriftCheckErrors" in published


def test_cli_config_uses_the_mirror_for_aws_only_and_one_plugin_cache(tmp_path: Path) -> None:
    text = cli_config_text(Path("/opt/tf-plugins"), tmp_path / "cache")
    assert f'plugin_cache_dir = "{tmp_path / "cache"}"' in text
    assert 'path    = "/opt/tf-plugins"' in text and 'include = ["registry.terraform.io/hashicorp/aws"]' in text
    assert "filesystem_mirror" not in cli_config_text(None, tmp_path / "cache")
    folder = tmp_path / "m" / "registry.terraform.io" / "hashicorp" / "aws"
    for version in ("5.9.0", "5.100.0", "6.69.1"):
        (folder / version).mkdir(parents=True)
    assert mirrored_versions(tmp_path / "m") == ["5.9.0", "5.100.0", "6.69.1"]
    assert mirrored_versions(tmp_path / "none") == []


REQUIRED_STEPS = (
    "apply-bootstrap",
    "apply-ops",
    "dashboard",
    "drift-clean",
    "drift-detected",
    "drift-restored",
    "drift-error",
    "guard-destructive",
)


def test_the_rehearsal_passes_against_its_own_moto_server() -> None:
    if not (DEFAULT_VENV / ".installed").is_file():
        made = subprocess.run(
            ["make", "--no-print-directory", "rehearse-install"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert made.returncode == 0, f"make rehearse-install failed:\n{made.stdout}\n{made.stderr}"
    result = subprocess.run(
        [sys.executable, "-m", "smus_cli.rehearse"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    output = result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    verdicts = {step: verdict for verdict, step in re.findall(r"^(PASS|FAIL) (\S+)", result.stdout, re.MULTILINE)}
    assert result.returncode == 0, output
    for step in REQUIRED_STEPS:
        assert verdicts.get(step) == "PASS", f"{step}: {verdicts.get(step, 'not run')}\n{output}"
    alerts = {step: verdict for step, verdict in verdicts.items() if step.startswith("alert-pattern-")}
    assert {"alert-pattern-console-user", "alert-pattern-pipeline-role", "alert-pattern-root-user"} <= set(alerts)
    assert set(alerts.values()) == {"PASS"}, output
    assert re.fullmatch(r"rehearsal: \d+ passed, 0 failed", lines[-1]), lines[-1]
    assert "relaxed the aws provider pin" in output or "no aws provider mirror" in output
    # The key-usage rule: applied and re-planned against the stand-in of the platform's domain key, and named as
    # the moto gap it is (moto never matches a field inside an array of objects).
    assert re.search(r"created alias/smus/\S+ -> arn:aws:kms:\S+ in moto for data\.aws_kms_alias\.", output), output
    assert re.search(r"moto gap at aws_cloudwatch_event_rule\.DomainKeyUsage_Rule_\w+: .*resources\[\]\.ARN", output)
    # Nothing left behind: the server's port is free and its temporary folder is gone.
    port = int(re.search(r"moto server on http://127\.0\.0\.1:(\d+)", output).group(1))  # type: ignore[union-attr]
    assert not port_open(port), f"port {port} still answers after the rehearsal"
    folder = Path(re.search(r"rehearsing \S+ \(\S+ \S+\) in (\S+)", output).group(1))  # type: ignore[union-attr]
    assert not folder.exists(), f"{folder} left behind"
