r"""Value rules AWS enforces, checked before synth so a typo fails in seconds rather than at apply.

Each pattern is copied from the AWS::DataZone::* CloudFormation schemas or the IAM/KMS ARN formats
(see ../shared/FACTS.md). A check returns the value unchanged or raises :class:`PropValidationError`.

AWS evaluates these patterns with Java regular expressions, where `\d` and `\w` are ASCII; Python's are Unicode
(full-width digits are `\d`), so every pattern here is compiled with `re.ASCII` and matched whole (`fullmatch`: a
Python `$` also matches before a trailing newline).
"""

from __future__ import annotations

import re

from smus_constructs import regions
from smus_constructs.errors import PropValidationError

ACCOUNT_ID = re.compile(r"^\d{12}$", re.ASCII)
REGION = re.compile(r"^[a-z]{2}-?(iso|gov)?-[a-z]*-[0-9]$", re.ASCII)
# AWS::DataZone::Project / ProjectProfile / environment configuration Name.
RESOURCE_NAME = re.compile(r"^[\w -]{1,64}$", re.ASCII)
DOMAIN_ID = re.compile(r"^dzd[-_][a-zA-Z0-9_-]{1,36}$", re.ASCII)
DOMAIN_ARN = re.compile(
    r"^arn:aws[a-z-]*:datazone:([a-z0-9-]+):(\d{12}):domain/(dzd[-_][a-zA-Z0-9_-]{1,36})$", re.ASCII
)
# A RAM resource share: `arn:<partition>:ram:<region>:<owner account>:resource-share/<uuid>` (the form RAM's
# CreateResourceShare returns and the aws provider imports a share, its associations and its accepter by).
RAM_SHARE_ARN = re.compile(
    r"^arn:aws[a-z-]*:ram:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):resource-share/"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    re.ASCII,
)
BLUEPRINT_ID = re.compile(r"^[a-zA-Z0-9_-]{1,36}$", re.ASCII)
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role(/[\w+=,.@-]+)*/[\w+=,.@-]{1,64}$", re.ASCII)
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy(/[\w+=,.@-]+)*/[\w+=,.@-]{1,128}$", re.ASCII)
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-fA-F-]{36}$", re.ASCII)
RESOURCE_ID_ACCEPTED = "a DataZone ID of 1-36 letters, digits, '_' or '-'"
# An Identity Store user or group ID: a UUID, optionally after a 10-hex-digit prefix (IdentityStore GetGroupId /
# GetUserId response pattern; the first alternative of DataZone's UserIdentifier and GroupIdentifier patterns).
IDENTITY_CENTER_ID = re.compile(
    r"^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$", re.ASCII
)
# An IAM user or role, the principals an IAM-based domain has.
IAM_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(user|role)(/[\w+=,.@-]+)*/[\w+=,.@-]{1,64}$", re.ASCII)
# An IAM user or role as DataZone takes it for a user: the UserProfile and Owner schemas' IAM alternative is
# `^arn:aws:iam::\d{12}:.+$`, the `aws` partition only (hashicorp/terraform-provider-awscc,
# internal/service/cloudformation/schemas/AWS_DataZone_UserProfile.json), so an `arn:aws-cn:` or `arn:aws-us-gov:`
# principal would pass IAM_PRINCIPAL_ARN here and be refused by CloudFormation at apply.
DATAZONE_IAM_PRINCIPAL_ARN = re.compile(r"^arn:aws:iam::\d{12}:(user|role)(/[\w+=,.@-]+)*/[\w+=,.@-]{1,64}$", re.ASCII)
# What DataZone must be sent for a user (AWS::DataZone::UserProfile, PolicyGrant, Owner, ProjectMembership): the
# Identity Center user ID or an IAM ARN. The schemas' pattern also accepts any user *name*, and DataZone then fails
# at apply or registers the wrong principal, so names are resolved to IDs before they reach a construct.
USER_IDENTIFIER = re.compile(f"({IDENTITY_CENTER_ID.pattern}|{DATAZONE_IAM_PRINCIPAL_ARN.pattern})", re.ASCII)
# A group: the Identity Center group ID. The schemas' second alternative accepts any text (a display name) and cannot
# catch one; aws-ia's project-membership module refuses SSO groups that are not identity-store UUIDs.
GROUP_IDENTIFIER = IDENTITY_CENTER_ID
# An identity store: `d-` and 10 hex digits, or a UUID (IdentityStore API IdentityStoreId pattern).
IDENTITY_STORE_ID = re.compile(
    r"^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.ASCII
)
# A domain unit, by path from the root unit.
UNIT_PATH = re.compile(r"^/root(/[\w -]{1,64})*$", re.ASCII)
# Terraform duration strings as the aws provider's timeouts block takes them.
DURATION = re.compile(r"^(\d+h)?(\d+m)?(\d+s)?$", re.ASCII)

ACCEPTED = {
    ACCOUNT_ID: "12 digits, e.g. '123456789012'",
    REGION: "an AWS region code, e.g. 'eu-west-1'",
    RESOURCE_NAME: "1-64 characters of letters, digits, '_', '-' or space (^[\\w -]{1,64}$)",
    DOMAIN_ID: "a DataZone domain ID, e.g. 'dzd_abc123' (^dzd[-_][a-zA-Z0-9_-]{1,36}$)",
    DOMAIN_ARN: "a DataZone domain ARN, e.g. 'arn:aws:datazone:eu-west-1:123456789012:domain/dzd_abc123'",
    RAM_SHARE_ARN: (
        "a RAM resource share ARN, e.g. "
        "'arn:aws:ram:eu-west-1:123456789012:resource-share/0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b'"
    ),
    BLUEPRINT_ID: "a blueprint ID of 1-36 letters, digits, '_' or '-'",
    ROLE_ARN: "an IAM role ARN, e.g. 'arn:aws:iam::123456789012:role/service-role/MyRole'",
    POLICY_ARN: "an IAM policy ARN, e.g. 'arn:aws:iam::aws:policy/ReadOnlyAccess'",
    KMS_KEY_ARN: "a KMS key ARN, e.g. 'arn:aws:kms:eu-west-1:123456789012:key/<36-character key id>'",
    DURATION: "a duration such as '90m', '2h' or '1h30m'",
    IDENTITY_CENTER_ID: "an Identity Center ID: a UUID, optionally after 10 hex digits and '-'",
    IAM_PRINCIPAL_ARN: "an IAM user or role ARN, e.g. 'arn:aws:iam::123456789012:role/Admin'",
    DATAZONE_IAM_PRINCIPAL_ARN: (
        "an IAM user or role ARN in the aws partition, e.g. 'arn:aws:iam::123456789012:role/Admin' (DataZone's "
        "UserIdentifier takes no other partition)"
    ),
    USER_IDENTIFIER: (
        "an Identity Center user ID (a UUID, optionally after 10 hex digits and '-') or an IAM user/role ARN in the "
        "aws partition (DataZone's UserIdentifier pattern: ^arn:aws:iam::\\d{12}:.+$)"
    ),
    IDENTITY_STORE_ID: "an identity store ID such as 'd-1234567890'",
    UNIT_PATH: "a domain unit path such as '/root' or '/root/risk/fraud'",
}


def is_token(value: object) -> bool:
    """True for a cdktn token: a value only Terraform knows (e.g. a created role's ARN), checked by AWS at apply."""
    return isinstance(value, str) and "${TfToken[" in value


def check(pattern: re.Pattern[str], value: str, *, path: str, prop: str, accepted: str | None = None) -> str:
    """Return ``value`` if it matches ``pattern`` (or is a token); otherwise raise naming prop and accepted form."""
    if is_token(value):
        return value
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise PropValidationError(path, prop, value, accepted or ACCEPTED[pattern])
    return value


def duration_minutes(value: str) -> int:
    """Minutes in a Terraform duration string such as ``1h30m`` (seconds round down)."""
    match = DURATION.match(value)
    if not match or not value:
        raise ValueError(f"{value!r} is not {ACCEPTED[DURATION]}")
    hours, minutes, seconds = (int(part[:-1]) if part else 0 for part in match.groups())
    return hours * 60 + minutes + seconds // 60


def partition_of(region: str) -> str:
    """The ARN partition a region belongs to, so ARNs we build are right in GovCloud and China too."""
    return regions.partition_of(region)
