package smus.tests.smus_014

import rego.v1

import data.smus.rules.smus_014

role_policy(statement) := {"aws_iam_role_policy": {"P": {"policy": json.marshal({"Statement": [statement]})}}}

test_named_models_pass if {
	statement := {
		"Effect": "Allow",
		"Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
		"Resource": ["arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0"],
	}
	count(smus_014.violation) == 0 with input.resource as role_policy(statement)
}

test_invoke_on_star_fails if {
	statement := {"Effect": "Allow", "Action": "bedrock:InvokeModel*", "Resource": "*"}
	count(smus_014.violation) == 1 with input.resource as role_policy(statement)
}

test_bedrock_star_on_every_model_fails if {
	statement := {"Effect": "Allow", "Action": "bedrock:*", "Resource": "arn:aws:bedrock:eu-west-1::foundation-model/*"}
	count(smus_014.violation) == 1 with input.resource as role_policy(statement)
}
