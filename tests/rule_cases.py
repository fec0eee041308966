"""Hand-written stack documents for every rule: compliant and non-compliant, shared by both engines' tests.

Each case names the rule, the document, the context, the addresses that must fail, and a phrase the Python message
must contain, so tests/test_rules.py checks what the rule pack says and tests/test_rego.py checks that the Rego
policies fail exactly the same addresses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from smus_rules.model import LockedParameter, RuleContext

ACCOUNT = "123456789012"
STACK = "fixture"
MANDATORY = {"CostCenter": "CC-1", "DataClassification": "internal", "Environment": "dev"}
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f"
Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    doc: Doc
    failing: frozenset[str] = frozenset()
    contains: str = ""
    protected: bool = False
    local_backend_allowed: bool = False
    approved: frozenset[str] = frozenset({"Tooling", "DataLake"})
    locked: dict[str, tuple[LockedParameter, ...]] = field(default_factory=dict)
    pipeline_roles: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    shared_domain: str | None = None

    def context(self, stack: str = STACK) -> RuleContext:
        return RuleContext(
            stack=stack,
            account_id=ACCOUNT,
            protected=self.protected,
            local_backend_allowed=self.local_backend_allowed,
            approved_blueprints=self.approved,
            locked_parameters=self.locked,
            pipeline_role_arns=self.pipeline_roles,
            member_account_ids=self.members,
            shared_domain_account_id=self.shared_domain,
        )

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.name}"


def res(path: str, **attributes: Any) -> Doc:
    """A resource body with the `//` construct path cdktn writes."""
    return {"//": {"metadata": {"path": f"{STACK}/{path}", "uniqueId": path.replace("/", "_")}}, **attributes}


def stack(
    resources: dict[str, dict[str, Doc]],
    *,
    data: dict[str, dict[str, Doc]] | None = None,
    backend: dict[str, Doc] | None = None,
    default_tags: dict[str, str] | None = None,
) -> Doc:
    doc: Doc = {
        "//": {"metadata": {"stackName": STACK, "backend": "s3"}},
        "provider": {"aws": [{"region": "eu-west-1", "default_tags": [{"tags": default_tags or MANDATORY}]}]},
        "terraform": {
            "backend": backend
            if backend is not None
            else {
                "s3": {
                    "bucket": "state",
                    "key": f"smus/{ACCOUNT}/platform.tfstate",
                    "encrypt": True,
                    "use_lockfile": True,
                    "region": "eu-west-1",
                }
            }
        },
        "resource": resources,
    }
    if data:
        doc["data"] = data
    return doc


def policy(*statements: Doc) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = None, condition: Doc | None = None, **extra: Any) -> Doc:
    statement: Doc = {"Effect": "Allow", "Action": action, **extra}
    if resource is not None:
        statement["Resource"] = resource
    if condition is not None:
        statement["Condition"] = condition
    return statement


def domain(**attributes: Any) -> Doc:
    values = {
        "name": "d",
        "domain_version": "V2",
        "kms_key_identifier": KEY_ARN,
        "timeouts": {"create": "90m", "delete": "2h"},
    }
    values.update(attributes)
    return res("Domain/Resource", **{k: v for k, v in values.items() if v is not None})


def adopted_aws_owned_key() -> Doc:
    """An adopted domain (its import block) that keeps its AWS-owned key: kms_key_identifier is not set."""
    doc = stack({"aws_datazone_domain": {"D": domain(kms_key_identifier=None)}})
    doc["import"] = [{"id": "dzd_5f8a2b", "to": D}]
    return doc


def key(**attributes: Any) -> Doc:
    values: Doc = {"enable_key_rotation": True, "policy": policy(allow("kms:*", "*", Principal={"AWS": ACCOUNT}))}
    values.update(attributes)
    return res("Domain/Key/Resource", **values)


def blueprint(name: str, lookup: str = "Lookup") -> tuple[Doc, Doc]:
    configuration = res(
        f"Blueprint-{name}/Resource",
        domain_id="${aws_datazone_domain.D.id}",
        environment_blueprint_id=f"${{data.aws_datazone_environment_blueprint.{name}_{lookup}.id}}",
    )
    data_source = res(f"Blueprint-{name}/Lookup", name=name, managed=True, domain_id="x")
    return configuration, data_source


def profile(overrides: list[Doc] | None, name: str = "Tooling", blueprint_name: str = "Tooling") -> Doc:
    configuration: Doc = {"name": name, "deployment_mode": "ON_CREATE", "environment_blueprint_id": "${x}"}
    if overrides is not None:
        configuration["configuration_parameters"] = {"parameter_overrides": overrides}
    body = res("Profile-P/Resource", name="P", environment_configurations=[configuration])
    body["//"]["environment_blueprints"] = {name: blueprint_name}
    return body


def all_users_grant(reason: str | None) -> Doc:
    body = res("Grant0/Resource", policy_type="CREATE_GLOSSARY", principal={"user": {"all_users_grant_filter": "{}"}})
    if reason is not None:
        body["//"]["all_users_reason"] = reason
    return body


TRUST_DATAZONE = {"Effect": "Allow", "Principal": {"Service": "datazone.amazonaws.com"}, "Action": "sts:AssumeRole"}
SOURCE_ACCOUNT = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
ROLES = f"arn:aws:iam::{ACCOUNT}:role/service-role/acme-*"
BOUNDED = {"ArnEquals": {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/acme-boundary"}}
ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
DEPLOY = f"arn:aws:iam::{ACCOUNT}:role/smus-deploy"
DOMAINS = f"arn:aws:datazone:eu-west-1:{ACCOUNT}:domain/*"
LOCKED: dict[str, tuple[LockedParameter, ...]] = {
    "Tooling": (
        LockedParameter(name="sagemakerDomainNetworkType", value="VpcOnly"),
        LockedParameter(name="logGroupRetention"),
    )
}
GOOD_OVERRIDES = [
    {"name": "sagemakerDomainNetworkType", "value": "VpcOnly", "is_editable": False},
    {"name": "logGroupRetention", "value": "731", "is_editable": False},
]
D = "aws_datazone_domain.D"


def _cases() -> list[Case]:
    bp_tooling, lookup_tooling = blueprint("Tooling")
    bp_partner, lookup_partner = blueprint("PartnerApps")
    return [
        # SMUS-001 domain V2
        Case("SMUS-001", "v2", stack({"aws_datazone_domain": {"D": domain()}})),
        Case(
            "SMUS-001",
            "v1",
            stack({"aws_datazone_domain": {"D": domain(domain_version="V1")}}),
            frozenset({D}),
            "'V1'",
        ),
        Case(
            "SMUS-001",
            "awscc-unset",
            stack({"awscc_datazone_domain": {"C": res("C/Resource", name="c")}}),
            frozenset({"awscc_datazone_domain.C"}),
            "None",
        ),
        # SMUS-002 customer-managed key
        Case("SMUS-002", "given-key-arn", stack({"aws_datazone_domain": {"D": domain()}})),
        Case(
            "SMUS-002",
            "rotating-key-of-stack",
            stack(
                {
                    "aws_datazone_domain": {"D": domain(kms_key_identifier="${aws_kms_key.K.arn}")},
                    "aws_kms_key": {"K": key()},
                }
            ),
        ),
        Case(
            "SMUS-002",
            "no-key",
            stack({"aws_datazone_domain": {"D": domain(kms_key_identifier=None)}}),
            frozenset({D}),
            "AWS-managed",
        ),
        Case("SMUS-002", "adopted-aws-owned-key-unprotected", adopted_aws_owned_key()),
        Case(
            "SMUS-002",
            "adopted-aws-owned-key-protected",
            adopted_aws_owned_key(),
            frozenset({D}),
            "adopted domain uses an AWS-owned key",
            protected=True,
        ),
        Case(
            "SMUS-002",
            "alias",
            stack({"aws_datazone_domain": {"D": domain(kms_key_identifier="alias/aws/datazone")}}),
            frozenset({D}),
            "not a customer-managed key",
        ),
        Case(
            "SMUS-002",
            "key-without-rotation",
            stack(
                {
                    "aws_datazone_domain": {"D": domain(kms_key_identifier="${aws_kms_key.K.arn}")},
                    "aws_kms_key": {"K": key(enable_key_rotation=False)},
                }
            ),
            frozenset({D}),
            "does not rotate",
        ),
        Case(
            "SMUS-002",
            "other-account",
            stack({"aws_datazone_domain": {"D": domain(kms_key_identifier=KEY_ARN.replace(ACCOUNT, "999999999999"))}}),
            frozenset({D}),
            "account 999999999999",
        ),
        # SMUS-003 timeouts
        Case("SMUS-003", "90m-and-2h", stack({"aws_datazone_domain": {"D": domain()}})),
        Case(
            "SMUS-003",
            "60m",
            stack({"aws_datazone_domain": {"D": domain(timeouts={"create": "60m", "delete": "1h30m"})}}),
            frozenset({D}),
            "create = '60m'",
        ),
        Case(
            "SMUS-003",
            "unset",
            stack({"aws_datazone_domain": {"D": domain(timeouts=None)}}),
            frozenset({D}),
            "create not set",
        ),
        # SMUS-004 prevent_destroy in protected accounts
        Case(
            "SMUS-004",
            "protected-guarded",
            stack(
                {
                    "aws_datazone_domain": {
                        "D": domain(kms_key_identifier="${aws_kms_key.K.arn}", lifecycle={"prevent_destroy": True})
                    },
                    "aws_kms_key": {"K": key(lifecycle={"prevent_destroy": True})},
                }
            ),
            protected=True,
        ),
        Case(
            "SMUS-004",
            "protected-unguarded",
            stack(
                {
                    "aws_datazone_domain": {"D": domain(kms_key_identifier="${aws_kms_key.K.arn}")},
                    "aws_kms_key": {"K": key(lifecycle={"prevent_destroy": True})},
                }
            ),
            frozenset({D}),
            "no lifecycle.prevent_destroy",
            protected=True,
        ),
        Case("SMUS-004", "unprotected", stack({"aws_datazone_domain": {"D": domain()}})),
        # SMUS-005 ignore_changes reasons
        Case(
            "SMUS-005",
            "with-reason",
            stack(
                {
                    "aws_datazone_domain": {
                        "D": domain(
                            lifecycle={
                                "ignore_changes": ["domain_execution_role"],
                                "//": {"ignore_changes": {"domain_execution_role": "rotated by central IAM"}},
                            }
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-005",
            "without-reason",
            stack(
                {
                    "aws_datazone_domain": {
                        "D": domain(
                            lifecycle={
                                "ignore_changes": ["domain_execution_role", "description"],
                                "//": {"ignore_changes": {"domain_execution_role": "rotated by central IAM"}},
                            }
                        )
                    }
                }
            ),
            frozenset({D}),
            "description",
        ),
        # SMUS-006 approved blueprints
        Case(
            "SMUS-006",
            "approved",
            stack(
                {"aws_datazone_environment_blueprint_configuration": {"Tooling": bp_tooling}},
                data={"aws_datazone_environment_blueprint": {"Tooling_Lookup": lookup_tooling}},
            ),
        ),
        Case(
            "SMUS-006",
            "not-approved",
            stack(
                {"aws_datazone_environment_blueprint_configuration": {"PartnerApps": bp_partner}},
                data={"aws_datazone_environment_blueprint": {"PartnerApps_Lookup": lookup_partner}},
            ),
            frozenset({"aws_datazone_environment_blueprint_configuration.PartnerApps"}),
            "PartnerApps is not approved",
        ),
        Case(
            "SMUS-006",
            "unidentifiable",
            stack(
                {
                    "aws_datazone_environment_blueprint_configuration": {
                        "X": res("X/Resource", environment_blueprint_id="cjegf7f6kky6w7")
                    }
                }
            ),
            frozenset({"aws_datazone_environment_blueprint_configuration.X"}),
            "cannot tell which blueprint",
        ),
        # SMUS-007 mandatory tags
        Case(
            "SMUS-007",
            "default-tags",
            stack({"aws_iam_role": {"R": res("R/Resource", name="r")}, "aws_iam_role_policy": {"P": res("P")}}),
        ),
        Case(
            "SMUS-007",
            "no-default-tags",
            stack(
                {
                    "aws_iam_role": {"R": res("R/Resource", tags={"CostCenter": "CC-1"})},
                    "aws_kms_alias": {"A": res("A")},
                },
                default_tags={"Owner": "x"},
            ),
            frozenset({"aws_iam_role.R"}),
            "DataClassification, Environment",
        ),
        Case(
            "SMUS-007",
            "blanked-by-resource",
            stack({"aws_kms_key": {"K": key(tags={"Environment": " "})}}),
            frozenset({"aws_kms_key.K"}),
            "Environment",
        ),
        Case(
            "SMUS-007",
            "awscc-without-tags",
            stack(
                {
                    "awscc_datazone_domain": {
                        "C": res("C/Resource", domain_version="V2", tags=[{"key": "CostCenter", "value": "CC-1"}])
                    },
                    "awscc_datazone_project": {"P": res("P/Resource", name="p")},
                }
            ),
            frozenset({"awscc_datazone_domain.C"}),
            "awscc has no default tags",
        ),
        # SMUS-008 admin managed policies
        Case(
            "SMUS-008",
            "scoped",
            stack(
                {
                    "aws_iam_role_policy_attachment": {
                        "A": res(
                            "R/Managed0",
                            policy_arn="arn:aws:iam::aws:policy/service-role/SageMakerStudioDomainServiceRolePolicy",
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-008",
            "attachment-admin",
            stack(
                {
                    "aws_iam_role_policy_attachment": {
                        "A": res("R/Managed0", policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
                    }
                }
            ),
            frozenset({"aws_iam_role_policy_attachment.A"}),
            "AdministratorAccess",
        ),
        Case(
            "SMUS-008",
            "managed-policy-arns-fullaccess",
            stack(
                {
                    "aws_iam_role": {
                        "R": res(
                            "R/Resource", managed_policy_arns=["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
                        )
                    },
                    "awscc_iam_role": {
                        "C": res("C/Resource", managed_policy_arns=["arn:aws:iam::aws:policy/IAMFullAccess"])
                    },
                    "aws_iam_policy_attachment": {
                        "P": res("P", policy_arn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
                    },
                }
            ),
            frozenset({"aws_iam_role.R", "awscc_iam_role.C", "aws_iam_policy_attachment.P"}),
            "FullAccess",
        ),
        # SMUS-009 identity-policy wildcards
        Case(
            "SMUS-009",
            "scoped-and-conditioned",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res(
                            "R/Inline",
                            policy=policy(
                                allow("s3:GetObject", "arn:aws:s3:::b/*"),
                                allow("kms:CreateKey", "*", {"StringEquals": {"aws:RequestTag/SmusStack": "x"}}),
                                {"Effect": "Deny", "Action": "*", "Resource": "*"},
                            ),
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-009",
            "action-star",
            stack(
                {
                    "aws_iam_policy": {
                        "P": res("P/Resource", policy=policy(allow("*", "arn:aws:s3:::b", SOURCE_ACCOUNT)))
                    }
                }
            ),
            frozenset({"aws_iam_policy.P"}),
            'Action "*"',
        ),
        Case(
            "SMUS-009",
            "resource-star-unconditioned",
            stack(
                {
                    "aws_iam_role": {
                        "R": res(
                            "R/Resource", inline_policy=[{"name": "i", "policy": policy(allow(["s3:GetObject"], "*"))}]
                        )
                    },
                    "awscc_iam_managed_policy": {"M": res("M/Resource", policy_document=policy(allow("ec2:*", ["*"])))},
                }
            ),
            frozenset({"aws_iam_role.R", "awscc_iam_managed_policy.M"}),
            'Resource "*" without a Condition',
        ),
        Case(
            "SMUS-009",
            "unreadable",
            stack({"aws_iam_role_policy": {"P": res("P", policy="${data.aws_iam_policy_document.x.json}")}}),
            frozenset({"aws_iam_role_policy.P"}),
            "not a JSON policy document",
        ),
        # SMUS-010 wildcard principals in resource policies
        Case(
            "SMUS-010",
            "key-policy-resource-star",
            stack(
                {
                    "aws_kms_key": {
                        "K": key(policy=policy(allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})))
                    },
                    "aws_s3_bucket_policy": {
                        "B": res(
                            "B",
                            policy=policy(
                                {
                                    "Effect": "Deny",
                                    "Principal": {"AWS": "*"},
                                    "Action": "s3:*",
                                    "Resource": "*",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            ),
                        )
                    },
                }
            ),
        ),
        Case(
            "SMUS-010",
            "key-policy-principal-star",
            stack({"aws_kms_key": {"K": key(policy=policy(allow("kms:Decrypt", "*", Principal="*")))}}),
            frozenset({"aws_kms_key.K"}),
            'Principal "*"',
        ),
        Case(
            "SMUS-010",
            "trust-aws-star",
            stack(
                {
                    "aws_iam_role": {
                        "R": res(
                            "R/Resource", assume_role_policy=policy(allow("sts:AssumeRole", Principal={"AWS": ["*"]}))
                        )
                    },
                    "aws_s3_bucket_policy": {
                        "B": res("B", policy=policy(allow("s3:GetObject", "arn:aws:s3:::b/*", Principal={"AWS": "*"})))
                    },
                }
            ),
            frozenset({"aws_iam_role.R", "aws_s3_bucket_policy.B"}),
            'Principal "*"',
        ),
        # SMUS-011 service trust with aws:SourceAccount
        Case(
            "SMUS-011",
            "with-source-account",
            stack(
                {
                    "aws_iam_role": {
                        "R": res(
                            "R/Resource", assume_role_policy=policy({**TRUST_DATAZONE, "Condition": SOURCE_ACCOUNT})
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-011",
            "without-condition",
            stack({"aws_iam_role": {"R": res("R/Resource", assume_role_policy=policy(TRUST_DATAZONE))}}),
            frozenset({"aws_iam_role.R"}),
            "without aws:SourceAccount",
        ),
        Case(
            "SMUS-011",
            "source-arn-only",
            stack(
                {
                    "awscc_iam_role": {
                        "C": res(
                            "C/Resource",
                            assume_role_policy_document=policy(
                                {**TRUST_DATAZONE, "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:datazone:x"}}}
                            ),
                        )
                    }
                }
            ),
            frozenset({"awscc_iam_role.C"}),
            "statement 0",
        ),
        # SMUS-012 no timeouts on awscc
        Case("SMUS-012", "none", stack({"awscc_datazone_project": {"P": res("P/Resource", name="p")}})),
        Case(
            "SMUS-012",
            "timeouts",
            stack({"awscc_datazone_project": {"P": res("P/Resource", name="p", timeouts={"create": "2h"})}}),
            frozenset({"awscc_datazone_project.P"}),
            "no timeouts block",
        ),
        # SMUS-013 backend
        Case("SMUS-013", "hardened-s3", stack({})),
        Case(
            "SMUS-013",
            "unencrypted-unlocked",
            stack({}, backend={"s3": {"bucket": "b", "key": f"smus/{ACCOUNT}/p.tfstate", "encrypt": False}}),
            frozenset({"terraform.backend.s3"}),
            "use_lockfile",
        ),
        Case(
            "SMUS-013",
            "key-without-account",
            stack(
                {},
                backend={"s3": {"bucket": "b", "key": "smus/platform.tfstate", "encrypt": True, "use_lockfile": True}},
            ),
            frozenset({"terraform.backend.s3"}),
            f"does not name account {ACCOUNT}",
        ),
        Case(
            "SMUS-013",
            "local-not-allowed",
            stack({}, backend={"local": {"path": "x.tfstate"}}),
            frozenset({"terraform.backend.local"}),
            "state is local",
        ),
        Case("SMUS-013", "local-bootstrap", stack({}, backend={"local": {"path": "x"}}), local_backend_allowed=True),
        # SMUS-014 Bedrock invoke scoped
        Case(
            "SMUS-014",
            "named-models",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res(
                            "P",
                            policy=policy(
                                allow(
                                    ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                                    [
                                        "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
                                    ],
                                ),
                                allow("bedrock:ListFoundationModels", "*", SOURCE_ACCOUNT),
                            ),
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-014",
            "profile-model-only-through-the-profile",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res(
                            "P",
                            policy=policy(
                                allow(
                                    "bedrock:InvokeModel",
                                    ["arn:aws:bedrock:*::foundation-model/amazon.nova-2-lite-v1:0"],
                                    {
                                        "ArnEquals": {
                                            "bedrock:InferenceProfileArn": (
                                                f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:inference-profile/"
                                                "global.amazon.nova-2-lite-v1:0"
                                            )
                                        }
                                    },
                                )
                            ),
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-014",
            "profile-model-in-every-region",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res(
                            "P",
                            policy=policy(
                                allow(
                                    "bedrock:InvokeModel",
                                    ["arn:aws:bedrock:*::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0"],
                                )
                            ),
                        )
                    }
                }
            ),
            frozenset({"aws_iam_role_policy.P"}),
            "in every region, not only through an inference profile",
        ),
        Case(
            "SMUS-014",
            "invoke-on-star",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res("P", policy=policy(allow("bedrock:InvokeModel*", "*", SOURCE_ACCOUNT)))
                    }
                }
            ),
            frozenset({"aws_iam_role_policy.P"}),
            "allows invoke on *",
        ),
        Case(
            "SMUS-014",
            "bedrock-star-on-all-models",
            stack(
                {
                    "aws_iam_policy": {
                        "M": res(
                            "M/Resource",
                            policy=policy(allow("bedrock:*", "arn:aws:bedrock:eu-west-1::foundation-model/*")),
                        )
                    },
                    "aws_iam_role_policy": {"P": res("P", policy=policy(allow("bedrock:invoke*", NotResource="x")))},
                }
            ),
            frozenset({"aws_iam_policy.M", "aws_iam_role_policy.P"}),
            "statement 0",
        ),
        # SMUS-015 locked parameters in protected accounts
        Case(
            "SMUS-015",
            "locked",
            stack({"awscc_datazone_project_profile": {"P": profile(GOOD_OVERRIDES)}}),
            protected=True,
            locked=LOCKED,
        ),
        Case(
            "SMUS-015",
            "editable",
            stack(
                {
                    "awscc_datazone_project_profile": {
                        "P": profile([GOOD_OVERRIDES[0], {**GOOD_OVERRIDES[1], "is_editable": True}])
                    }
                }
            ),
            frozenset({"awscc_datazone_project_profile.P"}),
            "does not lock logGroupRetention",
            protected=True,
            locked=LOCKED,
        ),
        Case(
            "SMUS-015",
            "wrong-value-renamed-configuration",
            stack(
                {
                    "awscc_datazone_project_profile": {
                        "P": profile(
                            [{**GOOD_OVERRIDES[0], "value": "PublicInternetOnly"}, GOOD_OVERRIDES[1]], name="Tools"
                        )
                    }
                }
            ),
            frozenset({"awscc_datazone_project_profile.P"}),
            "Tools (Tooling) does not lock sagemakerDomainNetworkType = 'VpcOnly'",
            protected=True,
            locked=LOCKED,
        ),
        Case(
            "SMUS-015",
            "unprotected",
            stack({"awscc_datazone_project_profile": {"P": profile(None)}}),
            locked=LOCKED,
        ),
        # SMUS-016 all-users grants in protected accounts
        Case(
            "SMUS-016",
            "with-reason",
            stack({"awscc_datazone_policy_grant": {"G": all_users_grant("Everyone reads the glossary (DG-01)")}}),
            protected=True,
        ),
        Case(
            "SMUS-016",
            "without-reason",
            stack({"awscc_datazone_policy_grant": {"G": all_users_grant(None)}}),
            frozenset({"awscc_datazone_policy_grant.G"}),
            "without a recorded reason",
            protected=True,
        ),
        Case("SMUS-016", "unprotected", stack({"awscc_datazone_policy_grant": {"G": all_users_grant(None)}})),
        # SMUS-017 role writes require the boundary
        Case(
            "SMUS-017",
            "bounded",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res(
                            "P",
                            policy=policy(
                                allow(["iam:CreateRole", "iam:PutRolePolicy"], ROLES, BOUNDED),
                                allow("iam:GetRole", ROLES),
                            ),
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-017",
            "exact-roles-with-reason",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": {
                            **res("P", policy=policy(allow("iam:PutRolePolicy", [f"{ROLES[:-1]}a"]))),
                            "//": {
                                "metadata": {"path": f"{STACK}/P", "uniqueId": "P"},
                                "unbounded_roles_reason": "A sandbox whose SCP caps every role (SCP-12).",
                            },
                        }
                    }
                }
            ),
        ),
        Case(
            "SMUS-017",
            "unbounded",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res("P", policy=policy(allow("iam:PutRolePolicy", ROLES))),
                        "Q": res("Q", policy=policy(allow("iam:*", ROLES, SOURCE_ACCOUNT))),
                    }
                }
            ),
            frozenset({"aws_iam_role_policy.P", "aws_iam_role_policy.Q"}),
            "without the boundary",
        ),
        Case(
            "SMUS-017",
            "reason-does-not-cover-a-wildcard",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": {
                            **res("P", policy=policy(allow("iam:CreateRole", ROLES))),
                            "//": {
                                "metadata": {"path": f"{STACK}/P", "uniqueId": "P"},
                                "unbounded_roles_reason": "A sandbox whose SCP caps every role (SCP-12).",
                            },
                        }
                    }
                }
            ),
            frozenset({"aws_iam_role_policy.P"}),
            "iam:CreateRole without the boundary",
        ),
        # SMUS-018 no trust rewriting
        Case(
            "SMUS-018",
            "denied",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res(
                            "P",
                            policy=policy(
                                allow("iam:GetRole", ROLES),
                                {"Effect": "Deny", "Action": "iam:UpdateAssumeRolePolicy", "Resource": "*"},
                            ),
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-018",
            "granted",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res("P", policy=policy(allow("iam:UpdateAssumeRolePolicy", ROLES))),
                        "Q": res("Q", policy=policy(allow("s3:GetObject", "arn:aws:s3:::b/*"))),
                    }
                }
            ),
            frozenset({"aws_iam_role_policy.P"}),
            "grants iam:UpdateAssumeRolePolicy",
        ),
        Case(
            "SMUS-018",
            "wildcards",
            stack(
                {
                    "aws_iam_policy": {"M": res("M/Resource", policy=policy(allow("iam:update*", ROLES)))},
                    "aws_iam_role_policy": {"P": res("P", policy=policy(allow(None, ROLES, NotAction="s3:*")))},
                }
            ),
            frozenset({"aws_iam_policy.M", "aws_iam_role_policy.P"}),
            "statement 0",
        ),
        # SMUS-019 key management only by the account root
        Case(
            "SMUS-019",
            "root-administers",
            stack(
                {
                    "aws_kms_key": {
                        "K": key(
                            policy=policy(
                                allow(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], "*", Principal=ROOT),
                                allow("kms:Decrypt", "*", Principal={"AWS": DEPLOY}),
                            )
                        )
                    }
                }
            ),
        ),
        Case(
            "SMUS-019",
            "deploy-role-puts-the-policy",
            stack(
                {"aws_kms_key": {"K": key(policy=policy(allow("kms:PutKeyPolicy", "*", Principal={"AWS": DEPLOY})))}}
            ),
            frozenset({"aws_kms_key.K"}),
            "kms:PutKeyPolicy",
        ),
        Case(
            "SMUS-019",
            "service-with-kms-star",
            stack(
                {
                    "aws_kms_key_policy": {
                        "P": res(
                            "P",
                            policy=policy(allow("kms:*", "*", Principal={"Service": "events.amazonaws.com"})),
                        )
                    }
                }
            ),
            frozenset({"aws_kms_key_policy.P"}),
            "events.amazonaws.com",
        ),
        # SMUS-020 no DeleteDomain in protected accounts
        Case(
            "SMUS-020",
            "no-delete",
            stack(
                {
                    "aws_iam_role_policy": {
                        "P": res(
                            "P",
                            policy=policy(
                                allow(["datazone:GetDomain", "datazone:UpdateDomain"], DOMAINS),
                                {"Effect": "Deny", "Action": "datazone:DeleteDomain", "Resource": "*"},
                            ),
                        )
                    }
                }
            ),
            protected=True,
        ),
        Case(
            "SMUS-020",
            "delete-granted",
            stack(
                {
                    "aws_iam_role_policy": {"P": res("P", policy=policy(allow("datazone:DeleteDomain", DOMAINS)))},
                    "aws_iam_policy": {"M": res("M/Resource", policy=policy(allow("datazone:*", DOMAINS)))},
                }
            ),
            frozenset({"aws_iam_role_policy.P", "aws_iam_policy.M"}),
            "in a protected account",
            protected=True,
        ),
        Case(
            "SMUS-020",
            "not-action-leaves-it-in",
            stack({"aws_iam_role_policy": {"P": res("P", policy=policy(allow(None, DOMAINS, NotAction="s3:*")))}}),
            frozenset({"aws_iam_role_policy.P"}),
            "statement 0 grants datazone:DeleteDomain",
            protected=True,
        ),
        Case(
            "SMUS-020",
            "unprotected",
            stack({"aws_iam_role_policy": {"P": res("P", policy=policy(allow("datazone:DeleteDomain", DOMAINS)))}}),
        ),
        # SMUS-021 protected accounts' roles never trust GitHub pull requests
        Case(
            "SMUS-021",
            "reviewed-environment",
            stack({"aws_iam_role": {"P": github_role("StringEquals", "repo:a/b:environment:prod-plan")}}),
            protected=True,
        ),
        Case(
            "SMUS-021",
            "pull-request",
            stack({"aws_iam_role": {"P": github_role("StringEquals", "repo:a/b:pull_request")}}),
            frozenset({"aws_iam_role.P"}),
            "trusts GitHub pull requests: repo:a/b:pull_request",
            protected=True,
        ),
        Case(
            "SMUS-021",
            "wildcard",
            stack({"aws_iam_role": {"P": github_role("StringLike", "repo:a/b:*")}}),
            frozenset({"aws_iam_role.P"}),
            "trusts GitHub pull requests",
            protected=True,
        ),
        Case(
            "SMUS-021",
            "unprotected",
            stack({"aws_iam_role": {"P": github_role("StringEquals", "repo:a/b:pull_request")}}),
        ),
        # SMUS-022 no plan role publishes metrics
        Case("SMUS-022", "read-only", plan_role_stack(["s3:GetObject"])),
        Case(
            "SMUS-022",
            "publishes",
            plan_role_stack(["s3:GetObject", "cloudwatch:PutMetricData"]),
            frozenset({"aws_iam_role.P"}),
            "may cloudwatch:PutMetricData",
        ),
        Case("SMUS-022", "deploy-role", plan_role_stack(["s3:GetObject", "s3:PutObject", "cloudwatch:PutMetricData"])),
        # SMUS-023 the state bucket names its readers and administrators
        Case(
            "SMUS-023",
            "named",
            stack(
                {
                    "aws_s3_bucket_policy": {
                        "B": res(
                            "State/Policy",
                            policy=policy(
                                named_deny(["s3:GetObject*", "s3:PutObject*"], "arn:aws:s3:::b/*"),
                                named_deny(["s3:PutBucketPolicy", "s3:PutBucketVersioning"], "arn:aws:s3:::b"),
                            ),
                        )
                    }
                }
            ),
            local_backend_allowed=True,
        ),
        Case(
            "SMUS-023",
            "deny-only",
            stack(
                {
                    "aws_s3_bucket_policy": {
                        "B": res(
                            "State/Policy",
                            policy=policy(
                                {
                                    "Effect": "Deny",
                                    "Principal": {"AWS": "*"},
                                    "Action": "s3:*",
                                    "Resource": "arn:aws:s3:::b/*",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                },
                                named_deny(["s3:GetObject"], "arn:aws:s3:::b/*"),
                            ),
                        )
                    }
                }
            ),
            frozenset({"aws_s3_bucket_policy.B"}),
            "does not name who may do object writes, bucket policy changes",
            local_backend_allowed=True,
        ),
        # SMUS-024 change alerts cover IAM and KMS from every principal
        Case(
            "SMUS-024",
            "covered",
            stack(
                {
                    "aws_cloudwatch_event_rule": {
                        "D": event_rule("aws.datazone", ["DeleteDomain"]),
                        "I": event_rule("aws.iam", ["UpdateAssumeRolePolicy", "PutRolePolicy"]),
                        "K": event_rule("aws.kms", ["PutKeyPolicy", "ScheduleKeyDeletion"]),
                    }
                }
            ),
        ),
        Case(
            "SMUS-024",
            "datazone-only",
            stack(
                {
                    "aws_cloudwatch_event_rule": {
                        "D": event_rule("aws.datazone", ["DeleteDomain"]),
                        # Excludes a caller: it does not count.
                        "K": event_rule(
                            "aws.kms",
                            ["PutKeyPolicy", "ScheduleKeyDeletion"],
                            userIdentity={"arn": [{"anything-but": ["x"]}]},
                        ),
                    }
                }
            ),
            frozenset({"aws_cloudwatch_event_rule.D"}),
            "aws.iam PutRolePolicy, aws.iam UpdateAssumeRolePolicy, aws.kms PutKeyPolicy",
        ),
        # SMUS-025 SCPs spare the pipeline roles
        Case(
            "SMUS-025",
            "exempts-both-roles",
            stack({"aws_organizations_policy": {"P": scp(deny(exempt(DEPLOY, BREAK_GLASS)))}}),
            pipeline_roles=PIPELINE,
        ),
        Case(
            "SMUS-025",
            "exempts-by-wildcard-and-equals",
            stack(
                {
                    "aws_organizations_policy": {
                        "P": scp(
                            deny({"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/smus-*"}}),
                            deny({"StringNotEquals": {"aws:principalarn": [DEPLOY, BREAK_GLASS]}}),
                        )
                    }
                }
            ),
            pipeline_roles=PIPELINE,
        ),
        Case(
            "SMUS-025",
            "forgets-the-deploy-role",
            stack(
                {"aws_organizations_policy": {"P": scp(deny(exempt(DEPLOY, BREAK_GLASS)), deny(exempt(BREAK_GLASS)))}}
            ),
            frozenset({"aws_organizations_policy.P"}),
            f"statement 1 (S1) does not exempt {DEPLOY}",
            pipeline_roles=PIPELINE,
        ),
        Case(
            "SMUS-025",
            "unconditional-deny",
            stack({"aws_organizations_policy": {"P": scp(deny(None))}}),
            frozenset({"aws_organizations_policy.P"}),
            "does not exempt",
            pipeline_roles=PIPELINE,
        ),
        Case(
            "SMUS-025",
            "allow-list",
            stack({"aws_organizations_policy": {"P": scp({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})}}),
            frozenset({"aws_organizations_policy.P"}),
            "is not a Deny",
            pipeline_roles=PIPELINE,
        ),
        Case(
            "SMUS-025",
            "exemption-under-a-positive-operator",
            stack(
                {"aws_organizations_policy": {"P": scp(deny({"ArnLike": {"aws:PrincipalArn": [DEPLOY, BREAK_GLASS]}}))}}
            ),
            frozenset({"aws_organizations_policy.P"}),
            "does not exempt",
            pipeline_roles=PIPELINE,
        ),
        Case(
            "SMUS-025",
            "tag-policy-is-not-an-scp",
            stack({"aws_organizations_policy": {"P": {**scp(deny(None)), "type": "TAG_POLICY"}}}),
            pipeline_roles=PIPELINE,
        ),
        # SMUS-026 RAM grants: the domain share only, by name, with the members; members only accept and leave
        Case("SMUS-026", "domain-share-held-to-its-side", ram_stack(*DOMAIN_SHARE), members=(MEMBER,)),
        Case(
            "SMUS-026",
            "create-any-resource-type",
            ram_stack(share_create({"ram:Principal": [MEMBER]}), *DOMAIN_SHARE[1:]),
            frozenset({"aws_iam_policy.D"}),
            "statement 0 allows ram:CreateResourceShare without ram:RequestedResourceType = datazone:Domain",
            members=(MEMBER,),
        ),
        Case(
            "SMUS-026",
            "resource-type-pattern",
            ram_stack(
                allow(
                    "ram:CreateResourceShare",
                    "*",
                    {"StringLike": {"ram:RequestedResourceType": "datazone:*", "ram:Principal": MEMBER}},
                )
            ),
            frozenset({"aws_iam_policy.D"}),
            "without ram:RequestedResourceType = datazone:Domain",
            members=(MEMBER,),
        ),
        Case(
            "SMUS-026",
            "principal-not-a-member",
            ram_stack(share_create({"ram:RequestedResourceType": "datazone:Domain", "ram:Principal": "999999999999"})),
            frozenset({"aws_iam_policy.D"}),
            "allows ram:CreateResourceShare without ram:Principal in the account's members",
            members=(MEMBER,),
        ),
        Case(
            "SMUS-026",
            "shares-without-members",
            ram_stack(*DOMAIN_SHARE),
            frozenset({"aws_iam_policy.D"}),
            "ram:AssociateResourceShare without ram:Principal in the account's members",
        ),
        Case(
            "SMUS-026",
            "any-datazone-share",
            ram_stack(
                allow(["ram:DeleteResourceShare"], SHARES, {"StringLike": {"ram:ResourceShareName": "DataZone-*"}})
            ),
            frozenset({"aws_iam_policy.D"}),
            "statement 0 allows ram:DeleteResourceShare without ram:ResourceShareName DataZone-<domain name>...",
            members=(MEMBER,),
        ),
        Case(
            "SMUS-026",
            "ram-wildcard",
            ram_stack(allow("ram:*", "*", {"StringLike": {"ram:ResourceShareName": "DataZone-acme-*"}})),
            frozenset({"aws_iam_policy.D"}),
            "allows ram:EnableSharingWithAwsOrganization, which a domain share does not need",
            members=(MEMBER,),
        ),
        Case(
            "SMUS-026",
            "member-accepts-and-leaves",
            ram_stack(*MEMBER_SIDE),
            shared_domain=DOMAIN_OWNER,
        ),
        Case(
            "SMUS-026",
            "member-creates-a-share",
            ram_stack(*MEMBER_SIDE, share_create({"ram:RequestedResourceType": "datazone:Domain"})),
            frozenset({"aws_iam_policy.D"}),
            "statement 3 allows ram:CreateResourceShare, which a member account (it only accepts and leaves the "
            "shared domain) does not need",
            shared_domain=DOMAIN_OWNER,
        ),
        Case(
            "SMUS-026",
            "member-accepts-from-anyone",
            ram_stack(
                allow(
                    "ram:AcceptResourceShareInvitation",
                    "*",
                    {"StringLike": {"ram:ResourceShareName": "DataZone-acme-prod-*"}},
                )
            ),
            frozenset({"aws_iam_policy.D"}),
            "ram:AcceptResourceShareInvitation without ram:ShareOwnerAccountId = the domain account",
            shared_domain=DOMAIN_OWNER,
        ),
        Case(
            "SMUS-026",
            "member-removes-others",
            ram_stack(
                allow(
                    "ram:DisassociateResourceShare",
                    f"arn:aws:ram:eu-west-1:{DOMAIN_OWNER}:resource-share/*",
                    {"StringLike": {"ram:ResourceShareName": "DataZone-acme-prod-*", "ram:Principal": "*"}},
                )
            ),
            frozenset({"aws_iam_policy.D"}),
            "ram:DisassociateResourceShare without ram:Principal = this account",
            shared_domain=DOMAIN_OWNER,
        ),
        Case("SMUS-026", "reads-only", ram_stack(allow(["ram:GetResourceShares", "ram:List*"], "*"))),
        # SMUS-027 bucket policies the deploy role writes only deny
        Case("SMUS-027", "tls-only", tooling_bucket(TLS_ONLY)),
        Case(
            "SMUS-027",
            "grants-a-reader",
            tooling_bucket(TLS_ONLY, allow("s3:GetObject", "arn:aws:s3:::b/*", Principal=ROOT, Sid="Reader")),
            frozenset({"aws_s3_bucket_policy.B"}),
            "statement 1 (Reader) is not a Deny",
        ),
        Case(
            "SMUS-027",
            "effect-left-out",
            stack({"awscc_s3_bucket_policy": {"B": res("B", policy_document=policy({"Action": "s3:*"}))}}),
            frozenset({"awscc_s3_bucket_policy.B"}),
            "statement 0 is not a Deny",
        ),
        Case(
            "SMUS-027",
            "inline-on-the-bucket",
            stack({"aws_s3_bucket": {"T": res("T", bucket="b", policy=policy(allow("s3:*", "*", Principal="*")))}}),
            frozenset({"aws_s3_bucket.T"}),
            "policy: statement 0 is not a Deny",
        ),
        Case(
            "SMUS-027",
            "unreadable",
            stack({"aws_s3_bucket_policy": {"B": res("B", policy="${data.aws_iam_policy_document.x.json}")}}),
            frozenset({"aws_s3_bucket_policy.B"}),
            "not a JSON policy document",
        ),
        Case(
            "SMUS-027",
            "bootstrap-is-smus-023s",
            tooling_bucket(allow("s3:GetObject", "arn:aws:s3:::b/*", Principal=ROOT)),
            local_backend_allowed=True,
        ),
    ]


GITHUB_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"


def github_role(operator: str, subject: str) -> Doc:
    trust = {
        "Effect": "Allow",
        "Principal": {"Federated": GITHUB_PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {operator: {"token.actions.githubusercontent.com:sub": [subject]}},
    }
    return res("PlanRole/Resource", assume_role_policy=policy(trust))


def plan_role_stack(actions: list[str]) -> Doc:
    return stack(
        {
            "aws_iam_role": {"P": github_role("StringEquals", "repo:a/b:pull_request")},
            "aws_iam_role_policy": {
                "PP": res(
                    "PlanRole/Policy",
                    role="${aws_iam_role.P.id}",
                    policy=policy(allow(actions, "*", {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})),
                )
            },
        }
    )


def named_deny(actions: list[str], resource: str) -> Doc:
    return {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": actions,
        "Resource": resource,
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/smus-deploy"]}},
    }


def event_rule(source: str, names: list[str], **detail: Any) -> Doc:
    pattern = {"source": [source], "detail": {"eventName": names, **detail}}
    return res(f"Rule-{source}/Rule", event_pattern=json.dumps(pattern))


BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/smus-break-glass"
PIPELINE = (BREAK_GLASS, DEPLOY)


def exempt(*roles: str) -> dict[str, Any]:
    return {"ArnNotLike": {"aws:PrincipalArn": list(roles)}}


def deny(condition: dict[str, Any] | None) -> Doc:
    statement: Doc = {"Effect": "Deny", "Action": ["datazone:DeleteDomain"], "Resource": "*"}
    return {**statement, "Condition": condition} if condition is not None else statement


def scp(*statements: Doc) -> Doc:
    """An aws_organizations_policy body; statements get Sids S0, S1, ... as the guardrails construct gives them."""
    named = [{"Sid": f"S{i}", **statement} for i, statement in enumerate(statements)]
    return res(
        "Guardrails/Resource",
        name="guardrails",
        type="SERVICE_CONTROL_POLICY",
        content=json.dumps({"Version": "2012-10-17", "Statement": named}),
    )


MEMBER = "444444444444"
DOMAIN_OWNER = "333333333333"
SHARES = f"arn:aws:ram:eu-west-1:{ACCOUNT}:resource-share/*"
SHARE_NAMED = {"ram:ResourceShareName": "DataZone-acme-prod-*"}


def share_create(equals: dict[str, Any]) -> Doc:
    return allow("ram:CreateResourceShare", "*", {"StringEqualsIfExists": equals})


def ram_stack(*statements: Doc) -> Doc:
    """One identity policy (the deploy role's, as smus_constructs.association_permissions writes it)."""
    return stack({"aws_iam_policy": {"D": res("DeployRole/Policy", policy=policy(*statements))}})


#: The domain account's side, as association_permissions.domain_share_statements writes it.
DOMAIN_SHARE = (
    share_create({"ram:RequestedResourceType": "datazone:Domain", "ram:Principal": [MEMBER]}),
    allow(
        ["ram:AssociateResourceShare", "ram:DisassociateResourceShare"],
        SHARES,
        {
            "StringLike": SHARE_NAMED,
            "StringEqualsIfExists": {"ram:RequestedResourceType": "datazone:Domain", "ram:Principal": [MEMBER]},
        },
    ),
    allow(["ram:DeleteResourceShare", "ram:UpdateResourceShare"], SHARES, {"StringLike": SHARE_NAMED}),
    allow(["ram:TagResource", "ram:UntagResource"], SHARES, {"StringEquals": {"aws:ResourceTag/SmusStack": "p"}}),
    allow(["ram:GetResourceShares", "ram:ListResourceSharePermissions"], "*"),
)
#: A member's side: accept the domain account's share, leave it for itself only, read.
MEMBER_SIDE = (
    allow(["ram:GetResourceShareInvitations", "ram:GetResourceShares"], "*"),
    allow(
        "ram:AcceptResourceShareInvitation",
        f"arn:aws:ram:eu-west-1:{DOMAIN_OWNER}:resource-share-invitation/*",
        {"StringEquals": {"ram:ShareOwnerAccountId": DOMAIN_OWNER}, "StringLike": SHARE_NAMED},
    ),
    allow(
        "ram:DisassociateResourceShare",
        f"arn:aws:ram:eu-west-1:{DOMAIN_OWNER}:resource-share/*",
        {"StringLike": SHARE_NAMED, "StringEquals": {"ram:Principal": ACCOUNT}},
    ),
)

TLS_ONLY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def tooling_bucket(*statements: Doc) -> Doc:
    """A platform stack's Tooling bucket and its policy, as ToolingStorage writes them."""
    return stack(
        {
            "aws_s3_bucket": {"T": res("Tooling/Bucket", bucket="b")},
            "aws_s3_bucket_policy": {
                "B": res("Tooling/Policy", bucket="${aws_s3_bucket.T.id}", policy=policy(*statements))
            },
        }
    )


CASES = _cases()
