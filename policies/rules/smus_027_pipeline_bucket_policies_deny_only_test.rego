package smus.tests.smus_027

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_027

bootstrap := {"stacks": {"stack": {"local_backend_allowed": true}}}

tls_only := {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}

reader := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "s3:GetObject", "Resource": "*"}

bucket_policy(statements) := {"aws_s3_bucket_policy": {"P": {"policy": json.marshal({"Statement": statements})}}}

test_deny_only_passes if {
	resources := bucket_policy([tls_only])
	found := smus_027.violation with input.resource as resources
	count(found) == 0
}

test_an_allow_fails if {
	resources := bucket_policy([tls_only, reader])
	found := smus_027.violation with input.resource as resources
	count(found) == 1
	some v in found
	contains(v.msg, "statement 1 is not a Deny")
}

test_an_inline_bucket_policy_is_read_too if {
	resources := {"aws_s3_bucket": {"B": {"bucket": "b", "policy": json.marshal({"Statement": [reader]})}}}
	found := smus_027.violation with input.resource as resources
	count(found) == 1
}

test_a_bucket_without_inline_policy_passes if {
	resources := {"aws_s3_bucket": {"B": {"bucket": "b"}}}
	found := smus_027.violation with input.resource as resources
	count(found) == 0
}

test_an_unreadable_policy_fails if {
	resources := {"awscc_s3_bucket_policy": {"P": {"policy_document": "${data.aws_iam_policy_document.x.json}"}}}
	found := smus_027.violation with input.resource as resources
	count(found) == 1
}

test_bootstrap_stacks_are_not_checked if {
	governance_value := bootstrap
	resources := bucket_policy([reader])
	found := smus_027.violation with input.resource as resources with data.smus_governance as governance_value
	count(found) == 0
}

test_plans_are_read if {
	planned := {"root_module": {"resources": [{
		"address": "aws_s3_bucket_policy.P", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "P",
		"values": {"policy": json.marshal({"Statement": [reader]})},
	}]}}
	found := smus_027.violation with input.planned_values as planned
	count(found) == 1
}
