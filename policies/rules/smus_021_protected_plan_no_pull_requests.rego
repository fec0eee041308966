# SMUS-021: no role of a protected account trusts GitHub pull requests (`repo:<repo>:pull_request`, or a StringLike
# subject whose wildcard admits it). Synth only.
package smus.rules.smus_021

import rego.v1

import data.smus.lib

github_sub := "token.actions.githubusercontent.com:sub"

violation contains v if {
	lib.is_synth
	lib.context.protected == true
	some d in lib.trust_documents
	d.doc != null
	trusts_pull_requests(d.doc)
	v := lib.violation("SMUS-021", d.resource, "a protected account's role trusts GitHub pull requests")
}

trusts_pull_requests(doc) if {
	some s in lib.statements(doc)
	lib.is_allow(s)
	some operator, block in object.get(s, "Condition", {})
	is_object(block)
	some key, values in block
	lower(key) == github_sub
	some subject in lib.as_list(values)
	is_string(subject)
	admits_pull_requests(operator, subject)
}

admits_pull_requests(operator, subject) if {
	not contains(operator, "Like")
	endswith(subject, ":pull_request")
}

admits_pull_requests(operator, subject) if {
	contains(operator, "Like")
	parts := split(subject, ":")
	count(parts) >= 3
	glob.match(subject, [], concat("", ["repo:", parts[1], ":pull_request"]))
}
