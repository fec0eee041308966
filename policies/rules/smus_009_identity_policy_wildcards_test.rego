package smus.tests.smus_009

import rego.v1

import data.smus.rules.smus_009

role_policy(statements) := {"aws_iam_role_policy": {"P": {"policy": json.marshal({"Statement": statements})}}}

test_scoped_and_conditioned_statements_pass if {
	statements := [
		{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
		{"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
		{"Effect": "Deny", "Action": "*", "Resource": "*"},
	]
	count(smus_009.violation) == 0 with input.resource as role_policy(statements)
}

test_action_star_fails_even_with_a_condition if {
	statements := [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]
	count(smus_009.violation) == 1 with input.resource as role_policy(statements)
}

test_unconditioned_resource_star_fails if {
	statements := [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]
	count(smus_009.violation) == 1 with input.resource as role_policy(statements)
}

test_inline_policy_of_a_role_is_read if {
	inline := [{"name": "i", "policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})}]
	count(smus_009.violation) == 1 with input.resource as {"aws_iam_role": {"R": {"inline_policy": inline}}}
}
