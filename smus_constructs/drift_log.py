"""The drift log group: each drift run's plan summary per stack, where engineers look (CloudWatch Logs).

The article asks for the scheduled drift job's output in CloudWatch Logs, linked from the drift alarm. What is written
is a summary - resource addresses and actions, never attribute values (smus_cli.plan_summary) - but addresses still
map the estate, so the group is encrypted with its own customer-managed key and kept for a set time.

Key policy, as the CloudWatch Logs user guide ("Encrypt log data in CloudWatch Logs using AWS Key Management
Service") documents it: the regional service principal `logs.<region>.amazonaws.com` may use the key only under the
encryption context CloudWatch Logs binds to this log group's data, `kms:EncryptionContext:aws:logs:arn` = the group's
ARN (without the `:*` that DescribeLogGroups appends). No other log group, in this account or any other, can use it.
Writers and readers need no KMS permission: CloudWatch Logs calls KMS as itself. The account root administers the
key without using it, like every key of the estate (smus_constructs.kms).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktn_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import PolicyDocument, policy_document
from smus_constructs.kms import BYPASS_LOCKOUT_CHECK, KEY_ADMIN_ACTIONS
from smus_constructs.literals import literal_map
from smus_constructs.ops_metrics import LOG_RETENTION_DAYS

#: What CloudWatch Logs does with a log group's key (the user guide's statement, actions listed rather than wildcarded
#: where one name covers them).
LOGS_KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
LOGS_CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn"
#: CloudWatch Logs group names: 1-512 of these characters (CreateLogGroup).
LOG_GROUP_NAME = re.compile(r"^[\w#+=/:,.@-]{1,512}$")


def log_group_arn(*, partition: str, region: str, account_id: str, name: str) -> str:
    """The ARN CloudWatch Logs puts in the encryption context and IAM names the group by (no trailing `:*`)."""
    return f"arn:{partition}:logs:{region}:{account_id}:log-group:{name}"


def log_group_console_url(*, region: str, name: str) -> str | None:
    """Where the console shows the group's streams (its path escaped twice, as the console's own links do); None
    outside the commercial partition, whose console lives elsewhere."""
    if patterns.partition_of(region) != "aws":
        return None
    escaped = name.replace("$", "$2524").replace("/", "$252F")
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:log-groups/log-group/{escaped}"
    )


def drift_log_key_policy(*, partition: str, region: str, account_id: str, log_group_arn: str) -> PolicyDocument:
    """The account administers the key; CloudWatch Logs in this region uses it for this one log group only."""
    return policy_document(
        {
            "Sid": "AccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": KEY_ADMIN_ACTIONS,
            "Resource": "*",
        },
        {
            "Sid": "CloudWatchLogsForTheDriftLogGroupOnly",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": LOGS_KEY_ACTIONS,
            "Resource": "*",
            "Condition": {"ArnEquals": {LOGS_CONTEXT_KEY: log_group_arn}},
        },
    )


@dataclass(frozen=True, kw_only=True)
class DriftLogGroupProps:
    """Props of :class:`DriftLogGroup`."""

    #: e.g. '/smus/prod/drift' (smus_constructs.ops_metrics.drift_log_group_name).
    log_group_name: str
    account_id: str
    region: str
    #: Days the group keeps events: one of ops_metrics.LOG_RETENTION_DAYS (CloudWatch refuses any other).
    retention_days: int
    tags: Mapping[str, str] = field(default_factory=dict)


class DriftLogGroup(Construct):
    """The log group (child ``Resource``), encrypted with its own rotating key (child ``Key``, alias ``KeyAlias``)."""

    def __init__(self, scope: Construct, id: str, props: DriftLogGroupProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        patterns.check(patterns.REGION, props.region, path=path, prop="region")
        if not LOG_GROUP_NAME.match(props.log_group_name):
            raise PropValidationError(
                path, "log_group_name", props.log_group_name, "a log group name such as '/smus/prod/drift'"
            )
        if isinstance(props.retention_days, bool) or props.retention_days not in LOG_RETENTION_DAYS:
            raise PropValidationError(
                path,
                "retention_days",
                props.retention_days,
                f"one of the periods CloudWatch Logs accepts: {', '.join(map(str, LOG_RETENTION_DAYS))}",
            )
        self._region, self._name = props.region, props.log_group_name
        partition = patterns.partition_of(props.region)
        self.log_group_arn_in_config = log_group_arn(
            partition=partition, region=props.region, account_id=props.account_id, name=props.log_group_name
        )
        self.key_policy = drift_log_key_policy(
            partition=partition,
            region=props.region,
            account_id=props.account_id,
            log_group_arn=self.log_group_arn_in_config,
        )
        alias = props.log_group_name.strip("/").replace("/", "-")
        self.key = KmsKey(
            self,
            "Key",
            description=f"Encrypts the log group {props.log_group_name}",
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            # Created by the deploy role, which must never manage a key policy: see smus_constructs.kms.
            bypass_policy_lockout_safety_check=BYPASS_LOCKOUT_CHECK,
            policy=json.dumps(self.key_policy, sort_keys=True),
            tags=literal_map(props.tags) or None,
        )
        # Under alias/smus/: the only alias prefix the deploy role may manage (smus_constructs.pipeline_identity).
        self.alias = KmsAlias(self, "KeyAlias", name=f"alias/smus/{alias}", target_key_id=self.key.key_id)
        self.resource = CloudwatchLogGroup(
            self,
            "Resource",
            name=props.log_group_name,
            retention_in_days=props.retention_days,
            kms_key_id=self.key.arn,
            tags=literal_map(props.tags) or None,
        )

    @property
    def log_group_name(self) -> str:
        return self.resource.name

    @property
    def link(self) -> str:
        """The group's name and, where there is one, its console address: what an alarm description points to."""
        url = log_group_console_url(region=self._region, name=self._name)
        return f"{self._name} ({url})" if url else self._name

    @property
    def key_arn(self) -> str:
        return self.key.arn
