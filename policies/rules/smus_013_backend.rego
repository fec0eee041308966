# SMUS-013: state is in an encrypted S3 backend with use_lockfile, under a key naming the account. A local backend is
# not applicable to bootstrap stacks (context local_backend_allowed: they create the bucket) and fails elsewhere.
# Synth only.
package smus.rules.smus_013

import rego.v1

import data.smus.lib

backends := object.get(input, ["terraform", "backend"], {})

# rego-cpp cannot index a call's result (`f(x)[0]`), so results are bound to a name first, here and elsewhere.
kind := kinds[0] if {
	is_object(backends)
	kinds := sort([k | some k in object.keys(backends)])
	count(kinds) > 0
} else := "local"

settings := object.get(backends, kind, {})

address := concat(".", ["terraform", "backend", kind])

violation contains v if {
	lib.is_synth
	kind == "local"
	lib.context.local_backend_allowed != true
	v := lib.stack_violation("SMUS-013", address, "state is local")
}

violation contains v if {
	lib.is_synth
	not kind in {"local", "s3"}
	v := lib.stack_violation("SMUS-013", address, concat("", ["backend ", kind, " is not the S3 backend"]))
}

violation contains v if {
	lib.is_synth
	kind == "s3"
	count(problems) > 0
	v := lib.stack_violation("SMUS-013", address, concat("", ["S3 backend: ", concat(", ", sort([p | some p in problems]))]))
}

problems contains "encrypt is not true" if object.get(settings, "encrypt", null) != true

problems contains "use_lockfile is not true" if object.get(settings, "use_lockfile", null) != true

problems contains "key does not name the account" if {
	lib.context.account_id != null
	not key_names_account
}

key_names_account if {
	some segment in split(object.get(settings, "key", ""), "/")
	segment == lib.context.account_id
}
