# SMUS-011: every trust in a service principal carries aws:SourceAccount (confused deputy). Synth and plan.
package smus.rules.smus_011

import rego.v1

import data.smus.lib

violation contains v if {
	some d in lib.trust_documents
	d.doc != null
	statements := lib.statements(d.doc)
	missing := [concat(" ", ["statement", format_int(i, 10)]) |
		s := statements[i]
		trusts_service(s)
		not "aws:sourceaccount" in condition_keys(s)
	]
	count(missing) > 0
	v := lib.violation("SMUS-011", d.resource, concat("", ["service trust without aws:SourceAccount in ", concat(", ", missing)]))
}

trusts_service(s) if {
	lib.is_allow(s)
	principal := object.get(s, "Principal", null)
	is_object(principal)
	count(lib.as_list(object.get(principal, "Service", null))) > 0
}

condition_keys(s) := {lower(k) |
	some block in object.get(s, "Condition", {})
	is_object(block)
	some k in object.keys(block)
}
