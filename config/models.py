"""Typed models of one account's file under `config/accounts/`.

Models are strict (`extra="forbid"`), so a typo in a key is an error rather than a silently ignored setting, and
every value that AWS constrains is checked here with the same pattern AWS uses (see smus_constructs.patterns).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from config.bootstrap_models import BootstrapSettings
from config.operations_models import OperationsSettings
from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.patterns import (
    ACCEPTED,
    ACCOUNT_ID,
    BLUEPRINT_ID,
    DOMAIN_ID,
    DURATION,
    GROUP_IDENTIFIER,
    IDENTITY_CENTER_ID,
    KMS_KEY_ARN,
    POLICY_ARN,
    RAM_SHARE_ARN,
    REGION,
    RESOURCE_NAME,
    ROLE_ARN,
    UNIT_PATH,
    USER_IDENTIFIER,
    duration_minutes,
)
from smus_constructs.pipeline_rules import TABLE_NAME
from smus_constructs.policy_types import GrantPolicy
from smus_constructs.regions import known_region

MANDATORY_TAGS = ("CostCenter", "DataClassification", "Environment")
MINIMUM_DOMAIN_TIMEOUT_MINUTES = 90
S3_URI = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", re.ASCII)
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", re.ASCII)
VPC_ID = re.compile(r"^vpc-[0-9a-f]{8,17}$", re.ASCII)
SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$", re.ASCII)


def _matching(pattern: re.Pattern[str], accepted: str | None = None) -> AfterValidator:
    message = accepted or ACCEPTED[pattern]

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"expected {message}")
        return value

    return AfterValidator(check)


def _known_region(value: str) -> str:
    if not known_region(value):
        raise ValueError("expected a region that exists, e.g. 'eu-west-1' (smus_constructs.regions lists them)")
    return value


def visible_length(text: str) -> int:
    """Characters a reader can see: not whitespace, not zero-width or other format characters (Unicode Cf)."""
    return sum(1 for char in text if char.isprintable() and not char.isspace() and unicodedata.category(char) != "Cf")


MINIMUM_REASON_LENGTH = 10


def _reason(value: str) -> str:
    if visible_length(value) < MINIMUM_REASON_LENGTH:
        raise ValueError(f"expected a reason a reviewer can read: at least {MINIMUM_REASON_LENGTH} visible characters")
    return value


# AWS tag limits (IAM, KMS, S3, DataZone alike): keys 1-128 characters, values up to 256, at most 50 per resource,
# and the `aws:` prefix is reserved for AWS (any case).
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAGS_MAX = 50


def _tag_key(key: str) -> str:
    if not 1 <= len(key) <= TAG_KEY_MAX:
        raise ValueError(f"expected a tag key of 1-{TAG_KEY_MAX} characters (this one has {len(key)})")
    if key.lower().startswith("aws:"):
        raise ValueError("expected a tag key not starting with 'aws:' (the prefix is reserved for AWS)")
    return key


def _tag_value(value: str) -> str:
    if len(value) > TAG_VALUE_MAX:
        raise ValueError(f"expected a tag value of at most {TAG_VALUE_MAX} characters (this one has {len(value)})")
    return value


def _tag_count(values: dict[str, str]) -> dict[str, str]:
    if len(values) > TAGS_MAX:
        raise ValueError(f"expected at most {TAGS_MAX} tags (AWS's limit per resource)")
    return values


def _at_least_90m(value: str) -> str:
    if duration_minutes(value) < MINIMUM_DOMAIN_TIMEOUT_MINUTES:
        raise ValueError(f"expected a duration of at least {MINIMUM_DOMAIN_TIMEOUT_MINUTES}m, e.g. '90m' or '2h'")
    return value


AccountId = Annotated[str, _matching(ACCOUNT_ID)]
Region = Annotated[str, _matching(REGION), AfterValidator(_known_region)]
Reason = Annotated[str, AfterValidator(_reason)]
Tags = Annotated[
    dict[Annotated[str, AfterValidator(_tag_key)], Annotated[str, AfterValidator(_tag_value)]],
    AfterValidator(_tag_count),
]
ResourceName = Annotated[str, _matching(RESOURCE_NAME)]
RoleArn = Annotated[str, _matching(ROLE_ARN)]
PolicyArn = Annotated[str, _matching(POLICY_ARN)]
KmsKeyArn = Annotated[str, _matching(KMS_KEY_ARN)]
Duration = Annotated[str, _matching(DURATION), AfterValidator(_at_least_90m)]
S3Uri = Annotated[str, _matching(S3_URI, "an S3 URI such as 's3://bucket/prefix'")]
BucketName = Annotated[str, _matching(BUCKET, "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')")]
#: A CloudTrail trail by name or ARN (trail names: 3-128 of letters, digits, '.', '_' and '-').
TRAIL = re.compile(r"^(arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail/)?[A-Za-z0-9][A-Za-z0-9._-]{2,127}$")
TrailName = Annotated[str, _matching(TRAIL, "a CloudTrail trail's name or ARN, e.g. 'acme-org-trail'")]
VpcId = Annotated[str, _matching(VPC_ID, "a VPC ID such as 'vpc-0abc1234def567890'")]
SubnetId = Annotated[str, _matching(SUBNET_ID, "a subnet ID such as 'subnet-0abc1234def567890'")]
DomainId = Annotated[str, _matching(DOMAIN_ID)]
RamShareArn = Annotated[str, _matching(RAM_SHARE_ARN)]
DataZoneId = Annotated[str, _matching(BLUEPRINT_ID, "a DataZone ID of 1-36 letters, digits, '_' or '-'")]
UnitPath = Annotated[str, _matching(UNIT_PATH)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


#: An account file's name without `.toml` (and its `[account] name`): how one file names another.
ACCOUNT_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}$", re.ASCII)
AccountName = Annotated[str, _matching(ACCOUNT_NAME, "a short lowercase name such as 'prod'")]


class AccountSettings(Strict):
    """Who and where: the account the stacks deploy into, and whether it is protected (production)."""

    name: AccountName
    account_id: AccountId
    region: Region
    #: Protected accounts get prevent_destroy on the domain and its key, and stricter governance rules.
    protected: bool = False
    #: The role the providers assume for plan/apply (created by the bootstrap stack).
    deploy_role_arn: RoleArn


class StateSettings(Strict):
    """Where this account's Terraform state lives: one object per account and layer."""

    bucket: BucketName
    region: Region
    kms_key_arn: KmsKeyArn
    key_prefix: Annotated[
        str, _matching(re.compile(r"^[a-z0-9][a-z0-9/_-]{0,100}$", re.ASCII), "a lowercase key prefix")
    ] = "smus"
    #: Optional DynamoDB lock table, only for teams still migrating off it; S3 native locking is always on.
    dynamodb_table: (
        Annotated[str, _matching(TABLE_NAME, "a DynamoDB table name: 3-255 of letters, digits, '_', '.', '-'")] | None
    ) = None


class Timeouts(Strict):
    create: Duration = "90m"
    delete: Duration = "90m"


class IgnoreChangeEntry(Strict):
    """An attribute Terraform must not reconcile, on one resource, with the reason a reviewer accepted."""

    resource: Annotated[
        str,
        _matching(
            re.compile(r"^(domain|blueprint:\w+|profile:[\w -]+|project:[\w -]+)$", re.ASCII),
            "'domain', 'blueprint:<Name>', 'profile:<name>' or 'project:<name>'",
        ),
    ]
    attribute: Annotated[str, _matching(re.compile(r"^[a-z_][a-z0-9_.\[\]]*$", re.ASCII), "a resource attribute name")]
    reason: Reason


class SingleSignOnMode(StrEnum):
    IAM_IDENTITY_CENTER = "IAM_IDENTITY_CENTER"
    DISABLED = "DISABLED"


class DomainSettings(Strict):
    name: ResourceName
    description: str | None = None
    single_sign_on: SingleSignOnMode = SingleSignOnMode.IAM_IDENTITY_CENTER
    #: MANUAL (default): users are added deliberately. AUTOMATIC: every Identity Center user may sign in.
    user_assignment: Literal["MANUAL", "AUTOMATIC"] = "MANUAL"
    #: Left out: the platform stack creates a customer-managed key. Fixed at creation: a change is planned as an update
    #: that never reaches AWS (a perpetual diff), and smus guard fails it.
    kms_key_arn: KmsKeyArn | None = None
    #: An adopted domain (existing_id) that keeps the AWS-owned key it was created with: no key is created and none is
    #: sent. SMUS-002 reports it; a protected account also needs a SMUS-002 suppression with its reason in
    #: config/governance.toml.
    aws_owned_key: bool = False
    #: Left out: created with the trust policy AWS documents.
    execution_role_arn: RoleArn | None = None
    service_role_arn: RoleArn | None = None
    #: Applied to every role the stacks create, and the deploy role writes a role only while it carries it.
    #: default: none, which is refused while the stacks create a role, unless no_permissions_boundary_reason is set.
    permissions_boundary_arn: PolicyArn | None = None
    #: default: none. Why the roles the stacks create (left-out role ARNs) may go without a permissions boundary. The
    #: deploy role may then write those exact roles with no boundary, an escalation path only an SCP closes; refused
    #: in protected accounts, and while a boundary is set or no role would go without one.
    no_permissions_boundary_reason: Reason | None = None
    timeouts: Timeouts = Timeouts()
    #: An existing domain to adopt: synth emits an `import` block instead of creating one (docs/migration-runbook.md).
    existing_id: DomainId | None = None
    #: Member accounts this domain is shared with by RAM, by account file name; each member's file names this
    #: account in `[association] domain_account`. default: none (the domain is used in this account only).
    associated_accounts: list[AccountName] = []
    #: default: none (the platform stack creates the share). The RAM share of this domain made by hand, to adopt:
    #: the platform stack imports it and its domain association, and the principal association of each member whose
    #: `[association] existing_share_arn` names it (the others are created). Needs existing_id (import IDs are
    #: literals) and associated_accounts; the share must be this account's, in its region, and carry
    #: AWSRAMPermissionsAmazonDatazoneDomainExtendedServiceAccess (another permission is a replacement).
    existing_share_arn: RamShareArn | None = None
    #: default: none. The trail (e.g. the organisation trail) that records S3 data events for the domain's artifact and
    #: Tooling buckets. Set: access to them is audited by CloudTrail data events, and the ops stack checks that a trail
    #: records them (CLOUDTRAIL_S3_DATAEVENTS_ENABLED). Left out: they need S3 server access logs into
    #: [bootstrap] access_log_bucket; a protected account with neither is refused.
    s3_data_events_trail: TrailName | None = None


class AssociationSettings(Strict):
    """A member (associated) account: it has no domain of its own, and joins the domain of another account file.

    That account shares its domain with this one through RAM (and lists it in `[domain] associated_accounts`); this
    account enables blueprints in the shared domain with its own roles, network and credentials, and the domain's
    project profiles may deploy environments here (`environments = [{ ..., account = "<this file>" }]`).
    """

    #: The domain account's file name (without `.toml`).
    domain_account: AccountName
    #: Both accounts in one AWS Organization with RAM sharing enabled: the share stays inside the organization
    #: (`allow_external_principals = false`) and RAM accepts it on its own. default: false, the share allows external
    #: principals and this account's platform stack accepts it (`aws_ram_resource_share_accepter`).
    same_organization: bool = False
    #: Prefix of the roles and bucket this account's platform stack creates (`/service-role/<prefix>-*`).
    #: default: `smus-<account name>`.
    name_prefix: (
        Annotated[str, _matching(re.compile(r"^[a-z][a-z0-9-]{1,40}$", re.ASCII), "a lowercase name prefix")] | None
    ) = None
    #: As [domain] permissions_boundary_arn, for the roles this account's stacks create.
    permissions_boundary_arn: PolicyArn | None = None
    #: As [domain] no_permissions_boundary_reason (refused in protected accounts).
    no_permissions_boundary_reason: Reason | None = None
    #: default: none (this account is not associated yet). The domain account's RAM share this account already
    #: receives (its invitation accepted by hand, or shared inside one organization), to adopt: this account's
    #: platform stack imports its acceptance (`aws_ram_resource_share_accepter`, unless same_organization) and the
    #: domain account's imports this account's principal association. The domain account's `[domain]
    #: existing_share_arn` must name the same share.
    existing_share_arn: RamShareArn | None = None
    #: default: none. The shared domain's ID, as a literal: what adopting this account's blueprint configurations
    #: (`[blueprints.<Name>] existing_blueprint_id`, import ID `<domain id>/<blueprint id>`) needs, since the
    #: domain account's state is read only at plan. Must be the domain the domain account's state publishes (its
    #: `[domain] existing_id` when it adopts one; the plan fails on a precondition otherwise).
    existing_domain_id: DomainId | None = None
    #: default: none. As [domain] s3_data_events_trail, for this account's artifact buckets (its Tooling bucket and
    #: its blueprints' S3 locations in its region): the trail that records their S3 data events. Left out: they need
    #: S3 server access logs into [bootstrap] access_log_bucket; a protected member with neither is refused.
    s3_data_events_trail: TrailName | None = None


class RegionalParametersSettings(Strict):
    s3_location: S3Uri | None = None
    vpc_id: VpcId | None = None
    subnet_ids: list[SubnetId] = []


class NetworkSettings(Strict):
    """An account's network in one region: what blueprints whose environments provision into a VPC use by default."""

    vpc_id: VpcId
    subnet_ids: Annotated[list[SubnetId], Field(min_length=1)]
    #: The S3Location those blueprints get here. default: in the account's region, the Tooling blueprint's bucket
    #: (given or created), as aws-ia's quick-setup shares it; elsewhere required.
    s3_location: S3Uri | None = None


class BlueprintSettings(Strict):
    """One enabled blueprint. Its name is the key in `[blueprints.<Name>]`."""

    #: default: the account's region.
    regions: list[Region] = []
    #: Where this blueprint's environments go, per region. For blueprints whose environments provision into a VPC
    #: (Tooling, DataLake, LakehouseCatalog, RedshiftServerless, EmrServerless, EmrOnEc2, MLExperiments, Workflows)
    #: default: the account's [networks.<region>]; vpc_id and subnet_ids given here replace it together.
    regional_parameters: dict[Region, RegionalParametersSettings] = {}
    global_parameters: dict[str, str] = {}
    #: Projects in these units (and their children) may create environments from this blueprint.
    #: default: the root unit, i.e. every project in the domain.
    authorized_units: list[UnitPath] = []
    #: The blueprint ID of an existing configuration to adopt (needs domain.existing_id; in a member account,
    #: association.existing_domain_id).
    existing_blueprint_id: DataZoneId | None = None
    #: This blueprint's own provisioning role. default: the account's ([blueprint_roles], given or created).
    provisioning_role_arn: RoleArn | None = None
    #: This blueprint's own manage-access role. default: the account's ([blueprint_roles], given or created).
    manage_access_role_arn: RoleArn | None = None
    #: Roles not sent at all. aws-ia sends ToolingLite no manage-access role, and no provisioning role when the
    #: domain management portal's admin project provisions it; S3Bucket and S3TableCatalog neither (the project's
    #: execution role provisions them).
    without_roles: list[Literal["provisioning", "manage_access"]] = []
    #: Tooling only: the role the query editor runs as (global parameter sagemakerQueryExecutionRoleArn).
    #: default: created, with SageMakerStudioQueryExecutionRolePolicy. Tooling's bucket (regional s3_location in
    #: the account's region) is likewise created when not given.
    query_execution_role_arn: RoleArn | None = None


class BlueprintRoleSettings(Strict):
    """Provisioning and manage-access roles shared by the account's blueprints. Left out: created."""

    provisioning_role_arn: RoleArn | None = None
    manage_access_role_arn: RoleArn | None = None


class ParameterOverrideSettings(Strict):
    name: Annotated[
        str,
        _matching(
            re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$"),
            "a blueprint parameter name of letters, digits and '_' (AWS::DataZone::ProjectProfile)",
        ),
    ]
    #: Left out: no value is sent, only whether project creators may edit the blueprint's default.
    value: str | None = None
    editable: bool = False


class EnvironmentSettings(Strict):
    blueprint: BlueprintName
    mode: Literal["ON_CREATE", "ON_DEMAND"] = "ON_CREATE"
    name: ResourceName | None = None
    description: str | None = None
    #: default: the member's region when `account` is set, else the domain's.
    region: Region | None = None
    #: A member account (its file name, listed in `[domain] associated_accounts`) whose enabled blueprint the
    #: environment is deployed from, in that account. default: the domain's own account.
    account: AccountName | None = None
    overrides: list[ParameterOverrideSettings] = []


def _check_identifier(kind: str, identifier: str) -> None:
    """IDs have the shapes DataZone needs: an Identity Center ID, or (users) an IAM user or role ARN.

    DataZone's own patterns also accept a display name, which fails at apply (or names the wrong principal), so a
    name is refused here with the way to give one: `name = ...`, resolved through the account's identity lock.
    """
    pattern = USER_IDENTIFIER if kind == "user" else GROUP_IDENTIFIER
    if not pattern.fullmatch(identifier):
        accepted = (
            ACCEPTED[USER_IDENTIFIER] if kind == "user" else ACCEPTED[IDENTITY_CENTER_ID].replace("ID", "group ID")
        )
        raise ValueError(
            f"id {identifier!r} is not {accepted}; to name the {kind} instead, write name = {identifier!r} "
            "(resolved through the account's identity lock, written by `smus identities`)"
        )


def _check_name(kind: str, name: str) -> None:
    """A display name (group) or user name: what a reviewer reads, resolved to an ID through the identity lock."""
    if not name or name != name.strip() or len(name) > 1024:
        raise ValueError(f"name {name!r} is not a {kind} name of 1-1024 characters without surrounding spaces")
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in name):
        raise ValueError(f"name {name!r} contains control characters")
    if "${" in name or "%{" in name:
        raise ValueError(f"name {name!r} contains '${{' or '%{{', which Terraform and cdktn read as templates")


def _check_who(kind: str, identifier: str | None, name: str | None) -> None:
    if (identifier is None) == (name is None):
        raise ValueError(
            f"kind {kind!r} takes exactly one of 'id' (an ID or ARN) or 'name' (resolved through the identity lock)"
        )
    if identifier is not None:
        _check_identifier(kind, identifier)
    if name is not None:
        _check_name(kind, name)


class PrincipalSettings(Strict):
    """Who a grant is for.

    `user` / `group` take `name` (resolved to an ID through the identity lock) or `id`; `unit_projects` (projects in
    a unit) and `unit_owners` take `unit`; `project` takes `project` (a project name in this file); `all_users` takes
    nothing but, in a protected account, a `reason`.
    """

    kind: Literal["user", "group", "all_users", "unit_projects", "unit_owners", "project"]
    #: An Identity Center user or group ID, or an IAM user or role ARN in the aws partition (DataZone takes no other).
    id: str | None = None
    #: A group's display name or a user's user name; the account's identity lock gives its ID.
    name: str | None = None
    unit: UnitPath | None = None
    project: ResourceName | None = None
    designation: Literal["OWNER", "CONTRIBUTOR"] = "CONTRIBUTOR"
    include_child_units: bool = True
    reason: str | None = None

    @model_validator(mode="after")
    def _fields_match_kind(self) -> PrincipalSettings:
        needs = {"unit_projects": "unit", "unit_owners": "unit", "project": "project"}
        wanted = {"user": ("id", "name"), "group": ("id", "name")}.get(self.kind) or (
            (needs[self.kind],) if self.kind in needs else ()
        )
        for field_name in ("id", "name", "unit", "project"):
            if field_name not in wanted and getattr(self, field_name) is not None:
                takes = " or ".join(repr(w) for w in wanted) if wanted else "no identifier"
                raise ValueError(f"kind {self.kind!r} takes {takes}, not {field_name!r}")
        if self.kind in ("user", "group"):
            _check_who(self.kind, self.id, self.name)
        elif wanted and getattr(self, wanted[0]) is None:
            raise ValueError(f"kind {self.kind!r} needs {wanted[0]!r}")
        return self

    @property
    def who(self) -> str:
        """The name a reviewer reads (or the ID when only that was given), for messages and comparisons."""
        return self.name or self.id or ""


#: Kept for readability in profiles: a project creator is any principal.
ProjectCreator = PrincipalSettings


class ProfileSettings(Strict):
    name: ResourceName
    description: str | None = None
    #: Tooling (or ToolingLite) and the blueprints projects get. An empty list is only for a profile that deploys
    #: nothing, such as the "Generative AI model governance" profile whose project enables Bedrock model management.
    environments: list[EnvironmentSettings]
    #: DISABLED: no new projects from this profile; existing ones keep running.
    status: Literal["ENABLED", "DISABLED"] = "ENABLED"
    project_creators: list[PrincipalSettings] = []
    #: The domain unit the profile belongs to, where project creation is granted. default: /root.
    unit: UnitPath = "/root"
    #: 'create': each project of this profile gets its own execution role (Bedrock scoped to approved models).
    #: default 'none': DataZone's Tooling environment creates the project's roles.
    project_execution_role: Literal["none", "create"] = "none"
    #: An existing profile to adopt (needs domain.existing_id).
    existing_id: DataZoneId | None = None


class MemberSettings(Strict):
    """A user or group: a project member, or a domain unit owner. `name` is resolved through the identity lock."""

    id: str | None = None
    name: str | None = None
    kind: Literal["user", "group"] = "user"

    @model_validator(mode="after")
    def _id_shape(self) -> MemberSettings:
        _check_who(self.kind, self.id, self.name)
        return self

    @property
    def who(self) -> str:
        """The name a reviewer reads (or the ID when only that was given)."""
        return self.name or self.id or ""


class ProjectSettings(Strict):
    name: ResourceName
    #: Required for standard projects; left out for the ADMIN project.
    profile: ResourceName | None = None
    #: ADMIN: the domain management portal's admin project (one per domain, no profile; its owners are the domain's
    #: administrators). default: a standard project created from `profile`.
    category: Literal["STANDARD", "ADMIN"] = "STANDARD"
    description: str | None = None
    #: Which project class builds it: 'standard' or a product team's subclass registered in stacks/templates.py.
    template: str = "standard"
    owners: list[MemberSettings] = []
    contributors: list[MemberSettings] = []
    user_parameters: dict[str, dict[str, str]] = {}
    resource_tags: Tags = {}
    #: The domain unit the project belongs to. default: the root unit.
    unit: UnitPath = "/root"
    #: Bring your own execution role (wins over the profile's 'create'). Immutable: a change replaces the project.
    execution_role_arn: RoleArn | None = None
    #: An existing project to adopt (needs domain.existing_id). Its profile must stay the one it was created from.
    existing_id: DataZoneId | None = None


class BedrockSettings(Strict):
    """The Bedrock models projects may invoke in this account, approved by model risk. Never a wildcard."""

    approved_model_ids: list[
        Annotated[
            str,
            _matching(
                re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[a-z0-9-]+)*$", re.ASCII),
                "a Bedrock model or inference profile ID such as 'anthropic.claude-3-5-sonnet-20240620-v1:0'",
            ),
        ]
    ] = []


class DomainUnitSettings(Strict):
    """A domain unit under the root unit, created parent first, with its owners."""

    path: UnitPath
    description: str | None = None
    owners: list[MemberSettings] = []
    #: Shortcut for ADD_TO_PROJECT_MEMBER_POOL: who may be added as a member of projects in this unit.
    project_member_pool: list[PrincipalSettings] = []


class GrantSettings(Strict):
    """An explicit policy grant, for what the shortcuts (project_creators, member pools) don't cover."""

    policy: GrantPolicy
    principal: PrincipalSettings
    #: The unit the grant applies to (unit policies). default: the root unit.
    unit: UnitPath = "/root"
    #: The enabled blueprint the grant applies to (CREATE_ENVIRONMENT_FROM_BLUEPRINT, DELEGATE_CREATE_...).
    blueprint: BlueprintName | None = None
    #: CREATE_PROJECT_FROM_PROJECT_PROFILE only, and required there: the profiles (of `unit`) projects may come from.
    profiles: list[ResourceName] = []
    include_child_units: bool = True
    reason: Reason


class AccountConfig(Strict):
    """Everything about one account: the unit of one pull request, one review and two stacks."""

    account: AccountSettings
    state: StateSettings
    #: What the once-per-account bootstrap stack creates: CI's GitHub trust, service-linked roles, state retention.
    bootstrap: BootstrapSettings
    tags: Tags
    #: The account's own domain. Left out only in a member account, which has `[association]` instead.
    domain: DomainSettings | None = None
    #: A member account: the domain it joins (exactly one of [domain] and [association]).
    association: AssociationSettings | None = None
    blueprint_roles: BlueprintRoleSettings = BlueprintRoleSettings()
    #: Region -> the network blueprints whose environments provision into a VPC use there, unless their own
    #: regional_parameters name another.
    networks: dict[Region, NetworkSettings] = {}
    blueprints: dict[BlueprintName, BlueprintSettings]
    profiles: list[ProfileSettings] = []
    projects: list[ProjectSettings] = []
    ignore_changes: list[IgnoreChangeEntry] = []
    domain_units: list[DomainUnitSettings] = []
    bedrock: BedrockSettings = BedrockSettings()
    grants: list[GrantSettings] = []
    #: The `<account>-ops` stack: alert endpoints, the project quota, the drift metrics. default: every default.
    operations: OperationsSettings = OperationsSettings()

    @property
    def name_prefix(self) -> str:
        """What the roles and buckets the stacks create are named after: the domain's name, or a member's prefix."""
        if self.domain is not None:
            return self.domain.name
        assert self.association is not None, "checked by config.associations.shape_issues"
        return self.association.name_prefix or f"smus-{self.account.name}"

    @property
    def role_settings(self) -> DomainSettings | AssociationSettings:
        """The table holding permissions_boundary_arn and no_permissions_boundary_reason: [domain] or [association]."""
        if self.domain is not None:
            return self.domain
        assert self.association is not None, "checked by config.associations.shape_issues"
        return self.association

    @property
    def role_settings_table(self) -> str:
        """The name of :attr:`role_settings`' table, for messages."""
        return "domain" if self.domain is not None else "association"

    def the_domain(self) -> DomainSettings:
        """The domain of a domain account (never called for a member: its stacks have no domain)."""
        if self.domain is None:
            raise ValueError(f"account {self.account.name!r} is a member account: it has no [domain]")
        return self.domain
