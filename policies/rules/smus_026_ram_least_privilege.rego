# SMUS-026: every RAM write action an identity policy allows (by name, wildcard or NotAction) is one its side of the
# association needs, held by its Condition (StringEquals/StringLike, with or without IfExists):
#   a domain account (data.smus_governance.stacks[<stack>].member_account_ids): Create/AssociateResourceShare to
#   ram:RequestedResourceType datazone:Domain and ram:Principal in its members; Associate, Disassociate, Update,
#   DeleteResourceShare to ram:ResourceShareName DataZone-<name>...; Tag/UntagResource to that name or an
#   aws:ResourceTag;
#   a member (shared_domain_account_id set): AcceptResourceShareInvitation to that name and ram:ShareOwnerAccountId
#   = the domain account, DisassociateResourceShare to that name and ram:Principal = itself; nothing else.
# Reads are not restricted. Synth and plan.
package smus.rules.smus_026

import rego.v1

import data.smus.iam
import data.smus.lib

ram_write_actions := [
	"ram:AcceptResourceShareInvitation",
	"ram:AssociateResourceShare",
	"ram:AssociateResourceSharePermission",
	"ram:CreatePermission",
	"ram:CreatePermissionVersion",
	"ram:CreateResourceShare",
	"ram:DeletePermission",
	"ram:DeletePermissionVersion",
	"ram:DeleteResourceShare",
	"ram:DisassociateResourceShare",
	"ram:DisassociateResourceSharePermission",
	"ram:EnableSharingWithAwsOrganization",
	"ram:PromotePermissionCreatedFromPolicy",
	"ram:PromoteResourceShareCreatedFromPolicy",
	"ram:RejectResourceShareInvitation",
	"ram:ReplacePermissionAssociations",
	"ram:SetDefaultPermissionVersion",
	"ram:TagResource",
	"ram:UntagResource",
	"ram:UpdateResourceShare",
]

exact_operators := {"StringEquals", "StringEqualsIfExists"}

pattern_operators := {"StringLike", "StringLikeIfExists"}

# Each kind of scope: the condition key it reads (a key ending in / is any tag key under that prefix).
scope_key := {
	"share_name": "ram:resourcesharename",
	"tag": "aws:resourcetag/",
	"domain_type": "ram:requestedresourcetype",
	"members": "ram:principal",
	"itself": "ram:principal",
	"domain_owner": "ram:shareowneraccountid",
}

domain_side := {
	"ram:CreateResourceShare": ["domain_type", "members"],
	"ram:AssociateResourceShare": ["share_name", "domain_type", "members"],
	"ram:DisassociateResourceShare": ["share_name"],
	"ram:UpdateResourceShare": ["share_name"],
	"ram:DeleteResourceShare": ["share_name"],
	"ram:TagResource": ["share_name_or_tag"],
	"ram:UntagResource": ["share_name_or_tag"],
}

member_side := {
	"ram:AcceptResourceShareInvitation": ["share_name", "domain_owner"],
	"ram:DisassociateResourceShare": ["share_name", "itself"],
}

shared_domain_account := object.get(lib.context, "shared_domain_account_id", null)

is_member if is_string(shared_domain_account)

side := member_side if {
	is_member
} else := domain_side

literal(v) if {
	not contains(v, "*")
	not contains(v, "?")
}

key_matches(name, key) if {
	endswith(key, "/")
	startswith(lower(name), key)
	count(name) > count(key)
}

key_matches(name, key) if {
	not endswith(key, "/")
	lower(name) == key
}

accepts("share_name", v) if regex.match(`^DataZone-[^*?]`, v)

accepts("tag", v) if literal(v)

accepts("domain_type", v) if v == "datazone:Domain"

accepts("members", v) if v in object.get(lib.context, "member_account_ids", [])

accepts("itself", v) if v == lib.context.account_id

accepts("domain_owner", v) if v == shared_domain_account

# Under StringLike a wildcard makes a value a pattern: only a share name may be one.
form_ok(op, _, _) if op in exact_operators

form_ok(op, "share_name", _) if op in pattern_operators

form_ok(op, kind, v) if {
	op in pattern_operators
	kind != "share_name"
	literal(v)
}

value_ok(op, kind, v) if {
	is_string(v)
	accepts(kind, v)
	form_ok(op, kind, v)
}

# One condition block holding the key to values that all pass (blocks are ANDed, so one is enough).
held_to(s, kind) if {
	conditions := object.get(s, "Condition", {})
	is_object(conditions)
	some op, block in conditions
	op in (exact_operators | pattern_operators)
	is_object(block)
	some name, values in block
	is_string(name)
	key_matches(name, scope_key[kind])
	items := lib.as_list(values)
	count(items) > 0
	bad := [v | v := items[_]; not value_ok(op, kind, v)]
	count(bad) == 0
}

satisfied(s, "share_name_or_tag") if held_to(s, "share_name")

satisfied(s, "share_name_or_tag") if held_to(s, "tag")

satisfied(s, scope) if {
	scope != "share_name_or_tag"
	held_to(s, scope)
}

allowed(s, action) if {
	scopes := side[action]
	missing := [scope | scope := scopes[_]; not satisfied(s, scope)]
	count(missing) == 0
}

violation contains v if {
	some d in lib.identity_documents
	d.doc != null
	problems := [concat(" ", ["statement", format_int(i, 10), "allows", action]) |
		s := lib.statements(d.doc)[i]
		action := ram_write_actions[_]
		iam.grants(s, action)
		not allowed(s, action)
	]
	count(problems) > 0
	v := lib.violation("SMUS-026", d.resource, concat("", [
		"RAM grants are not least-privilege: ", concat("; ", problems),
		" beyond its side of the shared domain",
	]))
}
