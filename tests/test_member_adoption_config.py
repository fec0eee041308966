"""A member adopting an existing association, in config (issue 14): both sides name one share, and a literal domain ID.

The domain account's `[domain] existing_share_arn` adopts the RAM share made by hand; the member's `[association]
existing_share_arn` says it already receives that share, and `existing_domain_id` gives the shared domain's ID as a
literal so its blueprint configurations can be imported. Each bad value is refused naming the file, the field, the
value and what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_constructs.blueprint_names import BlueprintName
from tests.test_associations_config import associated_estate, edit

DOMAIN_ID = "dzd_5p8x2k7m4q9wrt"
SHARE = "arn:aws:ram:eu-west-1:333333333333:resource-share/0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b"
OTHER_SHARE = "arn:aws:ram:eu-west-1:333333333333:resource-share/9f8e7d6c-5b4a-4392-8a1b-0c0d0e0f1a2b"
TOOLING_ID, ML_ID = "t7qd3mx8k2v5nc", "m4w9z1rb6y8hfe"
PROD_DOMAIN = 'name = "acme-prod"\n'
MEMBER_ASSOCIATION = 'domain_account = "prod"\n'


def adopting_estate(tmp_path: Path) -> Path:
    """The associated estate where prod's domain and its share to prod-ml were made by hand, and prod-ml's
    blueprint configurations too: every one of them adopted."""
    config_dir = associated_estate(tmp_path)
    edit(
        config_dir,
        "prod",
        PROD_DOMAIN,
        f'{PROD_DOMAIN}existing_id = "{DOMAIN_ID}"\nexisting_share_arn = "{SHARE}"\n',
    )
    edit(
        config_dir,
        "prod-ml",
        MEMBER_ASSOCIATION,
        f'{MEMBER_ASSOCIATION}existing_share_arn = "{SHARE}"\nexisting_domain_id = "{DOMAIN_ID}"\n',
    )
    edit(
        config_dir,
        "prod-ml",
        "[blueprints.Tooling]\n",
        f'[blueprints.Tooling]\nexisting_blueprint_id = "{TOOLING_ID}"\n',
    )
    edit(
        config_dir,
        "prod-ml",
        "[blueprints.MLExperiments]\n",
        f'[blueprints.MLExperiments]\nexisting_blueprint_id = "{ML_ID}"\n',
    )
    return config_dir


def test_both_sides_adopting_one_share_load_and_the_domain_side_knows_who_is_associated(tmp_path: Path) -> None:
    accounts = {account.name: account for account in load_estate(adopting_estate(tmp_path))}
    association = accounts["prod-ml"].config.association
    assert association is not None
    assert (association.existing_share_arn, association.existing_domain_id) == (SHARE, DOMAIN_ID)
    assert accounts["prod-ml"].config.blueprints[BlueprintName.TOOLING].existing_blueprint_id == TOOLING_ID
    (link,) = accounts["prod"].links.members
    assert link.existing_share_arn == SHARE


def test_a_member_without_an_existing_share_is_a_new_principal_of_an_adopted_share(tmp_path: Path) -> None:
    config_dir = edit(adopting_estate(tmp_path), "prod-ml", f'existing_share_arn = "{SHARE}"\n', "")
    (link,) = {account.name: account for account in load_estate(config_dir)}["prod"].links.members
    assert link.existing_share_arn is None


Change = Callable[[Path], Path]

CASES: list[tuple[str, Change, str, str, str, str]] = [
    # id, change, file, field, value, accepted (regex fragments)
    (
        "malformed-member-share-arn",
        lambda d: edit(d, "prod-ml", f'existing_share_arn = "{SHARE}"', 'existing_share_arn = "rs-0b1c2d3e"'),
        "prod-ml.toml",
        r"association\.existing_share_arn",
        "'rs-0b1c2d3e'",
        r"a RAM resource share ARN, e\.g\. 'arn:aws:ram:eu-west-1:123456789012:resource-share/",
    ),
    (
        "member-share-of-another-account",
        lambda d: edit(d, "prod-ml", SHARE, SHARE.replace("333333333333", "444444444444")),
        "prod-ml.toml",
        r"association\.existing_share_arn",
        re.escape(repr(SHARE.replace("333333333333", "444444444444"))),
        r"a share of the domain account 333333333333 \(prod\.toml\) in its region eu-west-1",
    ),
    (
        "member-share-in-another-region",
        lambda d: edit(d, "prod-ml", SHARE, SHARE.replace("eu-west-1", "eu-central-1")),
        "prod-ml.toml",
        r"association\.existing_share_arn",
        re.escape(repr(SHARE.replace("eu-west-1", "eu-central-1"))),
        r"a share of the domain account 333333333333 \(prod\.toml\) in its region eu-west-1",
    ),
    (
        "member-adopts-a-share-the-domain-does-not",
        lambda d: edit(d, "prod", f'existing_share_arn = "{SHARE}"\n', ""),
        "prod-ml.toml",
        r"association\.existing_share_arn",
        re.escape(repr(SHARE)),
        r"the share prod\.toml adopts in \[domain\] existing_share_arn \(it adopts none: add existing_share_arn = ",
    ),
    (
        "member-adopts-another-share-than-the-domain",
        lambda d: edit(d, "prod", f'existing_share_arn = "{SHARE}"', f'existing_share_arn = "{OTHER_SHARE}"'),
        "prod-ml.toml",
        r"association\.existing_share_arn",
        re.escape(repr(SHARE)),
        rf"the share prod\.toml adopts in \[domain\] existing_share_arn \({re.escape(OTHER_SHARE)}\): both sides",
    ),
    (
        "domain-share-of-another-account",
        lambda d: edit(
            d,
            "prod",
            f'existing_share_arn = "{SHARE}"',
            f'existing_share_arn = "{SHARE.replace("333333333333", "555555555555")}"',
        ),
        "prod.toml",
        r"domain\.existing_share_arn",
        re.escape(repr(SHARE.replace("333333333333", "555555555555"))),
        r"a share owned by this account \(333333333333\)",
    ),
    (
        "domain-share-in-another-region",
        lambda d: edit(
            d,
            "prod",
            f'existing_share_arn = "{SHARE}"',
            f'existing_share_arn = "{SHARE.replace("eu-west-1", "us-east-1")}"',
        ),
        "prod.toml",
        r"domain\.existing_share_arn",
        re.escape(repr(SHARE.replace("eu-west-1", "us-east-1"))),
        r"a share in this account's region \(eu-west-1\): RAM shares are regional",
    ),
    (
        "domain-share-of-a-domain-created-here",
        lambda d: edit(d, "prod", f'existing_id = "{DOMAIN_ID}"\n', ""),
        "prod.toml",
        r"domain\.existing_share_arn",
        re.escape(repr(SHARE)),
        r"to be left out unless domain\.existing_id adopts the domain too: the domain association is imported as "
        r"'<share arn>,<domain arn>'",
    ),
    (
        "domain-share-without-members",
        lambda d: edit(d, "prod", 'associated_accounts = ["prod-ml"]\n', ""),
        "prod.toml",
        r"domain\.existing_share_arn",
        re.escape(repr(SHARE)),
        r"to be left out unless domain\.associated_accounts lists the members the share reaches",
    ),
    (
        "member-blueprint-without-a-literal-domain-id",
        lambda d: edit(d, "prod-ml", f'existing_domain_id = "{DOMAIN_ID}"\n', ""),
        "prod-ml.toml",
        r"blueprints\.Tooling\.existing_blueprint_id",
        f"'{TOOLING_ID}'",
        r"to be left out unless association\.existing_domain_id names the shared domain: the configuration is "
        r"imported as '<domain id>/<blueprint id>'",
    ),
    (
        "member-domain-id-that-is-not-the-domain-accounts",
        lambda d: edit(d, "prod-ml", f'existing_domain_id = "{DOMAIN_ID}"', 'existing_domain_id = "dzd_other42"'),
        "prod-ml.toml",
        r"association\.existing_domain_id",
        "'dzd_other42'",
        rf"'{DOMAIN_ID}', the domain prod\.toml adopts \(domain\.existing_id\)",
    ),
    (
        "malformed-member-domain-id",
        lambda d: edit(d, "prod-ml", f'existing_domain_id = "{DOMAIN_ID}"', 'existing_domain_id = "5p8x2k7m4q9wrt"'),
        "prod-ml.toml",
        r"association\.existing_domain_id",
        "'5p8x2k7m4q9wrt'",
        re.escape(r"a DataZone domain ID, e.g. 'dzd_abc123' (^dzd[-_][a-zA-Z0-9_-]{1,36}$)"),
    ),
]


@pytest.mark.parametrize(
    ("change", "file", "field", "value", "accepted"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_adoption_is_refused_by_name(
    tmp_path: Path, change: Change, file: str, field: str, value: str, accepted: str
) -> None:
    config_dir = change(adopting_estate(tmp_path))
    with pytest.raises(ConfigError) as raised:
        load_estate(config_dir)
    messages = [str(issue) for issue in raised.value.issues]
    pattern = re.compile(rf"{re.escape(file)}: {field} = {value}: expected .*{accepted}")
    assert any(pattern.search(message) for message in messages), "\n".join(messages)
