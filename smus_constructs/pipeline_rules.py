"""Value rules for the pipeline's identity and state, kept free of cdktn so the config loader can use them cheaply.

GitHub's OIDC `sub` claim is ``repo:<owner>/<name>:<context>``; the two deploy contexts GitHub documents are a GitHub
environment (``environment:<name>``) and a push to a branch or tag (``ref:refs/heads/<branch>``,
``ref:refs/tags/<tag>``). ``pull_request`` is refused on purpose: any pull request, from any branch, would get the
deploy role. Wildcards are refused too: the trust compares subjects exactly.
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


def split_role_arn(arn: str) -> tuple[str, str, str, str]:
    """``arn:aws:iam::<account>:role/<path>/<name>`` -> (partition, account, path, name); path is ``/`` or ``/a/b/``."""
    match = ROLE_ARN_PARTS.match(arn)
    if match is None:
        raise ValueError(f"{arn!r} is not an IAM role ARN such as 'arn:aws:iam::123456789012:role/smus-deploy'")
    partition, account_id, path, name = match.groups()
    return partition, account_id, path, name
