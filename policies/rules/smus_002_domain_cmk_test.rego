package smus.tests.smus_002

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_002

resources(kms, key) := {
	"aws_datazone_domain": {"D": {"kms_key_identifier": kms}},
	"aws_kms_key": {"K": key},
}

governance := {"stacks": {"stack": {"account_id": "123456789012"}}}

test_rotating_key_of_the_stack_passes if {
	governance_value := governance
	found := smus_002.violation with input.resource as resources("${aws_kms_key.K.arn}", {"enable_key_rotation": true})
		with data.smus_governance as governance_value
	count(found) == 0
}

test_key_arn_in_the_account_passes if {
	governance_value := governance
	arn := "arn:aws:kms:eu-west-1:123456789012:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f"
	found := smus_002.violation with input.resource as resources(arn, {}) with data.smus_governance as governance_value
	count(found) == 0
}

test_alias_fails if {
	governance_value := governance
	found := smus_002.violation with input.resource as resources("alias/aws/datazone", {})
		with data.smus_governance as governance_value
	count(found) == 1
}

test_key_without_rotation_fails if {
	governance_value := governance
	found := smus_002.violation with input.resource as resources("${aws_kms_key.K.arn}", {"enable_key_rotation": false})
		with data.smus_governance as governance_value
	count(found) == 1
}

adopted_without_key := {"aws_datazone_domain": {"D": {"name": "d"}}}

adoption := [{"id": "dzd_5f8a2b", "to": "aws_datazone_domain.D"}]

test_adopted_aws_owned_key_passes_when_unprotected if {
	governance_value := governance
	resources_value := adopted_without_key
	imports_value := adoption
	found := smus_002.violation with input.resource as resources_value with input["import"] as imports_value
		with data.smus_governance as governance_value
	count(found) == 0
}

test_adopted_aws_owned_key_fails_when_protected if {
	governance_value := {"stacks": {"stack": {"account_id": "123456789012", "protected": true}}}
	resources_value := adopted_without_key
	imports_value := adoption
	found := smus_002.violation with input.resource as resources_value with input["import"] as imports_value
		with data.smus_governance as governance_value
	count(found) == 1
}

test_aws_owned_key_of_a_created_domain_fails if {
	governance_value := governance
	resources_value := adopted_without_key
	found := smus_002.violation with input.resource as resources_value with data.smus_governance as governance_value
	count(found) == 1
}
