package smus.tests.smus_010

import rego.v1

import data.smus.rules.smus_010

key(statements) := {"aws_kms_key": {"K": {"policy": json.marshal({"Statement": statements})}}}

test_key_policy_resource_star_with_named_principal_passes if {
	statements := [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]
	count(smus_010.violation) == 0 with input.resource as key(statements)
}

test_deny_with_wildcard_principal_passes if {
	statements := [{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}]
	count(smus_010.violation) == 0 with input.resource as key(statements)
}

test_key_policy_wildcard_principal_fails if {
	statements := [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]
	count(smus_010.violation) == 1 with input.resource as key(statements)
}

test_trust_policy_wildcard_aws_principal_fails if {
	trust := json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sts:AssumeRole"}]})
	count(smus_010.violation) == 1 with input.resource as {"aws_iam_role": {"R": {"assume_role_policy": trust}}}
}
