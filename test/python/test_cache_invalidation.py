"""Cache invalidation and flush from Python: the strategy, flush on deploy and grant_invalidate_cache."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from cdk_apigateway_presets import (
    ApiAuthorization,
    EdgeApi,
    RouteCacheOptions,
    RouteIntegration,
    StageCachingOptions,
    StageOptions,
    UnauthorizedCacheControl,
)


@pytest.fixture(scope="module")
def built():
    stack = cdk.Stack(cdk.App(), "PythonCacheInvalidation")
    api = EdgeApi(
        stack,
        "Api",
        stages=[
            StageOptions(
                stage_name="prod",
                caching=StageCachingOptions(
                    flush_on_deploy=True,
                    unauthorized_cache_control=UnauthorizedCacheControl.SUCCEED_WITH_RESPONSE_HEADER,
                ),
            ),
            StageOptions(stage_name="dev"),
        ],
    )
    api.add_route(
        "GET",
        "/items",
        RouteIntegration.mock(status_code=200),
        authorization=ApiAuthorization.none(),
        cache=RouteCacheOptions(ttl=cdk.Duration.seconds(30)),
    )
    editors = iam.Role(stack, "Editors", assumed_by=iam.AccountRootPrincipal())
    grant = api.grant_invalidate_cache(editors, "prod")
    return stack, grant, Template.from_stack(stack), api


def only(template, resource_type):
    found = list(template.find_resources(resource_type).values())
    assert len(found) == 1
    return found[0]


def test_cached_stage_requires_authorization_with_the_chosen_strategy(built):
    _, _, template, _ = built
    resource = only(template, "Custom::ApiGatewayCacheControlAuthorization")
    assert resource["Properties"]["StageName"] == "prod"
    assert resource["Properties"]["UnauthorizedCacheControl"] == "SUCCEED_WITH_RESPONSE_HEADER"


def test_flush_on_deploy_follows_the_stage_deployment(built):
    _, _, template, _ = built
    flush = only(template, "Custom::ApiGatewayStageCacheFlush")
    stages = [
        s
        for s in template.find_resources("AWS::ApiGateway::Stage").values()
        if s["Properties"]["StageName"] == "prod"
    ]
    assert flush["Properties"]["DeploymentId"] == stages[0]["Properties"]["DeploymentId"]


def test_grant_invalidate_cache_names_the_stage_routes(built):
    _, grant, template, _ = built
    assert grant.success
    policy = only(template, "AWS::IAM::Policy")
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "execute-api:InvalidateCache"
    assert statement["Resource"]["Fn::Join"][1][-1] == "/prod/*/*"


def test_grant_on_a_stage_without_a_cache_raises(built):
    stack, _, _, api = built
    with pytest.raises(RuntimeError, match='Invalid stageName: "dev"'):
        api.grant_invalidate_cache(iam.Role(stack, "Other", assumed_by=iam.AccountRootPrincipal()), "dev")
