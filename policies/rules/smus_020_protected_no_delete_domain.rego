# SMUS-020: in a protected account no identity policy grants datazone:DeleteDomain (by name, wildcard or NotAction).
# Synth and plan.
package smus.rules.smus_020

import rego.v1

import data.smus.iam
import data.smus.lib

violation contains v if {
	lib.context.protected == true
	some d in lib.identity_documents
	d.doc == null
	v := lib.violation("SMUS-020", d.resource, concat("", [d.attribute, " is not a JSON policy document"]))
}

violation contains v if {
	lib.context.protected == true
	some d in lib.identity_documents
	d.doc != null
	problems := [concat(" ", ["statement", format_int(i, 10)]) |
		s := lib.statements(d.doc)[i]
		iam.grants(s, "datazone:DeleteDomain")
	]
	count(problems) > 0
	v := lib.violation("SMUS-020", d.resource, concat("", [d.attribute, ": datazone:DeleteDomain granted in a protected account in ", concat(", ", problems)]))
}
