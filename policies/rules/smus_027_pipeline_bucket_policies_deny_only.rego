# SMUS-027: outside bootstrap stacks (the deploy role applies them and holds s3:PutBucketPolicy on the Tooling bucket
# it creates), every bucket policy has Deny statements only; an unreadable policy fails. Synth and plan.
package smus.rules.smus_027

import rego.v1

import data.smus.lib

bucket_policy_sources := [
	{"type": "aws_s3_bucket_policy", "attr": "policy"},
	{"type": "awscc_s3_bucket_policy", "attr": "policy_document"},
	{"type": "aws_s3_bucket", "attr": "policy"},
]

bucket_policies := [d | some d in lib.documents(bucket_policy_sources); not object.get(d.resource.values, d.attribute, "") == ""]

violation contains v if {
	not lib.context.local_backend_allowed == true
	some d in bucket_policies
	d.doc == null
	v := lib.violation("SMUS-027", d.resource, concat("", [d.attribute, " is not a JSON policy document"]))
}

violation contains v if {
	not lib.context.local_backend_allowed == true
	some d in bucket_policies
	d.doc != null
	statements := lib.statements(d.doc)
	allows := [concat(" ", ["statement", format_int(i, 10)]) | s := statements[i]; lib.is_allow(s)]
	count(allows) > 0
	v := lib.violation("SMUS-027", d.resource, concat("", [d.attribute, ": ", concat(", ", allows), " is not a Deny"]))
}
