# Shared helpers of the SMUS rule policies: the resources of a synthesised stack (cdk.tf.json) or of a plan
# (`terraform show -json`), the governance context of the stack, policy documents, and suppressions.
#
# The context and suppressions come from the data document `smus check` writes (rego-data.json):
#   data.smus_governance.stacks[<stack name>]  - account_id, protected, approved_blueprints, mandatory_tags, ...
#   data.smus_governance.suppressions          - active suppressions: rule_id, path (glob), reason
#   data.smus_governance.taggable_types        - resource types that take tags (from the provider bindings)
package smus.lib

import rego.v1

is_plan if input.planned_values

is_synth if not is_plan

# Never `object.get(data, ...)`: `data` includes these policies, and reading all of it from a rule is recursion.
stack_name := name if {
	name := input["//"].metadata.stackName
	is_string(name)
} else := name if {
	name := data.smus_governance.plan_stack
	is_string(name)
} else := "stack"

default_context := {
	"account_id": null,
	"protected": false,
	"local_backend_allowed": false,
	"approved_blueprints": [],
	"mandatory_tags": ["CostCenter", "DataClassification", "Environment"],
	"locked_parameters": {},
	"minimum_timeout_minutes": 90,
}

provided_context := c if {
	c := data.smus_governance.stacks[stack_name]
	is_object(c)
} else := {}

context := object.union(default_context, provided_context)

# An object (type -> true), not a list: rego-cpp takes about a second to build a set of the 2,000 types.
taggable(type) if data.smus_governance.taggable_types[type] == true

# One resource as every rule sees it: type, name, Terraform address, construct path, and its values.
resource_object(type, name, body, is_data) := {
	"type": type,
	"name": name,
	"data": is_data,
	"address": address(type, name, is_data),
	"path": object.get(body, ["//", "metadata", "path"], address(type, name, is_data)),
	"values": body,
}

# concat, not sprintf: rego-cpp's sprintf quotes strings that come out of builtins (`"aws_kms_key"."K"`).
address(type, name, false) := concat(".", [type, name])

address(type, name, true) := concat(".", ["data", type, name])

# Keyed by address (an object, not a set): rego-cpp would otherwise hash every resource body, which costs more
# than all the rules together.
resources[r.address] := r if {
	is_synth
	some type, items in object.get(input, "resource", {})
	some name, body in items
	is_object(body)
	r := resource_object(type, name, body, false)
}

resources[r.address] := r if {
	is_plan
	some module in plan_modules
	some res in object.get(module, "resources", [])
	res.mode == "managed"
	r := {
		"type": res.type,
		"name": res.name,
		"data": false,
		"address": res.address,
		"path": res.address,
		"values": object.get(res, "values", {}),
	}
}

# Resources by type, computed once per evaluation: most rules want one or two types, not every resource.
resource_types contains r.type if some r in resources

resources_of_type[type] := [r | some r in resources; r.type == type] if some type in resource_types

of_types(types) := [r | some type in types; some r in object.get(resources_of_type, type, [])]

identity_documents := documents(identity_sources)

trust_documents := documents(trust_sources)

resource_policy_documents := documents(resource_policy_sources)

plan_modules contains module if module := input.planned_values.root_module

plan_modules contains module if some module in object.get(input.planned_values.root_module, "child_modules", [])

reference_pattern := `^\$\{(data\.)?([a-z][a-z0-9_]*)\.([^.}\s]+)\.([a-z_]+)\}$`

# The resource or data source a whole-value reference such as "${aws_kms_key.K.arn}" points to.
referenced(value) := res if {
	is_string(value)
	matches := regex.find_all_string_submatch_n(reference_pattern, value, 1)
	parts := matches[0]
	parts[1] == ""
	body := input.resource[parts[2]][parts[3]]
	res := resource_object(parts[2], parts[3], body, false)
}

referenced(value) := res if {
	is_string(value)
	matches := regex.find_all_string_submatch_n(reference_pattern, value, 1)
	parts := matches[0]
	parts[1] == "data."
	body := input.data[parts[2]][parts[3]]
	res := resource_object(parts[2], parts[3], body, true)
}

as_list(x) := x if {
	is_array(x)
} else := [] if {
	is_null(x)
} else := [x]

nonempty(x) if {
	is_string(x)
	trim_space(x) != ""
}

violation(rule, r, msg) := {"rule": rule, "stack": stack_name, "address": r.address, "path": r.path, "msg": msg}

stack_violation(rule, addr, msg) := {"rule": rule, "stack": stack_name, "address": addr, "path": stack_name, "msg": msg}

# --- policy documents -------------------------------------------------------------------------------------------

identity_sources := [
	{"type": "aws_iam_policy", "attr": "policy"},
	{"type": "aws_iam_role_policy", "attr": "policy"},
	{"type": "aws_iam_user_policy", "attr": "policy"},
	{"type": "aws_iam_group_policy", "attr": "policy"},
	{"type": "aws_iam_role", "attr": "policy", "within": "inline_policy"},
	{"type": "aws_ssoadmin_permission_set_inline_policy", "attr": "inline_policy"},
	{"type": "awscc_iam_managed_policy", "attr": "policy_document"},
	{"type": "awscc_iam_role_policy", "attr": "policy_document"},
	{"type": "awscc_iam_user_policy", "attr": "policy_document"},
	{"type": "awscc_iam_group_policy", "attr": "policy_document"},
	{"type": "awscc_iam_role", "attr": "policy_document", "within": "policies"},
]

trust_sources := [
	{"type": "aws_iam_role", "attr": "assume_role_policy"},
	{"type": "awscc_iam_role", "attr": "assume_role_policy_document"},
]

resource_policy_sources := array.concat(trust_sources, [
	{"type": "aws_kms_key", "attr": "policy"},
	{"type": "aws_kms_key_policy", "attr": "policy"},
	{"type": "awscc_kms_key", "attr": "key_policy"},
	{"type": "aws_s3_bucket_policy", "attr": "policy"},
	{"type": "awscc_s3_bucket_policy", "attr": "policy_document"},
	{"type": "aws_sqs_queue_policy", "attr": "policy"},
	{"type": "aws_sns_topic_policy", "attr": "policy"},
	{"type": "aws_secretsmanager_secret_policy", "attr": "policy"},
	{"type": "aws_ecr_repository_policy", "attr": "policy"},
])

parse_policy(raw) := doc if {
	is_string(raw)
	json.is_valid(raw)
	doc := json.unmarshal(raw)
	is_object(doc)
} else := raw if {
	is_object(raw)
} else := null

# Every policy document at `sources`: {resource, attribute, doc} where doc is null when it cannot be read.
# An array, not a set, for the same reason as `resources`.
documents(sources) := array.concat([d |
	some src in sources
	not src.within
	some r in resources
	r.type == src.type
	raw := object.get(r.values, src.attr, null)
	raw != null
	d := {"resource": r, "attribute": src.attr, "doc": parse_policy(raw)}
], [d |
	some src in sources
	src.within
	some r in resources
	r.type == src.type
	blocks := as_list(object.get(r.values, src.within, []))
	block := blocks[i]
	is_object(block)
	raw := object.get(block, src.attr, null)
	raw != null
	label := concat("", [src.within, "[", format_int(i, 10), "].", src.attr])
	d := {"resource": r, "attribute": label, "doc": parse_policy(raw)}
])

statements(doc) := [s | some s in as_list(object.get(doc, "Statement", null)); is_object(s)]

is_allow(s) if object.get(s, "Effect", "Allow") == "Allow"

has_condition(s) if {
	c := object.get(s, "Condition", {})
	is_object(c)
	count(c) > 0
}

principal_values(s) := [p] if {
	p := object.get(s, "Principal", null)
	is_string(p)
} else := [v | some values in object.get(s, "Principal", {}); some v in as_list(values); is_string(v)] if {
	is_object(object.get(s, "Principal", null))
} else := []

# --- suppressions -----------------------------------------------------------------------------------------------

# A pattern matches a construct path, or anything below it: '*' within a segment, '**' across segments.
path_matches(pattern, path) if glob.match(pattern, ["/"], path)

path_matches(pattern, path) if glob.match(concat("", [pattern, "/**"]), ["/"], path)

suppressions_for(v) := [s |
	some s in data.smus_governance.suppressions
	s.rule_id == v.rule
	path_matches(s.path, v.path)
]

suppressed(v) if count(suppressions_for(v)) > 0
