package smus.tests.smus_023

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_023

bootstrap := {"stacks": {"stack": {"local_backend_allowed": true}}}

named_deny(actions, resource) := {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": actions, "Resource": resource,
	"Condition": {"ArnNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::1:role/smus-deploy"]}}}

state_bucket(statements) := {"aws_s3_bucket_policy": {"P": {"policy": json.marshal({"Statement": statements})}}}

named := [named_deny(["s3:GetObject*", "s3:PutObject*"], "arn:aws:s3:::b/*"), named_deny(["s3:PutBucketPolicy"], "arn:aws:s3:::b")]

deny_only := [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*",
	"Condition": {"Bool": {"aws:SecureTransport": "false"}}}]

test_named_readers_and_administrators_pass if {
	governance_value := bootstrap
	resources := state_bucket(named)
	found := smus_023.violation with input.resource as resources with data.smus_governance as governance_value
	count(found) == 0
}

test_deny_only_policy_fails if {
	governance_value := bootstrap
	resources := state_bucket(deny_only)
	found := smus_023.violation with input.resource as resources with data.smus_governance as governance_value
	count(found) == 1
}

test_other_stacks_are_not_checked if {
	resources := state_bucket(deny_only)
	found := smus_023.violation with input.resource as resources
	count(found) == 0
}
