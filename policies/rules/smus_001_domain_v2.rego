# SMUS-001: every domain is a V2 (SageMaker Unified Studio) domain. Synth and plan.
package smus.rules.smus_001

import rego.v1

import data.smus.lib

domain_types := {"aws_datazone_domain", "awscc_datazone_domain"}

violation contains v if {
	some r in lib.of_types(domain_types)
	version := object.get(r.values, "domain_version", null)
	version != "V2"
	v := lib.violation("SMUS-001", r, "domain_version is not V2")
}
