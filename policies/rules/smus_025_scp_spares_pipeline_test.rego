package smus.tests.smus_025

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_025

deploy := "arn:aws:iam::333333333333:role/smus-deploy"

break_glass := "arn:aws:iam::333333333333:role/smus-break-glass"

governance := {"stacks": {"stack": {"pipeline_role_arns": [deploy, break_glass]}}}

scp(statement) := {"aws_organizations_policy": {"P": {
	"type": "SERVICE_CONTROL_POLICY",
	"content": json.marshal({"Version": "2012-10-17", "Statement": [statement]}),
}}}

deny(condition) := {"Sid": "S", "Effect": "Deny", "Action": ["datazone:DeleteDomain"], "Resource": "*", "Condition": condition}

test_deny_exempting_both_roles_passes if {
	governance_value := governance
	resource := scp(deny({"ArnNotLike": {"aws:PrincipalArn": [deploy, break_glass]}}))
	found := smus_025.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 0
}

test_wildcard_exemption_passes if {
	governance_value := governance
	resource := scp(deny({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::333333333333:role/smus-*"}}))
	found := smus_025.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 0
}

test_deny_forgetting_the_deploy_role_fails if {
	governance_value := governance
	resource := scp(deny({"ArnNotLike": {"aws:PrincipalArn": [break_glass]}}))
	found := smus_025.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_unconditional_deny_fails if {
	governance_value := governance
	resource := scp({"Sid": "S", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"})
	found := smus_025.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_allow_statement_fails if {
	governance_value := governance
	resource := scp({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
	found := smus_025.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}
