"""SMUS-026 against AWS's IAM definitions and the synthesised estate with a member (prod-ml joins prod's domain).

The fixtures of tests/rule_cases.py say what the rule fails; these say that what it demands can be demanded (each
condition key is one AWS evaluates for that action), that it knows every RAM write action, and that the deploy
roles the bootstrap stacks write pass on their own side of the association and fail on the other.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from config.governance import load_governance_for
from config.loader import LoadedAccount, load_estate
from smus_cli.runtime import PROJECT_ROOT
from smus_cli.synth import synthesise
from smus_rules.doc import StackDoc
from smus_rules.model import Finding, RuleContext, Status
from smus_rules.rules.smus_026_ram_least_privilege import DOMAIN_SIDE, MEMBER_SIDE, RAM_WRITE_ACTIONS, RULE
from tests.test_associations_config import associated_estate

DEPLOY_POLICY = "aws_iam_role_policy.DeployRole_Policy-DeployEstate_8BD7EB73"


def _ram_definition() -> dict[str, Any]:
    """RAM's privileges and resource types, from the IAM definitions parliament bundles (.venv-audit)."""
    found = sorted(PROJECT_ROOT.glob(".venv-audit/lib/python*/site-packages/parliament/iam_definition.json"))
    assert found, "parliament's iam_definition.json is missing: make audit-install"
    (ram,) = [s for s in json.loads(found[0].read_text(encoding="utf-8")) if s["prefix"] == "ram"]
    return dict(ram)


def test_the_rule_knows_every_ram_write_action_aws_defines() -> None:
    privileges = _ram_definition()["privileges"]
    writes = {f"ram:{p['privilege']}" for p in privileges if p["access_level"] not in ("Read", "List")}
    assert set(RAM_WRITE_ACTIONS) == writes, sorted(writes ^ set(RAM_WRITE_ACTIONS))


@pytest.mark.parametrize("side", [DOMAIN_SIDE, MEMBER_SIDE], ids=["domain", "member"])
def test_each_condition_key_the_rule_demands_is_one_aws_evaluates_for_that_action(side: dict[str, Any]) -> None:
    """A key AWS does not evaluate for an action is absent from its requests: demanding it would deny the pipeline
    (or, under IfExists, scope nothing). Keys count from the action itself or from the resource types it acts on."""
    ram = _ram_definition()
    by_resource = {r["resource"]: set(r["condition_keys"]) for r in ram["resources"]}
    by_action = {p["privilege"]: p["resource_types"] for p in ram["privileges"]}
    for action, scopes in side.items():
        applies: set[str] = set()
        for entry in by_action[action.split(":", 1)[1]]:
            applies |= set(entry["condition_keys"]) | by_resource.get(entry["resource_type"].rstrip("*"), set())
        lowered = {key.lower().replace("${tagkey}", "") for key in applies}
        for scope in scopes:
            for key in scope.keys:
                assert key.lower() in lowered, f"{action}: AWS does not evaluate {key} for it ({sorted(applies)})"


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, StackDoc], dict[str, RuleContext]]:
    """The associated estate's bootstrap stacks, and the rule context governance gives each (from both files)."""
    root = tmp_path_factory.mktemp("ram-rule")
    config_dir = associated_estate(root)
    synthesise(config_dir, root / "out")
    accounts: list[LoadedAccount] = load_estate(config_dir)
    governance = load_governance_for(config_dir, accounts)
    docs, contexts = {}, {}
    for account in accounts:
        stack = f"{account.name}-bootstrap"
        docs[stack] = StackDoc(json.loads((root / "out" / "stacks" / stack / "cdk.tf.json").read_text()))
        contexts[stack] = governance.context_for(account, stack, local_backend_allowed=True)
    return docs, contexts


def _findings(doc: StackDoc, context: RuleContext) -> list[Finding]:
    return [item for item in RULE.evaluate(doc, context) if item.status is not Status.NOT_APPLICABLE]


def test_governance_tells_the_rule_which_side_each_account_is(
    estate: tuple[dict[str, StackDoc], dict[str, RuleContext]],
) -> None:
    _, contexts = estate
    assert contexts["prod-bootstrap"].member_account_ids == ("444444444444",)
    assert contexts["prod-bootstrap"].shared_domain_account_id is None
    assert contexts["prod-ml-bootstrap"].shared_domain_account_id == "333333333333"
    assert contexts["prod-ml-bootstrap"].member_account_ids == ()
    assert (
        contexts["dev-bootstrap"].member_account_ids == ()
        and contexts["dev-bootstrap"].shared_domain_account_id is None
    )


def test_both_deploy_roles_pass_on_their_own_side(estate: tuple[dict[str, StackDoc], dict[str, RuleContext]]) -> None:
    docs, contexts = estate
    domain = _findings(docs["prod-bootstrap"], contexts["prod-bootstrap"])
    assert [(f.status, f.address) for f in domain] == [(Status.COMPLIANT, DEPLOY_POLICY)]
    assert domain[0].message == "7 RAM write grants, each held to the shared domain's side of the association"
    member = _findings(docs["prod-ml-bootstrap"], contexts["prod-ml-bootstrap"])
    assert [(f.status, f.address) for f in member] == [(Status.COMPLIANT, DEPLOY_POLICY)]
    assert member[0].message.startswith("2 RAM write grants")
    # Accounts that neither share nor join grant no RAM write at all.
    assert _findings(docs["dev-bootstrap"], contexts["dev-bootstrap"]) == []


def test_the_domain_accounts_deploy_role_fails_as_a_members(
    estate: tuple[dict[str, StackDoc], dict[str, RuleContext]],
) -> None:
    docs, _ = estate
    as_member = RuleContext(stack="prod-bootstrap", account_id="333333333333", shared_domain_account_id="555555555555")
    (failed,) = _findings(docs["prod-bootstrap"], as_member)
    assert failed.status is Status.NON_COMPLIANT and failed.address == DEPLOY_POLICY
    assert (
        "statement" in failed.message
        and "(CreateTheDomainShare) allows ram:CreateResourceShare, which a member" in (failed.message)
    )


def test_the_members_deploy_role_fails_as_a_domain_accounts_or_for_another_domain(
    estate: tuple[dict[str, StackDoc], dict[str, RuleContext]],
) -> None:
    docs, _ = estate
    doc = docs["prod-ml-bootstrap"]
    as_domain = RuleContext(stack="prod-ml-bootstrap", account_id="444444444444")
    (failed,) = _findings(doc, as_domain)
    assert (
        "(AcceptTheDomainShareOnly) allows ram:AcceptResourceShareInvitation, which a domain share does not need"
        in (failed.message)
    )
    other_domain = RuleContext(stack="prod-ml-bootstrap", account_id="444444444444", shared_domain_account_id="5" * 12)
    (failed,) = _findings(doc, other_domain)
    assert "without ram:ShareOwnerAccountId = the domain account" in failed.message


def test_a_domain_account_whose_file_lists_no_member_may_not_share(
    estate: tuple[dict[str, StackDoc], dict[str, RuleContext]],
) -> None:
    docs, _ = estate
    (failed,) = _findings(docs["prod-bootstrap"], RuleContext(stack="prod-bootstrap", account_id="333333333333"))
    assert "(CreateTheDomainShare) allows ram:CreateResourceShare without ram:Principal in the account's members" in (
        failed.message
    )


def test_the_synthesised_estate_passes_in_both_engines(
    estate: tuple[dict[str, StackDoc], dict[str, RuleContext]],
) -> None:
    from smus_rules.rego import RegoPolicies, governance_data, resource_types

    docs, contexts = estate
    policies = RegoPolicies(
        governance_data(list(contexts.values()), types=resource_types([d.raw for d in docs.values()]))
    )
    for stack, doc in docs.items():
        result = policies.evaluate(doc.raw, stack)
        assert [v for v in result.violations if v.rule_id == "SMUS-026"] == [], stack
    # And Rego fails what Python fails: the member's role judged as a domain account's.
    swapped = RegoPolicies(
        governance_data(
            [RuleContext(stack="prod-ml-bootstrap", account_id="444444444444")],
            types=resource_types([docs["prod-ml-bootstrap"].raw]),
        )
    )
    result = swapped.evaluate(docs["prod-ml-bootstrap"].raw, "prod-ml-bootstrap")
    assert {v.address for v in result.violations if v.rule_id == "SMUS-026"} == {DEPLOY_POLICY}


def test_the_statement_labels_name_the_sids() -> None:
    """A finding names the statement by index and Sid, so a reviewer finds it in the policy."""
    doc = StackDoc(
        {
            "resource": {
                "aws_iam_policy": {
                    "P": {
                        "policy": json.dumps({"Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "*"}]})
                    }
                }
            }
        }
    )
    (failed,) = _findings(doc, RuleContext(stack="s"))
    assert failed.message.startswith("RAM grants are not least-privilege: statement 0 (Everything) allows ")
