# SMUS-002: every domain is encrypted with a customer-managed KMS key: a rotating key of this stack, or a key ARN
# (not an alias) in the account. Synth only: the reference to a key of the stack is what shows it is customer-managed.
# An adopted domain keeping its AWS-owned key passes in unprotected accounts only.
package smus.rules.smus_002

import rego.v1

import data.smus.lib

domain_types := {"aws_datazone_domain", "awscc_datazone_domain"}

key_types := {"aws_kms_key", "awscc_kms_key"}

key_arn := `^arn:aws[a-z-]*:kms:[a-z0-9-]+:(\d{12}):key/[A-Za-z0-9-]+$`

violation contains v if {
	lib.is_synth
	some r in lib.of_types(domain_types)
	not compliant(r)
	v := lib.violation("SMUS-002", r, "kms_key_identifier is neither a key ARN in the account nor a rotating key of this stack")
}

compliant(r) if {
	key := lib.referenced(r.values.kms_key_identifier)
	key.data == false
	key.type in key_types
	rotates(key)
}

compliant(r) if {
	not in_stack_key(r)
	matches := regex.find_all_string_submatch_n(key_arn, r.values.kms_key_identifier, 1)
	in_account(matches[0][1])
}

# An adopted domain (an import block names it) that keeps its AWS-owned key: reported, and allowed only outside
# protected accounts (a protected one needs a SMUS-002 suppression with its reason in governance).
compliant(r) if {
	not r.values.kms_key_identifier
	adopted(r)
	not lib.context.protected
}

adopted(r) if {
	some block in object.get(input, "import", [])
	block.to == r.address
}

in_stack_key(r) if {
	key := lib.referenced(r.values.kms_key_identifier)
	key.data == false
	key.type in key_types
}

rotates(key) if key.type != "aws_kms_key"

rotates(key) if key.values.enable_key_rotation == true

in_account(_) if lib.context.account_id == null

in_account(account) if account == lib.context.account_id
