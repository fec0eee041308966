# SMUS-025: every statement of a service control policy is a Deny whose condition exempts each pipeline role
# (data.smus_governance.stacks[<stack>].pipeline_role_arns: the protected accounts' deploy and break-glass roles)
# by aws:PrincipalArn under ArnNotLike, ArnNotEquals, StringNotLike or StringNotEquals (with or without IfExists).
# An Allow fails: in an SCP it is an allow-list. Synth only.
package smus.rules.smus_025

import rego.v1

import data.smus.lib

like_operators := {"ArnNotLike", "StringNotLike"}

equals_operators := {"ArnNotEquals", "StringNotEquals"}

scps := [r |
	some r in lib.of_types(["aws_organizations_policy"])
	object.get(r.values, "type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"
]

base_operator(op) := trim_suffix(op, "IfExists")

# The values an operator block lists for aws:PrincipalArn (condition keys are case-insensitive).
exempted_arns(block) := [value | listed := block[key]; lower(key) == "aws:principalarn"; some value in lib.as_list(listed); is_string(value)]

exempts(s, role) if {
	some op, block in object.get(s, "Condition", {})
	base_operator(op) in like_operators
	is_object(block)
	some pattern in exempted_arns(block)
	glob.match(pattern, null, role)
}

exempts(s, role) if {
	some op, block in object.get(s, "Condition", {})
	base_operator(op) in equals_operators
	is_object(block)
	role in exempted_arns(block)
}

problems(doc) := array.concat(
	[concat(" ", ["statement", format_int(i, 10), "is not a Deny"]) |
		s := lib.statements(doc)[i]
		object.get(s, "Effect", null) != "Deny"
	],
	[concat(" ", ["statement", format_int(i, 10), "does not exempt", role]) |
		s := lib.statements(doc)[i]
		object.get(s, "Effect", null) == "Deny"
		some role in object.get(lib.context, "pipeline_role_arns", [])
		not exempts(s, role)
	],
)

violation contains v if {
	lib.is_synth
	some r in scps
	doc := lib.parse_policy(object.get(r.values, "content", null))
	doc == null
	v := lib.violation("SMUS-025", r, "the SCP content is not a JSON policy document")
}

violation contains v if {
	lib.is_synth
	some r in scps
	doc := lib.parse_policy(object.get(r.values, "content", null))
	doc != null
	count(object.get(lib.context, "pipeline_role_arns", [])) == 0
	v := lib.violation("SMUS-025", r, "the rule context names no pipeline role to check the SCP against")
}

violation contains v if {
	lib.is_synth
	some r in scps
	doc := lib.parse_policy(object.get(r.values, "content", null))
	doc != null
	count(object.get(lib.context, "pipeline_role_arns", [])) > 0
	found := problems(doc)
	count(found) > 0
	v := lib.violation("SMUS-025", r, concat("", ["the SCP could lock out the pipeline: ", concat("; ", found)]))
}
