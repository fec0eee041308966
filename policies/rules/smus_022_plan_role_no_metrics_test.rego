package smus.tests.smus_022

import rego.v1

import data.smus.rules.smus_022

trust := json.marshal({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
	"Principal": {"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"}}]})

plan_stack(actions) := {
	"aws_iam_role": {"P": {"assume_role_policy": trust}},
	"aws_iam_role_policy": {"PP": {"role": "${aws_iam_role.P.id}", "policy": json.marshal({"Statement": [
		{"Effect": "Allow", "Action": actions, "Resource": "*"},
	]})}},
}

test_read_only_plan_role_passes if {
	count(smus_022.violation) == 0 with input.resource as plan_stack(["s3:GetObject"])
}

test_plan_role_publishing_metrics_fails if {
	count(smus_022.violation) == 1 with input.resource as plan_stack(["s3:GetObject", "cloudwatch:PutMetricData"])
}

test_deploy_role_writing_state_is_not_a_plan_role if {
	count(smus_022.violation) == 0 with input.resource as plan_stack(["s3:GetObject", "s3:PutObject", "cloudwatch:PutMetricData"])
}
