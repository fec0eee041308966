"""Value rules for the pipeline's identity and state, kept free of cdktn so the config loader can use them cheaply.

GitHub's OIDC `sub` claim is ``repo:<owner>/<name>:<context>``; the two deploy contexts GitHub documents are a GitHub
environment (``environment:<name>``) and a push to a branch or tag (``ref:refs/heads/<branch>``,
``ref:refs/tags/<tag>``). ``pull_request`` is refused on purpose: any pull request, from any branch, would get the
deploy role. Wildcards are refused too: the trust compares subjects exactly.

The same claim decides who gets *plan* credentials. GitHub puts the job's environment into `sub` whenever the job names
one (``repo:<owner>/<name>:environment:<name>``, whatever the triggering event), and otherwise ``pull_request`` for a
pull-request event and ``ref:<ref>`` for a push (docs.github.com, "OpenID Connect reference", subject claim examples).
So a `pull_request` subject admits every pull request, from any branch and with any code; an environment subject admits
only jobs that passed the environment's protection rules (required reviewers, deployment branches). Protected accounts
therefore never trust `pull_request` (:data:`PULL_REQUEST_SUBJECT`): their pull-request plans run in a reviewed
environment, approved per run.
"""

from __future__ import annotations

import re

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL = f"https://{GITHUB_OIDC_HOST}"
STS_AUDIENCE = "sts.amazonaws.com"

GITHUB_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", re.ASCII)
GITHUB_SUBJECT = re.compile(
    r"^(environment:[A-Za-z0-9_.-]{1,255}|ref:refs/(heads|tags)/[A-Za-z0-9_./-]{1,255})$", re.ASCII
)
#: What the read-only plan role may trust: pull requests too (it can change nothing), but not tags, and no wildcard.
PLAN_SUBJECT = re.compile(
    r"^(pull_request|environment:[A-Za-z0-9_.-]{1,255}|ref:refs/heads/[A-Za-z0-9_./-]{1,255})$", re.ASCII
)
#: What `[state] kms_key_arn` names before the bootstrap stack has created the state key: a valid key ARN shape
#: that no real key has (KMS key IDs are random version-4 UUIDs). CI refuses an account that still names it.
PLACEHOLDER_KEY_ID = "00000000-0000-4000-8000-000000000000"
#: The subject of every pull-request job that names no environment: never trusted by a protected account's roles.
PULL_REQUEST_SUBJECT = "pull_request"
OIDC_PROVIDER_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$", re.ASCII
)
ROLE_ARN_PARTS = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role(/(?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})$", re.ASCII)
IAM_PATH = re.compile(r"^/([\w+=,.@-]+/)*$", re.ASCII)
IAM_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", re.ASCII)
TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$", re.ASCII)

ACCEPTED_SUBJECT = (
    "'environment:<name>', 'ref:refs/heads/<branch>' or 'ref:refs/tags/<tag>' with no wildcard, "
    "e.g. 'environment:prod' (pull_request is refused: any pull request would get the deploy role)"
)
ACCEPTED_PLAN_SUBJECT = (
    "'pull_request', 'environment:<name>' or 'ref:refs/heads/<branch>' with no wildcard, "
    "e.g. 'pull_request' (the part after 'repo:<owner>/<name>:')"
)
ACCEPTED_REPOSITORY = "a GitHub repository as 'owner/name', e.g. 'acme/smus-estate'"
ACCEPTED_OIDC_PROVIDER_ARN = (
    "the ARN of the account's GitHub OIDC provider, "
    "e.g. 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'"
)
ACCEPTED_BUCKET = "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')"


def github_oidc_provider_arn(partition: str, account_id: str) -> str:
    """The ARN IAM gives the GitHub provider in an account: there is at most one per URL, so it is predictable."""
    return f"arn:{partition}:iam::{account_id}:oidc-provider/{GITHUB_OIDC_HOST}"


def role_arn(partition: str, account_id: str, path: str, name: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role{path}{name}"


def default_plan_role_name(deploy_role_name: str) -> str:
    """'smus-deploy' -> 'smus-plan'; any other name gets '-plan' appended (cut to IAM's 64 characters)."""
    stem = deploy_role_name.removesuffix("-deploy")
    return f"{stem[:59]}-plan"


def default_drift_role_name(deploy_role_name: str) -> str:
    """'smus-deploy' -> 'smus-drift'; any other name gets '-drift' appended (cut to IAM's 64 characters)."""
    stem = deploy_role_name.removesuffix("-deploy")
    return f"{stem[:58]}-drift"


def split_role_arn(arn: str) -> tuple[str, str, str, str]:
    """``arn:aws:iam::<account>:role/<path>/<name>`` -> (partition, account, path, name); path is ``/`` or ``/a/b/``."""
    match = ROLE_ARN_PARTS.match(arn)
    if match is None:
        raise ValueError(f"{arn!r} is not an IAM role ARN such as 'arn:aws:iam::123456789012:role/smus-deploy'")
    partition, account_id, path, name = match.groups()
    return partition, account_id, path, name
