# SMUS-008: no *FullAccess or AdministratorAccess managed policy attached. Synth and plan.
package smus.rules.smus_008

import rego.v1

import data.smus.lib

attachments := {
	"aws_iam_role_policy_attachment": "policy_arn",
	"aws_iam_user_policy_attachment": "policy_arn",
	"aws_iam_group_policy_attachment": "policy_arn",
	"aws_iam_policy_attachment": "policy_arn",
	"aws_iam_role": "managed_policy_arns",
	"aws_iam_role_policy_attachments_exclusive": "policy_arns",
	"aws_iam_user_policy_attachments_exclusive": "policy_arns",
	"aws_iam_group_policy_attachments_exclusive": "policy_arns",
	"aws_ssoadmin_managed_policy_attachment": "managed_policy_arn",
	"awscc_iam_role": "managed_policy_arns",
	"awscc_iam_user": "managed_policy_arns",
	"awscc_iam_group": "managed_policy_arns",
}

violation contains v if {
	some r in lib.of_types(object.keys(attachments))
	attr := attachments[r.type]
	forbidden := [arn |
		some arn in lib.as_list(object.get(r.values, attr, null))
		is_string(arn)
		is_forbidden(arn)
	]
	count(forbidden) > 0
	v := lib.violation("SMUS-008", r, concat("", [attr, " attaches ", concat(", ", forbidden)]))
}

is_forbidden(arn) if {
	parts := split(arn, "/")
	name := parts[count(parts) - 1]
	name == "AdministratorAccess"
}

is_forbidden(arn) if {
	parts := split(arn, "/")
	endswith(parts[count(parts) - 1], "FullAccess")
}
