# SMUS-014: bedrock:InvokeModel* (directly, via bedrock:* or *) is allowed on named models only: no Resource "*",
# no wildcard model ID, no NotResource. Conditions do not help: the model is the resource. A foundation model in a
# wildcard region needs a bedrock:InferenceProfileArn condition (only through a profile). Synth and plan.
package smus.rules.smus_014

import rego.v1

import data.smus.lib

invoke_actions := ["bedrock:invokemodel", "bedrock:invokemodelwithresponsestream"]

violation contains v if {
	some d in lib.identity_documents
	d.doc != null
	statements := lib.statements(d.doc)
	problems := [concat(" ", ["statement", format_int(i, 10)]) |
		s := statements[i]
		lib.is_allow(s)
		grants_invoke(s)
		unscoped(s)
	]
	count(problems) > 0
	v := lib.violation("SMUS-014", d.resource, concat("", [d.attribute, ": Bedrock invoke not limited to named models in ", concat(", ", problems)]))
}

grants_invoke(s) if {
	some action in lib.as_list(object.get(s, "Action", null))
	is_string(action)
	some target in invoke_actions
	glob.match(lower(action), [], target)
}

unscoped(s) if "NotResource" in object.keys(s)

unscoped(s) if count(lib.as_list(object.get(s, "Resource", null))) == 0

unscoped(s) if {
	some resource in lib.as_list(object.get(s, "Resource", null))
	not names_a_model(resource)
}

names_a_model(resource) if {
	is_string(resource)
	contains(resource, "/")
	model := substring(resource, indexof(resource, "/") + 1, -1)
	model != ""
	not contains(model, "*")
}

unscoped(s) if {
	some resource in lib.as_list(object.get(s, "Resource", null))
	any_region_model(resource)
	not tied_to_a_profile(s)
}

any_region_model(resource) if {
	is_string(resource)
	parts := split(resource, ":")
	count(parts) >= 6
	parts[2] == "bedrock"
	contains(parts[3], "*")
	startswith(parts[5], "foundation-model/")
}

tied_to_a_profile(s) if {
	some block in object.get(s, "Condition", {})
	some key in object.keys(block)
	lower(key) == "bedrock:inferenceprofilearn"
}
