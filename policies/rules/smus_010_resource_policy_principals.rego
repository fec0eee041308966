# SMUS-010: no resource policy (key, bucket, trust policy) allows a wildcard principal without a Condition.
# Resource "*" in a key policy means "this key" and is not a finding. Synth and plan.
package smus.rules.smus_010

import rego.v1

import data.smus.lib

violation contains v if {
	some d in lib.resource_policy_documents
	d.doc == null
	v := lib.violation("SMUS-010", d.resource, concat("", [d.attribute, " is not a JSON policy document"]))
}

violation contains v if {
	some d in lib.resource_policy_documents
	d.doc != null
	statements := lib.statements(d.doc)
	problems := [concat(" ", ["statement", format_int(i, 10)]) |
		s := statements[i]
		lib.is_allow(s)
		"*" in lib.principal_values(s)
		not lib.has_condition(s)
	]
	count(problems) > 0
	v := lib.violation("SMUS-010", d.resource, concat("", [d.attribute, ": wildcard principal without a Condition in ", concat(", ", problems)]))
}
