# SMUS-022: no plan role (trusted by GitHub, reads state objects, writes none) may cloudwatch:PutMetricData. Synth only.
package smus.rules.smus_022

import rego.v1

import data.smus.lib

github_roles := {t.resource.address: t.resource |
	some t in lib.trust_documents
	t.doc != null
	contains(json.marshal(t.doc), "token.actions.githubusercontent.com")
}

# The role a policy document belongs to: the role itself, or the role an aws_iam_role_policy references.
owner(r) := r.address if r.type != "aws_iam_role_policy"

owner(r) := lib.referenced(r.values.role).address if r.type == "aws_iam_role_policy"

allows(doc, action) if {
	some s in lib.statements(doc)
	lib.is_allow(s)
	some granted in lib.as_list(object.get(s, "Action", null))
	is_string(granted)
	lower(granted) in {lower(action), concat("", [split(lower(action), ":")[0], ":*"]), "*"}
}

granted(address, action) if {
	some d in lib.identity_documents
	d.doc != null
	owner(d.resource) == address
	allows(d.doc, action)
}

violation contains v if {
	lib.is_synth
	some address, role in github_roles
	granted(address, "s3:GetObject")
	not granted(address, "s3:PutObject")
	granted(address, "cloudwatch:PutMetricData")
	v := lib.violation("SMUS-022", role, "a plan role (reads state, writes none) may cloudwatch:PutMetricData")
}
