# SMUS-024: a stack with a DataZone change alert also alerts on IAM role and KMS key changes, from every principal
# (rules whose pattern names no userIdentity). Synth only.
package smus.rules.smus_024

import rego.v1

import data.smus.lib

required := {"aws.iam": ["UpdateAssumeRolePolicy", "PutRolePolicy"], "aws.kms": ["PutKeyPolicy", "ScheduleKeyDeletion"]}

pattern(r) := p if {
	raw := object.get(r.values, "event_pattern", null)
	is_string(raw)
	json.is_valid(raw)
	p := json.unmarshal(raw)
	is_object(p)
} else := {}

rules := lib.of_types(["aws_cloudwatch_event_rule"])

datazone_rules := sort([r.address | some r in rules; "aws.datazone" in lib.as_list(object.get(pattern(r), "source", null))])

covered(source, name) if {
	some r in rules
	p := pattern(r)
	source in lib.as_list(object.get(p, "source", null))
	detail := object.get(p, "detail", {})
	not contains(json.marshal(detail), "userIdentity")
	name in lib.as_list(object.get(detail, "eventName", null))
}

violation contains v if {
	lib.is_synth
	count(datazone_rules) > 0
	missing := sort([concat(" ", [source, name]) | names := required[source]; name := names[_]; not covered(source, name)])
	count(missing) > 0
	some r in rules
	r.address == datazone_rules[0]
	v := lib.violation("SMUS-024", r, concat("", ["change alerts miss, from every principal: ", concat(", ", missing)]))
}
