package smus.tests.smus_005

import rego.v1

import data.smus.rules.smus_005

resource(reasons) := {"aws_datazone_domain": {"D": {"lifecycle": {
	"ignore_changes": ["domain_execution_role"],
	"//": {"ignore_changes": reasons},
}}}}

test_recorded_reason_passes if {
	count(smus_005.violation) == 0 with input.resource as resource({"domain_execution_role": "rotated by IAM"})
}

test_missing_reason_fails if {
	count(smus_005.violation) == 1 with input.resource as resource({"other": "x"})
}
