package smus.tests.smus_026

import rego.v1

# `with ... as <rule name>` is ignored by rego-cpp 1.5 (regopy); values are bound to local variables first.

import data.smus.rules.smus_026

member := "444444444444"

owner := "333333333333"

shares := "arn:aws:ram:eu-west-1:123456789012:resource-share/*"

named := {"ram:ResourceShareName": "DataZone-acme-prod-*"}

domain_governance := {"stacks": {"stack": {"account_id": "123456789012", "member_account_ids": [member]}}}

member_governance := {"stacks": {"stack": {"account_id": "123456789012", "shared_domain_account_id": owner}}}

ram_policy(statements) := {"aws_iam_policy": {"D": {"policy": json.marshal({"Version": "2012-10-17", "Statement": statements})}}}

create(equals) := {"Effect": "Allow", "Action": "ram:CreateResourceShare", "Resource": "*", "Condition": {"StringEqualsIfExists": equals}}

domain_share := [
	create({"ram:RequestedResourceType": "datazone:Domain", "ram:Principal": [member]}),
	{
		"Effect": "Allow", "Action": ["ram:AssociateResourceShare", "ram:DisassociateResourceShare"], "Resource": shares,
		"Condition": {"StringLike": named, "StringEqualsIfExists": {"ram:RequestedResourceType": "datazone:Domain", "ram:Principal": [member]}},
	},
	{"Effect": "Allow", "Action": ["ram:DeleteResourceShare", "ram:UpdateResourceShare"], "Resource": shares, "Condition": {"StringLike": named}},
	{"Effect": "Allow", "Action": ["ram:TagResource", "ram:UntagResource"], "Resource": shares, "Condition": {"StringEquals": {"aws:ResourceTag/SmusStack": "p"}}},
	{"Effect": "Allow", "Action": ["ram:GetResourceShares"], "Resource": "*"},
]

member_side := [
	{
		"Effect": "Allow", "Action": "ram:AcceptResourceShareInvitation", "Resource": "*",
		"Condition": {"StringEquals": {"ram:ShareOwnerAccountId": owner}, "StringLike": named},
	},
	{
		"Effect": "Allow", "Action": "ram:DisassociateResourceShare", "Resource": "*",
		"Condition": {"StringLike": named, "StringEquals": {"ram:Principal": "123456789012"}},
	},
]

test_domain_share_held_to_its_side_passes if {
	governance_value := domain_governance
	resource := ram_policy(domain_share)
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 0
}

test_create_of_any_resource_type_fails if {
	governance_value := domain_governance
	resource := ram_policy([create({"ram:Principal": [member]})])
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_sharing_with_an_account_that_is_not_a_member_fails if {
	governance_value := domain_governance
	resource := ram_policy([create({"ram:RequestedResourceType": "datazone:Domain", "ram:Principal": "999999999999"})])
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_every_datazone_share_fails if {
	governance_value := domain_governance
	statement := {"Effect": "Allow", "Action": "ram:UpdateResourceShare", "Resource": shares, "Condition": {"StringLike": {"ram:ResourceShareName": "DataZone-*"}}}
	resource := ram_policy([statement])
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_ram_wildcard_fails if {
	governance_value := domain_governance
	resource := ram_policy([{"Effect": "Allow", "Action": "ram:*", "Resource": "*", "Condition": {"StringLike": named}}])
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_member_accepting_and_leaving_passes if {
	governance_value := member_governance
	resource := ram_policy(member_side)
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 0
}

test_member_creating_a_share_fails if {
	governance_value := member_governance
	resource := ram_policy(array.concat(member_side, [create({"ram:RequestedResourceType": "datazone:Domain"})]))
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_member_accepting_from_anyone_fails if {
	governance_value := member_governance
	statement := {"Effect": "Allow", "Action": "ram:AcceptResourceShareInvitation", "Resource": "*", "Condition": {"StringLike": named}}
	resource := ram_policy([statement])
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 1
}

test_reads_are_not_restricted if {
	governance_value := member_governance
	resource := ram_policy([{"Effect": "Allow", "Action": ["ram:Get*", "ram:List*"], "Resource": "*"}])
	found := smus_026.violation with input.resource as resource with data.smus_governance as governance_value
	count(found) == 0
}
