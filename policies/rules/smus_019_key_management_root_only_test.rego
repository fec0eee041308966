package smus.tests.smus_019

import rego.v1

import data.smus.rules.smus_019

key(statements) := {"aws_kms_key": {"K": {"policy": json.marshal({"Statement": statements})}}}

root := {"AWS": "arn:aws:iam::123456789012:root"}

deploy := {"AWS": "arn:aws:iam::123456789012:role/smus-deploy"}

test_root_administers_and_others_only_use_the_key if {
	statements := [
		{"Effect": "Allow", "Principal": root, "Action": ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], "Resource": "*"},
		{"Effect": "Allow", "Principal": deploy, "Action": ["kms:Decrypt"], "Resource": "*"},
	]
	count(smus_019.violation) == 0 with input.resource as key(statements)
}

test_a_non_root_principal_with_put_key_policy_fails if {
	statements := [{"Effect": "Allow", "Principal": deploy, "Action": "kms:PutKeyPolicy", "Resource": "*"}]
	count(smus_019.violation) == 1 with input.resource as key(statements)
}

test_kms_star_for_a_service_fails if {
	statements := [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}]
	count(smus_019.violation) == 1 with input.resource as key(statements)
}
