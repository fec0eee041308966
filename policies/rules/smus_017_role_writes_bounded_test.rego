package smus.tests.smus_017

import rego.v1

import data.smus.rules.smus_017

commented_policy(comment, statements) := {"aws_iam_role_policy": {"P": {
	"//": comment,
	"policy": json.marshal({"Statement": statements}),
}}}

boundary_condition := {"ArnEquals": {"iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/b"}}

test_bounded_role_writes_pass if {
	statements := [{"Effect": "Allow", "Action": ["iam:CreateRole", "iam:PutRolePolicy"], "Resource": "arn:aws:iam::123456789012:role/service-role/d-*", "Condition": boundary_condition}]
	count(smus_017.violation) == 0 with input.resource as commented_policy({}, statements)
}

test_unbounded_put_role_policy_fails if {
	statements := [{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "arn:aws:iam::123456789012:role/service-role/d-*"}]
	count(smus_017.violation) == 1 with input.resource as commented_policy({}, statements)
}

test_a_wildcard_action_counts_as_a_role_write if {
	statements := [{"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::123456789012:role/x"}]
	count(smus_017.violation) == 1 with input.resource as commented_policy({}, statements)
}

test_exact_roles_with_a_recorded_reason_pass_but_not_a_wildcard if {
	exact := [{"Effect": "Allow", "Action": "iam:CreateRole", "Resource": ["arn:aws:iam::123456789012:role/service-role/d-a"]}]
	reason := {"unbounded_roles_reason": "A sandbox whose SCP caps every role."}
	count(smus_017.violation) == 0 with input.resource as commented_policy(reason, exact)
	wide := [{"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "arn:aws:iam::123456789012:role/service-role/d-*"}]
	count(smus_017.violation) == 1 with input.resource as commented_policy(reason, wide)
}
