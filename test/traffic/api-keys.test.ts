import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ApiAuthorization,
  ApiKeyValue,
  EdgeApi,
  EdgeApiProps,
  RegionalApi,
  RouteIntegration,
} from '../../lib';
import { definitionOf, Json, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { openApiErrors } from '../support/openapi';

const MOCK = RouteIntegration.mock();

function api(props?: EdgeApiProps): EdgeApi {
  return new EdgeApi(new Stack(new App(), 'Stack'), 'Api', props);
}

function templateOf(a: EdgeApi | RegionalApi): Template {
  return Template.fromStack(Stack.of(a));
}

function authorizerFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Authorizer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
}

describe('routes that require an API key', () => {
  test('the api_key scheme is ANDed into the route authorization, with the key source HEADER', () => {
    // GIVEN an API whose routes require a key by default, one route opting out
    const a = api({ apiKeyRequired: true });
    a.addRoute('GET', '/orders', MOCK);
    a.addRoute('GET', '/health', MOCK, { authorization: ApiAuthorization.none() });
    a.addRoute('GET', '/open', MOCK, { apiKeyRequired: false });
    a.addUsagePlan('Basic');

    // THEN
    const template = templateOf(a);
    const definition = definitionOf(template);
    expect(definition['x-amazon-apigateway-api-key-source']).toBe('HEADER');
    expect(definition.components.securitySchemes.api_key).toEqual(
      expect.objectContaining({ type: 'apiKey', name: 'x-api-key', in: 'header' }),
    );
    // one requirement holding both: IAM and a key
    expect(operationOf(template, 'GET', '/orders').security).toEqual([{ sigv4: [], api_key: [] }]);
    // a public route with a key still declares itself public, and requires the key
    const health = operationOf(template, 'GET', '/health');
    expect(health.security).toEqual([{ api_key: [] }]);
    expect(health['x-amazon-apigateway-auth']).toEqual({ type: 'NONE' });
    expect(operationOf(template, 'GET', '/open').security).toEqual([{ sigv4: [] }]);
  });

  test('no scheme and no key source when no route requires a key', () => {
    const a = api();
    a.addRoute('GET', '/orders', MOCK);
    const definition = definitionOf(templateOf(a));
    expect(definition['x-amazon-apigateway-api-key-source']).toBeUndefined();
    expect(definition.components.securitySchemes.api_key).toBeUndefined();
  });

  test('the contract shows the key requirement, and stays a valid OpenAPI document', async () => {
    const a = api();
    a.addRoute('GET', '/orders', MOCK, { apiKeyRequired: true });
    a.addRoute('GET', '/health', MOCK, { authorization: ApiAuthorization.none(), apiKeyRequired: true });
    a.addUsagePlan('Basic');
    const contract = a.openApi() as Json;
    expect(contract.components.securitySchemes.api_key).toEqual(
      expect.objectContaining({ type: 'apiKey', name: 'x-api-key', in: 'header' }),
    );
    expect(JSON.stringify(contract)).not.toContain('x-amazon-apigateway');
    expect(contract.paths['/orders'].get.security).toEqual([{ sigv4: [], api_key: [] }]);
    expect(contract.paths['/health'].get.security).toEqual([{ api_key: [] }]);
    expect(await openApiErrors(contract)).toEqual([]);
  });

  test('apiKeySource AUTHORIZER with a Lambda authorizer', () => {
    const stack = new Stack(new App(), 'Stack');
    const a = new EdgeApi(stack, 'Api', {
      apiKeyRequired: true,
      apiKeySource: apigw.ApiKeySourceType.AUTHORIZER,
      authorization: ApiAuthorization.lambdaToken(authorizerFunction(stack)),
    });
    a.addRoute('GET', '/orders', MOCK);
    a.addUsagePlan('Basic');
    const template = templateOf(a);
    expect(definitionOf(template)['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
    const [scheme] = Object.keys(definitionOf(template).components.securitySchemes).filter(
      (n) => n !== 'api_key',
    );
    expect(operationOf(template, 'GET', '/orders').security).toEqual([{ [scheme]: [], api_key: [] }]);
    // clients send no key: the authorizer supplies it, so the contract asks for none
    const contract = a.openApi() as Json;
    expect(contract.components.securitySchemes.api_key).toBeUndefined();
    expect(contract.paths['/orders'].get.security).toEqual([{ TokenAuthorizer: [] }]);
  });

  test('fails when apiKeySource is AUTHORIZER and the route has no Lambda authorizer', () => {
    const a = api({ apiKeySource: apigw.ApiKeySourceType.AUTHORIZER });
    expectInvalid(
      () => a.addRoute('GET', '/orders', MOCK, { apiKeyRequired: true }),
      'apiKeySource of GET /orders',
      '"AUTHORIZER"',
      'the key comes from a Lambda authorizer',
    );
  });

  test('fails when a route requires a key and the API has no usage plan', () => {
    const a = api();
    a.addRoute('GET', '/orders', MOCK, { apiKeyRequired: true });
    expect(() => templateOf(a)).toThrow(
      /\[Stack\/Api\] Invalid apiKeyRequired: "GET \/orders"\. A route that requires an API key answers 403/,
    );
  });
});

describe('usage plans', () => {
  function prodAndDev(): EdgeApi {
    const a = api({
      stages: [
        { stageName: 'prod', throttling: { rateLimit: 100, burstLimit: 50 } },
        { stageName: 'dev', throttling: { rateLimit: 10, burstLimit: 5 } },
      ],
    });
    a.addRoute('GET', '/orders', MOCK, { apiKeyRequired: true });
    a.addRoute('POST', '/orders', MOCK, { apiKeyRequired: true });
    return a;
  }

  test('rate, burst, quota and per-route throttling, bound to the named stages', () => {
    const a = prodAndDev();
    const key = a.addApiKey('Partner');
    a.addUsagePlan('Gold', {
      description: 'Partners',
      throttling: { rateLimit: 50, burstLimit: 20 },
      quota: { limit: 10000, period: apigw.Period.MONTH, offset: 100 },
      stages: ['prod'],
      routeThrottling: [{ method: 'post', path: '/orders', throttling: { rateLimit: 5, burstLimit: 2 } }],
      apiKeys: [key],
    });
    const template = templateOf(a);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Description: 'Partners',
      Throttle: { RateLimit: 50, BurstLimit: 20 },
      Quota: { Limit: 10000, Period: 'MONTH', Offset: 100 },
      ApiStages: [
        {
          ApiId: { Ref: Match.stringLikeRegexp('^Api[0-9A-F]{8}$') },
          Stage: { Ref: Match.stringLikeRegexp('^ApiStageprod') },
          Throttle: { '/orders/POST': { RateLimit: 5, BurstLimit: 2 } },
        },
      ],
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyType: 'API_KEY' });
  });

  test('every stage by default, and a quota limit of 0 is kept', () => {
    const a = prodAndDev();
    a.addUsagePlan('Blocked', { quota: { limit: 0, period: apigw.Period.DAY } });
    templateOf(a).hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Quota: { Limit: 0, Period: 'DAY' },
      ApiStages: [
        Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('^ApiStageprod') } }),
        Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('^ApiStagedev') } }),
      ],
    });
  });

  test('fails when the quota limit is not a whole number, 0 or more', () => {
    expectInvalid(
      () => prodAndDev().addUsagePlan('P', { quota: { limit: -1, period: apigw.Period.DAY } }),
      'usagePlan.quota.limit',
      '-1',
      'The limit is a whole number of requests, 0 or more.',
    );
    expectInvalid(
      () => prodAndDev().addUsagePlan('P', { quota: { limit: 1.5, period: apigw.Period.DAY } }),
      'usagePlan.quota.limit',
      '1.5',
      'The limit is a whole number of requests, 0 or more.',
    );
  });

  test('fails when the quota period is not DAY, WEEK or MONTH', () => {
    expectInvalid(
      () =>
        prodAndDev().addUsagePlan('P', { quota: { limit: 1, period: 'YEAR' as unknown as apigw.Period } }),
      'usagePlan.quota.period',
      '"YEAR"',
      'The period is DAY, WEEK or MONTH.',
    );
  });

  test('fails when the quota offset is outside 0 to the limit', () => {
    expectInvalid(
      () => prodAndDev().addUsagePlan('P', { quota: { limit: 100, period: apigw.Period.WEEK, offset: 101 } }),
      'usagePlan.quota.offset',
      '101',
      'a whole number from 0 to the limit (100)',
    );
    expectInvalid(
      () => prodAndDev().addUsagePlan('P', { quota: { limit: 100, period: apigw.Period.WEEK, offset: -1 } }),
      'usagePlan.quota.offset',
      '-1',
      'a whole number from 0 to the limit (100)',
    );
  });

  test("fails when the plan's throttling is above a stage's", () => {
    expectInvalid(
      () => prodAndDev().addUsagePlan('P', { throttling: { rateLimit: 20, burstLimit: 5 } }),
      'usagePlan.throttling.rateLimit',
      '20',
      "The stage 'dev' allows 10",
    );
    // only the stages the plan covers count
    expect(() =>
      prodAndDev().addUsagePlan('P', { throttling: { rateLimit: 20, burstLimit: 5 }, stages: ['prod'] }),
    ).not.toThrow();
    expectInvalid(
      () =>
        prodAndDev().addUsagePlan('P', {
          stages: ['prod'],
          routeThrottling: [
            { method: 'GET', path: '/orders', throttling: { rateLimit: 10, burstLimit: 60 } },
          ],
        }),
      'usagePlan.routeThrottling[0].throttling.burstLimit',
      '60',
      "The stage 'prod' allows 50",
    );
  });

  test('fails when the plan names no stage', () => {
    expectInvalid(
      () => prodAndDev().addUsagePlan('P', { stages: [] }),
      'usagePlan.stages',
      '[]',
      'Name at least one stage, or leave stages out for all.',
    );
  });

  test('fails when the plan names a stage the API does not have', () => {
    expectInvalid(
      () => prodAndDev().addUsagePlan('P', { stages: ['staging'] }),
      'usagePlan.stages',
      '"staging"',
      'A usage plan covers stages of this API: prod, dev.',
    );
  });

  test('fails when a per-route throttle names a route that does not exist', () => {
    const a = prodAndDev();
    a.addUsagePlan('P', {
      routeThrottling: [{ method: 'GET', path: '/order', throttling: { rateLimit: 1, burstLimit: 1 } }],
    });
    expect(() => templateOf(a)).toThrow(
      /\[Stack\/Api\] Invalid usagePlan\.routeThrottling\[0\]: "GET \/order"\. Name a route of this API \(method and path as added\): GET \/orders, POST \/orders\./,
    );
  });

  test('a per-route throttle may name a route added after the plan', () => {
    const a = api();
    a.addUsagePlan('P', {
      routeThrottling: [{ method: 'GET', path: '/later', throttling: { rateLimit: 1, burstLimit: 1 } }],
    });
    a.addRoute('GET', '/later', MOCK);
    expect(() => templateOf(a)).not.toThrow();
  });

  test('fails when a key is in more than 10 usage plans', () => {
    const a = api();
    a.addRoute('GET', '/orders', MOCK);
    const key = a.addApiKey('Shared');
    for (let i = 0; i < 10; i++) {
      a.addUsagePlan(`P${i}`, { apiKeys: [key] });
    }
    expectInvalid(
      () => a.addUsagePlan('P10', { apiKeys: [key] }),
      'usagePlan.apiKeys',
      '"Stack/Api/ApiKey.Shared in 11 usage plans"',
      'An API key belongs to at most 10 usage plans',
    );
  });

  test('fails when an app has more than 300 usage plans in one account and Region', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    const a = new RegionalApi(stack, 'Api');
    a.addRoute('GET', '/orders', MOCK);
    for (let i = 0; i < 301; i++) {
      new apigw.CfnUsagePlan(stack, `Plan${i}`);
    }
    a.addUsagePlan('Mine');
    expect(() => Template.fromStack(stack)).toThrow(
      /\[Stack\/Api\] Invalid usage plans: "302 in one account and Region"\. API Gateway allows 300 usage plans per account and Region/,
    );
  });

  test('fails when an app has more than 10,000 API keys in one account and Region', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    const other = new Stack(app, 'Other', { env: { account: '111111111111', region: 'eu-west-1' } });
    const a = new RegionalApi(stack, 'Api');
    a.addRoute('GET', '/orders', MOCK);
    a.addApiKey('Mine');
    for (let i = 0; i < 10_000; i++) {
      new apigw.CfnApiKey(other, `Key${i}`);
    }
    expect(() => Template.fromStack(stack)).toThrow(
      /\[Stack\/Api\] Invalid API keys: "10001 in one account and Region"\. API Gateway allows 10000 API keys per account and Region/,
    );
  });
});

describe('API keys', () => {
  test('generated by API Gateway: no value in the template', () => {
    const a = api();
    a.addRoute('GET', '/orders', MOCK);
    a.addApiKey('Partner', { description: 'Partner Co.' });
    const keys = templateOf(a).findResources('AWS::ApiGateway::ApiKey');
    expect(Object.keys(keys)).toEqual([expect.stringMatching(/^ApiApiKeyPartner/)]);
    const [key] = Object.values(keys);
    expect(key.Properties).toEqual({ Description: 'Partner Co.', Enabled: true });
  });

  test('from a secret: a dynamic reference, never the value', () => {
    const stack = new Stack(new App(), 'Stack');
    const secret = new secretsmanager.Secret(stack, 'KeyValue', {
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    });
    const a = new EdgeApi(stack, 'Api');
    a.addRoute('GET', '/orders', MOCK);
    a.addApiKey('FromSecret', { value: ApiKeyValue.fromSecret(secret) });
    a.addApiKey('FromField', { value: ApiKeyValue.fromSecret(secret, 'key') });
    a.addApiKey('ByName', { value: ApiKeyValue.fromSecretValue(SecretValue.secretsManager('partner-key')) });
    const values = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::ApiKey')).map(
      (k) => JSON.stringify(k.Properties.Value),
    );
    expect(values).toHaveLength(3);
    for (const value of values) {
      expect(value).toContain('{{resolve:secretsmanager:');
    }
    expect(values[1]).toContain(':SecretString:key::}}');
  });

  test('fails when the value would be written in plain text', () => {
    const a = api();
    expectInvalid(
      () =>
        a.addApiKey('Plain', {
          value: ApiKeyValue.fromSecretValue(SecretValue.unsafePlainText('a'.repeat(30))),
        }),
      'apiKey.value',
      '"a value that is not a Secrets Manager reference"',
      'An API key value must not be written into the template',
    );
    expectInvalid(
      () =>
        a.addApiKey('Ssm', {
          value: ApiKeyValue.fromSecretValue(SecretValue.ssmSecure('/partner/key')),
        }),
      'apiKey.value',
      '"a value that is not a Secrets Manager reference"',
      'give ApiKeyValue.fromSecret(secret)',
    );
  });

  test('grantReadApiKey: apigateway:GET on the key, and the secret when the value comes from one', () => {
    const stack = new Stack(new App(), 'Stack');
    const secret = new secretsmanager.Secret(stack, 'KeyValue');
    const a = new EdgeApi(stack, 'Api');
    a.addRoute('GET', '/orders', MOCK);
    const key = a.addApiKey('Partner', { value: ApiKeyValue.fromSecret(secret) });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    a.grantReadApiKey(key, role);
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    const keyStatement = statements.find((s) => s.Action === 'apigateway:GET')!;
    expect(JSON.stringify(keyStatement.Resource)).toContain(':apigateway:');
    expect(JSON.stringify(keyStatement.Resource)).toContain('::/apikeys/');
    expect(statements.some((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'))).toBe(
      true,
    );
  });

  test('fails when grantReadApiKey is given a key the API did not make', () => {
    const a = api();
    const other = apigw.ApiKey.fromApiKeyId(Stack.of(a), 'Other', 'abc123');
    expectInvalid(
      () => a.grantReadApiKey(other, new iam.AccountRootPrincipal()),
      'apiKey',
      '"Stack/Other"',
      "Give a key this API's addApiKey returned",
    );
  });
});
