package smus.tests.smus_007

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_007

governance := {"taggable_types": {"aws_iam_role": true, "awscc_datazone_domain": true}}

tags := {"CostCenter": "CC-1", "DataClassification": "internal", "Environment": "dev"}

test_provider_default_tags_count_for_aws_resources if {
	governance_value := governance
	found := smus_007.violation with input.resource as {"aws_iam_role": {"R": {}}, "aws_iam_role_policy": {"P": {}}}
		with input.provider as {"aws": [{"default_tags": [{"tags": tags}]}]}
		with data.smus_governance as governance_value
	count(found) == 0
}

test_aws_resource_without_default_tags_fails if {
	governance_value := governance
	found := smus_007.violation with input.resource as {"aws_iam_role": {"R": {"tags": {"CostCenter": "CC-1"}}}}
		with input.provider as {"aws": [{"region": "eu-west-1"}]}
		with data.smus_governance as governance_value
	count(found) == 1
}

test_awscc_resource_needs_its_own_tags if {
	governance_value := governance
	found := smus_007.violation with input.resource as {"awscc_datazone_domain": {"C": {}}}
		with input.provider as {"aws": [{"default_tags": [{"tags": tags}]}]}
		with data.smus_governance as governance_value
	count(found) == 1
}

test_plan_reads_tags_all if {
	governance_value := governance
	plan := {"root_module": {"resources": [{
		"address": "aws_iam_role.R", "mode": "managed", "type": "aws_iam_role", "name": "R",
		"values": {"tags": {}, "tags_all": tags},
	}]}}
	count(smus_007.violation) == 0 with input.planned_values as plan with data.smus_governance as governance_value
}
