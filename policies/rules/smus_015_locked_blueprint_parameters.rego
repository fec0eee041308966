# SMUS-015: in a protected account every profile locks (is_editable = false, and the required value where one is
# given) the parameters security lists per blueprint. The blueprint of each environment configuration is read from
# the profile's `//` comment environment_blueprints; without it, the configuration's name is used. Synth only.
package smus.rules.smus_015

import rego.v1

import data.smus.lib

violation contains v if {
	lib.is_synth
	lib.context.protected == true
	some r in lib.of_types(["awscc_datazone_project_profile"])
	problems := [concat("", [name, " (", blueprint, ") does not lock ", required.name]) |
		some configuration in lib.as_list(object.get(r.values, "environment_configurations", null))
		is_object(configuration)
		name := object.get(configuration, "name", "None")
		blueprint := object.get(object.get(r.values, ["//", "environment_blueprints"], {}), name, name)
		overrides := lib.as_list(object.get(configuration, ["configuration_parameters", "parameter_overrides"], null))
		some required in object.get(lib.context.locked_parameters, blueprint, [])
		not is_locked(overrides, required)
	]
	count(problems) > 0
	v := lib.violation("SMUS-015", r, concat("", ["editable security parameters: ", concat("; ", problems)]))
}

is_locked(overrides, required) if {
	some override in overrides
	is_object(override)
	object.get(override, "name", null) == required.name
	object.get(override, "is_editable", null) == false
	value_matches(override, required)
}

value_matches(_, required) if object.get(required, "value", null) == null

value_matches(override, required) if object.get(override, "value", null) == required.value
