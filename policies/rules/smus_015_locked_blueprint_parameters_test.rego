package smus.tests.smus_015

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_015

governance := {"stacks": {"stack": {
	"protected": true,
	"locked_parameters": {"Tooling": [{"name": "sagemakerDomainNetworkType", "value": "VpcOnly"}]},
}}}

profile(override) := {"awscc_datazone_project_profile": {"P": {
	"//": {"environment_blueprints": {"Tools": "Tooling"}},
	"environment_configurations": [{"name": "Tools", "configuration_parameters": {"parameter_overrides": [override]}}],
}}}

test_locked_parameter_passes if {
	governance_value := governance
	override := {"name": "sagemakerDomainNetworkType", "value": "VpcOnly", "is_editable": false}
	count(smus_015.violation) == 0 with input.resource as profile(override) with data.smus_governance as governance_value
}

test_editable_parameter_fails if {
	governance_value := governance
	override := {"name": "sagemakerDomainNetworkType", "value": "VpcOnly", "is_editable": true}
	count(smus_015.violation) == 1 with input.resource as profile(override) with data.smus_governance as governance_value
}

test_wrong_value_fails if {
	governance_value := governance
	override := {"name": "sagemakerDomainNetworkType", "value": "PublicInternetOnly", "is_editable": false}
	count(smus_015.violation) == 1 with input.resource as profile(override) with data.smus_governance as governance_value
}
