"""Which domain key the ops stack's key-usage alarm watches, read from config (smus_constructs.key_usage).

* `[domain] kms_key_arn` given: that ARN, as written.
* neither given nor `aws_owned_key`: the key the platform stack creates, found by its alias
  (smus_constructs.kms.domain_key_alias_name), which the domain's name fixes.
* a member account (`[association]`, no `[domain]`): no alarm; the domain key is the domain account's, used there.
* `[domain] aws_owned_key = true`: no alarm. An AWS-owned key belongs to an AWS account; its use is not recorded in
  this account's CloudTrail, so there is no call to count (:data:`AWS_OWNED_KEY_REASON`).
"""

from __future__ import annotations

from config.models import AccountConfig
from smus_constructs.key_usage import DomainKeyUsage, DomainKeyUsageProps
from smus_constructs.kms import domain_key_alias_name
from smus_constructs.observability import IAlertTopic
from smus_constructs.ops_metrics import key_usage_rule_name
from stacks.account_stack import AccountStack

AWS_OWNED_KEY_REASON = (
    "the domain uses an AWS-owned key ([domain] aws_owned_key = true): its calls are recorded in AWS's account, not "
    "this one's CloudTrail, so there is no key usage to alarm on"
)


def domain_key_usage(
    stack: AccountStack, config: AccountConfig, ops_name_prefix: str, topic: IAlertTopic
) -> DomainKeyUsage | None:
    """The key-usage rule and alarm (child ``DomainKeyUsage``), or None for an AWS-owned key or a member account."""
    domain = config.domain
    if domain is None or domain.aws_owned_key:
        return None
    return DomainKeyUsage(
        stack,
        "DomainKeyUsage",
        DomainKeyUsageProps(
            account_id=config.account.account_id,
            region=config.account.region,
            topic=topic,
            rule_name=key_usage_rule_name(ops_name_prefix),
            key_arn=domain.kms_key_arn,
            key_alias=None if domain.kms_key_arn is not None else f"alias/{domain_key_alias_name(domain.name)}",
        ),
    )
