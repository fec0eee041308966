# SMUS-005: every ignore_changes entry has its reason in lifecycle["//"]["ignore_changes"][<attribute>]. Synth only.
package smus.rules.smus_005

import rego.v1

import data.smus.lib

violation contains v if {
	lib.is_synth
	some r in lib.resources
	lifecycle := object.get(r.values, "lifecycle", {})
	is_object(lifecycle)
	"ignore_changes" in object.keys(lifecycle)
	missing := [attr |
		some entry in lib.as_list(lifecycle.ignore_changes)
		is_string(entry)
		attr := entry
		not lib.nonempty(object.get(lifecycle, ["//", "ignore_changes", attr], null))
	]
	count(missing) > 0
	v := lib.violation("SMUS-005", r, concat("", ["ignore_changes without a recorded reason: ", concat(", ", missing)]))
}
