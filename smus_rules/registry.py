"""Every rule of the pack, in ID order. A new rule is a new module under smus_rules/rules/ plus one line here."""

from __future__ import annotations

from smus_rules.model import Rule
from smus_rules.rules import (
    smus_001_domain_v2,
    smus_002_domain_cmk,
    smus_003_domain_timeouts,
    smus_004_protected_prevent_destroy,
    smus_005_ignore_changes_reason,
    smus_006_approved_blueprints,
    smus_007_mandatory_tags,
    smus_008_no_admin_managed_policies,
    smus_009_identity_policy_wildcards,
    smus_010_resource_policy_principals,
    smus_011_service_trust_source_account,
    smus_012_no_awscc_timeouts,
    smus_013_backend,
    smus_014_bedrock_invoke_scoped,
    smus_015_locked_blueprint_parameters,
    smus_016_all_users_grant,
    smus_017_role_writes_bounded,
    smus_018_no_trust_rewriting,
    smus_019_key_management_root_only,
    smus_020_protected_no_delete_domain,
    smus_021_protected_plan_no_pull_requests,
    smus_022_plan_role_no_metrics,
    smus_023_state_bucket_names_readers,
    smus_024_change_alerts_cover_iam_kms,
    smus_025_scp_spares_pipeline,
    smus_026_ram_least_privilege,
)

RULES: tuple[Rule, ...] = (
    smus_001_domain_v2.RULE,
    smus_002_domain_cmk.RULE,
    smus_003_domain_timeouts.RULE,
    smus_004_protected_prevent_destroy.RULE,
    smus_005_ignore_changes_reason.RULE,
    smus_006_approved_blueprints.RULE,
    smus_007_mandatory_tags.RULE,
    smus_008_no_admin_managed_policies.RULE,
    smus_009_identity_policy_wildcards.RULE,
    smus_010_resource_policy_principals.RULE,
    smus_011_service_trust_source_account.RULE,
    smus_012_no_awscc_timeouts.RULE,
    smus_013_backend.RULE,
    smus_014_bedrock_invoke_scoped.RULE,
    smus_015_locked_blueprint_parameters.RULE,
    smus_016_all_users_grant.RULE,
    smus_017_role_writes_bounded.RULE,
    smus_018_no_trust_rewriting.RULE,
    smus_019_key_management_root_only.RULE,
    smus_020_protected_no_delete_domain.RULE,
    smus_021_protected_plan_no_pull_requests.RULE,
    smus_022_plan_role_no_metrics.RULE,
    smus_023_state_bucket_names_readers.RULE,
    smus_024_change_alerts_cover_iam_kms.RULE,
    smus_025_scp_spares_pipeline.RULE,
    smus_026_ram_least_privilege.RULE,
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULE_IDS: tuple[str, ...] = tuple(RULES_BY_ID)
