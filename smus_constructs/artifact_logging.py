"""AWS Config rules that check the domain's artifact buckets log who read and wrote them (issue 16 item 4).

The seed article asks for access logs of the domain artifact bucket, by S3 server access logging or CloudTrail data
events. The platform stack turns server access logging on for the Tooling bucket it creates
(smus_constructs.tooling_storage); a bucket handed in is configured by its owner. Either way these rules report a
bucket that stops logging, between deploys and whoever changed it:

* ``S3_BUCKET_LOGGING_ENABLED``, one rule per bucket (a Config rule's scope names at most one resource), with
  `targetBucket` = the account's log bucket: logging into some other bucket is NON_COMPLIANT too.
* ``CLOUDTRAIL_S3_DATAEVENTS_ENABLED``, one periodic rule with `S3BucketNames` = the buckets, where the account says
  a trail records their data events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import ITerraformDependable
from constructs import Construct

from smus_constructs.bucket_names import S3_URI
from smus_constructs.config_rules import RULE_NAME, ManagedRule, ManagedRuleId, ManagedRuleProps, RuleScope
from smus_constructs.errors import PropValidationError

MAX_RULE_NAME = 128


@dataclass(frozen=True, kw_only=True)
class ArtifactAccessRulesProps:
    """Props of :class:`ArtifactAccessRules`; at least one of ``log_bucket`` and ``data_events_trail``."""

    #: The domain's artifact buckets in this region (config.artifact_buckets).
    bucket_names: Sequence[str]
    #: Rule names start with this, e.g. 'smus-dev-'.
    name_prefix: str
    #: default: none. The bucket their server access logs go to: one S3_BUCKET_LOGGING_ENABLED rule per bucket.
    log_bucket: str | None = None
    #: default: none. The trail said to record their S3 data events: one CLOUDTRAIL_S3_DATAEVENTS_ENABLED rule.
    data_events_trail: str | None = None
    depends_on: Sequence[ITerraformDependable] = ()


def logging_rule_name(name_prefix: str, bucket: str) -> str:
    """`<prefix>artifact-logging-<bucket>` ('.' as '-': Config rule names take no dots), hashed past 128 characters."""
    name = f"{name_prefix}artifact-logging-{bucket.replace('.', '-')}"
    if len(name) <= MAX_RULE_NAME:
        return name
    digest = hashlib.sha256(bucket.encode()).hexdigest()[:8]
    return f"{name[: MAX_RULE_NAME - 9]}-{digest}"


class ArtifactAccessRules(Construct):
    """Children ``Logging-<bucket>`` (one per bucket) and ``DataEvents``, as configured."""

    def __init__(self, scope: Construct, id: str, props: ArtifactAccessRulesProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        if isinstance(props.bucket_names, str) or not props.bucket_names:
            raise PropValidationError(path, "bucket_names", props.bucket_names, "one or more bucket names")
        for bucket in [*props.bucket_names, *([props.log_bucket] if props.log_bucket else [])]:
            if not S3_URI.match(f"s3://{bucket}"):
                raise PropValidationError(
                    path, "bucket_names", bucket, "an S3 bucket name (3-63 of a-z, 0-9, '.', '-')"
                )
        if props.log_bucket is None and props.data_events_trail is None:
            raise PropValidationError(
                path, "log_bucket", None, "a log bucket, or data_events_trail: what should the rules check?"
            )
        if props.log_bucket in props.bucket_names:
            raise PropValidationError(path, "log_bucket", props.log_bucket, "a bucket other than the artifact buckets")
        if not RULE_NAME.match(f"{props.name_prefix}x"):
            raise PropValidationError(path, "name_prefix", props.name_prefix, "a rule name prefix such as 'smus-dev-'")
        buckets = sorted(set(props.bucket_names))
        self.logging: list[ManagedRule] = []
        if props.log_bucket is not None:
            for bucket in buckets:
                self.logging.append(
                    ManagedRule(
                        self,
                        f"Logging-{bucket}",
                        ManagedRuleProps(
                            rule_name=logging_rule_name(props.name_prefix, bucket),
                            identifier=ManagedRuleId.S3_BUCKET_LOGGING_ENABLED,
                            description=f"The artifact bucket {bucket} logs access into {props.log_bucket}",
                            input_parameters={"targetBucket": props.log_bucket},
                            scope=RuleScope(resource_types=["AWS::S3::Bucket"], resource_id=bucket),
                            depends_on=props.depends_on,
                        ),
                    )
                )
        self.data_events: ManagedRule | None = None
        if props.data_events_trail is not None:
            self.data_events = ManagedRule(
                self,
                "DataEvents",
                ManagedRuleProps(
                    rule_name=f"{props.name_prefix}artifact-data-events",
                    identifier=ManagedRuleId.CLOUDTRAIL_S3_DATAEVENTS_ENABLED,
                    # Config rule descriptions hold 256 characters: the buckets are in the parameters.
                    description=f"A trail ({props.data_events_trail[-120:]}) logs the artifact buckets' S3 data events",
                    input_parameters={"S3BucketNames": ",".join(buckets)},
                    depends_on=props.depends_on,
                ),
            )
