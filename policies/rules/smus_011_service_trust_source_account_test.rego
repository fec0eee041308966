package smus.tests.smus_011

import rego.v1

import data.smus.rules.smus_011

role(statement) := {"aws_iam_role": {"R": {"assume_role_policy": json.marshal({"Statement": [statement]})}}}

trust := {"Effect": "Allow", "Principal": {"Service": "datazone.amazonaws.com"}, "Action": "sts:AssumeRole"}

test_source_account_condition_passes if {
	statement := object.union(trust, {"Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}})
	count(smus_011.violation) == 0 with input.resource as role(statement)
}

test_missing_condition_fails if {
	count(smus_011.violation) == 1 with input.resource as role(trust)
}

test_source_arn_alone_fails if {
	statement := object.union(trust, {"Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:datazone:eu-west-1:1:domain/d"}}})
	count(smus_011.violation) == 1 with input.resource as role(statement)
}
