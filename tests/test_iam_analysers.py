"""parliament and cloudsplaining over the synthesised identity policies (issue 12, finding 8 and the analysers).

The example estate and both aws-ia translations must have no unsuppressed finding; each analyser must still catch what
it is there for (a DataZone action on `domain/*` that AWS lists only with `*`, an unknown action, an escalation path);
the suppression file refuses entries without a real reason; and a missing `.venv-audit` fails the gate by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from smus_cli.audit_tools import AnalyserMissingError
from smus_cli.check import run_check
from smus_cli.iam_analysers import (
    SUPPRESSIONS_FILE,
    IamFinding,
    IamSuppression,
    Where,
    analyse,
    gate,
    load_suppressions,
    read_stacks,
    run_gate,
    suppressions_path_for,
    widened,
)
from smus_cli.synth import synthesise
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS, FIXTURE_ESTATE

FIXTURE_SUPPRESSIONS = FIXTURE_ESTATE / "iam-analyser-suppressions.toml"
AWS_IA = Path(__file__).parent / "fixtures" / "aws_ia"
ACCOUNT = "123456789012"


def stack_with_policy(*statements: dict[str, Any]) -> dict[str, StackDoc]:
    """One stack: a role and its inline policy, as the constructs synthesise them."""
    meta = {"//": {"metadata": {"path": "lab-bootstrap/Role/Resource"}}}
    return {
        "lab-bootstrap": {
            "provider": {"aws": [{"region": "eu-west-1", "allowed_account_ids": [ACCOUNT]}]},
            "resource": {
                "aws_iam_role": {"Role": {**meta, "name": "lab", "path": "/", "assume_role_policy": "{}"}},
                "aws_iam_role_policy": {
                    "Policy": {
                        "//": {"metadata": {"path": "lab-bootstrap/Role/Policy"}},
                        "name": "LabPolicy",
                        "role": "${aws_iam_role.Role.id}",
                        "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)}),
                    }
                },
            },
        }
    }


def issues(findings: list[IamFinding], analyser: str) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.issue, f.actions) for f in findings if f.analyser == analyser}


# --- the estates ----------------------------------------------------------------------------------------------------


def test_the_example_estate_has_no_unsuppressed_finding(example_stacks: dict[str, StackDoc]) -> None:
    result = run_gate(example_stacks, FIXTURE_SUPPRESSIONS)
    assert result.ok, result.report()
    counts = result.counts()
    assert counts["parliament"]["findings"] > 0 and counts["cloudsplaining"]["findings"] > 0, result.report()
    assert result.policies >= 10 and result.roles >= 10
    assert set(result.versions) == {"parliament", "cloudsplaining"}


def association_entries(entry: dict[str, Any]) -> bool:
    """An entry for the RAM share of associated accounts (README, "Associated accounts"): only RAM actions."""
    return all(str(action).startswith("ram:") for action in entry["actions"])


def test_the_fixture_estate_accepts_exactly_what_the_project_file_accepts() -> None:
    """The same entries, but for those of associated accounts: the fixture estate has none (its prod-ml lives in
    tests/fixtures/members/, and tests/test_associated_accounts.py gates that estate with the project file)."""
    import tomllib

    fixture = tomllib.loads(FIXTURE_SUPPRESSIONS.read_text())["suppress"]
    project = tomllib.loads(SUPPRESSIONS_FILE.read_text())["suppress"]
    assert fixture == [entry for entry in project if not association_entries(entry)]
    assert not any(association_entries(entry) for entry in fixture)


def test_the_accepted_findings_are_owned_by_security() -> None:
    codeowners = (Path(__file__).parent.parent / ".github" / "CODEOWNERS").read_text()
    assert "/config/iam-analyser-suppressions.toml @acme/security" in codeowners


AWS_IA_EXAMPLES = ["quick-setup", "domain-management-and-bring-your-own-role"]
#: What an estate that creates its Tooling bucket (no s3_location) accepts beyond the project's file.
TOOLING_BUCKET_ISSUES = {
    ("cloudsplaining", "ResourceExposure"): (
        "s3:DeleteBucketPolicy",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
    ),
    ("parliament", "RESOURCE_POLICY_PRIVILEGE_ESCALATION"): ("s3:PutBucketPolicy",),
}


@pytest.mark.parametrize("example", AWS_IA_EXAMPLES)
def test_the_aws_ia_translations_have_no_unsuppressed_finding(tmp_path: Path, example: str) -> None:
    """Both create their Tooling bucket, so each gates with its own file (beside its accounts folder, as `smus check`
    finds it), and every entry of that file must be used."""
    accounts = AWS_IA / example / "accounts"
    assert suppressions_path_for(accounts) == AWS_IA / example / "iam-analyser-suppressions.toml"
    synthesise(accounts, tmp_path / "cdktf.out")
    result = run_gate(read_stacks(tmp_path / "cdktf.out"), suppressions_path_for(accounts))
    assert result.ok, result.report()
    project = load_suppressions(SUPPRESSIONS_FILE)
    accepted = {(f.analyser, f.issue): s.actions for f, s in result.suppressed if s not in project}
    assert accepted == TOOLING_BUCKET_ISSUES
    # The project's file does not accept them: an estate that hands its buckets in (the example) never needs them.
    assert {(f.analyser, f.issue) for f in run_gate(read_stacks(tmp_path / "cdktf.out")).unsuppressed} == set(
        TOOLING_BUCKET_ISSUES
    )


@pytest.mark.parametrize("example", AWS_IA_EXAMPLES)
def test_an_aws_ia_translation_accepts_the_project_entries_verbatim_and_only_the_tooling_bucket_besides(
    example: str,
) -> None:
    """The translation's file is the project's entries it uses, unchanged, plus the Tooling bucket's: a reason that
    drifts from the project's (or a broader entry) fails here."""
    project = load_suppressions(SUPPRESSIONS_FILE)
    own = load_suppressions(AWS_IA / example / "iam-analyser-suppressions.toml")
    extra = [entry for entry in own if entry not in project]
    assert {(entry.analyser, entry.issue): entry.actions for entry in extra} == TOOLING_BUCKET_ISSUES
    assert all("SMUS-027" in entry.reason and entry.stacks == "*-bootstrap" for entry in extra)
    assert all(entry.resource == "*/DeployRole/Policy-DeployEstate" for entry in extra)


def test_no_deploy_or_plan_action_is_granted_on_a_resource_type_it_does_not_take(
    example_stacks: dict[str, StackDoc],
) -> None:
    """Finding 8: every DataZone, SNS and Config action on a resource it applies to (only KMS aliases are split)."""
    bootstrap = {name: doc for name, doc in example_stacks.items() if name.endswith("-bootstrap")}
    findings, _, _, _ = analyse(bootstrap)
    mismatched = {a for f in findings if f.analyser == "parliament" for a in f.actions}
    assert mismatched <= {"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"}, mismatched
    assert not [f for f in findings if f.issue in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX", "UNKNOWN_CONDITION_FOR_ACTION")]


# --- the analysers still catch what they are for --------------------------------------------------------------------


def test_parliament_finds_datazone_on_domain_an_unknown_action_and_a_wrong_condition_key() -> None:
    findings, policies, roles, _ = analyse(
        stack_with_policy(
            {
                "Effect": "Allow",
                "Action": ["datazone:CreateProject", "sns:Unsubscribe"],
                "Resource": f"arn:aws:datazone:eu-west-1:{ACCOUNT}:domain/*",
            },
            {"Effect": "Allow", "Action": "datazone:CreatePrject", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "${aws_kms_key.Key.arn}",
                "Condition": {"StringEquals": {"iam:PassedToService": "s3.amazonaws.com"}},
            },
        )
    )
    assert (policies, roles) == (1, 1)
    found = issues(findings, "parliament")
    assert ("RESOURCE_MISMATCH", ("datazone:CreateProject",)) in found
    assert ("RESOURCE_MISMATCH", ("sns:Unsubscribe",)) in found
    assert any(issue == "UNKNOWN_ACTION" for issue, _ in found), found
    assert any(issue == "UNKNOWN_CONDITION_FOR_ACTION" for issue, _ in found), found
    assert all(f.resource == "lab-bootstrap/Role/Policy" and f.stack == "lab-bootstrap" for f in findings)


def test_cloudsplaining_finds_an_escalation_path_in_the_roles_it_is_given() -> None:
    findings, _, _, _ = analyse(
        stack_with_policy({"Effect": "Allow", "Action": ["iam:PutRolePolicy"], "Resource": "*"})
    )
    found = issues(findings, "cloudsplaining")
    assert ("PrivilegeEscalation/PutRolePolicy", ("iam:putrolepolicy",)) in found, found


def test_parliament_names_the_bucket_privilege_that_could_rewrite_a_bucket_policy() -> None:
    """The Tooling bucket's entry accepts s3:PutBucketPolicy; a later grant of s3:PutBucketAcl is a new finding."""
    bucket = "arn:aws:s3:::smus-tooling-123456789012-eu-west-1"
    findings, _, _, _ = analyse(
        stack_with_policy({"Effect": "Allow", "Action": ["s3:PutBucketPolicy", "s3:PutBucketAcl"], "Resource": bucket})
    )
    escalations = {f.actions for f in findings if f.issue == "RESOURCE_POLICY_PRIVILEGE_ESCALATION"}
    assert escalations == {("s3:PutBucketPolicy",), ("s3:PutBucketAcl",)}
    entry = IamSuppression(
        "parliament",
        "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
        "lab-*",
        "*/Role/Policy",
        ("s3:PutBucketPolicy",),
        "the Tooling bucket's policy, held by SMUS-027",
    )
    result = gate(findings, [entry])
    assert {f.actions for f in result.unsuppressed if f.issue == "RESOURCE_POLICY_PRIVILEGE_ESCALATION"} == {
        ("s3:PutBucketAcl",)
    }


def test_references_are_widened_to_the_stacks_partition_region_and_account() -> None:
    where = Where("aws", "eu-west-1", ACCOUNT)
    assert widened("${aws_kms_key.K.arn}", where) == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/*"
    assert widened("arn:aws:datazone:eu-west-1:1:domain/${aws_datazone_domain.D.id}", where).endswith("domain/*")
    assert widened(["${data.aws_caller_identity.C.account_id}"], where) == ["*"]
    assert Where.of({"provider": {"aws": [{"region": "cn-north-1", "allowed_account_ids": ["1"]}]}}).partition == (
        "aws-cn"
    )


# --- suppressions ---------------------------------------------------------------------------------------------------

GOOD = """
[[suppress]]
analyser = "parliament"
issue = "RESOURCE_MISMATCH"
stacks = "*-bootstrap"
resource = "*/Role/Policy"
actions = ["sns:Unsubscribe"]
reason = "Accepted for the test: a reason long enough to say why it is accepted."
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('reason = "Accepted for the test: a reason long enough to say why it is accepted."', 'reason = "ok"', "40"),
        ('reason = "Accepted', 'why = "x"\nreason = "Accepted', "unknown key"),
        ('actions = ["sns:Unsubscribe"]', 'actions = ["*"]', "not every action"),
        ('resource = "*/Role/Policy"', 'resource = "*"', "not every resource"),
        ('analyser = "parliament"', 'analyser = "pmapper"', "one of parliament, cloudsplaining"),
    ],
)
def test_a_suppression_without_substance_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(ValueError, match=message) as error:
        load_suppressions(path)
    assert str(path) in str(error.value) and "suppress[0]" in str(error.value)


def test_a_suppression_accepts_only_the_findings_it_names_and_an_unused_one_fails(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(GOOD)
    (suppression,) = load_suppressions(path)
    finding = IamFinding("parliament", "lab-bootstrap", "lab-bootstrap/Role/Policy", "a.b", "RESOURCE_MISMATCH", ())
    other = IamFinding(
        "parliament", "lab-bootstrap", "lab-bootstrap/Role/Policy", "a.b", "RESOURCE_MISMATCH", ("kms:Decrypt",)
    )
    accepted = IamFinding(
        "parliament", "lab-bootstrap", "lab-bootstrap/Role/Policy", "a.b", "RESOURCE_MISMATCH", ("sns:Unsubscribe",)
    )
    result = gate([other, accepted], [suppression])
    assert result.unsuppressed == [other] and [f for f, _ in result.suppressed] == [accepted]
    assert not result.ok
    unused = gate([], [suppression, IamSuppression("parliament", "X", "*", "a/*", (), "r" * 40)])
    assert len(unused.unused) == 2 and not unused.ok
    assert suppression.matches(finding), "a finding with no actions needs no action listed"


# --- fail closed ----------------------------------------------------------------------------------------------------


def test_a_missing_audit_environment_fails_the_gate_naming_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMUS_AUDIT_VENV", str(tmp_path / "no-venv"))
    with pytest.raises(AnalyserMissingError, match="make audit-install"):
        analyse(stack_with_policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}))
    out = Console(record=True, width=400)
    code = run_check(
        FIXTURE_ACCOUNTS, None, ["dev"], tmp_path / "r", (), with_checkov=False, show_all=False, out=out, err=out
    )
    printed = out.export_text()
    assert code == 1, printed
    assert "iam:       NOT INSTALLED" in printed and "make audit-install" in printed, printed
    report = json.loads((tmp_path / "r" / "governance-report.json").read_text())
    assert report["ok"] is False and report["iam_analysers"]["status"] == "not installed"


def test_check_reports_the_analysers_in_json_and_the_table(tmp_path: Path) -> None:
    out = Console(record=True, width=400)
    code = run_check(
        FIXTURE_ACCOUNTS, None, ["prod"], tmp_path, (), with_checkov=False, show_all=False, out=out, err=out
    )
    printed = out.export_text()
    assert code == 0, printed
    assert "iam:       passed" in printed and "parliament" in printed and "cloudsplaining" in printed, printed
    report = json.loads((tmp_path / "governance-report.json").read_text())["iam_analysers"]
    assert report["status"] == "passed" and report["unsuppressed"] == []
    assert report["counts"]["parliament"]["suppressed"] > 0
    assert all(item["reason"] for item in report["suppressed"])
