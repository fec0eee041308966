"""The Unified Studio domain: a DataZone V2 domain with its roles, key, single sign-on mode and timeouts.

`aws_datazone_domain` (hashicorp/aws) is the only DataZone resource here with a `timeouts` block; creating or deleting
a V2 domain routinely takes longer than the provider's 10-minute default, so both default to 90 minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol

from cdktn_provider_aws.data_aws_datazone_domain import DataAwsDatazoneDomain
from cdktn_provider_aws.datazone_domain import DatazoneDomain, DatazoneDomainSingleSignOn, DatazoneDomainTimeouts
from constructs import Construct, Node

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import (
    RoleSpec,
    ServiceRole,
    datazone_service_trust,
    domain_execution_trust,
    managed_policy_arn,
)
from smus_constructs.kms import DomainKey, domain_key_alias_name
from smus_constructs.lifecycle import IgnoreChange, apply_lifecycle
from smus_constructs.literals import literal, literal_map
from smus_constructs.role_names import domain_execution_role_name, domain_service_role_name

MINIMUM_TIMEOUT_MINUTES = 90


class SingleSignOn(StrEnum):
    """How people sign in: IAM Identity Center users and groups, or IAM principals only (`DISABLED`)."""

    IAM_IDENTITY_CENTER = "IAM_IDENTITY_CENTER"
    DISABLED = "DISABLED"


class IDomain(Protocol):
    """What a blueprint, profile or project needs to know about its domain, created here or managed elsewhere."""

    @property
    def node(self) -> Node: ...
    @property
    def domain_id(self) -> str: ...
    @property
    def domain_arn(self) -> str: ...
    @property
    def root_domain_unit_id(self) -> str: ...
    @property
    def portal_url(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def partition(self) -> str: ...
    @property
    def known_domain_id(self) -> str | None:
        """The domain ID as a literal when it exists before this plan (adopted or imported), else None.

        Terraform `import` blocks need IDs known at plan time, so children can only be adopted when this is set.
        """
        ...


@dataclass(frozen=True, kw_only=True)
class DomainProps:
    """Props of :class:`UnifiedStudioDomain`. Every optional field says what happens when it is left out."""

    name: str
    account_id: str
    region: str
    description: str | None = None
    #: default: IAM Identity Center.
    single_sign_on: SingleSignOn = SingleSignOn.IAM_IDENTITY_CENTER
    #: default: MANUAL - people are added deliberately; AUTOMATIC lets every Identity Center user in.
    user_assignment: Literal["MANUAL", "AUTOMATIC"] = "MANUAL"
    #: default: a customer-managed key is created. Immutable on the domain: a change replaces the domain.
    kms_key_arn: str | None = None
    #: default: False. True, only for an adopted domain (``existing_domain_id``) that uses an AWS-owned key: no key
    #: is created and `kms_key_identifier` stays unset, because the key cannot be changed on an existing domain.
    #: The rule pack's SMUS-002 reports it, and refuses it in protected accounts unless governance records why.
    aws_owned_key: bool = False
    #: default: a role trusted as AWS documents is created with SageMakerStudioDomainExecutionRolePolicy.
    execution_role_arn: str | None = None
    #: default: a role is created with SageMakerStudioDomainServiceRolePolicy.
    service_role_arn: str | None = None
    #: default: created roles have no permissions boundary.
    permissions_boundary_arn: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    #: default: 90m each, the floor below which V2 domain operations have been seen to time out.
    create_timeout: str = "90m"
    delete_timeout: str = "90m"
    #: default: False. True sets `prevent_destroy`, as every protected (production) account must.
    prevent_destroy: bool = False
    #: default: none. Each entry names its reason, which is written into the synthesised JSON.
    ignore_changes: Sequence[IgnoreChange] = ()
    #: default: none (the domain is created). An existing domain's ID: synth emits an `import` block to adopt it.
    existing_domain_id: str | None = None
    #: default: no other account may use the domain's key. The member (associated) accounts the domain is shared
    #: with: a created key lets them use it through DataZone (kms.member_key_statement). A handed-in key's owner adds
    #: that statement; an AWS-owned key needs nothing.
    member_account_ids: Sequence[str] = ()


class UnifiedStudioDomain(Construct):
    """A SageMaker Unified Studio domain (DataZone `domain_version = "V2"`).

    The L1 `aws_datazone_domain` is the child ``Resource``; roles and key are children too when created here.
    """

    def __init__(self, scope: Construct, id: str, props: DomainProps) -> None:
        super().__init__(scope, id)
        self._root_unit_token: str | None = None
        path = self.node.path
        patterns.check(patterns.RESOURCE_NAME, props.name, path=path, prop="name")
        patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        patterns.check(patterns.REGION, props.region, path=path, prop="region")
        for prop in ("kms_key_arn",):
            if props.kms_key_arn is not None:
                patterns.check(patterns.KMS_KEY_ARN, props.kms_key_arn, path=path, prop=prop)
        for prop, role_arn in (
            ("execution_role_arn", props.execution_role_arn),
            ("service_role_arn", props.service_role_arn),
        ):
            if role_arn is not None:
                patterns.check(patterns.ROLE_ARN, role_arn, path=path, prop=prop)
        if props.permissions_boundary_arn is not None:
            patterns.check(
                patterns.POLICY_ARN, props.permissions_boundary_arn, path=path, prop="permissions_boundary_arn"
            )
        if props.existing_domain_id is not None:
            patterns.check(patterns.DOMAIN_ID, props.existing_domain_id, path=path, prop="existing_domain_id")
        for member in props.member_account_ids:
            patterns.check(patterns.ACCOUNT_ID, member, path=path, prop="member_account_ids[]")
            if member == props.account_id:
                raise PropValidationError(
                    path, "member_account_ids[]", member, "another account than the domain's own (a member)"
                )
        if props.aws_owned_key and props.existing_domain_id is None:
            raise PropValidationError(
                path, "aws_owned_key", True, "False, or True only with existing_domain_id (a new domain gets a CMK)"
            )
        if props.aws_owned_key and props.kms_key_arn is not None:
            raise PropValidationError(path, "aws_owned_key", True, "False: an AWS-owned key, not with kms_key_arn")
        for prop, timeout in (("create_timeout", props.create_timeout), ("delete_timeout", props.delete_timeout)):
            patterns.check(patterns.DURATION, timeout, path=path, prop=prop)
            if patterns.duration_minutes(timeout) < MINIMUM_TIMEOUT_MINUTES:
                raise PropValidationError(path, prop, timeout, f"at least {MINIMUM_TIMEOUT_MINUTES}m")

        self.props = props
        self._account_id = props.account_id
        self._region = props.region
        self._partition = patterns.partition_of(props.region)
        tags = dict(props.tags)

        self.execution_role: ServiceRole | None = None
        self.execution_role_arn = props.execution_role_arn or ""
        if props.execution_role_arn is None:
            self.execution_role = ServiceRole(
                self,
                "ExecutionRole",
                RoleSpec(
                    name=domain_execution_role_name(props.name),
                    description=f"Unified Studio domain execution role for {props.name}",
                    trust=domain_execution_trust(props.account_id),
                    managed_policy_arns=[
                        managed_policy_arn(self._partition, "service-role/SageMakerStudioDomainExecutionRolePolicy")
                    ],
                    permissions_boundary_arn=props.permissions_boundary_arn,
                ),
                tags=tags,
            )
            self.execution_role_arn = self.execution_role.role_arn

        self.service_role: ServiceRole | None = None
        self.service_role_arn = props.service_role_arn or ""
        if props.service_role_arn is None:
            self.service_role = ServiceRole(
                self,
                "ServiceRole",
                RoleSpec(
                    name=domain_service_role_name(props.name),
                    description=f"Unified Studio domain service role for {props.name}",
                    trust=datazone_service_trust(props.account_id),
                    managed_policy_arns=[
                        managed_policy_arn(self._partition, "service-role/SageMakerStudioDomainServiceRolePolicy")
                    ],
                    permissions_boundary_arn=props.permissions_boundary_arn,
                ),
                tags=tags,
            )
            self.service_role_arn = self.service_role.role_arn

        self.key: DomainKey | None = None
        self.kms_key_arn = props.kms_key_arn or ""
        if props.kms_key_arn is None and not props.aws_owned_key:
            self.key = DomainKey(
                self,
                "Key",
                alias_name=domain_key_alias_name(props.name),
                partition=self._partition,
                account_id=props.account_id,
                region=props.region,
                execution_role_arn=self.execution_role_arn,
                member_account_ids=props.member_account_ids,
                tags=tags,
            )
            if props.prevent_destroy:
                apply_lifecycle(
                    self.key.resource,
                    prevent_destroy=True,
                    prevent_destroy_reason="the domain key is immutable on the domain; losing it loses the domain",
                )
            self.kms_key_arn = self.key.key_arn

        single_sign_on = None
        if props.single_sign_on is SingleSignOn.IAM_IDENTITY_CENTER:
            # The DataZone API (and the aws provider) name Identity Center "IAM_IDC".
            single_sign_on = [DatazoneDomainSingleSignOn(type="IAM_IDC", user_assignment=props.user_assignment)]
        self.resource = DatazoneDomain(
            self,
            "Resource",
            name=props.name,
            description=literal(props.description),
            domain_version="V2",
            domain_execution_role=self.execution_role_arn,
            service_role=self.service_role_arn,
            kms_key_identifier=self.kms_key_arn or None,
            single_sign_on=single_sign_on,
            tags=literal_map(tags) or None,
            timeouts=DatazoneDomainTimeouts(create=props.create_timeout, delete=props.delete_timeout),
            # The ARNs alone would let Terraform create the domain before the roles' policies are attached.
            depends_on=[d for role in (self.execution_role, self.service_role) if role for d in role.dependables]
            or None,
        )
        apply_lifecycle(
            self.resource,
            prevent_destroy=props.prevent_destroy,
            prevent_destroy_reason="protected account: replacing or destroying the domain deletes every project in it",
            ignore_changes=props.ignore_changes,
        )
        if props.existing_domain_id is not None:
            # aws_datazone_domain imports by domain ID.
            self.resource.import_from(props.existing_domain_id)

    @property
    def domain_id(self) -> str:
        return self.resource.id

    @property
    def known_domain_id(self) -> str | None:
        return self.props.existing_domain_id

    @property
    def domain_arn(self) -> str:
        return self.resource.arn

    @property
    def root_domain_unit_id(self) -> str:
        # One token per attribute: grants are told apart by their entity string (grants.PolicyGrants).
        if self._root_unit_token is None:
            self._root_unit_token = self.resource.root_domain_unit_id
        return self._root_unit_token

    @property
    def portal_url(self) -> str:
        return self.resource.portal_url

    @property
    def account_id(self) -> str:
        return self._account_id

    @property
    def region(self) -> str:
        return self._region

    @property
    def partition(self) -> str:
        return self._partition

    @staticmethod
    def from_domain_id(scope: Construct, id: str, *, domain_id: str, account_id: str, region: str) -> ImportedDomain:
        """A domain that something else manages, by ID; its root unit and portal URL are read with a data source."""
        return ImportedDomain(scope, id, domain_id=domain_id, account_id=account_id, region=region)

    @staticmethod
    def from_domain_arn(scope: Construct, id: str, domain_arn: str) -> ImportedDomain:
        """A domain that something else manages, by ARN (`arn:aws:datazone:<region>:<account>:domain/dzd_...`)."""
        match = patterns.DOMAIN_ARN.match(domain_arn) if isinstance(domain_arn, str) else None
        if match is None:
            raise PropValidationError(
                f"{scope.node.path}/{id}", "domain_arn", domain_arn, patterns.ACCEPTED[patterns.DOMAIN_ARN]
            )
        region, account_id, domain_id = match.groups()
        return ImportedDomain(scope, id, domain_id=domain_id, account_id=account_id, region=region)


class ImportedDomain(Construct):
    """A reference to an existing domain. Creates nothing; reads root unit and portal URL with `aws_datazone_domain`."""

    def __init__(self, scope: Construct, id: str, *, domain_id: str, account_id: str, region: str) -> None:
        super().__init__(scope, id)
        path = self.node.path
        self._domain_id = patterns.check(patterns.DOMAIN_ID, domain_id, path=path, prop="domain_id")
        self._account_id = patterns.check(patterns.ACCOUNT_ID, account_id, path=path, prop="account_id")
        self._region = patterns.check(patterns.REGION, region, path=path, prop="region")
        self._partition = patterns.partition_of(region)
        self.lookup = DataAwsDatazoneDomain(self, "Lookup", id=domain_id)
        self._root_unit_token: str | None = None

    @property
    def domain_id(self) -> str:
        return self._domain_id

    @property
    def known_domain_id(self) -> str | None:
        return self._domain_id

    @property
    def domain_arn(self) -> str:
        return f"arn:{self._partition}:datazone:{self._region}:{self._account_id}:domain/{self._domain_id}"

    @property
    def root_domain_unit_id(self) -> str:
        # One token per attribute: grants are told apart by their entity string (grants.PolicyGrants).
        if self._root_unit_token is None:
            self._root_unit_token = self.lookup.root_domain_unit_id
        return self._root_unit_token

    @property
    def portal_url(self) -> str:
        return self.lookup.portal_url

    @property
    def account_id(self) -> str:
        return self._account_id

    @property
    def region(self) -> str:
        return self._region

    @property
    def partition(self) -> str:
        return self._partition
