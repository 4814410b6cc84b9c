import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, NagRuleCompliance, ServerlessChecks, rules } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  ApiAuthorization,
  EdgeApi,
  EdgeApiProps,
  RegionalApi,
  RouteIntegration,
  UnauthorizedCacheControl,
} from '../../lib';
import { newestNodejsRuntime } from '../../lib/private/runtimes';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { expectInvalid } from '../support/expect-invalid';
import { stagedCode } from '../support/staged-code';

const AUTHORIZATION_TYPE = 'Custom::ApiGatewayCacheControlAuthorization';
const FLUSH_TYPE = 'Custom::ApiGatewayStageCacheFlush';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/** GIVEN an EdgeApi with these props and one public cached route; returns its stack and template. */
function build(props: EdgeApiProps, configure?: (api: EdgeApi, stack: Stack) => void) {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const api = new EdgeApi(stack, 'Api', props);
  api.addRoute('GET', '/items', RouteIntegration.mock({ statusCode: 200 }), {
    authorization: ApiAuthorization.none(),
    cache: { ttl: Duration.seconds(30) },
  });
  configure?.(api, stack);
  return { app, stack, api, template: () => Template.fromStack(stack) };
}

function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The one resource of `type` whose logical id starts with `prefix`. */
function only(template: Template, type: string, prefix: string): [string, Resource] {
  const found = Object.entries(resourcesOf(template, type)).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0];
}

function logicalId(template: Template, type: string, prefix: string): string {
  return only(template, type, prefix)[0];
}

function apigatewayArn(restApiId: string, suffix: string) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':apigateway:',
        { Ref: 'AWS::Region' },
        `::/restapis/`,
        { Ref: restApiId },
        suffix,
      ],
    ],
  };
}

function executeApiArn(restApiId: string, suffix: string) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':execute-api:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':',
        { Ref: restApiId },
        suffix,
      ],
    ],
  };
}

const CACHED_PROD_AND_DEV = { stages: [{ stageName: 'prod', caching: {} }, { stageName: 'dev' }] };

describe('cache invalidation: what is generated', () => {
  test('a preset without a cache cluster gains nothing', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new RegionalApi(stack, 'Api').addRoute('GET', '/ping', RouteIntegration.mock());
    const template = Template.fromStack(stack);
    template.resourceCountIs(AUTHORIZATION_TYPE, 0);
    template.resourceCountIs(FLUSH_TYPE, 0);
    expect(stack.node.findChild('Api').node.tryFindChild('CacheControl')).toBeUndefined();
  });

  test('each stage with a cache cluster, and only it, requires authorization for cache invalidation', () => {
    const { template } = build(CACHED_PROD_AND_DEV);
    const t = template();
    const restApi = logicalId(t, 'AWS::ApiGateway::RestApi', 'Api');
    const prodStage = logicalId(t, 'AWS::ApiGateway::Stage', 'ApiStageprod');
    const [, resource] = only(t, AUTHORIZATION_TYPE, 'ApiCacheControlAuthorizationprod');
    expect(Object.keys(resourcesOf(t, AUTHORIZATION_TYPE))).toHaveLength(1);
    const { ServiceToken, StageProperties, ...rest } = resource.Properties;
    expect(rest).toEqual({
      ServiceTimeout: '900',
      RestApiId: { Ref: restApi },
      StageName: 'prod',
      UnauthorizedCacheControl: 'FAIL_WITH_403',
    });
    expect(ServiceToken).toEqual({
      'Fn::GetAtt': [logicalId(t, 'AWS::Lambda::Function', 'ApiCacheControlHandler'), 'Arn'],
    });
    expect(StageProperties).toMatch(/^[0-9a-f]{64}$/);
    // It runs after the stage is created or updated.
    expect(resource.DependsOn).toEqual([prodStage]);
    t.resourceCountIs(FLUSH_TYPE, 0);
  });

  test('the API-wide caching gives every stage its own resource', () => {
    const { template } = build({ caching: {}, stages: [{ stageName: 'prod' }, { stageName: 'dev' }] });
    expect(
      Object.values(resourcesOf(template(), AUTHORIZATION_TYPE))
        .map((r) => r.Properties.StageName)
        .sort(),
    ).toEqual(['dev', 'prod']);
  });

  test.each([
    ['FAIL_WITH_403', UnauthorizedCacheControl.FAIL_WITH_403],
    ['SUCCEED_WITH_RESPONSE_HEADER', UnauthorizedCacheControl.SUCCEED_WITH_RESPONSE_HEADER],
    ['SUCCEED_WITHOUT_RESPONSE_HEADER', UnauthorizedCacheControl.SUCCEED_WITHOUT_RESPONSE_HEADER],
  ])('the strategy for unauthorized requests is configurable per stage (%s)', (value, strategy) => {
    const { template } = build({
      caching: {},
      stages: [{ stageName: 'prod', caching: { unauthorizedCacheControl: strategy } }, { stageName: 'dev' }],
    });
    const t = template();
    expect(only(t, AUTHORIZATION_TYPE, 'ApiCacheControlAuthorizationprod')[1].Properties).toMatchObject({
      UnauthorizedCacheControl: value,
    });
    // dev takes the API's caching, whose strategy is the default.
    expect(only(t, AUTHORIZATION_TYPE, 'ApiCacheControlAuthorizationdev')[1].Properties).toMatchObject({
      UnauthorizedCacheControl: 'FAIL_WITH_403',
    });
  });

  test('the strategy is configurable for the whole API', () => {
    const { template } = build({
      caching: { unauthorizedCacheControl: UnauthorizedCacheControl.SUCCEED_WITHOUT_RESPONSE_HEADER },
    });
    expect(
      only(template(), AUTHORIZATION_TYPE, 'ApiCacheControlAuthorizationprod')[1].Properties,
    ).toMatchObject({ UnauthorizedCacheControl: 'SUCCEED_WITHOUT_RESPONSE_HEADER' });
  });

  test("the handler role names exactly GET and PATCH on each cached stage's ARN, and its own log writes", () => {
    const { template } = build({ caching: {}, stages: [{ stageName: 'prod' }, { stageName: 'dev' }] });
    const t = template();
    const restApi = logicalId(t, 'AWS::ApiGateway::RestApi', 'Api');
    const [, role] = only(t, 'AWS::IAM::Role', 'ApiCacheControlHandlerRole');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ],
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'StageCache',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'WriteOwnLogs',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: {
                'Fn::GetAtt': [logicalId(t, 'AWS::Logs::LogGroup', 'ApiCacheControlHandlerLogs'), 'Arn'],
              },
            },
            {
              Sid: 'ReadAndPatchCachedStages',
              Effect: 'Allow',
              Action: ['apigateway:GET', 'apigateway:PATCH'],
              Resource: [apigatewayArn(restApi, '/stages/prod'), apigatewayArn(restApi, '/stages/dev')],
            },
          ],
        },
      },
    ]);
    // Nothing else grants the role anything.
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('with flushOnDeploy the role may also DELETE exactly that stage’s cache data', () => {
    const { template } = build({
      stages: [
        { stageName: 'prod', caching: { flushOnDeploy: true } },
        { stageName: 'beta', caching: {} },
      ],
    });
    const t = template();
    const restApi = logicalId(t, 'AWS::ApiGateway::RestApi', 'Api');
    const statements = (
      only(t, 'AWS::IAM::Role', 'ApiCacheControlHandlerRole')[1].Properties.Policies as {
        PolicyDocument: { Statement: { Sid: string }[] };
      }[]
    )[0].PolicyDocument.Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      'WriteOwnLogs',
      'ReadAndPatchCachedStages',
      'FlushStageCaches',
    ]);
    expect(statements[2]).toEqual({
      Sid: 'FlushStageCaches',
      Effect: 'Allow',
      Action: 'apigateway:DELETE',
      Resource: apigatewayArn(restApi, '/stages/prod/cache/data'),
    });
  });

  test('fails synth when something adds a separate policy to the handler role', () => {
    const { app, stack } = build(CACHED_PROD_AND_DEV);
    const role = stack.node
      .findChild('Api')
      .node.findChild('CacheControl')
      .node.findChild('HandlerRole') as iam.Role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/must not get a separate policy/);
  });

  test('the handler: newest Node.js runtime, explicit memory and timeout, its own retained log group, its code', () => {
    const { template, app } = build(CACHED_PROD_AND_DEV);
    const t = template();
    const [, fn] = only(t, 'AWS::Lambda::Function', 'ApiCacheControlHandler');
    expect(fn.Properties).toMatchObject({
      Runtime: newestNodejsRuntime().name,
      Handler: 'index.handler',
      MemorySize: 128,
      Timeout: 600,
      LoggingConfig: { LogGroup: { Ref: logicalId(t, 'AWS::Logs::LogGroup', 'ApiCacheControlHandlerLogs') } },
    });
    const [, logGroup] = only(t, 'AWS::Logs::LogGroup', 'ApiCacheControlHandlerLogs') as [
      string,
      Resource & { DeletionPolicy?: string },
    ];
    expect(logGroup.Properties.RetentionInDays).toBe(365);
    expect(logGroup.DeletionPolicy).toBe('Retain');
    // The staged asset is the handler directory and the module it shares, and nothing else.
    const code = stagedCode(app.synth(), 'Stack', 'ApiCacheControlHandler');
    expect(code.packaging).toBe('zip');
    expect(code.files).toEqual([
      'index.js',
      'private/handler/cfn-response.js',
      'traffic/handler/stage-cache/index.js',
    ]);
    expect(fs.readFileSync(path.join(code.dir, 'traffic/handler/stage-cache/index.js'), 'utf-8')).toBe(
      fs.readFileSync(
        path.join(__dirname, '..', '..', 'lib', 'traffic', 'handler', 'stage-cache', 'index.js'),
        'utf-8',
      ),
    );
  });

  test('the service timeout of each custom resource outlasts the handler timeout', () => {
    const { template } = build({ caching: { flushOnDeploy: true } });
    const t = template();
    for (const type of [AUTHORIZATION_TYPE, FLUSH_TYPE]) {
      for (const r of Object.values(resourcesOf(t, type))) {
        expect(Number(r.Properties.ServiceTimeout)).toBeGreaterThan(600);
      }
    }
  });
});

describe('cache invalidation: re-applied whenever the stage changes', () => {
  /** The StageProperties hash of the prod stage of an API built by `configure`. */
  function hashOf(props: EdgeApiProps, configure?: (api: EdgeApi) => void): string {
    const { template } = build(props, configure);
    return only(template(), AUTHORIZATION_TYPE, 'ApiCacheControlAuthorizationprod')[1].Properties
      .StageProperties as string;
  }
  const twoStages = {
    stages: [
      { stageName: 'prod', caching: {} },
      { stageName: 'dev', caching: {} },
    ],
  };

  test('the same API gives the same hash', () => {
    expect(hashOf(twoStages)).toBe(hashOf(twoStages));
  });

  test("changes when the stage's method settings change (a route's own throttling)", () => {
    const base = hashOf(twoStages, (api) =>
      api.addRoute('GET', '/other', RouteIntegration.mock(), { authorization: ApiAuthorization.none() }),
    );
    const throttled = hashOf(twoStages, (api) =>
      api.addRoute('GET', '/other', RouteIntegration.mock(), {
        authorization: ApiAuthorization.none(),
        throttling: { rateLimit: 5, burstLimit: 5 },
      }),
    );
    expect(throttled).not.toBe(base);
  });

  test("changes when the stage's own settings change (stage-wide throttling, cache TTL)", () => {
    const base = hashOf(twoStages);
    expect(
      hashOf({
        stages: [
          { stageName: 'prod', caching: {}, throttling: { rateLimit: 10, burstLimit: 10 } },
          { stageName: 'dev', caching: {} },
        ],
      }),
    ).not.toBe(base);
    expect(
      hashOf({
        stages: [
          { stageName: 'prod', caching: { ttl: Duration.minutes(1) } },
          { stageName: 'dev', caching: {} },
        ],
      }),
    ).not.toBe(base);
  });

  test('changes when the stage serves a new deployment (a Stage update may rewrite its method settings)', () => {
    const base = hashOf(twoStages);
    const changed = hashOf(twoStages, (api) =>
      api.addRoute('POST', '/items', RouteIntegration.mock(), { authorization: ApiAuthorization.none() }),
    );
    expect(changed).not.toBe(base);
  });

  test('does not change when another stage changes', () => {
    const base = hashOf(twoStages);
    const otherChanged = hashOf({
      stages: [
        { stageName: 'prod', caching: {} },
        { stageName: 'dev', caching: {}, throttling: { rateLimit: 10, burstLimit: 10 } },
      ],
    });
    expect(otherChanged).toBe(base);
  });
});

describe('flush on deploy', () => {
  /** The flush resource of prod. */
  function flushOf(configure?: (api: EdgeApi) => void, props: EdgeApiProps = {}) {
    const { template } = build({ caching: { flushOnDeploy: true }, ...props }, configure);
    const t = template();
    return { t, resource: only(t, FLUSH_TYPE, 'ApiCacheControlFlushprod')[1] };
  }

  test("passes the stage's deployment and runs after the stage", () => {
    const { t, resource } = flushOf();
    const { ServiceToken, ...rest } = resource.Properties;
    expect(ServiceToken).toEqual({
      'Fn::GetAtt': [logicalId(t, 'AWS::Lambda::Function', 'ApiCacheControlHandler'), 'Arn'],
    });
    expect(rest).toEqual({
      ServiceTimeout: '900',
      RestApiId: { Ref: logicalId(t, 'AWS::ApiGateway::RestApi', 'Api') },
      StageName: 'prod',
      DeploymentId: { Ref: logicalId(t, 'AWS::ApiGateway::Deployment', 'ApiDeployment') },
    });
    const stage = only(t, 'AWS::ApiGateway::Stage', 'ApiStageprod');
    expect(stage[1].Properties.DeploymentId).toEqual(rest.DeploymentId);
    expect(resource.DependsOn).toEqual([stage[0]]);
  });

  test('is off by default, and only on the stages that ask for it', () => {
    build({ caching: {} }).template().resourceCountIs(FLUSH_TYPE, 0);
    const { template } = build({
      stages: [
        { stageName: 'prod', caching: { flushOnDeploy: true } },
        { stageName: 'beta', caching: {} },
      ],
    });
    expect(Object.values(resourcesOf(template(), FLUSH_TYPE)).map((r) => r.Properties.StageName)).toEqual([
      'prod',
    ]);
  });

  test('its properties change exactly when the definition does', () => {
    const same = () => flushOf().resource.Properties;
    expect(same()).toEqual(same());
    // A changed definition is a new deployment.
    const changed = flushOf((api) =>
      api.addRoute('GET', '/more', RouteIntegration.mock(), { authorization: ApiAuthorization.none() }),
    ).resource.Properties;
    expect(changed.DeploymentId).not.toEqual(same().DeploymentId);
    // Stage settings that are not the definition leave it as it is: nothing new is served.
    const throttled = flushOf(undefined, { throttling: { rateLimit: 10, burstLimit: 10 } }).resource
      .Properties;
    expect(throttled).toEqual(same());
    const longerTtl = flushOf(undefined, { caching: { flushOnDeploy: true, ttl: Duration.minutes(1) } })
      .resource.Properties;
    expect(longerTtl).toEqual(same());
  });
});

describe('grantInvalidateCache', () => {
  function roleStatements(t: Template) {
    const policies = Object.values(resourcesOf(t, 'AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    return (policies[0].Properties.PolicyDocument as { Statement: unknown[] }).Statement;
  }

  test("grants execute-api:InvalidateCache on exactly that stage's routes", () => {
    let grant: iam.Grant | undefined;
    const { template } = build(
      { caching: {}, stages: [{ stageName: 'prod' }, { stageName: 'dev' }] },
      (api, stack) => {
        const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
        grant = api.grantInvalidateCache(role, 'prod');
      },
    );
    const t = template();
    expect(grant?.success).toBe(true);
    expect(roleStatements(t)).toEqual([
      {
        Action: 'execute-api:InvalidateCache',
        Effect: 'Allow',
        Resource: executeApiArn(logicalId(t, 'AWS::ApiGateway::RestApi', 'Api'), '/prod/*/*'),
      },
    ]);
  });

  test('without a stage, grants it on every stage with a cache cluster, and no other', () => {
    const { template } = build(
      {
        stages: [
          { stageName: 'prod', caching: {} },
          { stageName: 'dev' },
          { stageName: 'beta', caching: {} },
        ],
      },
      (api, stack) => {
        api.grantInvalidateCache(
          new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() }),
        );
      },
    );
    const t = template();
    const restApi = logicalId(t, 'AWS::ApiGateway::RestApi', 'Api');
    expect(roleStatements(t)).toEqual([
      {
        Action: 'execute-api:InvalidateCache',
        Effect: 'Allow',
        Resource: [executeApiArn(restApi, '/prod/*/*'), executeApiArn(restApi, '/beta/*/*')],
      },
    ]);
  });

  test('fails when the stage does not exist', () => {
    const { api, stack } = build(CACHED_PROD_AND_DEV);
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    expectInvalid(
      () => api.grantInvalidateCache(role, 'staging'),
      'stageName',
      '"staging"',
      'This API has the stages prod, dev.',
    );
  });

  test('fails when the stage has no cache cluster', () => {
    const { api, stack } = build(CACHED_PROD_AND_DEV);
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    expectInvalid(
      () => api.grantInvalidateCache(role, 'dev'),
      'stageName',
      '"dev"',
      'Only a cached stage has a cache to invalidate: the stages with a cache cluster are prod; set `caching` on the stage.',
    );
  });

  test('fails when no stage has a cache cluster', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const api = new EdgeApi(stack, 'Api');
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    expectInvalid(
      () => api.grantInvalidateCache(role),
      'grantInvalidateCache',
      '"no stage with a cache cluster"',
      'Only a cached stage has a cache to invalidate; set `caching` on the API or on a stage.',
    );
    expectInvalid(
      () => api.grantInvalidateCache(role, 'prod'),
      'stageName',
      '"prod"',
      'Only a cached stage has a cache to invalidate: no stage has a cache cluster; set `caching` on the stage.',
    );
  });
});

describe('cache invalidation: cdk-nag', () => {
  function cacheControl(stack: Stack): IConstruct {
    return stack.node.findChild('Api').node.findChild('CacheControl');
  }

  test('AwsSolutions and Serverless report zero violations', () => {
    const { app } = build({ caching: { flushOnDeploy: true } });
    app.synth();
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const { violations } = pack.validateScope(app);
      expect(
        violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)),
      ).toEqual([]);
    }
  });

  test('the acknowledgements on CacheControl are exactly these, each a finding that fires without it', () => {
    const { stack } = build({ caching: { flushOnDeploy: true } });
    const container = cacheControl(stack);
    const acknowledged = acknowledgementsUnder(container);
    expect(Object.keys(acknowledged).sort()).toEqual([
      'Handler HIPAA.Security-LambdaConcurrency',
      'Handler HIPAA.Security-LambdaDLQ',
      'Handler HIPAA.Security-LambdaInsideVPC',
      'Handler NIST.800.53.R5-LambdaConcurrency',
      'Handler NIST.800.53.R5-LambdaDLQ',
      'Handler NIST.800.53.R5-LambdaInsideVPC',
      'Handler PCI.DSS.321-LambdaInsideVPC',
      'Handler Serverless-LambdaDLQ',
      'Handler Serverless-LambdaTracing',
      'HandlerRole HIPAA.Security-IAMNoInlinePolicy',
      'HandlerRole NIST.800.53.R5-IAMNoInlinePolicy',
      'HandlerRole PCI.DSS.321-IAMNoInlinePolicy',
    ]);
    for (const reason of Object.values(acknowledged)) {
      expect(reason.length).toBeGreaterThan(40);
    }
    const handler = container.node.findChild('Handler').node.defaultChild as CfnResource;
    expect(rules.lambda.LambdaDLQ(handler)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(rules.lambda.LambdaTracing(handler)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(rules.lambda.LambdaConcurrency(handler)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(rules.lambda.LambdaInsideVPC(handler)).toBe(NagRuleCompliance.NON_COMPLIANT);
    // The role has no wildcard to acknowledge.
    const role = container.node.findChild('HandlerRole').node.defaultChild as CfnResource;
    expect(rules.iam.IAMNoWildcardPermissions(role)).toEqual(NagRuleCompliance.COMPLIANT);
    expect(rules.iam.IAMNoInlinePolicy(role)).toEqual(NagRuleCompliance.NON_COMPLIANT);
  });
});
