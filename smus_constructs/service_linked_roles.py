"""Service-linked roles that Unified Studio project tooling needs, pre-created for accounts whose SCPs forbid it.

Normally the first use of Redshift, EMR Serverless, MWAA and so on creates the service's role on the fly through
`iam:CreateServiceLinkedRole`. Many organisations deny that action in an SCP, and then a project's first environment
fails half-way through provisioning. Creating the roles once, from the bootstrap stack, removes that failure.

The set is closed (service_linked_role_names.py): each name maps to the one service principal AWS links it to.

A role that already exists in the account (a console user got there first) makes `CreateServiceLinkedRole` fail with
"has been taken"; import it instead (``terraform import <address> arn:aws:iam::<account>:role/aws-service-role/...``).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktn_provider_aws.iam_service_linked_role import IamServiceLinkedRole
from constructs import Construct

from smus_constructs.errors import PropValidationError
from smus_constructs.service_linked_role_names import SERVICE_PRINCIPALS, ServiceLinkedRoleName


class ServiceLinkedRoles(Construct):
    """One `aws_iam_service_linked_role` per requested name, child ``<RoleName>``; none when the list is empty."""

    def __init__(self, scope: Construct, id: str, *, names: Sequence[ServiceLinkedRoleName | str]) -> None:
        super().__init__(scope, id)
        self.roles: dict[ServiceLinkedRoleName, IamServiceLinkedRole] = {}
        for value in names:
            try:
                name = ServiceLinkedRoleName(value)
            except ValueError:
                raise PropValidationError(
                    self.node.path, "names", value, f"one of {[n.value for n in ServiceLinkedRoleName]}"
                ) from None
            if name in self.roles:
                raise PropValidationError(self.node.path, "names", value, "each role named once")
            self.roles[name] = IamServiceLinkedRole(
                self,
                name.value,
                aws_service_name=SERVICE_PRINCIPALS[name],
                description=f"Pre-created by the bootstrap stack: iam:CreateServiceLinkedRole is denied here ({name})",
            )
