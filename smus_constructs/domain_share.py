"""A domain shared with member (associated) accounts through AWS RAM, and the shared domain as a member sees it.

The domain account shares its V2 domain with one RAM resource share (`aws_ram_resource_share`), associated with the
domain's ARN (`aws_ram_resource_association`) and with each member account (`aws_ram_principal_association`), as
AWS's multi-account example (aws/Unified-Studio-for-Amazon-Sagemaker, terraform/examples/multi-account) and aws-ia's
cross-account module do:

- named `DataZone-<domain name>-<domain id>`: AWS's DataZone policies (AmazonDataZoneCrossAccountAdmin,
  SageMakerStudioFullAccess) manage only shares named `DataZone*`, and the console names them so;
- with the V2 permission `AWSRAMPermissionsAmazonDatazoneDomainExtendedServiceAccess` (V1 domains used
  `AWSRAMDefaultPermissionAmazonDataZoneDomain`);
- allowing external principals unless every member is in the domain account's AWS Organization (with RAM sharing
  enabled, where RAM accepts on its own).

A member outside the organization accepts the share (:class:`DomainShareAccepter`); its blueprint calls only work
once the association is ASSOCIATED. The member's stacks see the domain as :class:`SharedDomain`: its ID, ARN and root
unit read from the domain account's state, its account and region the domain account's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktn_provider_aws.ram_principal_association import RamPrincipalAssociation
from cdktn_provider_aws.ram_resource_association import RamResourceAssociation
from cdktn_provider_aws.ram_resource_share import RamResourceShare
from cdktn_provider_aws.ram_resource_share_accepter import RamResourceShareAccepter
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.domain import IDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.literals import literal

#: The RAM managed permission for sharing a V2 (Unified Studio) domain.
DOMAIN_SHARE_PERMISSION = "AWSRAMPermissionsAmazonDatazoneDomainExtendedServiceAccess"
#: What AWS's DataZone policies let RAM manage: shares whose name starts with this.
DOMAIN_SHARE_NAME_PREFIX = "DataZone-"
#: RAM's resource type of a DataZone domain (the `ram:RequestedResourceType` condition value).
DOMAIN_RESOURCE_TYPE = "datazone:Domain"


def domain_share_permission_arn(partition: str) -> str:
    return f"arn:{partition}:ram::aws:permission/{DOMAIN_SHARE_PERMISSION}"


def domain_share_name(domain_name: str, domain_id: str) -> str:
    """`DataZone-<domain name>-<domain id>`: the name AWS's console gives the share and its policies expect."""
    return f"{DOMAIN_SHARE_NAME_PREFIX}{domain_name}-{domain_id}"


@dataclass(frozen=True, kw_only=True)
class ShareMember:
    """A member account the domain is shared with."""

    #: Names the principal association's construct (e.g. the member's account file name).
    name: str
    account_id: str
    #: In the domain account's AWS Organization, with RAM sharing enabled: no external principal, no invitation.
    same_organization: bool = False


class DomainShare(Construct):
    """The domain account's side: one RAM share of the domain, associated with the domain and with every member."""

    def __init__(
        self, scope: Construct, id: str, *, domain: IDomain, domain_name: str, members: Sequence[ShareMember]
    ) -> None:
        super().__init__(scope, id)
        path = self.node.path
        if not members:
            raise PropValidationError(path, "members", [], "one or more member accounts to share the domain with")
        seen: set[str] = set()
        for member in members:
            patterns.check(patterns.ACCOUNT_ID, member.account_id, path=path, prop="members[].account_id")
            if member.account_id in seen or member.account_id == domain.account_id:
                raise PropValidationError(
                    path, "members[].account_id", member.account_id, "each member once, never the domain's account"
                )
            seen.add(member.account_id)
        self.members = tuple(members)
        self.resource = RamResourceShare(
            self,
            "Resource",
            name=domain_share_name(literal(domain_name), domain.domain_id),
            # One share for every member: it must reach any that is outside the organization.
            allow_external_principals=not all(member.same_organization for member in members),
            permission_arns=[domain_share_permission_arn(domain.partition)],
        )
        self.domain_association = RamResourceAssociation(
            self, "Domain", resource_arn=domain.domain_arn, resource_share_arn=self.resource.arn
        )
        self.principal_associations = {
            member.name: RamPrincipalAssociation(
                self, f"Member-{member.name}", principal=member.account_id, resource_share_arn=self.resource.arn
            )
            for member in members
        }

    @property
    def share_arn(self) -> str:
        return self.resource.arn


class DomainShareAccepter(Construct):
    """The member's side, outside the domain account's organization: accept the share's invitation."""

    def __init__(self, scope: Construct, id: str, *, share_arn: str) -> None:
        super().__init__(scope, id)
        self.resource = RamResourceShareAccepter(self, "Resource", share_arn=share_arn)


class SharedDomain(Construct):
    """Another account's domain, shared with this one: an :class:`IDomain` whose attributes come from that account.

    Creates nothing. ``domain_id``, ``domain_arn`` and ``root_domain_unit_id`` are usually read from the domain
    account's state (a `terraform_remote_state` data source), never copied by hand.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain_id: str,
        domain_arn: str,
        root_domain_unit_id: str,
        account_id: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        path = self.node.path
        self._account_id = patterns.check(patterns.ACCOUNT_ID, account_id, path=path, prop="account_id")
        self._region = patterns.check(patterns.REGION, region, path=path, prop="region")
        self._partition = patterns.partition_of(region)
        self._domain_id = domain_id
        self._domain_arn = domain_arn
        self._root_domain_unit_id = root_domain_unit_id

    @property
    def domain_id(self) -> str:
        return self._domain_id

    @property
    def known_domain_id(self) -> str | None:
        return None

    @property
    def domain_arn(self) -> str:
        return self._domain_arn

    @property
    def root_domain_unit_id(self) -> str:
        return self._root_domain_unit_id

    @property
    def portal_url(self) -> str:
        raise PropValidationError(self.node.path, "portal_url", None, "the domain account's own outputs")

    @property
    def account_id(self) -> str:
        return self._account_id

    @property
    def region(self) -> str:
        return self._region

    @property
    def partition(self) -> str:
        return self._partition
