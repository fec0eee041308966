"""Value rules AWS enforces, checked before synth so a typo fails in seconds rather than at apply.

Each pattern is copied from the AWS::DataZone::* CloudFormation schemas or the IAM/KMS ARN formats
(see ../shared/FACTS.md). A check returns the value unchanged or raises :class:`PropValidationError`.
"""

from __future__ import annotations

import re

from smus_constructs.errors import PropValidationError

ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}-?(iso|gov)?-[a-z]*-[0-9]$")
# AWS::DataZone::Project / ProjectProfile / environment configuration Name.
RESOURCE_NAME = re.compile(r"^[\w -]{1,64}$")
DOMAIN_ID = re.compile(r"^dzd[-_][a-zA-Z0-9_-]{1,36}$")
DOMAIN_ARN = re.compile(r"^arn:aws[a-z-]*:datazone:([a-z0-9-]+):(\d{12}):domain/(dzd[-_][a-zA-Z0-9_-]{1,36})$")
BLUEPRINT_ID = re.compile(r"^[a-zA-Z0-9_-]{1,36}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role(/[\w+=,.@-]+)*/[\w+=,.@-]{1,64}$")
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy(/[\w+=,.@-]+)*/[\w+=,.@-]{1,128}$")
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-fA-F-]{36}$")
RESOURCE_ID_ACCEPTED = "a DataZone ID of 1-36 letters, digits, '_' or '-'"
# AWS::DataZone::UserProfile UserIdentifier: an Identity Center user ID, a user name, or an IAM ARN.
USER_IDENTIFIER = re.compile(
    r"(^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$"
    r"|^[a-zA-Z_0-9+=,.@-]+$|^arn:aws[a-z-]*:iam::\d{12}:.+$)"
)
# An Identity Center group ID, or a group display name.
GROUP_IDENTIFIER = re.compile(r"^[\w+=,.@ -]{1,256}$")
# A domain unit, by path from the root unit.
UNIT_PATH = re.compile(r"^/root(/[\w -]{1,64})*$")
# Terraform duration strings as the aws provider's timeouts block takes them.
DURATION = re.compile(r"^(\d+h)?(\d+m)?(\d+s)?$")

ACCEPTED = {
    ACCOUNT_ID: "12 digits, e.g. '123456789012'",
    REGION: "an AWS region code, e.g. 'eu-west-1'",
    RESOURCE_NAME: "1-64 characters of letters, digits, '_', '-' or space (^[\\w -]{1,64}$)",
    DOMAIN_ID: "a DataZone domain ID, e.g. 'dzd_abc123' (^dzd[-_][a-zA-Z0-9_-]{1,36}$)",
    DOMAIN_ARN: "a DataZone domain ARN, e.g. 'arn:aws:datazone:eu-west-1:123456789012:domain/dzd_abc123'",
    BLUEPRINT_ID: "a blueprint ID of 1-36 letters, digits, '_' or '-'",
    ROLE_ARN: "an IAM role ARN, e.g. 'arn:aws:iam::123456789012:role/service-role/MyRole'",
    POLICY_ARN: "an IAM policy ARN, e.g. 'arn:aws:iam::aws:policy/ReadOnlyAccess'",
    KMS_KEY_ARN: "a KMS key ARN, e.g. 'arn:aws:kms:eu-west-1:123456789012:key/<36-character key id>'",
    DURATION: "a duration such as '90m', '2h' or '1h30m'",
    USER_IDENTIFIER: "an Identity Center user ID or user name, or an IAM user/role ARN",
    GROUP_IDENTIFIER: "an Identity Center group ID or group name",
    UNIT_PATH: "a domain unit path such as '/root' or '/root/risk/fraud'",
}


def is_token(value: object) -> bool:
    """True for a cdktn token: a value only Terraform knows (e.g. a created role's ARN), checked by AWS at apply."""
    return isinstance(value, str) and "${TfToken[" in value


def check(pattern: re.Pattern[str], value: str, *, path: str, prop: str, accepted: str | None = None) -> str:
    """Return ``value`` if it matches ``pattern`` (or is a token); otherwise raise naming prop and accepted form."""
    if is_token(value):
        return value
    if not isinstance(value, str) or not pattern.match(value):
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
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"
