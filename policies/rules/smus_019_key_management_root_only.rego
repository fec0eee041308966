# SMUS-019: no key policy gives a principal other than the account root kms:PutKeyPolicy, kms:DisableKey or
# kms:ScheduleKeyDeletion (by name, wildcard or NotAction; NotPrincipal counts as another principal). Synth and plan.
package smus.rules.smus_019

import rego.v1

import data.smus.iam
import data.smus.lib

takeover := ["kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]

violation contains v if {
	some d in iam.key_policy_documents
	d.doc == null
	v := lib.violation("SMUS-019", d.resource, concat("", [d.attribute, " is not a JSON policy document"]))
}

violation contains v if {
	some d in iam.key_policy_documents
	d.doc != null
	problems := [concat(" ", ["statement", format_int(i, 10)]) |
		s := lib.statements(d.doc)[i]
		count(iam.granted(s, takeover)) > 0
		not_root_only(s)
	]
	count(problems) > 0
	v := lib.violation("SMUS-019", d.resource, concat("", [d.attribute, ": key takeover actions for a non-root principal in ", concat(", ", problems)]))
}

not_root_only(s) if {
	some p in lib.principal_values(s)
	not iam.is_root(p)
}

not_root_only(s) if s.NotPrincipal
