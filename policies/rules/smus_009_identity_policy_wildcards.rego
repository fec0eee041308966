# SMUS-009: no identity-policy statement allows Action "*" (ever), or Resource "*" without a Condition. Key, bucket
# and trust policies are resource policies, where Resource "*" means "this resource"; SMUS-010 checks them for
# wildcard principals instead. Synth and plan.
package smus.rules.smus_009

import rego.v1

import data.smus.lib

violation contains v if {
	some d in lib.identity_documents
	d.doc == null
	v := lib.violation("SMUS-009", d.resource, concat("", [d.attribute, " is not a JSON policy document"]))
}

violation contains v if {
	some d in lib.identity_documents
	d.doc != null
	statements := lib.statements(d.doc)
	problems := [concat(" ", ["statement", format_int(i, 10)]) |
		s := statements[i]
		lib.is_allow(s)
		wildcard(s)
	]
	count(problems) > 0
	v := lib.violation("SMUS-009", d.resource, concat("", [d.attribute, ": wildcard Action or unconditioned Resource in ", concat(", ", problems)]))
}

wildcard(s) if "*" in lib.as_list(object.get(s, "Action", null))

wildcard(s) if {
	"*" in lib.as_list(object.get(s, "Resource", null))
	not lib.has_condition(s)
}
