package smus.tests.smus_004

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_004

protected := {"stacks": {"stack": {"protected": true}}}

resources(domain_lifecycle, key_lifecycle) := {
	"aws_datazone_domain": {"D": {"kms_key_identifier": "${aws_kms_key.K.arn}", "lifecycle": domain_lifecycle}},
	"aws_kms_key": {"K": {"lifecycle": key_lifecycle}},
}

test_guarded_domain_and_key_pass if {
	governance_value := protected
	found := smus_004.violation with input.resource as resources({"prevent_destroy": true}, {"prevent_destroy": true})
		with data.smus_governance as governance_value
	count(found) == 0
}

test_unguarded_key_fails if {
	governance_value := protected
	found := smus_004.violation with input.resource as resources({"prevent_destroy": true}, {})
		with data.smus_governance as governance_value
	{v.address | some v in found} == {"aws_kms_key.K"}
}

test_unprotected_account_is_not_checked if {
	count(smus_004.violation) == 0 with input.resource as resources({}, {})
}
