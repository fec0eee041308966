# IAM helpers the role, trust, key and domain rules share: which actions a statement grants, as IAM matches them
# (case-insensitive, `*` and `?` wildcards, NotAction), its condition keys, and the account root as a principal.
package smus.iam

import rego.v1

import data.smus.lib

matches(pattern, action) if {
	is_string(pattern)
	glob.match(lower(pattern), [], lower(action))
}

grants(s, action) if {
	lib.is_allow(s)
	not s.NotAction
	some pattern in lib.as_list(object.get(s, "Action", null))
	matches(pattern, action)
}

grants(s, action) if {
	lib.is_allow(s)
	s.NotAction
	not any_matches(lib.as_list(s.NotAction), action)
}

any_matches(patterns, action) if {
	some pattern in patterns
	matches(pattern, action)
}

granted(s, actions) := [a | some a in actions; grants(s, a)]

condition_keys(s) := [k |
	conditions := object.get(s, "Condition", {})
	is_object(conditions)
	some op
	block := conditions[op]
	is_object(block)
	some name
	_ = block[name]
	k := lower(name)
]

is_root(p) if regex.match(`^(arn:[^:]+:iam::[^:]+:root|\d{12})$`, p)

key_policy_sources := [
	{"type": "aws_kms_key", "attr": "policy"},
	{"type": "aws_kms_key_policy", "attr": "policy"},
	{"type": "awscc_kms_key", "attr": "key_policy"},
]

key_policy_documents := lib.documents(key_policy_sources)
