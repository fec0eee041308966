package smus.tests.smus_012

import rego.v1

import data.smus.rules.smus_012

test_awscc_without_timeouts_passes if {
	count(smus_012.violation) == 0 with input.resource as {"awscc_datazone_project": {"P": {"name": "p"}}}
}

test_awscc_with_timeouts_fails if {
	count(smus_012.violation) == 1 with input.resource as {"awscc_datazone_project": {"P": {"timeouts": {"create": "2h"}}}}
}
