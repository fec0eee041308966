"""The Terraform override that points one synthesised aws-only stack at a local AWS API (moto), for `make rehearse`.

Why an override file and not an edited stack: Terraform merges `*_override.tf.json` over the configuration, so the
rehearsal applies exactly the `cdk.tf.json` that `smus synth` wrote - resources, policies, tags and the provider's
`allowed_account_ids` - and changes only where it is sent. moto answers an assumed role in the role's account and
serves its other callers as the account it is started for, so the account pinning stays in force and still fails
an apply against the wrong account.

What the override sets, and why each:
- the backend: local state in the rehearsal's folder (a `backend` block is replaced whole), never the real bucket;
- the aws provider: every service endpoint at moto, fake static keys, no instance-metadata lookup, path-style S3
  (a bucket name is not a resolvable host name on loopback) and few retries, so an unreachable endpoint fails fast;
- the provider pin, only when told to (the only provider on disk is another version): relaxed to that version;
- moto's known gaps, each a named `MotoGap` that the rehearsal prints: a resource moto cannot create is left out
  (`count = 0`), an attribute moto does not store is ignored or not sent. Nothing else is touched.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: The aws provider's `endpoints` keys for every service the bootstrap and ops stacks use (and STS for the account).
ENDPOINT_SERVICES: tuple[str, ...] = (
    "cloudwatch",
    "configservice",
    "events",
    "iam",
    "kms",
    "s3",
    "sns",
    "sqs",
    "sts",
)
FAKE_ACCESS_KEY = "rehearsal"
FAKE_SECRET_KEY = "rehearsal"


@dataclass(frozen=True)
class MotoGap:
    """A difference between moto and AWS that the rehearsal works around, and where it did."""

    address: str
    what: str
    workaround: str

    def line(self) -> str:
        return f"moto gap at {self.address}: {self.what}; rehearsal {self.workaround}"


def _resources(stack: Mapping[str, Any], kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, body in stack.get("resource", {}).get(kind, {}).items():
        if isinstance(body, dict):
            yield name, body


def _referenced(stack: Mapping[str, Any], address: str) -> bool:
    """Whether anything in the stack refers to ``address`` (then leaving it out would break the rest)."""
    text = json.dumps({k: v for k, v in stack.items() if k != "//"})
    own = json.dumps(
        stack.get("resource", {}).get(address.split(".", maxsplit=1)[0], {}).get(address.split(".")[1], {})
    )
    return text.count(f"{address}.") > own.count(f"{address}.")


def _custom_policy_config_rules(stack: Mapping[str, Any], out: dict[str, Any], gaps: list[MotoGap]) -> None:
    """moto's PutConfigRule crashes (HTTP 500) on a Guard rule (`owner = CUSTOM_POLICY`): leave those rules out."""
    for name, body in _resources(stack, "aws_config_config_rule"):
        source = body.get("source", {})
        if isinstance(source, dict) and source.get("owner") == "CUSTOM_POLICY":
            address = f"aws_config_config_rule.{name}"
            if _referenced(stack, address):
                continue  # cannot be left out; the apply will fail and say so
            out.setdefault("aws_config_config_rule", {})[name] = {"count": 0}
            gaps.append(MotoGap(address, "PutConfigRule fails on CUSTOM_POLICY (Guard) rules", "leaves it out"))


def _tag_scoped_config_rules(stack: Mapping[str, Any], out: dict[str, Any], gaps: list[MotoGap]) -> None:
    """moto stores a rule's tag scope but reads it back without it: every plan would show the scope as a change."""
    for name, body in _resources(stack, "aws_config_config_rule"):
        scope = body.get("scope", {})
        if isinstance(scope, dict) and "tag_key" in scope and name not in out.get("aws_config_config_rule", {}):
            out.setdefault("aws_config_config_rule", {})[name] = {"lifecycle": {"ignore_changes": ["scope"]}}
            gaps.append(
                MotoGap(
                    f"aws_config_config_rule.{name}",
                    "DescribeConfigRules drops Scope.TagKey/TagValue",
                    "ignores changes to scope",
                )
            )


def _lifecycle_newer_noncurrent_versions(stack: Mapping[str, Any], out: dict[str, Any], gaps: list[MotoGap]) -> None:
    """moto drops `NewerNoncurrentVersions`; the provider then waits 3 minutes for a rule that never reads back."""
    for name, body in _resources(stack, "aws_s3_bucket_lifecycle_configuration"):
        rules = copy.deepcopy(body.get("rule", []))
        changed = False
        for rule in rules if isinstance(rules, list) else []:
            for expiration in rule.get("noncurrent_version_expiration", []) or []:
                if isinstance(expiration, dict) and expiration.pop("newer_noncurrent_versions", None) is not None:
                    changed = True
        if changed:
            out.setdefault("aws_s3_bucket_lifecycle_configuration", {})[name] = {"rule": rules}
            gaps.append(
                MotoGap(
                    f"aws_s3_bucket_lifecycle_configuration.{name}",
                    "GetBucketLifecycleConfiguration drops NewerNoncurrentVersions",
                    "does not send newer_noncurrent_versions",
                )
            )


def _prefixed_service_linked_roles(stack: Mapping[str, Any], out: dict[str, Any], gaps: list[MotoGap]) -> None:
    """moto names the role of a prefixed service principal with a suffix of its own.

    For `ops.emr-serverless.amazonaws.com` AWS creates `AWSServiceRoleForAmazonEMRServerless`; moto creates
    `AWSServiceRoleForemr-serverless_Ops`. The provider reads `custom_suffix` back from the name (`Ops`), and since
    `custom_suffix` forces a new resource, every plan after the apply would replace the role.
    """
    for name, body in _resources(stack, "aws_iam_service_linked_role"):
        service = str(body.get("aws_service_name", ""))
        if service.removesuffix(".amazonaws.com").count(".") == 0 or "custom_suffix" in body:
            continue
        if "lifecycle" in body:
            continue  # an ignore_changes of the stack's own would be replaced whole: leave it to fail and say so
        out.setdefault("aws_iam_service_linked_role", {})[name] = {"lifecycle": {"ignore_changes": ["custom_suffix"]}}
        gaps.append(
            MotoGap(
                f"aws_iam_service_linked_role.{name}",
                f"CreateServiceLinkedRole for {service} names the role with a suffix AWS does not add",
                "ignores changes to custom_suffix",
            )
        )


GAPS: tuple[Callable[[Mapping[str, Any], dict[str, Any], list[MotoGap]], None], ...] = (
    _custom_policy_config_rules,
    _tag_scoped_config_rules,
    _lifecycle_newer_noncurrent_versions,
    _prefixed_service_linked_roles,
)


def provider_block(endpoint: str, *, max_retries: int = 2) -> dict[str, Any]:
    """The aws provider settings merged over the stack's own (`allowed_account_ids`, region, tags, roles kept)."""
    return {
        "access_key": FAKE_ACCESS_KEY,
        "secret_key": FAKE_SECRET_KEY,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "s3_use_path_style": True,
        "max_retries": max_retries,
        "endpoints": [dict.fromkeys(ENDPOINT_SERVICES, endpoint)],
    }


def rehearsal_override(
    stack: Mapping[str, Any],
    *,
    endpoint: str,
    state_path: str,
    provider_version: str | None,
    max_retries: int = 2,
) -> tuple[dict[str, Any], list[MotoGap]]:
    """The override document for one synthesised stack and the moto gaps it works around.

    ``provider_version`` replaces the aws provider's pin when given (the caller prints that it did).
    """
    providers = stack.get("provider", {})
    if set(providers) != {"aws"}:
        raise ValueError(f"not an aws-only stack: providers {sorted(providers)} (the rehearsal has no local awscc)")
    blocks = providers["aws"] if isinstance(providers["aws"], list) else [providers["aws"]]
    merged = []
    for block in blocks:
        entry = provider_block(endpoint, max_retries=max_retries)
        if isinstance(block, dict) and "alias" in block:
            entry["alias"] = block["alias"]
        merged.append(entry)
    terraform: dict[str, Any] = {"backend": {"local": {"path": state_path}}}
    if provider_version is not None:
        required = stack.get("terraform", {}).get("required_providers", {}).get("aws", {})
        terraform["required_providers"] = {
            "aws": {"source": required.get("source", "hashicorp/aws"), "version": provider_version}
        }
    override: dict[str, Any] = {"terraform": terraform, "provider": {"aws": merged}}
    resources: dict[str, Any] = {}
    gaps: list[MotoGap] = []
    for gap in GAPS:
        gap(stack, resources, gaps)
    if resources:
        override["resource"] = resources
    return override, gaps
