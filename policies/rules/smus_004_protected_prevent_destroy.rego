# SMUS-004: in a protected account the domain, and a key of the stack it uses, carry prevent_destroy. Synth only.
package smus.rules.smus_004

import rego.v1

import data.smus.lib

domain_types := {"aws_datazone_domain", "awscc_datazone_domain"}

key_types := {"aws_kms_key", "awscc_kms_key"}

violation contains v if {
	lib.is_synth
	lib.context.protected == true
	some domain in lib.of_types(domain_types)
	some r in guarded(domain)
	object.get(r.values, ["lifecycle", "prevent_destroy"], false) != true
	v := lib.violation("SMUS-004", r, "no lifecycle.prevent_destroy in a protected account")
}

guarded(domain) := array.concat([domain], [key |
	key := lib.referenced(domain.values.kms_key_identifier)
	key.data == false
	key.type in key_types
])
