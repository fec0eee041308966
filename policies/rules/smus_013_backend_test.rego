package smus.tests.smus_013

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_013

governance(allowed) := {"stacks": {"stack": {"account_id": "123456789012", "local_backend_allowed": allowed}}}

s3(settings) := {"backend": {"s3": settings}}

test_hardened_s3_backend_passes if {
	governance_value := governance(false)
	settings := {"encrypt": true, "use_lockfile": true, "key": "smus/123456789012/platform.tfstate"}
	count(smus_013.violation) == 0 with input.terraform as s3(settings) with data.smus_governance as governance_value
}

test_unlocked_backend_fails if {
	governance_value := governance(false)
	settings := {"encrypt": true, "key": "smus/123456789012/platform.tfstate"}
	count(smus_013.violation) == 1 with input.terraform as s3(settings) with data.smus_governance as governance_value
}

test_local_state_fails_outside_bootstrap if {
	governance_value := governance(false)
	local := {"backend": {"local": {"path": "x"}}}
	count(smus_013.violation) == 1 with input.terraform as local with data.smus_governance as governance_value
}

test_local_state_is_not_applicable_to_bootstrap if {
	governance_value := governance(true)
	local := {"backend": {"local": {"path": "x"}}}
	count(smus_013.violation) == 0 with input.terraform as local with data.smus_governance as governance_value
}
