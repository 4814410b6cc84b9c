"""Deploys synthesized templates to LocalStack's CloudFormation and calls the APIs they create.

Every client points at the emulator on 127.0.0.1 with fixed test credentials; nothing reaches AWS.
Every wait is bounded. Only with DEPLOY_TEST_TARGET=aws and DEPLOY_TEST_AWS_REGION set does the suite use
the default AWS credentials and call a real account (docs/DEPLOY-TESTS.md, "On an AWS account"; never
in CI).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import boto3
import requests
from botocore.config import Config

ON_AWS = os.environ.get("DEPLOY_TEST_TARGET") == "aws"
REGION = os.environ["DEPLOY_TEST_AWS_REGION"] if ON_AWS else "us-east-1"
STAGE = "prod"
DEPLOY_TIMEOUT = float(os.environ.get("DEPLOY_TEST_STACK_TIMEOUT", "300"))
REQUEST_TIMEOUT = 30


def endpoint() -> str:
    if ON_AWS:
        raise RuntimeError("No emulator endpoint: DEPLOY_TEST_TARGET=aws")
    url = os.environ.get("DEPLOY_TEST_ENDPOINT", "")
    if not url.startswith("http://127.0.0.1:"):
        raise RuntimeError(
            "DEPLOY_TEST_ENDPOINT must name LocalStack on 127.0.0.1 (http://127.0.0.1:PORT); "
            "run the tests with `npm run test:deploy`."
        )
    return url


def _isolate_from_aws() -> None:
    # Fixed test credentials, no profile or config file: a client can only reach the emulator.
    os.environ["AWS_ACCESS_KEY_ID"] = "test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ["AWS_ENDPOINT_URL"] = endpoint()


def client(service: str):
    config = Config(connect_timeout=10, read_timeout=60, retries={"max_attempts": 2})
    if ON_AWS:
        return boto3.client(service, region_name=REGION, config=config)
    _isolate_from_aws()
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint(), config=config)


def template_body(outdir: Path, artifact: str) -> str:
    """The synthesized template of `artifact`, compact."""
    path = outdir / f"{artifact}.template.json"
    template = json.loads(path.read_text())
    return json.dumps(template, separators=(",", ":"))


def _wait(cfn, stack_name: str, done: set[str], started: float) -> dict[str, Any]:
    deadline = started + DEPLOY_TIMEOUT
    while True:
        stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
        status = stack["StackStatus"]
        if status in done:
            return stack
        if not status.endswith("IN_PROGRESS"):
            raise RuntimeError(f"{stack_name} ended {status}:\n{failed_events(cfn, stack_name)}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{stack_name} still {status} after {DEPLOY_TIMEOUT:.0f} s")
        time.sleep(0.5)


def _outputs_after_update(cfn, stack_name: str, before: dict[str, str], expected: int) -> dict[str, str]:
    """LocalStack marks an update complete a moment before it records the outputs, and records only
    the outputs whose value changed: the others keep their value from before (as on AWS)."""
    deadline = time.monotonic() + 5
    current = outputs(cfn.describe_stacks(StackName=stack_name)["Stacks"][0])
    while len({**before, **current}) < expected and time.monotonic() < deadline:
        time.sleep(0.5)
        current = outputs(cfn.describe_stacks(StackName=stack_name)["Stacks"][0])
    return {**before, **current}


def failed_events(cfn, stack_name: str) -> str:
    events = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    lines = [
        f"  {e['LogicalResourceId']} ({e['ResourceType']}): {e['ResourceStatus']} {e.get('ResourceStatusReason', '')}"
        for e in events
        if "FAILED" in e["ResourceStatus"]
    ]
    return "\n".join(lines) or "  (no failed resource events)"


def outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def exists(stack_name: str) -> bool:
    return any(
        s["StackName"] == stack_name and s["StackStatus"] != "DELETE_COMPLETE"
        for s in client("cloudformation").describe_stacks()["Stacks"]
    )


# CloudFormation takes at most 51,200 bytes of template in the request; a larger one must be read from S3,
# as the CDK CLI does through its bootstrap bucket (CloudFormation quotas, "Template body size in a request").
INLINE_TEMPLATE_LIMIT = 51_200
TEMPLATE_BUCKET = os.environ.get("DEPLOY_TEST_TEMPLATE_BUCKET", "deploy-test-templates")


def _template(stack_name: str, body: str) -> dict[str, str]:
    """The template argument of CreateStack/UpdateStack: the body itself, or the URL of a copy in S3."""
    if len(body.encode()) <= INLINE_TEMPLATE_LIMIT:
        return {"TemplateBody": body}
    s3 = client("s3")
    if not ON_AWS:
        s3.create_bucket(Bucket=TEMPLATE_BUCKET)
    key = f"{stack_name}.template.json"
    s3.put_object(Bucket=TEMPLATE_BUCKET, Key=key, Body=body.encode())
    base = f"https://{TEMPLATE_BUCKET}.s3.{REGION}.amazonaws.com" if ON_AWS else f"{endpoint()}/{TEMPLATE_BUCKET}"
    return {"TemplateURL": f"{base}/{key}"}


def deploy(stack_name: str, body: str) -> dict[str, str]:
    """Creates the stack, or updates it when it exists; returns its outputs."""
    cfn = client("cloudformation")
    started = time.monotonic()
    capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
    declared = json.loads(body).get("Outputs", {})
    if exists(stack_name):
        current = cfn.get_template(StackName=stack_name)["TemplateBody"]
        before = outputs(cfn.describe_stacks(StackName=stack_name)["Stacks"][0])
        if (json.loads(current) if isinstance(current, str) else current) == json.loads(body):
            return before
        cfn.update_stack(StackName=stack_name, Capabilities=capabilities, **_template(stack_name, body))
        _wait(cfn, stack_name, {"UPDATE_COMPLETE"}, started)
        after = _outputs_after_update(cfn, stack_name, before, len(declared))
        return {key: value for key, value in after.items() if key in declared}
    cfn.create_stack(StackName=stack_name, Capabilities=capabilities, **_template(stack_name, body))
    return outputs(_wait(cfn, stack_name, {"CREATE_COMPLETE"}, started))


def delete(stack_name: str) -> None:
    cfn = client("cloudformation")
    cfn.delete_stack(StackName=stack_name)
    deadline = time.monotonic() + DEPLOY_TIMEOUT
    while time.monotonic() < deadline:
        stacks = [
            s for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == stack_name
        ]
        if not stacks or stacks[0]["StackStatus"] == "DELETE_COMPLETE":
            return
        if stacks[0]["StackStatus"] == "DELETE_FAILED":
            raise RuntimeError(f"{stack_name} DELETE_FAILED:\n{failed_events(cfn, stack_name)}")
        time.sleep(0.5)
    raise TimeoutError(f"{stack_name} not deleted after {DEPLOY_TIMEOUT:.0f} s")


def api_url(api_id: str, path: str = "/", stage: str = STAGE) -> str:
    """The invoke URL of a route: on the emulator /_aws/execute-api/{apiId}/{stage}{path}."""
    if ON_AWS:
        return f"https://{api_id}.execute-api.{REGION}.amazonaws.com/{stage}{path}"
    return f"{endpoint()}/_aws/execute-api/{api_id}/{stage}{path}"


def call(method: str, api_id: str, path: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("timeout", REQUEST_TIMEOUT)
    kwargs.setdefault("allow_redirects", False)
    return requests.request(method, api_url(api_id, path), **kwargs)


def receive(queue_url: str, expected: int = 1, wait_seconds: float = 20) -> list[dict[str, Any]]:
    """Receives (and deletes) up to `expected` messages, waiting at most `wait_seconds`."""
    sqs = client("sqs")
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + wait_seconds
    while len(messages) < expected and time.monotonic() < deadline:
        answer = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        for message in answer.get("Messages", []):
            messages.append(message)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def drop_request_validator(api_id: str, path: str, method: str, stage: str = STAGE) -> None:
    """Takes the request validator off one method and redeploys the stage, on the emulator only.

    LocalStack validates every request body as JSON against the method's application/json model (or the
    Empty model) whatever the request's content type, so it refuses binary and non-JSON bodies that API
    Gateway passes: "If no matching content type is found, request validation is not performed" (AWS,
    "Request validation for REST APIs in API Gateway"). See docs/DEPLOY-TESTS.md, "Divergences".
    """
    if ON_AWS:
        return
    apigateway = client("apigateway")
    resources = apigateway.get_resources(restApiId=api_id, limit=500)["items"]
    [resource] = [r for r in resources if r["path"] == path]
    apigateway.update_method(
        restApiId=api_id,
        resourceId=resource["id"],
        httpMethod=method,
        patchOperations=[{"op": "replace", "path": "/requestValidatorId", "value": ""}],
    )
    apigateway.create_deployment(restApiId=api_id, stageName=stage, description="deploy tests: no validator")
