# SMUS-018: no identity policy grants iam:UpdateAssumeRolePolicy (by name, wildcard or NotAction). Synth and plan.
package smus.rules.smus_018

import rego.v1

import data.smus.iam
import data.smus.lib

violation contains v if {
	some d in lib.identity_documents
	d.doc == null
	v := lib.violation("SMUS-018", d.resource, concat("", [d.attribute, " is not a JSON policy document"]))
}

violation contains v if {
	some d in lib.identity_documents
	d.doc != null
	problems := [concat(" ", ["statement", format_int(i, 10)]) |
		s := lib.statements(d.doc)[i]
		iam.grants(s, "iam:UpdateAssumeRolePolicy")
	]
	count(problems) > 0
	v := lib.violation("SMUS-018", d.resource, concat("", [d.attribute, ": iam:UpdateAssumeRolePolicy granted in ", concat(", ", problems)]))
}
