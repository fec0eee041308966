# SMUS-006: every enabled blueprint is on the account's security-approved list. Synth only: the blueprint's name is
# read from the managed-blueprint lookup (data source) its configuration references.
package smus.rules.smus_006

import rego.v1

import data.smus.lib

configuration_types := {
	"aws_datazone_environment_blueprint_configuration": "environment_blueprint_id",
	"awscc_datazone_environment_blueprint_configuration": "environment_blueprint_identifier",
}

violation contains v if {
	lib.is_synth
	some r in lib.of_types(object.keys(configuration_types))
	not blueprint_name(r)
	v := lib.violation("SMUS-006", r, "cannot tell which blueprint this enables")
}

violation contains v if {
	lib.is_synth
	some r in lib.of_types(object.keys(configuration_types))
	name := blueprint_name(r)
	not name in lib.context.approved_blueprints
	v := lib.violation("SMUS-006", r, concat("", ["blueprint ", name, " is not approved for this account"]))
}

blueprint_name(r) := name if {
	lookup := lib.referenced(object.get(r.values, configuration_types[r.type], null))
	lookup.data == true
	lookup.type == "aws_datazone_environment_blueprint"
	name := lookup.values.name
	is_string(name)
}
