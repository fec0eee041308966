"""SQS queue policies for queues EventBridge sends to: one shape, so every such queue is held to the same two rules.

EventBridge's documented SQS target (and dead-letter) permission lets `events.amazonaws.com` send, conditioned on the
sending account and rule (`aws:SourceAccount`, `aws:SourceArn`) so no other account's rule can use the queue as a
confused deputy. The second statement refuses plain HTTP to everyone (AWS's SQS security best practice).
"""

from __future__ import annotations

from smus_constructs.iam import PolicyDocument, policy_document

EVENTS_PRINCIPAL = "events.amazonaws.com"


def events_queue_policy(*, sid: str, account_id: str, queue_arn: str, source_arn: tuple[str, str]) -> PolicyDocument:
    """``source_arn`` is the condition operator and value for `aws:SourceArn`, e.g. ``("ArnEquals", rule_arn)`` for
    one rule or ``("ArnLike", "arn:...:rule/prefix*")`` for a family of rules."""
    operator, value = source_arn
    return policy_document(
        {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_PRINCIPAL},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}, operator: {"aws:SourceArn": value}},
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sqs:*",
            "Resource": queue_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )
