package smus.tests.smus_024

import rego.v1

import data.smus.rules.smus_024

event_rule(source, names) := {"event_pattern": json.marshal({"source": [source], "detail": {"eventName": names}})}

datazone := event_rule("aws.datazone", ["DeleteDomain"])

test_iam_and_kms_covered_passes if {
	count(smus_024.violation) == 0 with input.resource as {"aws_cloudwatch_event_rule": {
		"D": datazone,
		"I": event_rule("aws.iam", ["UpdateAssumeRolePolicy", "PutRolePolicy"]),
		"K": event_rule("aws.kms", ["PutKeyPolicy", "ScheduleKeyDeletion"]),
	}}
}

test_datazone_only_fails if {
	count(smus_024.violation) == 1 with input.resource as {"aws_cloudwatch_event_rule": {"D": datazone}}
}

test_no_change_alert_is_not_checked if {
	count(smus_024.violation) == 0 with input.resource as {"aws_cloudwatch_event_rule": {}}
}
