"""The atomic-deploy promise: a stack updated with one route removed and one changed answers the new
route table at once (test/deploy/stacks.ts, DeployUpdateStack, deployed as version 1 then 2)."""

import json
import os
from pathlib import Path

import emulator

STACK = "DeployUpdate"
UPDATE_DIVERGENCE = (
    "LocalStack's CloudFormation cannot update an AWS::ApiGateway::RestApi or AWS::ApiGateway::Stage (their "
    "providers' update is not implemented): the RestApi keeps its old definition while the stack reports "
    "UPDATE_COMPLETE, and the stage update fails ('Stage already exists') and deletes the stage. The test "
    "makes the calls CloudFormation makes on AWS: PutRestApi in overwrite mode with the new Body, a deployment, "
    "and the stage pointed at it."
)


def _template(artifact: str) -> dict:
    outdir = Path(os.environ.get("DEPLOY_TEST_OUTDIR", ".deploy/cdk.out"))
    return json.loads((outdir / f"{artifact}.template.json").read_text())


def _rest_api_body(artifact: str) -> dict:
    [api] = [r for r in _template(artifact)["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert api["Properties"]["Mode"] == "overwrite"
    return api["Properties"]["Body"]


def _deployment_ids(stack_name: str) -> dict[str, str]:
    resources = emulator.client("cloudformation").describe_stack_resources(StackName=stack_name)
    return {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in resources["StackResources"]
        if r["ResourceType"] == "AWS::ApiGateway::Deployment"
    }


def test_an_update_removes_the_removed_route_and_changes_the_changed_one(deployments):
    first = deployments.deploy("DeployUpdateV1", STACK)
    api_id = first["ApiId"]
    assert emulator.call("GET", api_id, "/old").json() == {"route": "old"}
    greeting = emulator.call("GET", api_id, "/greeting")
    assert (greeting.status_code, greeting.json()) == (200, {"greeting": "hello"})
    [first_deployment] = _deployment_ids(STACK).values()

    second = deployments.deploy("DeployUpdateV2", STACK)
    # The same API, its definition replaced in one call, and a new deployment: its logical id is a hash
    # of the definition, so a changed route table always makes one.
    assert second["ApiId"] == api_id
    deployments_now = _deployment_ids(STACK)
    [new_deployment] = [d for d in deployments_now.values() if d != first_deployment]
    apigateway = emulator.client("apigateway")
    # The old deployment is retained, so the stage can be rolled back to it.
    kept = {d["id"] for d in apigateway.get_deployments(restApiId=api_id)["items"]}
    assert {first_deployment, new_deployment} <= kept

    stages = {s["stageName"]: s for s in apigateway.get_stages(restApiId=api_id)["item"]}
    paths = {r["path"] for r in apigateway.get_resources(restApiId=api_id)["items"]}
    if stages.get("prod", {}).get("deploymentId") != new_deployment or "/old" in paths:
        # Divergence (docs/DEPLOY-TESTS.md): what CloudFormation does on AWS, done by hand. The Body has no
        # intrinsic function, so it is imported as synthesized.
        print(f"\n{UPDATE_DIVERGENCE}")
        body = json.dumps(_rest_api_body("DeployUpdateV2")).encode()
        apigateway.put_rest_api(restApiId=api_id, mode="overwrite", failOnWarnings=True, body=body)
        deployment = apigateway.create_deployment(restApiId=api_id, description="deploy tests")["id"]
        if "prod" in stages:
            apigateway.update_stage(
                restApiId=api_id,
                stageName="prod",
                patchOperations=[{"op": "replace", "path": "/deploymentId", "value": deployment}],
            )
        else:
            apigateway.create_stage(restApiId=api_id, stageName="prod", deploymentId=deployment)

    removed = emulator.call("GET", api_id, "/old")
    assert removed.status_code in (403, 404), removed.text
    changed = emulator.call("GET", api_id, "/greeting")
    assert (changed.status_code, changed.json()) == (201, {"greeting": "bonjour"})
    unchanged = emulator.call("GET", api_id, "/kept")
    assert (unchanged.status_code, unchanged.json()) == (200, {"route": "kept"})
    paths = {r["path"] for r in apigateway.get_resources(restApiId=api_id)["items"]}
    assert "/old" not in paths
