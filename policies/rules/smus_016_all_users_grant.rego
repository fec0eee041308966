# SMUS-016: a protected account's policy grants to all users carry a reason (the all_users_reason `//` comment the
# grant construct writes from the account file). Synth only.
package smus.rules.smus_016

import rego.v1

import data.smus.lib

violation contains v if {
	lib.is_synth
	lib.context.protected == true
	some r in lib.of_types(["awscc_datazone_policy_grant"])
	object.get(r.values, ["principal", "user", "all_users_grant_filter"], null) != null
	not lib.nonempty(object.get(r.values, ["//", "all_users_reason"], null))
	v := lib.violation("SMUS-016", r, "all-users grant in a protected account without a recorded reason")
}
