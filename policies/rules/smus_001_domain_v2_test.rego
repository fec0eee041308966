package smus.tests.smus_001

import rego.v1

import data.smus.rules.smus_001

test_v2_domain_passes if {
	count(smus_001.violation) == 0 with input.resource as {"aws_datazone_domain": {"D": {"domain_version": "V2"}}}
}

test_v1_domain_fails if {
	found := smus_001.violation with input.resource as {"aws_datazone_domain": {"D": {"domain_version": "V1"}}}
	{v.address | some v in found} == {"aws_datazone_domain.D"}
}

test_plan_with_v1_domain_fails if {
	plan := {"root_module": {"resources": [{
		"address": "aws_datazone_domain.D", "mode": "managed", "type": "aws_datazone_domain", "name": "D",
		"values": {"domain_version": "V1"},
	}]}}
	found := smus_001.violation with input.planned_values as plan
	count(found) == 1
}
