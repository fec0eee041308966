"""The guardrails construct: one SCP (`aws_organizations_policy`) and its attachments; the document is built in
smus_constructs.guardrail_policy, which is free of cdktn so the config loader and the tests can use it cheaply."""

from __future__ import annotations

from cdktn_provider_aws.organizations_policy import OrganizationsPolicy
from cdktn_provider_aws.organizations_policy_attachment import OrganizationsPolicyAttachment
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.guardrail_policy import (
    ACCEPTED_TARGET,
    SCP_MAX_CHARACTERS,
    STATEMENT_REASONS,
    TARGET_ID,
    GuardrailPolicyProps,
    guardrail_policy_document,
    policy_text,
)
from smus_constructs.literals import literal, literal_map
from smus_constructs.pipeline_rules import BUCKET_NAME


class EstateGuardrailPolicy(Construct):
    """`aws_organizations_policy` (type SERVICE_CONTROL_POLICY, child ``Resource``) plus one attachment per target."""

    def __init__(self, scope: Construct, id_: str, props: GuardrailPolicyProps) -> None:
        super().__init__(scope, id_)
        path = self.node.path
        if not props.accounts:
            raise PropValidationError(path, "accounts", list(props.accounts), "at least one protected account")
        if not props.targets:
            raise PropValidationError(path, "targets", list(props.targets), f"at least one target: {ACCEPTED_TARGET}")
        for account in props.accounts:
            patterns.check(patterns.ACCOUNT_ID, account.account_id, path=path, prop="accounts.account_id")
            for prop in ("deploy_role_arn", "break_glass_role_arn", "plan_role_arn"):
                arn = getattr(account, prop)
                if arn is not None:
                    patterns.check(patterns.ROLE_ARN, arn, path=path, prop=f"accounts.{prop}")
                    if f":{account.account_id}:" not in arn:
                        raise PropValidationError(path, f"accounts.{prop}", arn, f"a role in {account.account_id}")
            if not BUCKET_NAME.fullmatch(account.state_bucket):
                raise PropValidationError(path, "accounts.state_bucket", account.state_bucket, "an S3 bucket name")
        for target in props.targets:
            patterns.check(TARGET_ID, target, path=path, prop="targets", accepted=ACCEPTED_TARGET)
        self.document = guardrail_policy_document(props.accounts)
        self.content = policy_text(self.document)
        if len(self.content) > SCP_MAX_CHARACTERS:
            raise PropValidationError(
                path,
                "accounts",
                f"{len(self.content)} characters",
                f"a policy of at most {SCP_MAX_CHARACTERS} characters (AWS Organizations' limit): "
                "split the protected accounts over two guardrail stacks",
            )
        self.resource = OrganizationsPolicy(
            self,
            "Resource",
            name=props.name,
            description=literal(props.description),
            type="SERVICE_CONTROL_POLICY",
            content=self.content,
            tags=literal_map(props.tags) if props.tags else None,
        )
        self.resource.add_override("//.statements", {sid: literal(reason) for sid, reason in STATEMENT_REASONS.items()})
        self.attachments = [
            OrganizationsPolicyAttachment(self, f"Attachment-{target}", policy_id=self.resource.id, target_id=target)
            for target in props.targets
        ]

    @property
    def policy_id(self) -> str:
        return self.resource.id
