"""Associated accounts in config: both sides agree, and every bad association is refused by name (issue 14).

The domain account lists its members (`[domain] associated_accounts`), each member names its domain
(`[association] domain_account`); each case below edits one side and checks the error names the file, the field, the
value and what is accepted.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from tests.estate import FIXTURE_ACCOUNTS

MEMBER_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "members" / "prod-ml.toml"
PROD_LISTS = "[domain.timeouts]"
PROD_LISTS_MEMBER = 'associated_accounts = ["prod-ml"]\n\n[domain.timeouts]'
ML_ENV = '{ blueprint = "MLExperiments" },'
ML_ENV_IN_MEMBER = '{ blueprint = "MLExperiments", account = "prod-ml" },'


def associated_estate(tmp_path: Path) -> Path:
    """The fixture estate with prod-ml (tests/fixtures/members/) associated with prod, and prod's ML profile
    deploying MLExperiments there: config/accounts/ of the example estate, kept out of the fixture estate's own
    accounts so every other test keeps its three."""
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    shutil.copy(MEMBER_FIXTURE, config_dir / "prod-ml.toml")
    prod = config_dir / "prod.toml"
    text = prod.read_text().replace(PROD_LISTS, PROD_LISTS_MEMBER, 1)
    assert ML_ENV in text
    prod.write_text(text.replace(ML_ENV, ML_ENV_IN_MEMBER, 1))
    return config_dir


def edit(config_dir: Path, account: str, old: str, new: str) -> Path:
    path = config_dir / f"{account}.toml"
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))
    return config_dir


def test_both_sides_agreeing_load_with_links(tmp_path: Path) -> None:
    accounts = {a.name: a for a in load_estate(associated_estate(tmp_path))}
    member = accounts["prod-ml"]
    assert member.config.domain is None
    assert member.links.domain is not None
    assert member.links.domain.account_id == "333333333333"
    assert member.links.domain.domain_name == "acme-prod"
    # The only object of prod's bucket the member may read: prod's platform state.
    assert member.links.domain.state_key == "smus/333333333333/platform.tfstate"
    (link,) = accounts["prod"].links.members
    assert (link.name, link.account_id, link.region, link.same_organization) == (
        "prod-ml",
        "444444444444",
        "eu-west-1",
        False,
    )
    assert link.plan_role_arn == "arn:aws:iam::444444444444:role/smus-plan"


def test_loading_only_a_member_keeps_its_link(tmp_path: Path) -> None:
    (member,) = load_estate(associated_estate(tmp_path), only=["prod-ml"])
    assert member.links.domain is not None and member.links.domain.name == "prod"


Change = Callable[[Path], Path]


def move_member(config_dir: Path, region: str) -> Path:
    """prod-ml in another region, consistently (account, state, network, Tooling's location)."""
    path = config_dir / "prod-ml.toml"
    text = path.read_text()
    for old in (
        'region = "eu-west-1"',
        "arn:aws:kms:eu-west-1:",
        "[networks.eu-west-1]",
        "regional_parameters.eu-west-1",
    ):
        assert old in text, old
        text = text.replace(old, old.replace("eu-west-1", region))
    path.write_text(text)
    return config_dir


CASES: list[tuple[str, Change, str, str, str, str]] = [
    # id, change, file, field, value, accepted (regex fragments)
    (
        "unknown-domain-account-on-the-member-side",
        lambda d: edit(d, "prod-ml", 'domain_account = "prod"', 'domain_account = "prd"'),
        "prod-ml.toml",
        r"association\.domain_account",
        "'prd'",
        r"the file name of a domain account \(with \[domain\]\) in this folder: dev, prod, staging",
    ),
    (
        "domain-account-that-is-a-member",
        lambda d: edit(
            edit(d, "prod-ml", 'domain_account = "prod"', 'domain_account = "prod-ml"'),
            "prod-ml",
            "name_prefix",
            "name_prefix",
        ),
        "prod-ml.toml",
        r"association\.domain_account",
        "'prod-ml'",
        "another account file",
    ),
    (
        "unknown-member-on-the-domain-side",
        lambda d: edit(d, "prod", '["prod-ml"]', '["prod-ml", "prod-mll"]'),
        "prod.toml",
        r"domain\.associated_accounts\[1\]",
        "'prod-mll'",
        r"the file name of a member account in this folder: prod-ml",
    ),
    (
        "region-mismatch",
        lambda d: move_member(d, "eu-central-1"),
        "prod-ml.toml",
        r"account\.region",
        "'eu-central-1'",
        r"the domain account's region 'eu-west-1' \(prod\.toml\)",
    ),
    (
        "member-that-is-also-a-domain-in-one-file",
        lambda d: edit(d, "prod-ml", "[state]\n", '[domain]\nname = "acme-ml"\n\n[state]\n'),
        "prod-ml.toml",
        r"association",
        "'prod'",
        "a member that is also a domain is refused",
    ),
    (
        "member-that-is-also-a-domain-listed",
        lambda d: edit(d, "prod", '["prod-ml"]', '["prod-ml", "staging"]'),
        "prod.toml",
        r"domain\.associated_accounts\[1\]",
        "'staging'",
        r"staging\.toml is a domain account, and a member that is also a domain is refused",
    ),
    (
        "profile-targets-a-member-without-the-blueprint",
        lambda d: edit(d, "prod-ml", "[blueprints.MLExperiments]\n", ""),
        "prod.toml",
        r"profiles\[1\]\.environments\[2\]\.blueprint",
        "'MLExperiments'",
        r"a blueprint prod-ml\.toml enables in eu-west-1: Tooling",
    ),
    (
        "profile-targets-a-member-in-a-region-it-does-not-enable",
        lambda d: edit(
            d, "prod", ML_ENV_IN_MEMBER, '{ blueprint = "MLExperiments", account = "prod-ml", region = "eu-west-2" },'
        ),
        "prod.toml",
        r"profiles\[1\]\.environments\[2\]\.blueprint",
        "'MLExperiments'",
        r"a blueprint prod-ml\.toml enables in eu-west-2: \(none\)",
    ),
    (
        "profile-targets-an-account-that-is-not-a-member",
        lambda d: edit(d, "prod", ML_ENV_IN_MEMBER, '{ blueprint = "MLExperiments", account = "staging" },'),
        "prod.toml",
        r"profiles\[1\]\.environments\[2\]\.account",
        "'staging'",
        r"a member listed in domain\.associated_accounts: prod-ml",
    ),
    (
        "member-listed-twice-in-one-list",
        lambda d: edit(d, "prod", '["prod-ml"]', '["prod-ml", "prod-ml"]'),
        "prod.toml",
        r"domain\.associated_accounts\[1\]",
        "'prod-ml'",
        r"a member not listed earlier in this list \(a member listed twice\)",
    ),
    (
        "member-listed-by-two-domains",
        lambda d: (
            edit(d, "staging", "[domain.timeouts]", 'associated_accounts = ["prod-ml"]\n\n[domain.timeouts]')
            if "[domain.timeouts]" in (d / "staging.toml").read_text()
            else edit(d, "staging", "[domain]\n", '[domain]\nassociated_accounts = ["prod-ml"]\n')
        ),
        "staging.toml",
        r"domain\.associated_accounts\[0\]",
        "'prod-ml'",
        r"a member no other domain lists: prod\.toml lists it too",
    ),
    (
        "sides-disagree-domain-does-not-list-the-member",
        lambda d: edit(edit(d, "prod", 'associated_accounts = ["prod-ml"]\n', ""), "prod", ML_ENV_IN_MEMBER, ML_ENV),
        "prod-ml.toml",
        r"association\.domain_account",
        "'prod'",
        r"a domain account whose \[domain\] associated_accounts lists 'prod-ml' \(prod\.toml does not: the two sides",
    ),
    (
        "sides-disagree-member-names-another-domain",
        lambda d: edit(d, "prod-ml", 'domain_account = "prod"', 'domain_account = "staging"'),
        "prod.toml",
        r"domain\.associated_accounts\[0\]",
        "'prod-ml'",
        r"a member whose \[association\] domain_account is 'prod': prod-ml\.toml names 'staging' \(the two sides",
    ),
    (
        "member-with-profiles",
        lambda d: edit(
            d,
            "prod-ml",
            "[blueprints.MLExperiments]\n",
            '[blueprints.MLExperiments]\n\n[[profiles]]\nname = "x"\nenvironments = []\n',
        ),
        "prod-ml.toml",
        r"profiles",
        r"\['x'\]",
        r"to be left out: a member account has no domain of its own: profiles, projects, units, grants and their "
        r"lifecycles live in prod\.toml",
    ),
    (
        "neither-domain-nor-association",
        lambda d: edit(d, "prod-ml", '[association]\ndomain_account = "prod"\n', "[x]\n"),
        "prod-ml.toml",
        r"x",
        "\"unknown key 'x'\"",
        "one of the known keys",
    ),
]


@pytest.mark.parametrize(
    ("change", "file", "field", "value", "accepted"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_association_is_refused_by_name(
    tmp_path: Path, change: Change, file: str, field: str, value: str, accepted: str
) -> None:
    config_dir = change(associated_estate(tmp_path))
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    messages = [str(issue) for issue in raised.value.issues]
    pattern = re.compile(rf"{re.escape(file)}: {field} = {value}: expected .*{accepted}")
    assert any(pattern.search(message) for message in messages), "\n".join(messages)


def test_missing_domain_table_is_named(tmp_path: Path) -> None:
    config_dir = edit(associated_estate(tmp_path), "prod-ml", '[association]\ndomain_account = "prod"\n', "")
    text = (config_dir / "prod-ml.toml").read_text()
    text = re.sub(
        r"same_organization = false\nname_prefix = \"acme-prod-ml\"\npermissions_boundary_arn = .*\n", "", text
    )
    (config_dir / "prod-ml.toml").write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    assert any(
        str(issue).endswith(
            "prod-ml.toml: domain = (missing): expected a [domain] table, or [association] for a member account"
        )
        for issue in raised.value.issues
    ), raised.value


def test_ci_matrix_puts_a_member_right_after_its_domain_with_its_own_stacks(tmp_path: Path) -> None:
    from smus_cli.ci_matrix import build_matrix, ordered_targets

    targets = ordered_targets(load_estate(associated_estate(tmp_path)))
    names = [target.account for target in targets]
    assert names.index("prod-ml") == names.index("prod") + 1, names
    member = targets[names.index("prod-ml")]
    # No projects stack: a member's environments are the domain's projects'.
    assert member.stacks == "prod-ml-platform prod-ml-ops"
    assert (member.domain_name, member.domain_id) == ("acme-prod", "")
    assert targets[names.index("prod")].stacks == "prod-platform prod-projects prod-ops"
    # By stack: domain platform (domain, share), member platform (accept, blueprints) and ops, domain projects, ops.
    stacks = [entry["stack"] for entry in build_matrix(targets, by="stack")["include"]]
    assert stacks[stacks.index("prod-platform") :] == [
        "prod-platform",
        "prod-ml-platform",
        "prod-ml-ops",
        "prod-projects",
        "prod-ops",
    ]


def test_the_member_names_the_shared_domains_key_as_the_domain_account_holds_it(tmp_path: Path) -> None:
    from dataclasses import replace

    from config.associations import shared_domain_key_resource
    from smus_constructs.association_permissions import SharedDomainScope, shared_domain_statements

    link = {a.name: a for a in load_estate(associated_estate(tmp_path))}["prod-ml"].links.domain
    assert link is not None
    handed_in = "arn:aws:kms:eu-west-1:333333333333:key/3c3c3c3c-3333-4333-8333-3c3c3c3c3c3c"
    assert (link.domain_key, link.domain_kms_key_arn) == ("handed_in", handed_in)
    assert shared_domain_key_resource(link) == handed_in
    created = replace(link, domain_key="created", domain_kms_key_arn=None)
    assert shared_domain_key_resource(created) == "arn:aws:kms:eu-west-1:333333333333:key/*"
    # An AWS-owned key is no one's to grant: the member's roles name no key of the domain account.
    aws_owned = replace(link, domain_key="aws_owned", domain_kms_key_arn=None)
    assert shared_domain_key_resource(aws_owned) is None
    scope = SharedDomainScope(
        domain_account_id=link.account_id,
        domain_name=link.domain_name,
        state_bucket=link.state_bucket,
        state_object_key=link.state_key,
        state_key_arn=link.state_kms_key_arn,
        same_organization=True,
    )
    sids = [
        s["Sid"]
        for s in shared_domain_statements(
            scope, partition="aws", account_id="444444444444", region="eu-west-1", write=True
        )
    ]
    assert "UseTheSharedDomainKeyThroughDataZone" not in sids


def test_the_runbook_gives_a_handed_in_keys_owner_the_statement_the_estate_writes_on_created_keys() -> None:
    import json
    import re

    from smus_constructs.kms import member_key_statement

    runbook = (Path(__file__).parent.parent / "docs" / "associated-accounts-runbook.md").read_text()
    section = runbook.split("### The domain key", 1)[1]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block is not None, "the runbook's domain-key section has no JSON statement"
    expected = member_key_statement(partition="aws", region="eu-west-1", member_account_ids=["444444444444"])
    assert json.loads(block.group(1)) == expected
    # And it is prod's and prod-ml's: the accounts and region the runbook's examples use.
    assert "333333333333" not in block.group(1)
