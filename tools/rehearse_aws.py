"""The rehearsal's own AWS calls (boto3), run with .venv-rehearse's Python against the local moto server.

Why a separate script: boto3, moto and awscli pin a python-dateutil the app's environment must not share, so they
live in .venv-rehearse and `smus_cli.rehearse` (in the app's venv) calls this script. Each command prints one JSON
document on stdout. The endpoint comes from AWS_ENDPOINT_URL, the region from AWS_DEFAULT_REGION.

    rehearse_aws.py metrics NAMESPACE ACCOUNT METRIC...            -> {"values": {metric: [...]}}  (oldest first)
    rehearse_aws.py disable-alarm-actions ALARM                    -> {}
    rehearse_aws.py alerts RULE CASES_FILE                         -> {"matched": {case: bool}}
    rehearse_aws.py dashboard NAME                                 -> {"body": {...}}  (GetDashboard, parsed)
    rehearse_aws.py stand-in-key ALIAS                             -> {"key_arn": ...}  (created once)
    rehearse_aws.py stand-in-bucket BUCKET                         -> {}  (created once)
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

#: The target services moto's EventBridge delivers to (moto/events/models.py, Rule.send_to_targets).
MOTO_DELIVERS = frozenset({"sqs", "logs", "events"})


def metrics(namespace: str, account: str, *names: str) -> dict[str, Any]:
    """Every data point of each metric, oldest first (one per second at most: the drift job publishes each once)."""
    client = boto3.client("cloudwatch")
    found = {}
    for name in names:
        answer = client.get_metric_statistics(
            Namespace=namespace,
            MetricName=name,
            Dimensions=[{"Name": "Account", "Value": account}],
            StartTime=datetime.now(UTC) - timedelta(days=1),
            EndTime=datetime.now(UTC) + timedelta(minutes=1),
            Period=1,
            Statistics=["Maximum"],
        )
        points = sorted(answer["Datapoints"], key=lambda point: point["Timestamp"])
        found[name] = [point["Maximum"] for point in points]
    return {"values": found}


def disable_alarm_actions(alarm: str) -> dict[str, Any]:
    """The out-of-band change: what someone silencing an alarm in the console does."""
    boto3.client("cloudwatch").disable_alarm_actions(AlarmNames=[alarm])
    return {}


def alerts(rule: str, cases_file: str) -> dict[str, Any]:
    """Put each case's event on the default bus and report which reached a test queue the rehearsal adds to ``rule``.

    Each event carries a marker (its `id` is replaced by EventBridge, so the marker is in `detail.requestID`).
    moto's PutEvents fails (HTTP 500, NotImplementedError) on a rule with a target it cannot deliver to, such as the
    rule's own SNS topic. Every rule on the bus sees each event, so those targets of every rule are set aside while
    the events are put, put back afterwards, and named in the answer so the rehearsal prints them.
    """
    cases: dict[str, dict[str, Any]] = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    sqs = boto3.client("sqs")
    events = boto3.client("events")
    queue_url = sqs.create_queue(QueueName=f"smus-rehearsal-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # Every rule on the bus sees every event, so the undeliverable targets of all of them are set aside.
    set_aside: dict[str, list[dict[str, Any]]] = {}
    for name in [listed["Name"] for listed in events.list_rules()["Rules"]]:
        targets = events.list_targets_by_rule(Rule=name)["Targets"]
        undeliverable = [target for target in targets if target["Arn"].split(":")[2] not in MOTO_DELIVERS]
        if undeliverable:
            events.remove_targets(Rule=name, Ids=[target["Id"] for target in undeliverable])
            set_aside[name] = undeliverable
    events.put_targets(Rule=rule, Targets=[{"Id": "rehearsal-queue", "Arn": queue_arn}])
    markers = {}
    entries = []
    for case, event in cases.items():
        marker = uuid.uuid4().hex
        markers[marker] = case
        detail = {**event["detail"], "requestID": marker}
        entries.append(
            {
                "Source": event["source"],
                "DetailType": event["detail-type"],
                "Detail": json.dumps(detail),
                "Resources": event.get("resources", []),
            }
        )
    for start in range(0, len(entries), 10):
        answer = events.put_events(Entries=entries[start : start + 10])
        if answer.get("FailedEntryCount"):
            raise SystemExit(f"PutEvents failed: {answer['Entries']}")
    seen: set[str] = set()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        for message in messages:
            body = json.loads(message["Body"])
            seen.add(str(body.get("detail", {}).get("requestID")))
    events.remove_targets(Rule=rule, Ids=["rehearsal-queue"])
    for name, targets in set_aside.items():
        events.put_targets(Rule=name, Targets=targets)
    sqs.delete_queue(QueueUrl=queue_url)
    return {
        "matched": {case: marker in seen for marker, case in markers.items()},
        "set_aside": sorted({target["Arn"] for targets in set_aside.values() for target in targets}),
    }


def log_events(group: str, stream: str) -> dict[str, Any]:
    """The messages of one stream of a log group, oldest first (the drift job's plan summaries)."""
    answer = boto3.client("logs").get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    return {"messages": [event["message"] for event in answer["events"]]}


def dashboard(name: str) -> dict[str, Any]:
    """A dashboard's body as CloudWatch stores it, parsed: the rehearsal compares it with the synthesised one."""
    answer = boto3.client("cloudwatch").get_dashboard(DashboardName=name)
    return {"body": json.loads(answer["DashboardBody"])}


def stand_in_key(alias: str) -> dict[str, Any]:
    """A symmetric key behind ``alias``, as the platform stack creates the domain key; the existing one if any."""
    kms = boto3.client("kms")
    for listed in kms.list_aliases()["Aliases"]:
        if listed["AliasName"] == alias and listed.get("TargetKeyId"):
            return {"key_arn": kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]}
    key = kms.create_key(Description=f"rehearsal stand-in for {alias}", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    return {"key_arn": key["Arn"]}


def stand_in_bucket(bucket: str) -> dict[str, Any]:
    """The organisation's log bucket, which the estate's buckets log into but do not create."""
    s3 = boto3.client("s3")
    if bucket not in {listed["Name"] for listed in s3.list_buckets().get("Buckets", [])}:
        region = boto3.session.Session().region_name
        location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, **location)
    # What the organisation grants on its log bucket (S3 User Guide, "Enabling Amazon S3 server access logging"):
    # the logging service writes, for this account's buckets; S3 refuses PutBucketLogging into a bucket without it.
    account = boto3.client("sts").get_caller_identity()["Account"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ServerAccessLogsPolicy",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return {}


COMMANDS = {
    "metrics": metrics,
    "disable-alarm-actions": disable_alarm_actions,
    "alerts": alerts,
    "dashboard": dashboard,
    "stand-in-key": stand_in_key,
    "stand-in-bucket": stand_in_bucket,
    "log-events": log_events,
}

if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    print(json.dumps(COMMANDS[command](*arguments)))  # type: ignore[operator]
