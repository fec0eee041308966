package smus.tests.smus_003

import rego.v1

import data.smus.rules.smus_003

domain(timeouts) := {"aws_datazone_domain": {"D": {"timeouts": timeouts}}}

test_90_minutes_and_two_hours_pass if {
	count(smus_003.violation) == 0 with input.resource as domain({"create": "90m", "delete": "2h"})
}

test_one_hour_fails if {
	count(smus_003.violation) == 1 with input.resource as domain({"create": "1h", "delete": "1h30m"})
}

test_missing_timeouts_fail if {
	count(smus_003.violation) == 1 with input.resource as {"aws_datazone_domain": {"D": {"name": "d"}}}
}
