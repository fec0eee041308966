# SMUS-023: in a bootstrap stack (it creates the state bucket), the bucket policy denies object reads, object writes
# and bucket policy changes to Principal "*" unless aws:PrincipalArn is a named role. Synth only.
package smus.rules.smus_023

import rego.v1

import data.smus.lib

negated := {"arnnotequals", "arnnotlike", "stringnotequals", "stringnotlike"}

names_principals(s) if {
	some operator, block in object.get(s, "Condition", {})
	trim_suffix(lower(operator), "ifexists") in negated
	is_object(block)
	some key, values in block
	lower(key) == "aws:principalarn"
	count(lib.as_list(values)) > 0
}

to_everyone(s) if object.get(s, "Principal", null) == "*"

to_everyone(s) if "*" in lib.as_list(object.get(object.get(s, "Principal", {}), "AWS", null))

denied_to_all_but_named(doc, action) if {
	some s in lib.statements(doc)
	object.get(s, "Effect", "") == "Deny"
	to_everyone(s)
	some granted in lib.as_list(object.get(s, "Action", null))
	is_string(granted)
	glob.match(lower(granted), [], lower(action))
	names_principals(s)
}

required := {"object reads": "s3:GetObject", "object writes": "s3:PutObject", "bucket policy changes": "s3:PutBucketPolicy"}

violation contains v if {
	lib.is_synth
	lib.context.local_backend_allowed == true
	some r in lib.of_types(["aws_s3_bucket_policy"])
	policy := doc_or_empty(lib.parse_policy(object.get(r.values, "policy", null)))
	missing := sort([what | action := required[what]; not denied_to_all_but_named(policy, action)])
	count(missing) > 0
	v := lib.violation("SMUS-023", r, concat("", ["the state bucket policy does not name who may do ", concat(", ", missing)]))
}

doc_or_empty(doc) := doc if is_object(doc)

doc_or_empty(doc) := {} if not is_object(doc)
