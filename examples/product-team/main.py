"""A product team's CDK Terrain app: its own projects in the platform team's Unified Studio domain.

Run with `cdktn synth` (cdktf.json) or `python main.py`; it needs only `pip install -r requirements.txt`, no AWS
credentials, and nothing from the platform team's repository. The domain and the profile are adopted by ID through
the library's `from_*` importers: this stack creates neither and can never replace them. Its state is its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import smus_constructs  # first: switches on fast synth before cdktn starts the jsii kernel

# isort: split
from cdktn import App, S3Backend, TerraformStack
from cdktn_provider_aws.provider import AwsProvider
from cdktn_provider_awscc.provider import AwsccProvider
from constructs import Construct
from fraud_projects import FraudTeamProject

ACCOUNT_ID = "111111111111"
REGION = "eu-west-1"
#: Published by the platform team (its platform stack's outputs): the domain and the profile this team may use.
DOMAIN_ID = "dzd_platform01"
ANALYTICS_PROFILE_ID = "prof_analytics01"


class FraudProjectsStack(TerraformStack):
    """The fraud team's projects, with the team's own state object and no resource of the platform's."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        S3Backend(
            self,
            bucket="acme-fraud-team-tfstate-111111111111",
            key=f"smus/{ACCOUNT_ID}/fraud-projects.tfstate",
            region=REGION,
            encrypt=True,
            use_lockfile=True,
        )
        AwsProvider(self, "aws", region=REGION, allowed_account_ids=[ACCOUNT_ID])
        AwsccProvider(self, "awscc", region=REGION)
        domain = smus_constructs.UnifiedStudioDomain.from_domain_id(
            self, "Domain", domain_id=DOMAIN_ID, account_id=ACCOUNT_ID, region=REGION
        )
        profile = smus_constructs.UnifiedStudioProjectProfile.from_project_profile_id(
            self, "Analytics", domain=domain, project_profile_id=ANALYTICS_PROFILE_ID, name="Analytics"
        )
        for name in ("fraud-detection", "fraud-chargebacks"):
            FraudTeamProject(
                self,
                name,
                smus_constructs.ProjectProps(
                    profile=profile, name=name, resource_tags={"DataClassification": "confidential"}
                ),
            )


def main() -> None:
    # cdktf.json's context (targetVersions, which S3Backend's use_lockfile needs), also when run without the CLI.
    context = json.loads(Path(__file__).with_name("cdktf.json").read_text(encoding="utf-8"))["context"]
    app = App(context=context)
    FraudProjectsStack(app, "fraud-projects")
    app.synth()


if __name__ == "__main__":
    main()
