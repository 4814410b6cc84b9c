"""The Python binding: a Python CDK app built on the wheel jsii-pacmak makes from this library."""

import ast
import json
import re
from importlib.metadata import metadata
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template
from jsii.errors import JavaScriptError

from cdk_apigateway_presets import (
    ApiAuthorization,
    ApiDefinitionChecks,
    CacheSize,
    ComplianceProfile,
    DefinitionLocation,
    EdgeApi,
    RegionalApi,
    PresetErrors,
    RouteCacheOptions,
    RouteIntegration,
    StageCachingOptions,
    StageOptions,
)

REPO_README = Path(__file__).resolve().parents[2] / "README.md"
AUTHORIZATION_HEADER = "method.request.header.Authorization"


class OrdersStack(cdk.Stack):
    """Cognito authorization, a prod stage with a cache cluster, and a route cached per caller."""

    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.pool = cognito.UserPool(self, "Users")
        handler = lambda_.Function(
            self,
            "Orders",
            runtime=lambda_.Runtime.NODEJS_22_X,
            handler="index.handler",
            code=lambda_.Code.from_inline(
                "exports.handler = async () => ({ statusCode: 200, body: '{}' });"
            ),
        )
        api = EdgeApi(
            self,
            "Api",
            authorization=ApiAuthorization.cognito(user_pools=[self.pool], scopes=["orders/read"]),
            stages=[
                StageOptions(
                    stage_name="prod",
                    caching=StageCachingOptions(size=CacheSize.GB_0_5, ttl=cdk.Duration.minutes(5)),
                )
            ],
        )
        self.api = api
        route = api.add_route(
            "GET",
            "/orders/{id}",
            RouteIntegration.lambda_function(handler),
            cache=RouteCacheOptions(
                ttl=cdk.Duration.seconds(60),
                key_parameters=["method.request.querystring.view"],
                shared=False,  # keyed by the caller's token
            ),
            request_parameters={"method.request.querystring.view": False},
        )
        route.add_operation_override("externalDocs.url", "https://docs.example.com/orders")


@pytest.fixture(scope="module")
def stack():
    return OrdersStack(cdk.App(), "PythonBinding")


@pytest.fixture(scope="module")
def template(stack):
    return Template.from_stack(stack)


def resources(template, resource_type):
    return list(template.find_resources(resource_type).values())


def rest_api_body(template):
    """The API definition: the OpenAPI document in the REST API's Body."""
    [api] = resources(template, "AWS::ApiGateway::RestApi")
    return api["Properties"]["Body"]


def operation(template, http_method, path):
    return rest_api_body(template)["paths"][path][http_method.lower()]


def cache_key_parameters(template, http_method, path):
    return operation(template, http_method, path)["x-amazon-apigateway-integration"]["cacheKeyParameters"]


def cognito_authorizers(template):
    """The provider ARNs of every Cognito user pool authorizer (a security scheme of the definition)."""
    schemes = rest_api_body(template).get("components", {}).get("securitySchemes", {}).values()
    return [
        s["x-amazon-apigateway-authorizer"]["providerARNs"]
        for s in schemes
        if s.get("x-amazon-apigateway-authorizer", {}).get("type") == "cognito_user_pools"
    ]


def test_synthesizes_one_edge_optimized_rest_api(template):
    template.resource_count_is("AWS::ApiGateway::RestApi", 1)
    template.has_resource_properties(
        "AWS::ApiGateway::RestApi",
        {"EndpointConfiguration": {"Types": ["EDGE"]}, "Mode": "overwrite"},
    )
    template.resource_count_is("AWS::ApiGateway::Method", 0)


def test_route_operation_override_and_contract(stack, template):
    # The override made in OrdersStack reaches the definition, and the contract has no extension.
    assert operation(template, "GET", "/orders/{id}")["externalDocs"] == {
        "url": "https://docs.example.com/orders"
    }
    contract = stack.api.open_api()
    get = contract["paths"]["/orders/{id}"]["get"]
    assert get["externalDocs"] == {"url": "https://docs.example.com/orders"}
    assert "x-amazon-apigateway-integration" not in get
    assert contract["openapi"].startswith("3.0.")


def test_authorizes_with_the_cognito_user_pool(stack, template):
    pool_id = stack.get_logical_id(stack.pool.node.default_child)
    assert cognito_authorizers(template) == [[{"Fn::GetAtt": [pool_id, "Arn"]}]]


def test_stage_has_the_cache_cluster(template):
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {"StageName": "prod", "CacheClusterEnabled": True, "CacheClusterSize": "0.5"},
    )


def test_cached_route_is_keyed_by_path_query_and_caller(template):
    keys = cache_key_parameters(template, "GET", "/orders/{id}")
    assert sorted(keys) == sorted(
        ["method.request.path.id", "method.request.querystring.view", AUTHORIZATION_HEADER]
    )


def test_stage_caches_the_route_with_its_ttl(template):
    [stage] = resources(template, "AWS::ApiGateway::Stage")
    settings = [
        s
        for s in stage["Properties"]["MethodSettings"]
        if s["ResourcePath"] == "/~1orders~1{id}" and s["HttpMethod"] == "GET"
    ]
    assert len(settings) == 1
    assert settings[0]["CachingEnabled"] is True
    assert settings[0]["CacheTtlInSeconds"] == 60
    assert settings[0]["CacheDataEncrypted"] is True


def test_api_definition_checks_from_python():
    # A hand-written SpecRestApi with one operation open to anyone, and the preset's orders API.
    app = cdk.App()
    stack = cdk.Stack(app, "Audited")
    apigw.SpecRestApi(
        stack,
        "Open",
        api_definition=apigw.ApiDefinition.from_inline(
            {
                "openapi": "3.0.1",
                "info": {"title": "open", "version": "1"},
                "paths": {
                    "/{proxy+}": {
                        "x-amazon-apigateway-any-method": {
                            "x-amazon-apigateway-integration": {"type": "mock"}
                        }
                    }
                },
            }
        ),
    )
    orders = OrdersStack(app, "Orders")
    app.synth()
    report = ApiDefinitionChecks().validate_scope(stack)
    assert sorted(v.rule_name for v in report.violations) == [
        "ApiDefinition-BodyNotValidated[ANY-/{proxy+}]",
        "ApiDefinition-NoAuthorization[ANY-/{proxy+}]",
    ]
    assert ApiDefinitionChecks().validate_scope(orders).violations == []


def test_regulated_profile_passes_the_regulated_packs_from_python():
    from cdk_nag import HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks

    app = cdk.App()
    stack = cdk.Stack(app, "Regulated")
    api = RegionalApi(stack, "Api", compliance=ComplianceProfile.REGULATED)
    api.add_route("GET", "/ping", RouteIntegration.mock())
    app.synth()
    assert ComplianceProfile.REGULATED.profile_name == "REGULATED"
    for pack in (HIPAASecurityChecks(), NIST80053R5Checks(), PCIDSS321Checks()):
        assert pack.validate_scope(stack).violations == [], pack.name
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::ApiGateway::ClientCertificate", 1)
    template.resource_count_is("AWS::WAFv2::LoggingConfiguration", 1)
    for group in template.find_resources("AWS::Logs::LogGroup").values():
        assert "KmsKeyId" in group["Properties"]
    with pytest.raises(RuntimeError) as raised:
        RegionalApi(
            cdk.Stack(app, "Contradicting"),
            "Api",
            compliance=ComplianceProfile.REGULATED,
            caching=StageCachingOptions(encrypted=False),
        )
    assert "Invalid caching.encrypted: false." in str(raised.value)


def test_definition_in_an_asset_from_python(tmp_path):
    # A small API forced out of the template: no Body, a custom resource that imports the asset.
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Large")
    handler = lambda_.Function(
        stack,
        "Orders",
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="index.handler",
        code=lambda_.Code.from_inline("exports.handler = async () => ({ statusCode: 200, body: '{}' });"),
    )
    api = EdgeApi(stack, "Api", definition_location=DefinitionLocation.ASSET)
    api.add_route("GET", "/orders/{id}", RouteIntegration.lambda_function(handler))
    app.synth()
    template = Template.from_stack(stack)
    [rest_api] = resources(template, "AWS::ApiGateway::RestApi")
    assert "Body" not in rest_api["Properties"]
    [importer] = resources(template, "Custom::ApiGatewayDefinitionImport")
    key = importer["Properties"]["DefinitionKey"]
    stored = json.loads((tmp_path / f"asset.{key}").read_text())
    uri = stored["paths"]["/orders/{id}"]["get"]["x-amazon-apigateway-integration"]["uri"]
    assert uri == "@@cdk-apigateway-presets:0@@"
    assert len(importer["Properties"]["Values"]) == 1


def test_invalid_input_raises_the_library_error():
    stack = cdk.Stack(cdk.App(), "Invalid")
    with pytest.raises(RuntimeError) as raised:
        EdgeApi(stack, "Api", stages=[StageOptions(stage_name="prod stage")])
    # jsii raises RuntimeError(<the JavaScript message>) from JavaScriptError(<the JavaScript stack>):
    # the message names the construct path, the prop and the value; the error class, as in every
    # JavaScript stack, heads the cause.
    assert re.match(r'\[Invalid/Api\] Invalid \S*stageName: "prod stage"\. ', str(raised.value))
    cause = raised.value.__cause__
    assert isinstance(cause, JavaScriptError)
    assert str(cause).strip().startswith("PresetValidationError: [Invalid/Api] "), str(cause)
    # What the README tells Python users to do with it.
    assert PresetErrors.is_validation_error(str(raised.value)) is True
    assert PresetErrors.is_validation_error(str(raised.value).replace("prod stage", "other")) is False
    with pytest.raises(RuntimeError) as other:
        cdk.Stack(cdk.App(), "bad name!")
    assert PresetErrors.is_validation_error(str(other.value)) is False


def test_package_readme_examples_are_python():
    readme = metadata("cdk-apigateway-presets").get_payload()
    python_blocks = re.findall(r"^```python\n(.*?)^```", readme, re.S | re.M)
    repo_readme = REPO_README.read_text()
    typescript_blocks = re.findall(r"^```(?:ts|typescript)\b", repo_readme, re.M)
    # Blocks the README writes in Python itself (the app of "Install") are there as they are.
    own_python_blocks = re.findall(r"^```python\b", repo_readme, re.M)
    assert len(python_blocks) == len(typescript_blocks) + len(own_python_blocks) > len(own_python_blocks)
    for block in python_blocks:
        ast.parse(block)  # a block left in TypeScript is not valid Python
    assert any("RouteIntegration.lambda_function(" in block for block in python_blocks)


def test_private_api_from_python():
    from aws_cdk import aws_ec2 as ec2

    from cdk_apigateway_presets import PrivateApi

    stack = cdk.Stack(cdk.App(), "PrivateFromPython")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    api = PrivateApi(stack, "Api", vpc=vpc, resource_policy={"allowed_source_ips": ["10.0.0.0/16"]})
    api.add_route("GET", "/items", RouteIntegration.mock())
    template = Template.from_stack(stack)
    [rest_api] = resources(template, "AWS::ApiGateway::RestApi")
    assert rest_api["Properties"]["EndpointConfiguration"]["Types"] == ["PRIVATE"]
    statements = rest_api["Properties"]["Body"]["x-amazon-apigateway-policy"]["Statement"]
    assert [s.get("Sid") for s in statements] == [
        "AllowThroughApiEndpoints",
        "DenyAnyOtherWay",
        "DenyOtherSourceIps",
    ]


def test_api_domain_versions_from_python():
    from aws_cdk import aws_apigateway as apigw
    from aws_cdk import aws_certificatemanager as acm

    from cdk_apigateway_presets import ApiDomain, EdgeApi

    stack = cdk.Stack(cdk.App(), "DomainFromPython")
    certificate = acm.Certificate.from_certificate_arn(
        stack, "Certificate", "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
    )
    domain = ApiDomain(
        stack,
        "Domain",
        domain_name="api.example.com",
        certificate=certificate,
        endpoint_type=apigw.EndpointType.EDGE,
    )
    urls = []
    for version in ["v1", "v2"]:
        api = EdgeApi(stack, version.upper(), disable_execute_api_endpoint=True)
        api.add_route("GET", "/orders", RouteIntegration.mock())
        urls.append(domain.add_api(version, api))
    assert urls == ["https://api.example.com/v1/", "https://api.example.com/v2/"]
    template = Template.from_stack(stack)
    mappings = resources(template, "AWS::ApiGateway::BasePathMapping")
    assert sorted(m["Properties"]["BasePath"] for m in mappings) == ["v1", "v2"]
    apis = resources(template, "AWS::ApiGateway::RestApi")
    assert [a["Properties"]["DisableExecuteApiEndpoint"] for a in apis] == [True, True]


def test_s3_proxy_and_sqs_routes_from_python():
    from aws_cdk import aws_sqs as sqs

    from cdk_apigateway_presets import RequestValue, S3ProxyApi

    stack = cdk.Stack(cdk.App(), "ServicesFromPython")
    # Binary media types narrower than '*/*', so the SQS route's JSON bodies stay text for its template.
    api = S3ProxyApi(
        stack, "Files", allow_put=True, large_objects={}, binary_media_types=["image/*", "application/pdf"]
    )
    queue = sqs.Queue(stack, "Events", enforce_ssl=True)
    api.add_route(
        "POST",
        "/events",
        RouteIntegration.sqs(queue, message_attributes={"tenant": RequestValue.header("X-Tenant-Id")}),
    )
    template = Template.from_stack(stack)
    [rest_api] = resources(template, "AWS::ApiGateway::RestApi")
    paths = rest_api["Properties"]["Body"]["paths"]
    assert sorted(paths) == ["/events", "/objects/{key+}", "/presigned/{key+}"]
    assert sorted(paths["/objects/{key+}"]) == ["get", "head", "put"]
    integration = paths["/events"]["post"]["x-amazon-apigateway-integration"]
    assert integration["type"] == "aws"
    assert "X-Tenant-Id" in integration["requestTemplates"]["application/json"]
    assert rest_api["Properties"]["BinaryMediaTypes"] == ["image/*", "application/pdf"]


def test_regional_api_behind_cloudfront_with_streamed_and_service_routes_from_python():
    from aws_cdk import aws_apigateway as apigw
    from aws_cdk import aws_events as events
    from aws_cdk import aws_stepfunctions as sfn

    from cdk_apigateway_presets import (
        AwsServicePermission,
        CloudFrontOptions,
        RegionalApi,
        RequestValue,
    )

    stack = cdk.Stack(cdk.App(), "RegionalFromPython")
    pool = cognito.UserPool(stack, "Users")
    api = RegionalApi(
        stack,
        "Api",
        authorization=ApiAuthorization.cognito(user_pools=[pool]),
        cloud_front=CloudFrontOptions(),
    )
    report = lambda_.Function(
        stack,
        "Report",
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="index.handler",
        code=lambda_.Code.from_inline("exports.handler = async () => ({});"),
    )
    api.add_route(
        "GET",
        "/report",
        RouteIntegration.lambda_function(report, streaming=True),
        timeout=cdk.Duration.minutes(10),
    )
    machine = sfn.StateMachine(
        stack, "Checkout", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Pass"))
    )
    api.add_route(
        "POST",
        "/checkout/{cartId}",
        RouteIntegration.step_functions(
            machine, include_caller=True, execution_name=RequestValue.header("Idempotency-Key")
        ),
    )
    bus = events.EventBus(stack, "Bus")
    api.add_route(
        "POST",
        "/events",
        RouteIntegration.aws_service(
            service="events",
            action="PutEvents",
            allow=[AwsServicePermission(actions=["events:PutEvents"], resources=[bus.event_bus_arn])],
            request_template='{"Entries":[{"Source":"shop","DetailType":"order","Detail":"{}"}]}',
            request_headers={"X-Amz-Target": "AWSEvents.PutEvents", "Content-Type": "application/x-amz-json-1.1"},
        ),
        response_schema=apigw.JsonSchema(
            type=apigw.JsonSchemaType.OBJECT,
            required=["FailedEntryCount"],
            properties={"FailedEntryCount": apigw.JsonSchema(type=apigw.JsonSchemaType.INTEGER)},
        ),
    )
    assert api.distribution is not None

    template = Template.from_stack(stack)
    assert len(resources(template, "AWS::CloudFront::Distribution")) == 1
    paths = rest_api_body(template)["paths"]
    streamed = paths["/report"]["get"]["x-amazon-apigateway-integration"]
    assert streamed["responseTransferMode"] == "STREAM"
    assert streamed["timeoutInMillis"] == 600000
    start = paths["/checkout/{cartId}"]["post"]["x-amazon-apigateway-integration"]
    assert "states:action/StartExecution" in str(start["uri"])
    assert "Idempotency-Key" in str(start["requestTemplates"]["application/json"])
    put_events = paths["/events"]["post"]["x-amazon-apigateway-integration"]
    assert put_events["requestParameters"]["integration.request.header.X-Amz-Target"] == "'AWSEvents.PutEvents'"

    # The contract gives the started execution's body, as it does from TypeScript.
    contract = api.open_api()
    started = contract["paths"]["/checkout/{cartId}"]["post"]["responses"]["202"]
    assert started["content"]["application/json"]["schema"]["required"] == ["executionArn", "startDate"]
    put = contract["paths"]["/events"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert put == {"type": "object", "required": ["FailedEntryCount"], "properties": {"FailedEntryCount": {"type": "integer"}}}


def test_an_integration_error_names_its_route_from_python():
    from aws_cdk import aws_sqs as sqs

    from cdk_apigateway_presets import RegionalApi

    stack = cdk.Stack(cdk.App(), "FifoFromPython")
    api = RegionalApi(stack, "Api")
    queue = sqs.Queue(stack, "Orders", fifo=True, content_based_deduplication=True)
    with pytest.raises(RuntimeError) as raised:
        api.add_route("POST", "/orders", RouteIntegration.sqs(queue))
    message = str(raised.value)
    # From a method call, jsii puts the error's name before the message.
    assert re.match(
        r"(PresetValidationError: )?\[FifoFromPython/Api\] Invalid integration\.messageGroupId of POST /orders: ",
        message,
    ), message
    assert PresetErrors.is_validation_error(message) is True


def test_firehose_access_logs_from_python():
    from aws_cdk import aws_kinesisfirehose as firehose

    from cdk_apigateway_presets import AccessLogs, RegionalApi

    stack = cdk.Stack(cdk.App(), "FirehoseFromPython")
    api = RegionalApi(stack, "Api", access_logs=AccessLogs.firehose(retention=cdk.Duration.days(90)))
    api.add_route("GET", "/items", RouteIntegration.mock())
    assert api.access_log_delivery_stream is not None
    assert api.access_log_destination_bucket is not None
    template = Template.from_stack(stack)
    [stream] = resources(template, "AWS::KinesisFirehose::DeliveryStream")
    assert stream["Properties"]["DeliveryStreamName"].startswith("amazon-apigateway-")
    [stage] = resources(template, "AWS::ApiGateway::Stage")
    assert stage["Properties"]["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"][1] == "Arn"

    # A stream API Gateway would not write to fails at synth, naming the prop.
    other = cdk.Stack(cdk.App(), "WrongStream")
    stream = firehose.DeliveryStream.from_delivery_stream_name(other, "Logs", "access-logs")
    with pytest.raises(RuntimeError) as raised:
        RegionalApi(other, "Api", access_logs=AccessLogs.firehose(delivery_stream=stream))
    assert 'Invalid accessLogs.deliveryStream: "access-logs"' in str(raised.value)
    assert PresetErrors.is_validation_error(str(raised.value)) is True


def test_alarms_dashboard_queries_and_detailed_metrics_from_python():
    from cdk_apigateway_presets import (
        ApiAlarmsOptions,
        ApiDashboardOptions,
        RegionalApi,
        StageAlarmOptions,
    )

    stack = cdk.Stack(cdk.App(), "ObservedFromPython")
    api = RegionalApi(
        stack,
        "Api",
        api_name="orders",
        stages=[StageOptions(stage_name="prod", detailed_metrics=True)],
        alarms=ApiAlarmsOptions(server_error_rate=StageAlarmOptions(threshold=0.01)),
        dashboard=ApiDashboardOptions(dashboard_name="orders"),
    )
    api.add_route("GET", "/items", RouteIntegration.mock())
    assert len(api.alarms) == 3
    assert api.alarm_topic is not None
    assert api.dashboard is not None
    assert len(api.access_log_queries) == 4
    template = Template.from_stack(stack)
    alarms = {
        alarm["Properties"]["MetricName"]: alarm["Properties"]
        for alarm in resources(template, "AWS::CloudWatch::Alarm")
    }
    assert alarms["5XXError"]["Threshold"] == 0.01
    assert alarms["4XXError"]["Threshold"] == 0.05
    assert alarms["Latency"]["ExtendedStatistic"] == "p90"
    [stage] = resources(template, "AWS::ApiGateway::Stage")
    assert stage["Properties"]["MethodSettings"][0]["MetricsEnabled"] is True
    [dashboard] = resources(template, "AWS::CloudWatch::Dashboard")
    assert dashboard["Properties"]["DashboardName"] == "orders"

    # A threshold given as a percentage fails at synth, naming the prop.
    other = cdk.Stack(cdk.App(), "PercentThreshold")
    with pytest.raises(RuntimeError) as raised:
        RegionalApi(
            other, "Api", alarms=ApiAlarmsOptions(client_error_rate=StageAlarmOptions(threshold=5))
        )
    assert "Invalid alarms.clientErrorRate.threshold: 5" in str(raised.value)


def test_canary_release_and_rollback_from_python():
    from cdk_apigateway_presets import CanaryOptions

    def prod_stage(stage):
        template_stack = cdk.Stack(cdk.App(), "CanaryFromPython")
        api = EdgeApi(template_stack, "Api", stages=[stage])
        api.add_route("GET", "/orders", RouteIntegration.mock())
        template = Template.from_stack(template_stack)
        [deployment] = template.find_resources("AWS::ApiGateway::Deployment").keys()
        [stage_resource] = resources(template, "AWS::ApiGateway::Stage")
        return deployment, stage_resource["Properties"]

    # The stage stays on the deployment it is pinned to; the canary serves the newest one.
    newest, canary = prod_stage(
        StageOptions(
            stage_name="prod",
            deployment_id="nfcn0x",
            canary=CanaryOptions(percent_traffic=10, stage_variable_overrides={"alias": "canary"}),
        )
    )
    assert canary["DeploymentId"] == "nfcn0x"
    assert canary["CanarySetting"] == {
        "DeploymentId": {"Ref": newest},
        "PercentTraffic": 10,
        "StageVariableOverrides": {"alias": "canary"},
        "UseStageCache": False,
    }
    # Promoted: no pin, no canary.
    _, promoted = prod_stage(StageOptions(stage_name="prod"))
    assert promoted["DeploymentId"] == {"Ref": newest}
    assert "CanarySetting" not in promoted
    # Rolled back: the pin alone, with the canary closed.
    _, rolled_back = prod_stage(StageOptions(stage_name="prod", deployment_id="nfcn0x"))
    assert rolled_back["DeploymentId"] == "nfcn0x"
    assert rolled_back["CanarySetting"]["PercentTraffic"] == 0

    # A share of traffic out of range fails at synth, naming the prop.
    with pytest.raises(RuntimeError) as raised:
        prod_stage(
            StageOptions(stage_name="prod", deployment_id="nfcn0x", canary=CanaryOptions(percent_traffic=150))
        )
    assert "Invalid stages[0].canary.percentTraffic: 150" in str(raised.value)


def test_api_keys_and_usage_plans_from_python():
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_secretsmanager as secretsmanager

    from cdk_apigateway_presets import (
        ApiKeyValue,
        RegionalApi,
        UsagePlanQuota,
        UsagePlanRouteThrottling,
        ThrottlingOptions,
    )

    stack = cdk.Stack(cdk.App(), "KeysFromPython")
    api = RegionalApi(stack, "Api", api_key_required=True)
    api.add_route("GET", "/quotes", RouteIntegration.mock())
    secret = secretsmanager.Secret.from_secret_name_v2(stack, "KeyValue", "partner-api-key")
    key = api.add_api_key("Partner", value=ApiKeyValue.from_secret(secret), description="Partner Co.")
    plan = api.add_usage_plan(
        "Gold",
        throttling=ThrottlingOptions(rate_limit=50, burst_limit=20),
        quota=UsagePlanQuota(limit=10000, period=apigw.Period.MONTH),
        route_throttling=[
            UsagePlanRouteThrottling(
                method="GET", path="/quotes", throttling=ThrottlingOptions(rate_limit=5, burst_limit=2)
            )
        ],
        api_keys=[key],
    )
    assert plan.usage_plan_id
    role = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    api.grant_read_api_key(key, role)

    template = Template.from_stack(stack)
    [rest_api] = resources(template, "AWS::ApiGateway::RestApi")
    body = rest_api["Properties"]["Body"]
    assert body["x-amazon-apigateway-api-key-source"] == "HEADER"
    assert body["paths"]["/quotes"]["get"]["security"] == [{"sigv4": [], "api_key": []}]
    assert api.open_api()["paths"]["/quotes"]["get"]["security"] == [{"sigv4": [], "api_key": []}]
    [usage_plan] = resources(template, "AWS::ApiGateway::UsagePlan")
    assert usage_plan["Properties"]["Quota"] == {"Limit": 10000, "Period": "MONTH"}
    assert usage_plan["Properties"]["ApiStages"][0]["Throttle"] == {"/quotes/GET": {"RateLimit": 5, "BurstLimit": 2}}
    [api_key] = resources(template, "AWS::ApiGateway::ApiKey")
    assert "{{resolve:secretsmanager:" in str(api_key["Properties"]["Value"])

    # A quota API Gateway would refuse fails at synth, naming the prop.
    with pytest.raises(RuntimeError) as raised:
        api.add_usage_plan("Bad", quota=UsagePlanQuota(limit=-1, period=apigw.Period.DAY))
    assert "Invalid usagePlan.quota.limit: -1" in str(raised.value)
    assert PresetErrors.is_validation_error(str(raised.value)) is True
