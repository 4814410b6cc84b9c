import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { CognitoCachedEdgeApiStack } from '../examples/cognito-cached-edge-api';
import { FirehoseLogsRegionalApiStack } from '../examples/firehose-logs-regional-api';
import { MinimalEdgeApiStack } from '../examples/minimal-edge-api';
import { TokenAuthorizerEdgeApiStack } from '../examples/token-authorizer-edge-api';
import { definitionOf, integrationOf, operationOf, operationsOf } from './support/definition';

/**
 * Turns every finding of aws-cdk-lib's built-in CloudFormation validation into a synth error:
 * the first key makes its errors errors, the second fails on its warnings too. Under jest
 * (NODE_ENV=test) a failing synth throws, with the full report in the message.
 */
const STRICT_VALIDATION = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  '@aws-cdk/core:strictCfnValidateErrors': true,
};

// One App for every example: the built-in validation costs seconds per synth.
const app = new App({ context: STRICT_VALIDATION });
const minimal = new MinimalEdgeApiStack(app, 'MinimalEdgeApi');
const cognito = new CognitoCachedEdgeApiStack(app, 'CognitoCachedEdgeApi');
const token = new TokenAuthorizerEdgeApiStack(app, 'TokenAuthorizerEdgeApi');
const firehoseLogs = new FirehoseLogsRegionalApiStack(app, 'FirehoseLogsRegionalApi');

/** The name of the one security scheme of the definition that is not SigV4. */
function authorizerScheme(template: Template): string {
  const names = Object.keys(definitionOf(template).components.securitySchemes).filter((n) => n !== 'sigv4');
  expect(names).toHaveLength(1);
  return names[0];
}

/** The stage whose StageName is `stageName`. */
function stage(template: Template, stageName: string): Record<string, unknown> {
  const stages = Object.values(
    template.findResources('AWS::ApiGateway::Stage', { Properties: { StageName: stageName } }),
  );
  expect(stages).toHaveLength(1);
  return stages[0].Properties as Record<string, unknown>;
}

describe('examples', () => {
  test('synthesize with no finding from the built-in CloudFormation validation', () => {
    expect(() => app.synth()).not.toThrow();
  });

  test('the built-in validation fails synth under the same context (a 10 ms integration timeout)', () => {
    // GIVEN an L1 method that CloudFormation's schema rejects (TimeoutInMillis is 50 to 29000)
    const badApp = new App({ context: STRICT_VALIDATION });
    const stack = new Stack(badApp, 'Bad');
    const api = new apigw.CfnRestApi(stack, 'Api', { name: 'bad' });
    new apigw.CfnMethod(stack, 'Method', {
      restApiId: api.ref,
      resourceId: api.attrRootResourceId,
      httpMethod: 'GET',
      authorizationType: 'AWS_IAM',
      integration: { type: 'MOCK', timeoutInMillis: 10 },
    });

    // THEN synth throws with the validator's report
    expect(() => badApp.synth()).toThrow(
      /TimeoutInMillis: 10 is less than the minimum of 50[\s\S]*CloudFormation-Validate::F3034/,
    );
  });

  describe('MinimalEdgeApi', () => {
    const template = () => Template.fromStack(minimal);

    test('an edge-optimized API with one prod stage behind a web ACL', () => {
      template().hasResourceProperties('AWS::ApiGateway::RestApi', {
        EndpointConfiguration: { Types: ['EDGE'] },
      });
      template().resourceCountIs('AWS::ApiGateway::Stage', 1);
      expect(stage(template(), 'prod')).toMatchObject({ TracingEnabled: true });
      template().resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    });

    test('GET /hello is IAM-authorized and invokes the function through a Lambda proxy integration', () => {
      const hello = operationOf(template(), 'GET', '/hello');
      expect(hello.security).toEqual([{ sigv4: [] }]);
      expect(hello['x-amazon-apigateway-integration']).toMatchObject({
        type: 'aws_proxy',
        httpMethod: 'POST',
      });
      template().resourceCountIs('AWS::Lambda::Permission', 1);
    });

    test('the example function is hardened: latest runtime, tracing, DLQ, and a role with no managed policy', () => {
      template().hasResourceProperties('AWS::Lambda::Function', {
        // The newest Node.js runtime of the aws-cdk-lib in use (nodejs24.x or later), as cdk-nag asks.
        Runtime: Match.stringLikeRegexp('^nodejs(2[4-9]|[3-9][0-9])\\.x$'),
        MemorySize: 256,
        Timeout: 10,
        TracingConfig: { Mode: 'Active' },
        DeadLetterConfig: { TargetArn: Match.anyValue() },
        LoggingConfig: { LogGroup: Match.anyValue() },
      });
      const roles = Object.entries(template().findResources('AWS::IAM::Role')).filter(([id]) =>
        id.startsWith('HelloRole'),
      );
      expect(roles).toHaveLength(1);
      expect(roles[0][1].Properties.ManagedPolicyArns).toBeUndefined();
    });
  });

  describe('CognitoCachedEdgeApi', () => {
    const template = () => Template.fromStack(cognito);

    test('a user pool with a strong password policy, required MFA, the Plus plan and an orders resource server', () => {
      template().hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'ON',
        UserPoolTier: 'PLUS',
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      });
      template().hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
        Identifier: 'orders',
        Scopes: [
          { ScopeName: 'read', ScopeDescription: 'Read orders' },
          { ScopeName: 'write', ScopeDescription: 'Place orders' },
        ],
      });
    });

    test('two stages: dev with its own throttling and no cache, prod with the cache cluster', () => {
      template().resourceCountIs('AWS::ApiGateway::Stage', 2);
      const dev = stage(template(), 'dev');
      expect(dev.CacheClusterEnabled).toBe(false);
      expect(dev.CacheClusterSize).toBeUndefined();
      expect(dev.MethodSettings).toEqual([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 20,
          CachingEnabled: false,
        }),
      ]);
      const prod = stage(template(), 'prod');
      expect(prod).toMatchObject({ CacheClusterEnabled: true, CacheClusterSize: '0.5' });
      expect(prod.MethodSettings).toEqual([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          CachingEnabled: false,
          CacheTtlInSeconds: 300,
        }),
        expect.objectContaining({
          HttpMethod: 'GET',
          ResourcePath: '/~1orders~1{id}',
          CachingEnabled: true,
          CacheDataEncrypted: true,
          CacheTtlInSeconds: 60,
        }),
      ]);
    });

    test('one Cognito authorizer serves both routes, each with its own scope', () => {
      const scheme = authorizerScheme(template());
      expect(definitionOf(template()).components.securitySchemes[scheme]).toMatchObject({
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
        'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools' },
      });
      expect(operationOf(template(), 'POST', '/orders').security).toEqual([{ [scheme]: ['orders/write'] }]);
      expect(operationOf(template(), 'GET', '/orders/{id}').security).toEqual([
        { [scheme]: ['orders/read'] },
      ]);
    });

    test('GET /orders/{id} is cached per caller: its cache key includes the path id and the token', () => {
      expect(integrationOf(template(), 'GET', '/orders/{id}').cacheKeyParameters).toEqual([
        'method.request.path.id',
        'method.request.header.Authorization',
      ]);
    });

    test('POST /orders validates its body against the order schema, a model of the definition', () => {
      const post = operationOf(template(), 'POST', '/orders');
      const ref = post.requestBody.content['application/json'].schema.$ref as string;
      expect(definitionOf(template()).components.schemas[ref.split('/').pop()!]).toMatchObject({
        type: 'object',
        required: ['item', 'quantity'],
        additionalProperties: false,
      });
      expect(post.operationId).toBe('placeOrder');
    });

    test('CORS preflight on both route paths, for the one origin', () => {
      const preflights = operationsOf(template()).filter(({ route }) => route.startsWith('OPTIONS '));
      expect(preflights.map(({ route }) => route).sort()).toEqual([
        'OPTIONS /orders',
        'OPTIONS /orders/{id}',
      ]);
      for (const { operation } of preflights) {
        expect(JSON.stringify(operation['x-amazon-apigateway-integration'])).toContain(
          "'https://app.example.com'",
        );
      }
    });
  });

  describe('TokenAuthorizerEdgeApi', () => {
    const template = () => Template.fromStack(token);

    test('a Lambda token authorizer on the Authorization header protects GET /reports', () => {
      const scheme = authorizerScheme(template());
      expect(definitionOf(template()).components.securitySchemes[scheme]).toMatchObject({
        name: 'Authorization',
        'x-amazon-apigateway-authorizer': {
          type: 'token',
          identitySource: 'method.request.header.Authorization',
        },
      });
      expect(operationOf(template(), 'GET', '/reports').security).toEqual([{ [scheme]: [] }]);
    });

    test('GET /health is public and answered by a mock integration', () => {
      const health = operationOf(template(), 'GET', '/health');
      expect(health.security).toBeUndefined();
      expect(health['x-amazon-apigateway-integration'].type).toBe('mock');
    });

    test('the example accepts the auth-none warning for its public route, so it is not repeated', () => {
      Annotations.fromStack(token).hasNoWarning('*', Match.stringLikeRegexp('accepts calls from anyone'));
    });
  });

  describe('FirehoseLogsRegionalApi', () => {
    const template = () => Template.fromStack(firehoseLogs);

    test('the prod stage logs to a Firehose stream named amazon-apigateway-..., which delivers to a bucket kept 90 days', () => {
      const streams = template().findResources('AWS::KinesisFirehose::DeliveryStream');
      const [streamId] = Object.keys(streams);
      expect(streams[streamId].Properties.DeliveryStreamName).toMatch(/^amazon-apigateway-/);
      expect(stage(template(), 'prod')).toMatchObject({
        AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [streamId, 'Arn'] } },
      });
      template().hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      });
    });
  });
});
