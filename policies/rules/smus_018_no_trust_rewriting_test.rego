package smus.tests.smus_018

import rego.v1

import data.smus.rules.smus_018

role_policy(statements) := {"aws_iam_role_policy": {"P": {"policy": json.marshal({"Statement": statements})}}}

test_no_trust_rewriting_passes_and_a_deny_is_fine if {
	statements := [
		{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"},
		{"Effect": "Deny", "Action": "iam:UpdateAssumeRolePolicy", "Resource": "*"},
	]
	count(smus_018.violation) == 0 with input.resource as role_policy(statements)
}

test_update_assume_role_policy_fails_by_name_or_wildcard if {
	count(smus_018.violation) == 1 with input.resource as role_policy([{"Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy", "Resource": "x"}])
	count(smus_018.violation) == 1 with input.resource as role_policy([{"Effect": "Allow", "Action": "iam:update*", "Resource": "x"}])
	count(smus_018.violation) == 1 with input.resource as role_policy([{"Effect": "Allow", "NotAction": "s3:*", "Resource": "x"}])
}
