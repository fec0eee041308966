# SMUS-012: no awscc_* resource has a timeouts block (Terraform rejects it at plan). Synth only.
package smus.rules.smus_012

import rego.v1

import data.smus.lib

violation contains v if {
	lib.is_synth
	some r in lib.resources
	startswith(r.type, "awscc_")
	"timeouts" in object.keys(r.values)
	v := lib.violation("SMUS-012", r, "awscc resources take no timeouts block")
}
