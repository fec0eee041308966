# SMUS-007: the mandatory tags are on every taggable resource. On a synthesised stack the aws provider's
# default_tags count for aws_* resources; on a plan, the planned `tags_all` (default tags merged) is read.
package smus.rules.smus_007

import rego.v1

import data.smus.lib

violation contains v if {
	some r in lib.resources
	lib.taggable(r.type)
	tags := effective_tags(r)
	missing := [t | some t in lib.context.mandatory_tags; not lib.nonempty(object.get(tags, t, null))]
	count(missing) > 0
	v := lib.violation("SMUS-007", r, concat("", ["missing mandatory tag(s) ", concat(", ", missing)]))
}

effective_tags(r) := object.union(default_tags(object.get(r.values, "provider", null)), tag_map(object.get(r.values, "tags", null))) if {
	lib.is_synth
	startswith(r.type, "aws_")
} else := tag_map(object.get(r.values, "tags_all", null)) if {
	lib.is_plan
	is_object(object.get(r.values, "tags_all", null))
} else := tag_map(object.get(r.values, "tags", null))

tag_map(x) := x if {
	is_object(x)
} else := {k: object.get(item, "value", null) |
	some item in lib.as_list(x)
	is_object(item)
	k := object.get(item, "key", null)
	is_string(k)
}

default_tags(provider_ref) := {k: val |
	alias := provider_alias(provider_ref)
	some config in lib.as_list(object.get(input, ["provider", "aws"], []))
	is_object(config)
	object.get(config, "alias", null) == alias
	some block in lib.as_list(object.get(config, "default_tags", []))
	tags := object.get(block, "tags", {})
	val := tags[k]
	is_string(val)
}

provider_alias(ref) := substring(ref, indexof(ref, ".") + 1, -1) if {
	is_string(ref)
	contains(ref, ".")
} else := null
