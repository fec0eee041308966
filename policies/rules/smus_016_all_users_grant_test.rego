package smus.tests.smus_016

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_016

protected := {"stacks": {"stack": {"protected": true}}}

grant(comment) := {"awscc_datazone_policy_grant": {"G": {
	"//": comment,
	"principal": {"user": {"all_users_grant_filter": "{}"}},
}}}

test_all_users_grant_with_reason_passes if {
	governance_value := protected
	found := smus_016.violation with input.resource as grant({"all_users_reason": "Everyone reads the glossary (DG-01)"})
		with data.smus_governance as governance_value
	count(found) == 0
}

test_all_users_grant_without_reason_fails if {
	governance_value := protected
	count(smus_016.violation) == 1 with input.resource as grant({}) with data.smus_governance as governance_value
}

test_unprotected_account_is_not_checked if {
	count(smus_016.violation) == 0 with input.resource as grant({})
}
