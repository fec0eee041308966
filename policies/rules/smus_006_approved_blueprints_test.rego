package smus.tests.smus_006

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_006

configuration := {"aws_datazone_environment_blueprint_configuration": {"B": {
	"environment_blueprint_id": "${data.aws_datazone_environment_blueprint.L.id}",
}}}

lookup(name) := {"aws_datazone_environment_blueprint": {"L": {"name": name}}}

governance := {"stacks": {"stack": {"approved_blueprints": ["Tooling"]}}}

test_approved_blueprint_passes if {
	governance_value := governance
	configuration_value := configuration
	found := smus_006.violation with input.resource as configuration_value with input.data as lookup("Tooling")
		with data.smus_governance as governance_value
	count(found) == 0
}

test_unapproved_blueprint_fails if {
	governance_value := governance
	configuration_value := configuration
	found := smus_006.violation with input.resource as configuration_value with input.data as lookup("PartnerApps")
		with data.smus_governance as governance_value
	count(found) == 1
}

test_unidentifiable_blueprint_fails if {
	governance_value := governance
	configuration_value := configuration
	found := smus_006.violation with input.resource as configuration_value with data.smus_governance as governance_value
	count(found) == 1
}
