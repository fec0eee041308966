"""Typed CDK Terrain constructs for Amazon SageMaker Unified Studio (DataZone V2).

The four layers a Unified Studio estate is made of, each a construct wired to the one below it by object:

* :class:`UnifiedStudioDomain` - the V2 domain, its roles and its customer-managed key (hashicorp/aws);
* :class:`UnifiedStudioBlueprint` - one managed blueprint enabled in a domain (hashicorp/aws + an awscc grant);
* :class:`UnifiedStudioProjectProfile` - blueprints composed into environment configurations (awscc);
* :class:`UnifiedStudioProject` - a project created from a profile, with its members (awscc).

This package imports only ``cdktn``, ``constructs`` and the two provider bindings, so a product team can
``pip install`` it and use it without the estate application around it.

The package loads lazily (PEP 562): importing `smus_constructs.blueprint_names` or `smus_constructs.patterns` does not
start the jsii kernel, so config validation stays fast. The construct classes load on first attribute access.

Importing it also switches on fast synth (the lazy provider preload, :mod:`smus_constructs.runtime`) when it comes
before ``cdktn``; ``SMUS_EAGER_PROVIDERS=1`` switches it off.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from smus_constructs.runtime import enable_fast_synth

# Fast synth on import, while that is still in time (before cdktn starts the jsii kernel); SMUS_EAGER_PROVIDERS=1
# turns it off. It only sets environment variables the kernel reads at start: see smus_constructs.runtime.
enable_fast_synth()

if TYPE_CHECKING:
    from smus_constructs.access import DomainPrincipals, DomainUnitSpec, DomainUnitTree, UnifiedStudioDomainUnit
    from smus_constructs.blueprint import (
        BlueprintProps,
        BlueprintRoles,
        IBlueprint,
        RegionalParameters,
        UnifiedStudioBlueprint,
    )
    from smus_constructs.blueprint_names import BEDROCK_BLUEPRINTS, BlueprintName, parse_blueprint_name
    from smus_constructs.config_rules import ConfigRecorder, MandatoryTagRules, StateBucketRules
    from smus_constructs.dashboard import OpsDashboard, OpsDashboardProps
    from smus_constructs.dashboard_body import (
        AlarmStatusWidget,
        GraphWidget,
        HorizontalLine,
        LogWidget,
        MetricSpec,
        TextWidget,
    )
    from smus_constructs.domain import DomainProps, IDomain, SingleSignOn, UnifiedStudioDomain
    from smus_constructs.drift_log import DriftLogGroup
    from smus_constructs.errors import PropValidationError
    from smus_constructs.grants import (
        AllUsers,
        DomainUnitOwners,
        DomainUnitProjects,
        GrantPrincipal,
        GroupPrincipal,
        PolicyGrant,
        PolicyGrants,
        ProjectPrincipal,
        UserPrincipal,
    )
    from smus_constructs.lifecycle import IgnoreChange
    from smus_constructs.observability import AlertTopic, DriftAlarms, OutOfPipelineChangeAlerts, ProjectQuotaAlarm
    from smus_constructs.pipeline_identity import GithubDeployRole, GithubOidcProvider
    from smus_constructs.pipeline_signals import PipelineSignalAlarms
    from smus_constructs.policy_types import GrantPolicy
    from smus_constructs.project import (
        MemberDesignation,
        MemberKind,
        ProjectMember,
        ProjectProps,
        UnifiedStudioAdminProject,
        UnifiedStudioProject,
    )
    from smus_constructs.project_profile import (
        DeploymentMode,
        EnvironmentConfig,
        IProjectProfile,
        ParameterOverride,
        ProjectProfileProps,
        UnifiedStudioProjectProfile,
    )
    from smus_constructs.project_role import ProjectExecutionRole
    from smus_constructs.service_linked_roles import ServiceLinkedRoles
    from smus_constructs.state_bucket import StateBucket

_EXPORTS = {
    "AlertTopic": "smus_constructs.observability",
    "DriftAlarms": "smus_constructs.observability",
    "DriftLogGroup": "smus_constructs.drift_log",
    "ProjectQuotaAlarm": "smus_constructs.observability",
    "OutOfPipelineChangeAlerts": "smus_constructs.observability",
    "PipelineSignalAlarms": "smus_constructs.pipeline_signals",
    "StateBucketRules": "smus_constructs.config_rules",
    "OpsDashboard": "smus_constructs.dashboard",
    "OpsDashboardProps": "smus_constructs.dashboard",
    "AlarmStatusWidget": "smus_constructs.dashboard_body",
    "GraphWidget": "smus_constructs.dashboard_body",
    "HorizontalLine": "smus_constructs.dashboard_body",
    "LogWidget": "smus_constructs.dashboard_body",
    "MetricSpec": "smus_constructs.dashboard_body",
    "TextWidget": "smus_constructs.dashboard_body",
    "MandatoryTagRules": "smus_constructs.config_rules",
    "ConfigRecorder": "smus_constructs.config_rules",
    "StateBucket": "smus_constructs.state_bucket",
    "GithubOidcProvider": "smus_constructs.pipeline_identity",
    "GithubDeployRole": "smus_constructs.pipeline_identity",
    "ServiceLinkedRoles": "smus_constructs.service_linked_roles",
    "ProjectExecutionRole": "smus_constructs.project_role",
    "BlueprintRoles": "smus_constructs.blueprint",
    "DomainPrincipals": "smus_constructs.access",
    "DomainUnitSpec": "smus_constructs.access",
    "DomainUnitTree": "smus_constructs.access",
    "UnifiedStudioDomainUnit": "smus_constructs.access",
    "DomainUnitOwners": "smus_constructs.grants",
    "PolicyGrant": "smus_constructs.grants",
    "PolicyGrants": "smus_constructs.grants",
    "ProjectPrincipal": "smus_constructs.grants",
    "GrantPolicy": "smus_constructs.policy_types",
    "AllUsers": "smus_constructs.grants",
    "BEDROCK_BLUEPRINTS": "smus_constructs.blueprint_names",
    "BlueprintName": "smus_constructs.blueprint_names",
    "BlueprintProps": "smus_constructs.blueprint",
    "DeploymentMode": "smus_constructs.project_profile",
    "DomainProps": "smus_constructs.domain",
    "DomainUnitProjects": "smus_constructs.grants",
    "EnvironmentConfig": "smus_constructs.project_profile",
    "GrantPrincipal": "smus_constructs.grants",
    "GroupPrincipal": "smus_constructs.grants",
    "IBlueprint": "smus_constructs.blueprint",
    "IDomain": "smus_constructs.domain",
    "IProjectProfile": "smus_constructs.project_profile",
    "IgnoreChange": "smus_constructs.lifecycle",
    "MemberDesignation": "smus_constructs.project",
    "MemberKind": "smus_constructs.project",
    "ParameterOverride": "smus_constructs.project_profile",
    "ProjectMember": "smus_constructs.project",
    "ProjectProfileProps": "smus_constructs.project_profile",
    "ProjectProps": "smus_constructs.project",
    "PropValidationError": "smus_constructs.errors",
    "RegionalParameters": "smus_constructs.blueprint",
    "SingleSignOn": "smus_constructs.domain",
    "UnifiedStudioBlueprint": "smus_constructs.blueprint",
    "UnifiedStudioDomain": "smus_constructs.domain",
    "UnifiedStudioProject": "smus_constructs.project",
    "UnifiedStudioAdminProject": "smus_constructs.project",
    "UnifiedStudioProjectProfile": "smus_constructs.project_profile",
    "UserPrincipal": "smus_constructs.grants",
    "parse_blueprint_name": "smus_constructs.blueprint_names",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'smus_constructs' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "BEDROCK_BLUEPRINTS",
    "AlarmStatusWidget",
    "AlertTopic",
    "AllUsers",
    "BlueprintName",
    "BlueprintProps",
    "BlueprintRoles",
    "ConfigRecorder",
    "DeploymentMode",
    "DomainPrincipals",
    "DomainProps",
    "DomainUnitOwners",
    "DomainUnitProjects",
    "DomainUnitSpec",
    "DomainUnitTree",
    "DriftAlarms",
    "DriftLogGroup",
    "EnvironmentConfig",
    "GithubDeployRole",
    "GithubOidcProvider",
    "GrantPolicy",
    "GrantPrincipal",
    "GraphWidget",
    "GroupPrincipal",
    "HorizontalLine",
    "IBlueprint",
    "IDomain",
    "IProjectProfile",
    "IgnoreChange",
    "LogWidget",
    "MandatoryTagRules",
    "MemberDesignation",
    "MemberKind",
    "MetricSpec",
    "OpsDashboard",
    "OpsDashboardProps",
    "OutOfPipelineChangeAlerts",
    "ParameterOverride",
    "PipelineSignalAlarms",
    "PolicyGrant",
    "PolicyGrants",
    "ProjectExecutionRole",
    "ProjectMember",
    "ProjectPrincipal",
    "ProjectProfileProps",
    "ProjectProps",
    "ProjectQuotaAlarm",
    "PropValidationError",
    "RegionalParameters",
    "ServiceLinkedRoles",
    "SingleSignOn",
    "StateBucket",
    "StateBucketRules",
    "TextWidget",
    "UnifiedStudioAdminProject",
    "UnifiedStudioBlueprint",
    "UnifiedStudioDomain",
    "UnifiedStudioDomainUnit",
    "UnifiedStudioProject",
    "UnifiedStudioProjectProfile",
    "UserPrincipal",
    "parse_blueprint_name",
]
