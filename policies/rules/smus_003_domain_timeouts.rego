# SMUS-003: the domain's create and delete timeouts are at least 90 minutes. Synth and plan.
package smus.rules.smus_003

import rego.v1

import data.smus.lib

violation contains v if {
	some r in lib.of_types(["aws_datazone_domain"])
	short := [op | some op in ["create", "delete"]; not long_enough(r, op)]
	count(short) > 0
	v := lib.violation("SMUS-003", r, concat("", ["timeouts below the minimum: ", concat(", ", short)]))
}

long_enough(r, op) if {
	value := object.get(r.values, ["timeouts", op], null)
	is_string(value)
	time.parse_duration_ns(value) >= ((lib.context.minimum_timeout_minutes * 60) * 1000000000)
}
