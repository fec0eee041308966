package smus.tests.smus_021

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_021

github_trust(subject, operator) := {"aws_iam_role": {"R": {"assume_role_policy": json.marshal({"Statement": [{
	"Effect": "Allow",
	"Principal": {"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},
	"Action": "sts:AssumeRoleWithWebIdentity",
	"Condition": {operator: {"token.actions.githubusercontent.com:sub": [subject]}},
}]})}}}

protected := {"stacks": {"stack": {"protected": true}}}

test_reviewed_environment_passes if {
	governance_value := protected
	found := smus_021.violation with input.resource as github_trust("repo:a/b:environment:prod-plan", "StringEquals")
		with data.smus_governance as governance_value
	count(found) == 0
}

test_pull_request_fails if {
	governance_value := protected
	found := smus_021.violation with input.resource as github_trust("repo:a/b:pull_request", "StringEquals")
		with data.smus_governance as governance_value
	count(found) == 1
}

test_wildcard_subject_fails if {
	governance_value := protected
	found := smus_021.violation with input.resource as github_trust("repo:a/b:*", "StringLike")
		with data.smus_governance as governance_value
	count(found) == 1
}

test_unprotected_is_not_checked if {
	found := smus_021.violation with input.resource as github_trust("repo:a/b:pull_request", "StringEquals")
	count(found) == 0
}
