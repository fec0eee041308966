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

A share made by hand is adopted with import blocks, in the aws provider's import ID formats
(website/docs/r/ram_*.html.markdown): the share by its ARN, its domain association as `<share arn>,<domain arn>`, a
member's principal association as `<share arn>,<account id>`, and a member's acceptance by the share's ARN. An import
ID must be known at plan, so each is a literal; where the same value is also read from the other account's state, a
precondition fails the plan, naming both, when the two disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import Op, TerraformResource
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
    #: Already a principal of the adopted share (:class:`DomainShare` ``existing_share_arn``): its principal
    #: association is imported. default: false (created).
    associated: bool = False


class DomainShare(Construct):
    """The domain account's side: one RAM share of the domain, associated with the domain and with every member."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        domain_name: str,
        members: Sequence[ShareMember],
        existing_share_arn: str | None = None,
    ) -> None:
        """``existing_share_arn``: default none (the share is created). A share of this domain made by hand, to
        adopt with its domain association and the principal association of each member marked ``associated``;
        needs a domain whose ID is known (adopted or imported)."""
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
        if existing_share_arn is not None:
            self._adopt(domain, existing_share_arn)
        elif any(member.associated for member in members):
            names = [member.name for member in members if member.associated]
            raise PropValidationError(path, "members[].associated", names, "false unless existing_share_arn is given")

    def _adopt(self, domain: IDomain, share_arn: str) -> None:
        """Import blocks for the share, its domain association and the members already associated."""
        path = self.node.path
        check_share_arn(share_arn, owner=domain.account_id, region=domain.region, path=path)
        if domain.known_domain_id is None:
            raise PropValidationError(
                path, "existing_share_arn", share_arn, "to be left out unless the domain is adopted or imported too"
            )
        domain_arn = (
            f"arn:{domain.partition}:datazone:{domain.region}:{domain.account_id}:domain/{domain.known_domain_id}"
        )
        self.resource.import_from(share_arn)
        self.domain_association.import_from(f"{share_arn},{domain_arn}")
        for member in self.members:
            if member.associated:
                self.principal_associations[member.name].import_from(f"{share_arn},{member.account_id}")

    @property
    def share_arn(self) -> str:
        return self.resource.arn


def check_share_arn(share_arn: str, *, owner: str, region: str, path: str, prop: str = "existing_share_arn") -> str:
    """A literal RAM share ARN of ``owner`` in ``region`` (the domain account shares its domain in its region)."""
    patterns.check(patterns.RAM_SHARE_ARN, share_arn, path=path, prop=prop)
    match = patterns.RAM_SHARE_ARN.fullmatch(share_arn)
    if match is None or match["account"] != owner or match["region"] != region:
        raise PropValidationError(path, prop, share_arn, f"a share of the domain's account {owner} in {region}")
    return share_arn


def require_equal(resource: TerraformResource, *, read: str, literal_value: str, what: str) -> None:
    """Fail the plan of ``resource`` when a value read from state (``read``, a token) is not the literal its import
    block uses: an import of the wrong thing would otherwise plan its replacement."""
    resource.add_override(
        "lifecycle.precondition",
        [
            {
                "condition": Op.eq(read, literal_value),
                "error_message": (
                    f"{what}: this file adopts {literal_value}, but the domain account's platform state publishes "
                    f"{read}; correct the file (smus inventory reads the right one) before applying"
                ),
            }
        ],
    )


class DomainShareAccepter(Construct):
    """The member's side, outside the domain account's organization: accept the share's invitation.

    ``existing_share_arn``: default none (the pending invitation is accepted). The share this account accepted by
    hand, to adopt: its acceptance is imported (the provider accepts only a PENDING invitation), and the plan fails
    if ``share_arn`` (read from the domain account's state) is another share.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        share_arn: str,
        owner: str,
        region: str,
        existing_share_arn: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.resource = RamResourceShareAccepter(self, "Resource", share_arn=share_arn)
        if existing_share_arn is not None:
            check_share_arn(existing_share_arn, owner=owner, region=region, path=self.node.path)
            self.resource.import_from(existing_share_arn)
            require_equal(self.resource, read=share_arn, literal_value=existing_share_arn, what="existing_share_arn")


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
        known_domain_id: str | None = None,
    ) -> None:
        """``known_domain_id``: default none. The shared domain's ID as a literal, for import IDs of what this
        account adopts in it (:meth:`require_known_id` fails their plan if the state says another)."""
        super().__init__(scope, id)
        path = self.node.path
        self._known_domain_id = (
            patterns.check(patterns.DOMAIN_ID, known_domain_id, path=path, prop="known_domain_id")
            if known_domain_id is not None
            else None
        )
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
        return self._known_domain_id

    def require_known_id(self, resource: TerraformResource) -> None:
        """Fail ``resource``'s plan unless the domain ID read from state is :attr:`known_domain_id` (its import ID
        names that domain; a configuration imported from another would plan its replacement)."""
        if self._known_domain_id is None:
            raise PropValidationError(self.node.path, "known_domain_id", None, "the shared domain's literal ID")
        require_equal(resource, read=self._domain_id, literal_value=self._known_domain_id, what="existing_domain_id")

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
