import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EdgeApi, RegionalApi, RouteIntegration } from '../../lib';
import { definitionOf, integrationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { openApiErrors } from '../support/openapi';

function handler(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Report', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(
      'exports.handler = awslambda.streamifyResponse(async (e, s) => s.end("ok"));',
    ),
  });
}

function stack(): Stack {
  return new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
}

describe('response streaming', () => {
  test('a streamed Lambda route invokes the function through InvokeWithResponseStream, and streams', async () => {
    const s = stack();
    const fn = handler(s);
    const api = new RegionalApi(s, 'Api');
    api.addRoute('GET', '/report', RouteIntegration.lambdaFunction(fn, { streaming: true }), {
      timeout: Duration.minutes(15),
    });
    api.addRoute('GET', '/summary', RouteIntegration.lambdaFunction(fn));
    const t = Template.fromStack(s);
    const logicalId = s.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    expect(integrationOf(t, 'GET', '/report')).toEqual({
      type: 'aws_proxy',
      httpMethod: 'POST',
      uri: {
        'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2021-11-15/functions/\${${logicalId}.Arn}/response-streaming-invocations`,
      },
      timeoutInMillis: 900000,
      responseTransferMode: 'STREAM',
    });
    // A buffered route of the same function keeps the ordinary invocation.
    expect(integrationOf(t, 'GET', '/summary').responseTransferMode).toBeUndefined();
    expect(JSON.stringify(integrationOf(t, 'GET', '/summary').uri)).toContain('2015-03-31/functions/');
    // InvokeWithResponseStream is allowed by lambda:InvokeFunction: one permission serves both routes.
    t.resourceCountIs('AWS::Lambda::Permission', 1);
    expect(await openApiErrors(definitionOf(t), { apiGatewayPaths: true })).toEqual([]);
  });

  test('a streamed HTTP route streams the backend’s response', () => {
    const s = stack();
    const api = new RegionalApi(s, 'Api');
    api.addRoute(
      'GET',
      '/events',
      RouteIntegration.http('https://events.example.com/stream', { streaming: true }),
    );
    expect(integrationOf(Template.fromStack(s), 'GET', '/events')).toMatchObject({
      type: 'http_proxy',
      responseTransferMode: 'STREAM',
    });
  });

  test('a streamed route may wait 15 minutes even on an edge-optimized API, and no longer', () => {
    const s = stack();
    const api = new EdgeApi(s, 'Api');
    const integration = RouteIntegration.lambdaFunction(handler(s), { streaming: true });
    expect(() => api.addRoute('GET', '/a', integration, { timeout: Duration.minutes(15) })).not.toThrow();
    expectInvalid(
      () => api.addRoute('GET', '/b', integration, { timeout: Duration.seconds(901) }),
      'timeout of GET /b',
      '"15 minutes 1 second"',
      'A streamed route allows integration timeouts of whole milliseconds from 50 ms to 15 minutes, the longest API Gateway streams a response.',
    );
  });

  test('fails when a streamed route is cached', () => {
    const s = stack();
    const api = new RegionalApi(s, 'Api', { caching: {} });
    expectInvalid(
      () =>
        api.addRoute('GET', '/report', RouteIntegration.lambdaFunction(handler(s), { streaming: true }), {
          cache: { shared: true },
        }),
      'cache of GET /report',
      '{"shared":true}',
      'A streamed route cannot be cached: API Gateway caches buffered responses only.',
    );
  });

  test('warns, on the route, about the 30-second idle timeout of an edge-optimized API only', () => {
    const edge = stack();
    new EdgeApi(edge, 'Api').addRoute(
      'GET',
      '/report',
      RouteIntegration.lambdaFunction(handler(edge), { streaming: true }),
    );
    Annotations.fromStack(edge).hasWarning(
      '/Stack/Api/Routes/report/GET',
      Match.stringLikeRegexp('closes a stream after 30 seconds without data.*streaming-idle-timeout'),
    );
    const regional = stack();
    new RegionalApi(regional, 'Api').addRoute(
      'GET',
      '/report',
      RouteIntegration.lambdaFunction(handler(regional), { streaming: true }),
    );
    Annotations.fromStack(regional).hasNoWarning('*', Match.stringLikeRegexp('closes a stream'));
  });
});
