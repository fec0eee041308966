# conftest entry point: `deny` for every unsuppressed violation, `warn` for each suppressed one (with its reason).
#   conftest test --policy policies --data <report dir>/rego-data.json cdktf.out/stacks/*/cdk.tf.json
package main

import rego.v1

import data.smus.lib

violations contains v if {
	some name
	v := data.smus.rules[name].violation[_]
}

deny contains msg if {
	some v in violations
	not lib.suppressed(v)
	msg := concat("", [v.rule, " ", v.path, " (", v.address, "): ", v.msg])
}

warn contains msg if {
	some v in violations
	matching := lib.suppressions_for(v)
	msg := concat("", [v.rule, " ", v.path, " (", v.address, ") suppressed: ", matching[0].reason])
}
