# SMUS-017: every identity-policy grant of a role-writing action (CreateRole, PutRolePolicy, AttachRolePolicy,
# DeleteRolePolicy, DetachRolePolicy, PutRolePermissionsBoundary) requires iam:PermissionsBoundary, or names exact
# roles in a policy whose `//` comment unbounded_roles_reason says why. Synth only (the reason is a `//` comment).
package smus.rules.smus_017

import rego.v1

import data.smus.iam
import data.smus.lib

role_writes := [
	"iam:AttachRolePolicy",
	"iam:CreateRole",
	"iam:DeleteRolePolicy",
	"iam:DetachRolePolicy",
	"iam:PutRolePermissionsBoundary",
	"iam:PutRolePolicy",
]

violation contains v if {
	lib.is_synth
	some d in lib.identity_documents
	d.doc == null
	v := lib.violation("SMUS-017", d.resource, concat("", [d.attribute, " is not a JSON policy document"]))
}

violation contains v if {
	lib.is_synth
	some d in lib.identity_documents
	d.doc != null
	reason := object.get(d.resource.values, ["//", "unbounded_roles_reason"], null)
	problems := [concat(" ", ["statement", format_int(i, 10)]) |
		s := lib.statements(d.doc)[i]
		count(iam.granted(s, role_writes)) > 0
		not bounded(s)
		not accepted_unbounded(s, reason)
	]
	count(problems) > 0
	v := lib.violation("SMUS-017", d.resource, concat("", [d.attribute, ": role writes without the boundary in ", concat(", ", problems)]))
}

accepted_unbounded(s, reason) if {
	lib.nonempty(reason)
	resources := lib.as_list(object.get(s, "Resource", null))
	count(resources) > 0
	count([r | some r in resources; not exact(r)]) == 0
}

exact(r) if {
	is_string(r)
	not contains(r, "*")
}

bounded(s) if "iam:permissionsboundary" in iam.condition_keys(s)
