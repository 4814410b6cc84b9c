import { spawnSync } from 'child_process';
import * as fs from 'fs';
import https from 'https';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, NagRuleCompliance, ServerlessChecks, rules } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { configureAccountCloudWatchRole } from '../../lib/observability/account-logging';
import { newestNodejsRuntime } from '../../lib/private/runtimes';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { stagedCode } from '../support/staged-code';
import { fakeRequest, RequestFn } from '../support/fake-https';

const HANDLER_DIR = path.join(
  __dirname,
  '..',
  '..',
  'lib',
  'observability',
  'handler',
  'account-cloudwatch-role',
);
const ROLE_TYPE = 'AWS::IAM::Role';
const FUNCTION_TYPE = 'AWS::Lambda::Function';
const LOG_GROUP_TYPE = 'AWS::Logs::LogGroup';
const SETTING_TYPE = 'Custom::ApiGatewayAccountCloudWatchRole';

type Resource = Record<string, unknown> & { Properties: Record<string, unknown> };

function logsArn(suffix: string): Record<string, unknown> {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':logs:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:log-group:${suffix}`,
      ],
    ],
  };
}

/** The resources of one type whose logical id starts with `prefix`. */
function resourcesOf(template: Template, type: string, prefix = ''): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>).filter(([id]) =>
    id.startsWith(prefix),
  );
}

/** The one resource of `type` whose logical id starts with `prefix`. */
function only(template: Template, type: string, prefix: string): [string, Resource] {
  const found = resourcesOf(template, type, prefix);
  expect(found).toHaveLength(1);
  return found[0];
}

function build(scopeIds: string[] = ['Orders']) {
  const app = new App();
  const stack = new Stack(app, 'Main');
  const results = scopeIds.map((id) => configureAccountCloudWatchRole(new Construct(stack, id)));
  return { app, stack, results };
}

function accountLogging(stack: Stack, scopeId = 'Orders'): IConstruct {
  return stack.node.findChild(scopeId).node.findChild('AccountLogging');
}

const HANDLER_ROLE_STATEMENTS = (logGroupId: string, loggingRoleId: string) => [
  {
    Sid: 'WriteOwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
  },
  {
    Sid: 'ReadAndSetAccount',
    Effect: 'Allow',
    Action: ['apigateway:GET', 'apigateway:PATCH'],
    Resource: {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, '::/account'],
      ],
    },
  },
  {
    Sid: 'CheckCurrentRole',
    Effect: 'Allow',
    Action: 'iam:GetRole',
    Resource: {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/*']],
    },
  },
  {
    Sid: 'PassLoggingRole',
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: { 'Fn::GetAtt': [loggingRoleId, 'Arn'] },
    Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } },
  },
];

describe('configureAccountCloudWatchRole', () => {
  test('creates the role, the handler and the setting under the given scope, with stable ids', () => {
    const { stack, results } = build();
    const container = accountLogging(stack);
    expect(container.node.findChild('Role')).toBe(results[0].role);
    expect(container.node.findChild('Setting')).toBe(results[0].dependable);
    expect(container.node.children.map((c) => c.node.id).sort()).toEqual(
      ['Handler', 'HandlerLogs', 'HandlerRole', 'Role', 'Setting'].sort(),
    );
    expect(container.node.findChild('Role')).toBeInstanceOf(iam.Role);
    expect(container.node.findChild('HandlerRole')).toBeInstanceOf(iam.Role);
    expect(container.node.findChild('HandlerLogs')).toBeInstanceOf(logs.LogGroup);
    // An L2 function: its CfnFunction is visible to the Lambda rules of cdk-nag.
    expect(container.node.findChild('Handler')).toBeInstanceOf(lambda.Function);
    // Nothing is created at stack scope.
    expect(stack.node.children.map((c) => c.node.id)).toEqual(['Orders']);
  });

  test('the role is trusted by API Gateway only', () => {
    const template = Template.fromStack(build().stack);
    const [, role] = only(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
      ],
    });
  });

  test('the role carries exactly the log-write permissions, inline, and no managed policy', () => {
    const template = Template.fromStack(build().stack);
    const [, role] = only(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'ApiGatewayLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'WriteApiGatewayLogs',
              Effect: 'Allow',
              Action: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:DescribeLogGroups',
                'logs:DescribeLogStreams',
                'logs:PutLogEvents',
              ],
              // Access-log groups are named freely, so the account-wide role covers every group of the region.
              Resource: logsArn('*'),
            },
          ],
        },
      },
    ]);
  });

  test('no role under AccountLogging has a managed or a separate policy', () => {
    const template = Template.fromStack(build().stack);
    const roles = resourcesOf(template, ROLE_TYPE, 'OrdersAccountLogging');
    expect(roles.map(([id]) => id)).toEqual([
      expect.stringMatching(/^OrdersAccountLoggingRole/),
      expect.stringMatching(/^OrdersAccountLoggingHandlerRole/),
    ]);
    for (const [, role] of roles) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    // A separate AWS::IAM::Policy would be deleted with the stack while the retained role lives on, and
    // the custom resource would not wait for one on the handler role.
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('the role is retained on delete and on replacement', () => {
    const template = Template.fromStack(build().stack);
    const [, role] = only(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    expect(role.DeletionPolicy).toBe('Retain');
    expect(role.UpdateReplacePolicy).toBe('Retain');
  });

  test('fails synth when something adds a separate, deletable policy to the role', () => {
    const { app, results } = build();
    (results[0].role as iam.Role).addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:PutLogEvents'],
        resources: ['arn:aws:logs:us-east-1:1:log-group:x'],
      }),
    );
    expect(() => app.synth()).toThrow(/account CloudWatch role must not get a separate policy/);
  });

  test('fails synth when something adds a separate policy to the handler role', () => {
    const { app, stack } = build();
    (accountLogging(stack).node.findChild('HandlerRole') as iam.Role).addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:1:q'] }),
    );
    expect(() => app.synth()).toThrow(/handler role must not get a separate policy/);
  });

  test('the handler role is trusted by Lambda only and names exact actions and resources', () => {
    const template = Template.fromStack(build().stack);
    const [roleId] = only(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    const [logGroupId] = only(template, LOG_GROUP_TYPE, 'OrdersAccountLoggingHandlerLogs');
    const [, handlerRole] = only(template, ROLE_TYPE, 'OrdersAccountLoggingHandlerRole');
    expect(handlerRole.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ],
    });
    expect(handlerRole.Properties.ManagedPolicyArns).toBeUndefined();
    expect(handlerRole.Properties.Policies).toEqual([
      {
        PolicyName: 'SetAccountCloudWatchRole',
        PolicyDocument: { Version: '2012-10-17', Statement: HANDLER_ROLE_STATEMENTS(logGroupId, roleId) },
      },
    ]);
    // The handler's own role is deleted with the stack; only the logging role is retained.
    expect(handlerRole.DeletionPolicy).toBeUndefined();
  });

  test('the handler is a function of the newest Node.js runtime with explicit memory, timeout, role and log group', () => {
    const template = Template.fromStack(build().stack);
    const [handlerRoleId] = only(template, ROLE_TYPE, 'OrdersAccountLoggingHandlerRole');
    const [logGroupId] = only(template, LOG_GROUP_TYPE, 'OrdersAccountLoggingHandlerLogs');
    const [, fn] = only(template, FUNCTION_TYPE, 'OrdersAccountLoggingHandler');
    expect(fn.Properties).toEqual({
      Code: { S3Bucket: expect.anything(), S3Key: expect.stringMatching(/\.zip$/) },
      Description: 'Sets the API Gateway account CloudWatch role when it is unset or names a deleted role',
      Handler: 'index.handler',
      Runtime: newestNodejsRuntime().name,
      MemorySize: 128,
      Timeout: 300,
      Role: { 'Fn::GetAtt': [handlerRoleId, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: logGroupId } },
    });
    // AwsSolutions-L1 compares against the newest Node.js runtime aws-cdk-lib knows: nodejs24.x at
    // the aws-cdk-lib this is developed with, a newer one with a newer aws-cdk-lib.
    expect(fn.Properties.Runtime).toMatch(/^nodejs(2[4-9]|[3-9]\d)\.x$/);
    // The role, and so its inline policy, exists before the function.
    expect(fn.DependsOn).toEqual([handlerRoleId]);
  });

  test("the handler's code is the handler directory and the module it shares, nothing else", () => {
    const code = stagedCode(build().app.synth(), 'Main', 'OrdersAccountLoggingHandler');
    expect(code.packaging).toBe('zip');
    expect(code.files).toEqual([
      'index.js',
      'observability/handler/account-cloudwatch-role/index.js',
      'private/handler/cfn-response.js',
    ]);
    expect(
      fs.readFileSync(path.join(code.dir, 'observability/handler/account-cloudwatch-role/index.js'), 'utf-8'),
    ).toBe(fs.readFileSync(path.join(HANDLER_DIR, 'index.js'), 'utf-8'));
    // The function's handler, index.handler, is the handler's own.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(path.join(code.dir, 'index.js')) as HandlerModule;
    expect(typeof entry.handler).toBe('function');
    expect(typeof entry.makeHandler).toBe('function');
  });

  test("the handler's log group has a retention and is retained", () => {
    const template = Template.fromStack(build().stack);
    const [, logGroup] = only(template, LOG_GROUP_TYPE, 'OrdersAccountLoggingHandlerLogs');
    expect(logGroup.Properties).toEqual({ RetentionInDays: 365 });
    expect(logGroup.DeletionPolicy).toBe('Retain');
    expect(logGroup.UpdateReplacePolicy).toBe('Retain');
  });

  test('the custom resource passes the role ARN to the handler, with a bounded service timeout', () => {
    const template = Template.fromStack(build().stack);
    const [roleId] = only(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    const [fnId] = only(template, FUNCTION_TYPE, 'OrdersAccountLoggingHandler');
    const [, setting] = only(template, SETTING_TYPE, 'OrdersAccountLoggingSetting');
    expect(setting.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [fnId, 'Arn'] },
      ServiceTimeout: '600',
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    // Deleting the custom resource must not touch the setting: nothing retained depends on it.
    expect(setting.DeletionPolicy).toBe('Delete');
  });

  test("the setting waits for the handler role's permissions", () => {
    const template = Template.fromStack(build().stack);
    const resources = template.toJSON().Resources as Record<string, Resource & { DependsOn?: string[] }>;
    const [handlerRoleId] = only(template, ROLE_TYPE, 'OrdersAccountLoggingHandlerRole');
    const [fnId] = only(template, FUNCTION_TYPE, 'OrdersAccountLoggingHandler');
    const [, setting] = only(template, SETTING_TYPE, 'OrdersAccountLoggingSetting');
    // Setting -> (GetAtt) Handler -> (DependsOn) HandlerRole, whose policy is part of the role resource.
    expect(setting.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(resources[fnId].DependsOn).toContain(handlerRoleId);
    expect(resources[handlerRoleId].Properties.Policies).toHaveLength(1);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the service timeout outlasts the handler timeout', () => {
    const template = Template.fromStack(build().stack);
    const [, fn] = only(template, FUNCTION_TYPE, 'OrdersAccountLoggingHandler');
    const [, setting] = only(template, SETTING_TYPE, 'OrdersAccountLoggingSetting');
    expect(Number(setting.Properties.ServiceTimeout)).toBeGreaterThan(fn.Properties.Timeout as number);
  });

  test('two presets in one stack each get their own role, handler and setting, and cannot collide', () => {
    const { stack, results } = build(['Orders', 'Billing']);
    const template = Template.fromStack(stack);
    expect(results[0].role).not.toBe(results[1].role);
    for (const scope of ['Orders', 'Billing']) {
      const [roleId] = only(template, ROLE_TYPE, `${scope}AccountLoggingRole`);
      const [logGroupId] = only(template, LOG_GROUP_TYPE, `${scope}AccountLoggingHandlerLogs`);
      const [handlerRoleId, handlerRole] = only(template, ROLE_TYPE, `${scope}AccountLoggingHandlerRole`);
      const [fnId, fn] = only(template, FUNCTION_TYPE, `${scope}AccountLoggingHandler`);
      const [, setting] = only(template, SETTING_TYPE, `${scope}AccountLoggingSetting`);
      // Each handler may pass its own preset's role, and only that one.
      expect(
        (handlerRole.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[])[0].PolicyDocument
          .Statement,
      ).toEqual(HANDLER_ROLE_STATEMENTS(logGroupId, roleId));
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [handlerRoleId, 'Arn'] });
      expect(setting.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    }
    expect(resourcesOf(template, ROLE_TYPE)).toHaveLength(4);
    template.resourceCountIs(FUNCTION_TYPE, 2);
    template.resourceCountIs(LOG_GROUP_TYPE, 2);
    template.resourceCountIs(SETTING_TYPE, 2);
    // No fixed physical names: two stacks in one account cannot collide either.
    for (const [, role] of resourcesOf(template, ROLE_TYPE)) {
      expect(role.Properties.RoleName).toBeUndefined();
    }
    for (const [, fn] of resourcesOf(template, FUNCTION_TYPE)) {
      expect(fn.Properties.FunctionName).toBeUndefined();
    }
    for (const [, logGroup] of resourcesOf(template, LOG_GROUP_TYPE)) {
      expect(logGroup.Properties.LogGroupName).toBeUndefined();
    }
  });

  test('a resource that depends on `dependable` waits for the setting', () => {
    const { stack, results } = build();
    // Stands in for a stage: any resource that must not deploy before the setting is in place.
    const dependent = new CfnResource(stack, 'Dependent', { type: 'AWS::SNS::Topic' });
    dependent.node.addDependency(results[0].dependable);
    const template = Template.fromStack(stack);
    const [[settingId]] = resourcesOf(template, SETTING_TYPE);
    expect(template.toJSON().Resources.Dependent.DependsOn).toEqual([settingId]);
  });

  test('AwsSolutions and Serverless report zero violations, errors or warnings', () => {
    const { app } = build(['Orders', 'Billing']);
    app.synth();
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const { violations } = pack.validateScope(app);
      expect(
        violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)),
      ).toEqual([]);
    }
  });

  test('the acknowledgements on AccountLogging are exactly these, each with a reason', () => {
    const { stack } = build();
    const acknowledged = acknowledgementsUnder(accountLogging(stack));
    const logGroup = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:';
    expect(Object.keys(acknowledged).sort()).toEqual(
      [
        `Role AwsSolutions-IAM5[Resource::${logGroup}*]`,
        'HandlerRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*]',
        'Handler Serverless-LambdaDLQ',
        'Handler Serverless-LambdaTracing',
        ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap((pack) => [
          `Handler ${pack}-LambdaDLQ`,
          `Handler ${pack}-LambdaConcurrency`,
        ]),
        ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
          `Handler ${pack}-LambdaInsideVPC`,
          `Role ${pack}-IAMNoInlinePolicy`,
          `HandlerRole ${pack}-IAMNoInlinePolicy`,
        ]),
      ].sort(),
    );
    for (const reason of Object.values(acknowledged)) {
      expect(reason.length).toBeGreaterThan(40);
    }
    // Nothing is acknowledged anywhere else in the stack, e.g. on the stack or the preset.
    expect(Object.keys(acknowledgementsUnder(stack)).sort()).toEqual(
      Object.keys(acknowledged)
        .map((key) => `Orders/AccountLogging/${key}`)
        .sort(),
    );
  });

  test('every acknowledgement is a finding that really fires without it', () => {
    const { stack } = build();
    const container = accountLogging(stack);
    const cfn = (id: string) => container.node.findChild(id).node.defaultChild as CfnResource;
    const iam5 = (id: string) =>
      (rules.iam.IAMNoWildcardPermissions(cfn(id)) as string[]).map((f) => `${id} AwsSolutions-IAM5[${f}]`);
    const fires = (id: string, rule: (node: CfnResource) => unknown, ruleId: string) =>
      rule(cfn(id)) === NagRuleCompliance.NON_COMPLIANT ? [`${id} ${ruleId}`] : [];

    const findings = [
      ...iam5('Role'),
      ...iam5('HandlerRole'),
      ...fires('Handler', rules.lambda.LambdaDLQ, 'Serverless-LambdaDLQ'),
      ...fires('Handler', rules.lambda.LambdaTracing, 'Serverless-LambdaTracing'),
      // The rules of ComplianceProfile.REGULATED's packs, in each pack that has them.
      ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap((pack) => [
        ...fires('Handler', rules.lambda.LambdaDLQ, `${pack}-LambdaDLQ`),
        ...fires('Handler', rules.lambda.LambdaConcurrency, `${pack}-LambdaConcurrency`),
      ]),
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
        ...fires('Handler', rules.lambda.LambdaInsideVPC, `${pack}-LambdaInsideVPC`),
        ...fires('Role', rules.iam.IAMNoInlinePolicy, `${pack}-IAMNoInlinePolicy`),
        ...fires('HandlerRole', rules.iam.IAMNoInlinePolicy, `${pack}-IAMNoInlinePolicy`),
      ]),
    ];
    expect(findings.sort()).toEqual(Object.keys(acknowledgementsUnder(container)).sort());
  });

  test('the finding ids do not depend on the stack environment', () => {
    const app = new App();
    const stack = new Stack(app, 'Pinned', { env: { account: '111122223333', region: 'eu-west-1' } });
    configureAccountCloudWatchRole(new Construct(stack, 'Orders'));
    app.synth();
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      expect(pack.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The handler, with fake clients and a fake responder: no SDK, no AWS, no network.

interface FakeError extends Error {
  readonly $metadata?: { httpStatusCode?: number };
}
interface HandlerEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceProperties: { readonly RoleArn?: unknown };
  readonly PhysicalResourceId?: string;
}
interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data: { readonly RoleArn?: string };
}
interface LambdaContext {
  readonly logStreamName?: string;
  getRemainingTimeInMillis?(): number;
}
interface HandlerDeps {
  readonly apigateway: {
    getAccount(input: object): Promise<{ cloudwatchRoleArn?: string }>;
    updateAccount(input: object): Promise<unknown>;
  };
  readonly iam: { getRole(input: { RoleName: string }): Promise<unknown> };
  readonly sleep: (ms: number) => Promise<void>;
  readonly respond?: (responseUrl: string, body: CfnResponse) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (...args: unknown[]) => void;
}
interface SdkClientConfig {
  readonly maxAttempts: number;
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    readonly throwOnRequestTimeout: boolean;
  };
}
interface HandlerModule {
  makeHandler(deps: HandlerDeps): (event: HandlerEvent, context?: LambdaContext) => Promise<CfnResponse>;
  handler(event: HandlerEvent, context?: LambdaContext): Promise<CfnResponse>;
  sendResponse(
    responseUrl: string,
    body: CfnResponse,
    options: { sleep: (ms: number) => Promise<void>; request?: RequestFn },
  ): Promise<void>;
  sdkClientConfig(): SdkClientConfig;
  RETRY_BUDGET_MS: number;
  RESPONSE_RESERVE_MS: number;
}

// The handler is plain JavaScript shipped as-is; there are no type declarations to import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule = require(path.join(HANDLER_DIR, 'index.js')) as HandlerModule;

interface FreshNodeRun {
  readonly unhandled: string[];
  readonly responses: CfnResponse[];
  readonly calls: string[];
  readonly logs: string[];
}

/**
 * Runs `scenario` against the handler in a separate Node.js process, waits for work it left behind,
 * and returns the promise rejections that nobody handled (in Lambda, one of those can crash a later
 * invocation in the same sandbox). Jest gives each test file its own copy of `process`, whose
 * 'unhandledRejection' event never fires, so the check needs a real one. `scenario` is the body of an
 * async function with `makeHandler`, `RESPONSE_RESERVE_MS`, `deps` (fake clients that record into
 * `calls`, `responses` and `logs`) and a Create `event` in scope.
 */
function runInFreshNode(scenario: string): FreshNodeRun {
  const script = `
    const { makeHandler, RESPONSE_RESERVE_MS } = require(${JSON.stringify(path.join(HANDLER_DIR, 'index.js'))});
    const unhandled = [];
    process.on('unhandledRejection', (reason) => unhandled.push(String(reason && reason.message)));
    const calls = [];
    const responses = [];
    const logs = [];
    const event = ${JSON.stringify(create)};
    const deps = {
      apigateway: {
        getAccount: async () => (calls.push('getAccount'), {}),
        updateAccount: async () => (calls.push('updateAccount'), {}),
      },
      iam: { getRole: async () => (calls.push('getRole'), {}) },
      sleep: async () => undefined,
      respond: async (url, body) => void responses.push(body),
      random: () => 0,
      log: (line) => void logs.push(String(line)),
    };
    (async () => {
      ${scenario}
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Node reports unhandled rejections after the microtask queue drains; give it that turn.
      await new Promise((resolve) => setImmediate(resolve));
      process.stdout.write(JSON.stringify({ unhandled, responses, calls, logs }));
    })();
  `;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf-8', timeout: 20000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as FreshNodeRun;
}

const OURS = 'arn:aws:iam::111122223333:role/Stack-OrdersAccountLoggingRole-ABC';
const OTHER = 'arn:aws:iam::111122223333:role/service-role/central-apigw-logs';
const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3A?X-Amz-Signature=abc';
const ECHOED = {
  StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/Main/1a2b',
  RequestId: 'req-1',
  LogicalResourceId: 'OrdersAccountLoggingSettingEB4D97AD',
};

function awsError(name: string, message: string, status?: number): FakeError {
  const err = new Error(message) as FakeError & { name: string };
  err.name = name;
  if (status) {
    Object.assign(err, { $metadata: { httpStatusCode: status } });
  }
  return err;
}

const throttled = () => awsError('TooManyRequestsException', 'Too Many Requests', 429);
const badRequest = (message: string) => awsError('BadRequestException', message, 400);
const notPropagated = () => badRequest('The role ARN does not have required permissions set to API Gateway');

/**
 * Fake clients: `setting` is the account setting; `updates` are the outcomes of successive
 * UpdateAccount calls. `responses` records what would be sent to CloudFormation.
 */
function fakes(opts: { setting?: string; existingRoles?: string[]; updates?: (Error | 'ok')[] }) {
  const calls: string[] = [];
  const sleeps: number[] = [];
  const responses: { url: string; body: CfnResponse }[] = [];
  let setting = opts.setting;
  const updates = [...(opts.updates ?? [])];
  const deps: HandlerDeps = {
    apigateway: {
      async getAccount() {
        calls.push('getAccount');
        return setting === undefined ? {} : { cloudwatchRoleArn: setting };
      },
      async updateAccount(input: object) {
        calls.push(`updateAccount ${JSON.stringify(input)}`);
        const outcome = updates.shift() ?? 'ok';
        if (outcome !== 'ok') {
          throw outcome;
        }
        setting = (input as { patchOperations: { value: string }[] }).patchOperations[0].value;
        return {};
      },
    },
    iam: {
      async getRole({ RoleName }: { RoleName: string }) {
        calls.push(`getRole ${RoleName}`);
        if (!(opts.existingRoles ?? []).includes(RoleName)) {
          throw awsError('NoSuchEntityException', `The role with name ${RoleName} cannot be found.`, 404);
        }
        return { Role: { RoleName } };
      },
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    respond: async (url: string, body: CfnResponse) => {
      responses.push({ url, body });
    },
    random: () => 0,
    log: () => undefined,
  };
  /** The one response sent; fails the test unless exactly one was. */
  const response = (): CfnResponse => {
    expect(responses).toHaveLength(1);
    expect(responses[0].url).toBe(RESPONSE_URL);
    return responses[0].body;
  };
  return { deps, calls, sleeps, responses, response, current: () => setting };
}

const create: HandlerEvent = {
  RequestType: 'Create',
  ResponseURL: RESPONSE_URL,
  ...ECHOED,
  ResourceProperties: { RoleArn: OURS },
};
const setOurs = `updateAccount ${JSON.stringify({
  patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: OURS }],
})}`;

describe('account CloudWatch role handler', () => {
  test('sets our role when the setting is empty and answers SUCCESS with every field', async () => {
    const f = fakes({});
    const result = await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', setOurs]);
    expect(f.current()).toBe(OURS);
    expect(f.response()).toEqual({
      Status: 'SUCCESS',
      Reason: `The account CloudWatch role in effect is ${OURS}.`,
      PhysicalResourceId: OURS,
      ...ECHOED,
      Data: { RoleArn: OURS },
    });
    // It returns what it sent.
    expect(result).toEqual(f.response());
  });

  test('treats an empty string like an unset setting', async () => {
    const f = fakes({ setting: '' });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', setOurs]);
    expect(f.response().Status).toBe('SUCCESS');
  });

  test('leaves a setting that names an existing role untouched and reports that role', async () => {
    const f = fakes({ setting: OTHER, existingRoles: ['central-apigw-logs'] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', 'getRole central-apigw-logs']);
    expect(f.current()).toBe(OTHER);
    expect(f.response()).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: OURS,
      Data: { RoleArn: OTHER },
    });
  });

  test('replaces a setting that names a deleted role', async () => {
    const f = fakes({ setting: OTHER, existingRoles: [] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', 'getRole central-apigw-logs', setOurs]);
    expect(f.response().Data).toEqual({ RoleArn: OURS });
  });

  test('recognises the IAM error by its code as well as by the v3 class name', async () => {
    const f = fakes({ setting: OTHER });
    f.deps.iam.getRole = async () => {
      throw Object.assign(new Error('not found'), { name: 'Error', Code: 'NoSuchEntity' });
    };
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.current()).toBe(OURS);
  });

  test('leaves a role in another account alone: it cannot be checked from here', async () => {
    const f = fakes({ setting: 'arn:aws:iam::999988887777:role/elsewhere' });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount']);
    expect(f.response().Data).toEqual({ RoleArn: 'arn:aws:iam::999988887777:role/elsewhere' });
  });

  test('answers FAILED, without touching the setting, when the role check itself fails', async () => {
    const f = fakes({ setting: OTHER });
    f.deps.iam.getRole = async () => {
      throw awsError('AccessDenied', 'not authorized to perform iam:GetRole', 403);
    };
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.current()).toBe(OTHER);
    const response = f.response();
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^Could not check whether .*central-apigw-logs.* exists: AccessDenied/),
      PhysicalResourceId: OURS,
      ...ECHOED,
      Data: {},
    });
  });

  test('answers FAILED with the error message when the logic throws unexpectedly', async () => {
    const f = fakes({});
    f.deps.apigateway.getAccount = async () => {
      throw new TypeError('Cannot read properties of undefined');
    };
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      Reason: 'Cannot read properties of undefined',
      ...ECHOED,
    });
  });

  test('answers FAILED even for a thrown non-Error, and points at the log stream', async () => {
    const f = fakes({});
    f.deps.apigateway.getAccount = async () => {
      throw 'boom';
    };
    await handlerModule.makeHandler(f.deps)(create, { logStreamName: '2026/01/01/[$LATEST]abc' });
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      Reason: 'boom (log stream 2026/01/01/[$LATEST]abc)',
    });
  });

  test('keeps the reason short enough for the 4 KB response limit', async () => {
    const f = fakes({ updates: [awsError('BadRequestException', 'x'.repeat(10000), 400)] });
    await handlerModule.makeHandler(f.deps)(create);
    const response = f.response();
    expect(response.Status).toBe('FAILED');
    expect(response.Reason.length).toBeLessThanOrEqual(1000);
    expect(response.Reason).toMatch(/\.\.\.$/);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThan(4096);
  });

  test('Update follows the same rules as Create', async () => {
    const f = fakes({ setting: OTHER, existingRoles: ['central-apigw-logs'] });
    await handlerModule.makeHandler(f.deps)({ ...create, RequestType: 'Update', PhysicalResourceId: OURS });
    expect(f.current()).toBe(OTHER);
    expect(f.response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OURS });
  });

  test('a failed Update keeps the physical id it was given, so it is not read as a replacement', async () => {
    const f = fakes({
      updates: [awsError('BadRequestException', 'Invalid ARN specified in the request', 400)],
    });
    await handlerModule.makeHandler(f.deps)({
      ...create,
      RequestType: 'Update',
      PhysicalResourceId: 'arn:aws:iam::111122223333:role/Stack-OrdersAccountLoggingRole-OLD',
    });
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'arn:aws:iam::111122223333:role/Stack-OrdersAccountLoggingRole-OLD',
    });
  });

  test('Delete makes no calls at all and answers SUCCESS with the same physical id', async () => {
    const f = fakes({ setting: OURS });
    await handlerModule.makeHandler(f.deps)({ ...create, RequestType: 'Delete', PhysicalResourceId: OURS });
    expect(f.calls).toEqual([]);
    expect(f.sleeps).toEqual([]);
    expect(f.current()).toBe(OURS);
    expect(f.response()).toEqual({
      Status: 'SUCCESS',
      Reason: 'Nothing to undo: the role is retained.',
      PhysicalResourceId: OURS,
      ...ECHOED,
      Data: {},
    });
  });

  test('Delete after a failed Create answers SUCCESS for the fallback physical id', async () => {
    const f = fakes({});
    await handlerModule.makeHandler(f.deps)({
      ...create,
      RequestType: 'Delete',
      ResourceProperties: {},
      PhysicalResourceId: ECHOED.LogicalResourceId,
    });
    expect(f.calls).toEqual([]);
    expect(f.response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ECHOED.LogicalResourceId });
  });

  test('retries UpdateAccount after TooManyRequests, waiting for the 20 s rate limit', async () => {
    const f = fakes({ updates: [throttled(), throttled(), 'ok'] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.sleeps).toEqual([20000, 20000]);
    expect(f.calls.filter((c) => c.startsWith('updateAccount'))).toHaveLength(3);
    expect(f.response()).toMatchObject({ Status: 'SUCCESS', Data: { RoleArn: OURS } });
  });

  test('retries with growing delays while a new role has not propagated', async () => {
    const f = fakes({ updates: [notPropagated(), notPropagated(), notPropagated(), 'ok'] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.sleeps).toEqual([2000, 4000, 8000]);
    expect(f.current()).toBe(OURS);
    expect(f.response().Status).toBe('SUCCESS');
  });

  // The wordings API Gateway uses while a new role has not propagated (see docs/ACCOUNT-LOGGING.md).
  test.each([
    ['the role-permissions error', 'The role ARN does not have required permissions set to API Gateway'],
    [
      'the role-permissions error, current wording',
      'The role ARN does not have required permissions configured. Please grant trust permission for API ' +
        'Gateway and add the required role policy.',
    ],
    [
      'the CloudWatch Logs write error',
      'API Gateway could not successfully write to CloudWatch Logs using the ARN specified',
    ],
    [
      'the CloudWatch Logs write error with a suffix',
      'API Gateway could not successfully write to CloudWatch Logs using the ARN specified. Rate exceeded.',
    ],
    [
      'the CloudWatch Logs write error in other case and spacing',
      'api gateway could not successfully write to CLOUDWATCH LOGS\n  using the ARN specified',
    ],
  ])('retries %s as a propagation delay, with growing delays', async (_label, message) => {
    const f = fakes({ updates: [badRequest(message), badRequest(message), 'ok'] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.sleeps).toEqual([2000, 4000]);
    expect(f.calls.filter((c) => c.startsWith('updateAccount'))).toHaveLength(3);
    expect(f.current()).toBe(OURS);
    expect(f.response()).toMatchObject({ Status: 'SUCCESS', Data: { RoleArn: OURS } });
  });

  test('recognises a propagation error by its code and capitalised message fields too', async () => {
    const message = 'API Gateway could not successfully write to CloudWatch Logs using the ARN specified';
    const err = Object.assign(new Error(''), {
      name: 'Error',
      Code: 'BadRequestException',
      Message: message,
    });
    const f = fakes({ updates: [err, 'ok'] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.sleeps).toEqual([2000]);
    expect(f.response().Status).toBe('SUCCESS');
  });

  test('gives up on a propagation error that outlasts the retry budget, naming it', async () => {
    const message = 'API Gateway could not successfully write to CloudWatch Logs using the ARN specified';
    const f = fakes({ updates: Array.from({ length: 50 }, () => badRequest(message)) });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(
        /^Gave up .*BadRequestException: API Gateway could not successfully write/,
      ),
    });
    expect(f.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(handlerModule.RETRY_BUDGET_MS);
  });

  test('adds jitter to the delays', async () => {
    const f = fakes({ updates: [throttled(), 'ok'] });
    await handlerModule.makeHandler({ ...f.deps, random: () => 0.5 })(create);
    expect(f.sleeps).toEqual([21000]);
  });

  test('re-reads the setting before each retry and stops when someone else set a working role', async () => {
    const f = fakes({ existingRoles: ['central-apigw-logs'] });
    let first = true;
    f.deps.apigateway.updateAccount = async (input: object) => {
      f.calls.push(`updateAccount ${JSON.stringify(input)}`);
      if (first) {
        first = false;
        throw throttled();
      }
      throw new Error('must not be called again');
    };
    const getAccount = f.deps.apigateway.getAccount;
    let reads = 0;
    f.deps.apigateway.getAccount = async (input: object) => {
      reads++;
      // Another stack wins the race while we wait.
      return reads === 1 ? getAccount(input) : { cloudwatchRoleArn: OTHER };
    };
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.response()).toMatchObject({ Status: 'SUCCESS', Data: { RoleArn: OTHER } });
    expect(f.calls.filter((c) => c.startsWith('updateAccount'))).toHaveLength(1);
  });

  test('answers FAILED with a clear reason once the retry budget is spent', async () => {
    const f = fakes({ updates: Array.from({ length: 50 }, () => throttled()) });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(
        /^Gave up setting the API Gateway account CloudWatch role to .* after 10 attempts .*TooManyRequestsException.*manageAccountRole/,
      ),
      PhysicalResourceId: OURS,
    });
    const waited = f.sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeLessThanOrEqual(handlerModule.RETRY_BUDGET_MS);
    expect(waited).toBe(180000);
  });

  test('answers FAILED before the Lambda timeout when the work does not finish in time', async () => {
    const f = fakes({});
    // An API call that never returns.
    f.deps.apigateway.getAccount = () => new Promise(() => undefined);
    const context = { getRemainingTimeInMillis: () => handlerModule.RESPONSE_RESERVE_MS + 20 };
    await handlerModule.makeHandler(f.deps)(create, context);
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      Reason: 'The handler ran out of time before the account setting was decided.',
      PhysicalResourceId: OURS,
    });
  });

  test('the deadline does not cut short work that finishes in time', async () => {
    const f = fakes({});
    const getAccount = f.deps.apigateway.getAccount;
    // Slower than an immediate timer, well within the time left.
    f.deps.apigateway.getAccount = (input: object) =>
      new Promise((resolve) => setTimeout(() => resolve(getAccount(input)), 30));
    const context = { getRemainingTimeInMillis: () => handlerModule.RESPONSE_RESERVE_MS + 5000 };
    await handlerModule.makeHandler(f.deps)(create, context);
    expect(f.response().Status).toBe('SUCCESS');
  });

  test('the check for unhandled rejections sees one when there is one', () => {
    const run = runInFreshNode(`Promise.reject(new Error('nobody handles this'));`);
    expect(run.unhandled).toEqual(['nobody handles this']);
  });

  test('work that fails after losing to the deadline is handled and logged, not left unhandled', () => {
    // Fails well after the deadline, as a hung call ended by its request timeout would.
    const run = runInFreshNode(`
      deps.apigateway.getAccount = () => {
        calls.push('getAccount');
        return new Promise((_, reject) =>
          setTimeout(() => reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })), 40),
        );
      };
      await makeHandler(deps)(event, { getRemainingTimeInMillis: () => RESPONSE_RESERVE_MS + 5 });
    `);
    expect(run.unhandled).toEqual([]);
    expect(run.responses).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        Reason: 'The handler ran out of time before the account setting was decided.',
      }),
    ]);
    expect(run.logs).toContain('Work that outlasted the deadline stopped: TimeoutError: socket hang up');
  });

  test('work that outlasts the deadline stops before it changes the setting', async () => {
    const f = fakes({});
    const logs: string[] = [];
    const getAccount = f.deps.apigateway.getAccount;
    f.deps.apigateway.getAccount = (input: object) =>
      new Promise((resolve) => setTimeout(() => resolve(getAccount(input)), 40));
    const context = { getRemainingTimeInMillis: () => handlerModule.RESPONSE_RESERVE_MS + 5 };
    await handlerModule.makeHandler({ ...f.deps, log: (line) => void logs.push(String(line)) })(
      create,
      context,
    );
    expect(f.response().Status).toBe('FAILED');
    // Let the late read finish: CloudFormation was told FAILED, so the setting must stay as it was.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(f.calls).toEqual(['getAccount']);
    expect(f.current()).toBeUndefined();
    expect(logs).toContainEqual(
      expect.stringMatching(/^Work that outlasted the deadline stopped: .*answered FAILED/),
    );
  });

  test('answers FAILED without starting any work when the time left cannot be read', () => {
    const run = runInFreshNode(`
      deps.apigateway.getAccount = async () => {
        calls.push('getAccount');
        throw new Error('not authorized to perform apigateway:GET');
      };
      await makeHandler(deps)(event, {
        getRemainingTimeInMillis: () => {
          throw new Error('no clock');
        },
      });
    `);
    expect(run.responses).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: 'no clock' })]);
    expect(run.calls).toEqual([]);
    expect(run.unhandled).toEqual([]);
  });

  test('the retry budget, plus the time kept to answer, stays under the Lambda timeout', () => {
    const template = Template.fromStack(build().stack);
    const [, fn] = only(template, FUNCTION_TYPE, 'OrdersAccountLoggingHandler');
    const timeoutMs = (fn.Properties.Timeout as number) * 1000;
    // Worst case: the budget plus one API round trip per attempt.
    expect(handlerModule.RETRY_BUDGET_MS).toBeLessThanOrEqual(timeoutMs * 0.6);
    expect(handlerModule.RETRY_BUDGET_MS + handlerModule.RESPONSE_RESERVE_MS).toBeLessThan(timeoutMs);
  });

  test('SDK clients get a connection timeout, a request timeout that throws, and a fixed number of attempts', () => {
    expect(handlerModule.sdkClientConfig()).toEqual({
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 10000, throwOnRequestTimeout: true },
    });
    // A fresh object each time: one client cannot change the other's configuration.
    expect(handlerModule.sdkClientConfig()).not.toBe(handlerModule.sdkClientConfig());
  });

  test('one SDK call with every attempt fits in the time the retry budget leaves before the deadline', () => {
    const template = Template.fromStack(build().stack);
    const [, fn] = only(template, FUNCTION_TYPE, 'OrdersAccountLoggingHandler');
    const timeoutMs = (fn.Properties.Timeout as number) * 1000;
    const { maxAttempts, requestHandler } = handlerModule.sdkClientConfig();
    // The SDK's standard retry strategy never waits more than 20 s between attempts
    // (MAXIMUM_RETRY_DELAY in @smithy/util-retry).
    const sdkMaxRetryDelayMs = 20000;
    const worstCallMs = maxAttempts * requestHandler.requestTimeout + (maxAttempts - 1) * sdkMaxRetryDelayMs;
    expect(requestHandler.connectionTimeout).toBeLessThan(requestHandler.requestTimeout);
    expect(handlerModule.RETRY_BUDGET_MS + worstCallMs).toBeLessThanOrEqual(
      timeoutMs - handlerModule.RESPONSE_RESERVE_MS,
    );
  });

  test('the Lambda entry point builds both SDK clients with that configuration', async () => {
    const built: Record<string, unknown> = {};
    const fakeClient = (name: string) =>
      class {
        constructor(config: unknown) {
          built[name] = config;
        }
      };
    const fake = fakeRequest([200]);
    const spy = jest
      .spyOn(https, 'request')
      .mockImplementation(fake.request as unknown as typeof https.request);
    try {
      await jest.isolateModulesAsync(async () => {
        // The Lambda runtime provides the SDK; it is not installed here.
        jest.doMock('@aws-sdk/client-api-gateway', () => ({ APIGateway: fakeClient('apigateway') }), {
          virtual: true,
        });
        jest.doMock('@aws-sdk/client-iam', () => ({ IAM: fakeClient('iam') }), { virtual: true });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require(path.join(HANDLER_DIR, 'index.js')) as HandlerModule;
        // Delete makes no API calls: only building the clients and answering are exercised.
        await fresh.handler({ ...create, RequestType: 'Delete', PhysicalResourceId: OURS });
      });
    } finally {
      spy.mockRestore();
    }
    expect(built).toEqual({
      apigateway: handlerModule.sdkClientConfig(),
      iam: handlerModule.sdkClientConfig(),
    });
    expect(fake.sent).toHaveLength(1);
    expect(JSON.parse(fake.sent[0].body)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OURS });
  });

  test.each([
    ['a malformed ARN', badRequest('Invalid ARN specified in the request')],
    ['a role ARN that is not well formed', badRequest('The role ARN is not well formed')],
    ['a BadRequestException without a message', badRequest('')],
    [
      'the propagation wording under another error name',
      awsError(
        'AccessDeniedException',
        'API Gateway could not successfully write to CloudWatch Logs using the ARN specified',
        403,
      ),
    ],
  ])('does not retry other UpdateAccount errors: %s', async (_label, err) => {
    const f = fakes({ updates: [err] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(new RegExp(`^UpdateAccount failed for .*: ${err.name}`)),
    });
    expect(f.calls.filter((c) => c.startsWith('updateAccount'))).toHaveLength(1);
    expect(f.sleeps).toEqual([]);
  });

  test('answers FAILED for a missing RoleArn, with the logical id as physical id', async () => {
    const f = fakes({});
    await handlerModule.makeHandler(f.deps)({ ...create, ResourceProperties: {} });
    expect(f.calls).toEqual([]);
    expect(f.response()).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^RoleArn must be an IAM role ARN/),
      PhysicalResourceId: ECHOED.LogicalResourceId,
    });
  });

  test('a response that cannot be delivered fails the invocation, so Lambda retries it', async () => {
    const f = fakes({});
    let attempts = 0;
    const respond = async () => {
      attempts++;
      throw new Error('connect ETIMEDOUT');
    };
    await expect(handlerModule.makeHandler({ ...f.deps, respond })(create)).rejects.toThrow(/ETIMEDOUT/);
    expect(attempts).toBe(1);
  });

  test('the shipped directory holds only the handler, which exports the Lambda entry point', () => {
    // Everything in this directory is zipped into the function's asset.
    expect(fs.readdirSync(HANDLER_DIR)).toEqual(['index.js']);
    expect(typeof handlerModule.handler).toBe('function');
  });
});

describe('sending the response to CloudFormation', () => {
  test('is what the handler uses when no responder is injected', async () => {
    const f = fakes({});
    const withoutResponder: HandlerDeps = { ...f.deps, respond: undefined };
    const fake = fakeRequest([500, 200]);
    // No socket is opened: https.request itself is replaced for this test.
    const spy = jest
      .spyOn(https, 'request')
      .mockImplementation(fake.request as unknown as typeof https.request);
    try {
      await handlerModule.makeHandler(withoutResponder)(create);
    } finally {
      spy.mockRestore();
    }
    expect(f.responses).toEqual([]);
    expect(fake.sent).toHaveLength(2);
    expect(fake.sent[1].options.method).toBe('PUT');
    expect(JSON.parse(fake.sent[1].body)).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: OURS,
      ...ECHOED,
    });
    // The retry between the two attempts went through the injected sleep.
    expect(f.sleeps).toEqual([1000]);
  });
});
