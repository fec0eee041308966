package smus.tests.smus_008

import rego.v1

import data.smus.rules.smus_008

test_scoped_service_role_policy_passes if {
	arn := "arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainServiceRolePolicy"
	count(smus_008.violation) == 0 with input.resource as {"aws_iam_role_policy_attachment": {"A": {"policy_arn": arn}}}
}

test_administrator_access_attachment_fails if {
	arn := "arn:aws:iam::aws:policy/AdministratorAccess"
	count(smus_008.violation) == 1 with input.resource as {"aws_iam_role_policy_attachment": {"A": {"policy_arn": arn}}}
}

test_full_access_in_managed_policy_arns_fails if {
	arns := ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
	count(smus_008.violation) == 1 with input.resource as {"aws_iam_role": {"R": {"managed_policy_arns": arns}}}
}
