package smus.tests.smus_020

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_020

protected := {"stacks": {"stack": {"protected": true}}}

role_policy(statements) := {"aws_iam_role_policy": {"P": {"policy": json.marshal({"Statement": statements})}}}

test_a_protected_deploy_role_without_delete_domain_passes if {
	governance_value := protected
	statements := [
		{"Effect": "Allow", "Action": ["datazone:GetDomain", "datazone:UpdateDomain"], "Resource": "*"},
		{"Effect": "Deny", "Action": "datazone:DeleteDomain", "Resource": "*"},
	]
	found := smus_020.violation with input.resource as role_policy(statements) with data.smus_governance as governance_value
	count(found) == 0
}

test_delete_domain_in_a_protected_account_fails if {
	governance_value := protected
	statements := [{"Effect": "Allow", "Action": "datazone:Delete*", "Resource": "*"}]
	found := smus_020.violation with input.resource as role_policy(statements) with data.smus_governance as governance_value
	count(found) == 1
}

test_an_unprotected_account_is_not_checked if {
	statements := [{"Effect": "Allow", "Action": "datazone:DeleteDomain", "Resource": "*"}]
	count(smus_020.violation) == 0 with input.resource as role_policy(statements)
}
