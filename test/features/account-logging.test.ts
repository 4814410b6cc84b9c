import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, ServerlessChecks, rules } from 'cdk-nag';
import { Construct } from 'constructs';
import { configureAccountCloudWatchRole } from '../../lib/features/account-logging';

const ROLE_TYPE = 'AWS::IAM::Role';
const SETTING_TYPE = 'Custom::ApiGatewayAccountCloudWatchRole';

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
function resourcesOf(template: Template, type: string, prefix = ''): [string, Record<string, unknown>][] {
  return Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
}

function build(scopeIds: string[] = ['Orders']) {
  const app = new App();
  const stack = new Stack(app, 'Main');
  const results = scopeIds.map((id) => configureAccountCloudWatchRole(new Construct(stack, id)));
  return { app, stack, results };
}

describe('configureAccountCloudWatchRole', () => {
  test('creates AccountLogging/Role and AccountLogging/Setting under the given scope', () => {
    const { stack, results } = build();
    const container = stack.node.findChild('Orders').node.findChild('AccountLogging');
    expect(container.node.findChild('Role')).toBe(results[0].role);
    expect(container.node.findChild('Setting')).toBe(results[0].dependable);
  });

  test('the role is trusted by API Gateway only', () => {
    const template = Template.fromStack(build().stack);
    const [[, role]] = resourcesOf(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    expect((role.Properties as Record<string, unknown>).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
      ],
    });
  });

  test('the role carries exactly the execution-log permissions, inline, and no managed policy', () => {
    const template = Template.fromStack(build().stack);
    const [[, role]] = resourcesOf(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    const props = role.Properties as Record<string, unknown>;
    expect(props.ManagedPolicyArns).toBeUndefined();
    expect(props.Policies).toEqual([
      {
        PolicyName: 'ExecutionLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'WriteExecutionLogs',
              Effect: 'Allow',
              Action: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:DescribeLogStreams',
                'logs:PutLogEvents',
              ],
              Resource: [
                logsArn('API-Gateway-Execution-Logs_*'),
                logsArn('/aws/apigateway/welcome'),
                logsArn('/aws/apigateway/welcome:*'),
              ],
            },
            {
              Sid: 'FindLogGroups',
              Effect: 'Allow',
              Action: 'logs:DescribeLogGroups',
              Resource: logsArn('*'),
            },
          ],
        },
      },
    ]);
    // A separate AWS::IAM::Policy would be deleted with the stack while the retained role lives on.
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('the role is retained on delete and on replacement', () => {
    const template = Template.fromStack(build().stack);
    const [[, role]] = resourcesOf(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
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
    expect(() => app.synth()).toThrow(/must not get a separate policy/);
  });

  test('the custom resource passes the role ARN to a Node.js 24 handler with a bounded timeout', () => {
    const template = Template.fromStack(build().stack);
    const [[roleId]] = resourcesOf(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    const [[, setting]] = resourcesOf(template, SETTING_TYPE, 'OrdersAccountLoggingSetting');
    const props = setting.Properties as Record<string, unknown>;
    expect(props.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(props.ServiceTimeout).toBe('600');
    // Deleting the custom resource must not touch the setting: nothing retained depends on it.
    expect(setting.DeletionPolicy).toBe('Delete');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: '__entrypoint__.handler',
      Runtime: 'nodejs24.x',
      Timeout: 300,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkApigwPresetsAccountCloudWatchRole'), 'Arn'] },
    });
    expect(props.ServiceToken).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^CdkApigwPresetsAccountCloudWatchRole\w*Handler/), 'Arn'],
    });
  });

  test('the provider policy names exact actions and resources', () => {
    const template = Template.fromStack(build().stack);
    const [[roleId]] = resourcesOf(template, ROLE_TYPE, 'OrdersAccountLoggingRole');
    const [[, providerRole]] = resourcesOf(template, ROLE_TYPE, 'CdkApigwPresetsAccountCloudWatchRole');
    const policies = (providerRole.Properties as Record<string, unknown>).Policies as {
      PolicyDocument: { Statement: unknown[] };
    }[];
    expect(policies).toHaveLength(1);
    expect(policies[0].PolicyDocument.Statement).toEqual([
      {
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
        Effect: 'Allow',
        Action: 'iam:GetRole',
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/*'],
          ],
        },
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } },
      },
    ]);
  });

  test('two presets in one stack get their own role and setting and share one provider', () => {
    const { stack, results } = build(['Orders', 'Billing']);
    const template = Template.fromStack(stack);
    expect(results[0].role).not.toBe(results[1].role);
    expect(resourcesOf(template, ROLE_TYPE, 'OrdersAccountLoggingRole')).toHaveLength(1);
    expect(resourcesOf(template, ROLE_TYPE, 'BillingAccountLoggingRole')).toHaveLength(1);
    expect(resourcesOf(template, SETTING_TYPE)).toHaveLength(2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    // No fixed physical names: two stacks in one account cannot collide either.
    for (const [, role] of resourcesOf(template, ROLE_TYPE)) {
      expect((role.Properties as Record<string, unknown>).RoleName).toBeUndefined();
    }
    // The shared provider may pass each preset's role, and only those.
    const [[, providerRole]] = resourcesOf(template, ROLE_TYPE, 'CdkApigwPresetsAccountCloudWatchRole');
    const statements = (
      (providerRole.Properties as Record<string, unknown>).Policies as {
        PolicyDocument: { Statement: unknown[] };
      }[]
    )[0].PolicyDocument.Statement as { Action: string; Resource: unknown }[];
    const passed = statements.filter((s) => s.Action === 'iam:PassRole').map((s) => s.Resource);
    const roleIds = resourcesOf(template, ROLE_TYPE)
      .map(([id]) => id)
      .filter((id) => id.includes('AccountLoggingRole'));
    expect(passed).toEqual(expect.arrayContaining(roleIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))));
    expect(passed).toHaveLength(2);
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

  test('AwsSolutions and Serverless report zero violations', () => {
    const { app } = build(['Orders', 'Billing']);
    app.synth();
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const { violations } = pack.validateScope(app);
      expect(
        violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)),
      ).toEqual([]);
    }
  });

  test('the acknowledgements on the role are exactly the IAM5 findings it has, each with a reason', () => {
    const { stack } = build();
    const role = stack.node.findChild('Orders').node.findChild('AccountLogging').node.findChild('Role');
    const findings = rules.iam.IAMNoWildcardPermissions(role.node.defaultChild as CfnResource);
    expect(Array.isArray(findings)).toBe(true);
    const acknowledged: Record<string, string> = {};
    for (const entry of role.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged[id.replace(/^annotation::/i, '')] = reason;
        }
      }
    }
    expect(Object.keys(acknowledged).sort()).toEqual(
      (findings as string[]).map((f) => `AwsSolutions-IAM5[${f}]`).sort(),
    );
    expect(Object.keys(acknowledged)).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:API-Gateway-Execution-Logs_*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/apigateway/welcome:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
    ]);
    for (const reason of Object.values(acknowledged)) {
      expect(reason.length).toBeGreaterThan(40);
    }
  });

  test('the finding ids do not depend on the stack environment', () => {
    const app = new App();
    const stack = new Stack(app, 'Pinned', { env: { account: '111122223333', region: 'eu-west-1' } });
    configureAccountCloudWatchRole(new Construct(stack, 'Orders'));
    app.synth();
    const { violations } = new AwsSolutionsChecks().validateScope(app);
    expect(violations.map((v) => v.ruleName)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The handler, with fake clients: no SDK, no AWS.

interface FakeError extends Error {
  readonly $metadata?: { httpStatusCode?: number };
}
interface HandlerEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: { readonly RoleArn?: string };
  readonly PhysicalResourceId?: string;
}
interface HandlerResult {
  readonly PhysicalResourceId?: string;
  readonly Data?: { readonly RoleArn: string };
}
interface HandlerDeps {
  readonly apigateway: {
    getAccount(input: object): Promise<{ cloudwatchRoleArn?: string }>;
    updateAccount(input: object): Promise<unknown>;
  };
  readonly iam: { getRole(input: { RoleName: string }): Promise<unknown> };
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (...args: unknown[]) => void;
}
interface HandlerModule {
  makeHandler(deps: HandlerDeps): (event: HandlerEvent) => Promise<HandlerResult>;
  handler(event: HandlerEvent): Promise<HandlerResult>;
  RETRY_BUDGET_MS: number;
}

const HANDLER_DIR = path.join(__dirname, '..', '..', 'lib', 'features', 'handler', 'account-cloudwatch-role');
// The handler is plain JavaScript shipped as-is; there are no type declarations to import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule = require(path.join(HANDLER_DIR, 'index.js')) as HandlerModule;

const OURS = 'arn:aws:iam::111122223333:role/Stack-OrdersAccountLoggingRole-ABC';
const OTHER = 'arn:aws:iam::111122223333:role/service-role/central-apigw-logs';

function awsError(name: string, message: string, status?: number): FakeError {
  const err = new Error(message) as FakeError & { name: string };
  err.name = name;
  if (status) {
    Object.assign(err, { $metadata: { httpStatusCode: status } });
  }
  return err;
}

const throttled = () => awsError('TooManyRequestsException', 'Too Many Requests', 429);
const notPropagated = () =>
  awsError('BadRequestException', 'The role ARN does not have required permissions set to API Gateway', 400);

/** Fake clients: `setting` is the account setting; `updates` are the outcomes of successive UpdateAccount calls. */
function fakes(opts: { setting?: string; existingRoles?: string[]; updates?: (Error | 'ok')[] }) {
  const calls: string[] = [];
  const sleeps: number[] = [];
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
    random: () => 0,
    log: () => undefined,
  };
  return { deps, calls, sleeps, current: () => setting };
}

const create: HandlerEvent = { RequestType: 'Create', ResourceProperties: { RoleArn: OURS } };
const setOurs = `updateAccount ${JSON.stringify({
  patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: OURS }],
})}`;

describe('account CloudWatch role handler', () => {
  test('sets our role when the setting is empty', async () => {
    const f = fakes({});
    const result = await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', setOurs]);
    expect(f.current()).toBe(OURS);
    expect(result).toEqual({ PhysicalResourceId: OURS, Data: { RoleArn: OURS } });
  });

  test('treats an empty string like an unset setting', async () => {
    const f = fakes({ setting: '' });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', setOurs]);
  });

  test('leaves a setting that names an existing role untouched and reports that role', async () => {
    const f = fakes({ setting: OTHER, existingRoles: ['central-apigw-logs'] });
    const result = await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', 'getRole central-apigw-logs']);
    expect(f.current()).toBe(OTHER);
    expect(result.Data).toEqual({ RoleArn: OTHER });
  });

  test('replaces a setting that names a deleted role', async () => {
    const f = fakes({ setting: OTHER, existingRoles: [] });
    const result = await handlerModule.makeHandler(f.deps)(create);
    expect(f.calls).toEqual(['getAccount', 'getRole central-apigw-logs', setOurs]);
    expect(result.Data).toEqual({ RoleArn: OURS });
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
  });

  test('fails clearly, without touching the setting, when the role check itself fails', async () => {
    const f = fakes({ setting: OTHER });
    f.deps.iam.getRole = async () => {
      throw awsError('AccessDenied', 'not authorized to perform iam:GetRole', 403);
    };
    await expect(handlerModule.makeHandler(f.deps)(create)).rejects.toThrow(
      /Could not check whether .*central-apigw-logs.* exists: AccessDenied/,
    );
    expect(f.current()).toBe(OTHER);
  });

  test('Update follows the same rules as Create', async () => {
    const f = fakes({ setting: OTHER, existingRoles: ['central-apigw-logs'] });
    await handlerModule.makeHandler(f.deps)({ ...create, RequestType: 'Update', PhysicalResourceId: OURS });
    expect(f.current()).toBe(OTHER);
  });

  test('Delete makes no calls at all', async () => {
    const f = fakes({ setting: OURS });
    const result = await handlerModule.makeHandler(f.deps)({
      ...create,
      RequestType: 'Delete',
      PhysicalResourceId: OURS,
    });
    expect(f.calls).toEqual([]);
    expect(f.sleeps).toEqual([]);
    expect(f.current()).toBe(OURS);
    expect(result).toEqual({});
  });

  test('retries UpdateAccount after TooManyRequests, waiting for the 20 s rate limit', async () => {
    const f = fakes({ updates: [throttled(), throttled(), 'ok'] });
    const result = await handlerModule.makeHandler(f.deps)(create);
    expect(f.sleeps).toEqual([20000, 20000]);
    expect(f.calls.filter((c) => c.startsWith('updateAccount'))).toHaveLength(3);
    expect(result.Data).toEqual({ RoleArn: OURS });
  });

  test('retries with growing delays while a new role has not propagated', async () => {
    const f = fakes({ updates: [notPropagated(), notPropagated(), notPropagated(), 'ok'] });
    await handlerModule.makeHandler(f.deps)(create);
    expect(f.sleeps).toEqual([2000, 4000, 8000]);
    expect(f.current()).toBe(OURS);
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
    const result = await handlerModule.makeHandler(f.deps)(create);
    expect(result.Data).toEqual({ RoleArn: OTHER });
    expect(f.calls.filter((c) => c.startsWith('updateAccount'))).toHaveLength(1);
  });

  test('gives up with a clear error once the retry budget is spent', async () => {
    const f = fakes({ updates: Array.from({ length: 50 }, () => throttled()) });
    await expect(handlerModule.makeHandler(f.deps)(create)).rejects.toThrow(
      /Gave up setting the API Gateway account CloudWatch role to .* after 10 attempts .*TooManyRequestsException.*manageAccountRole/,
    );
    const waited = f.sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeLessThanOrEqual(handlerModule.RETRY_BUDGET_MS);
    expect(waited).toBe(180000);
  });

  test('the retry budget stays well under the Lambda timeout', () => {
    const template = Template.fromStack(build().stack);
    const [[, fn]] = Object.entries(template.findResources('AWS::Lambda::Function'));
    const timeoutMs = ((fn.Properties as Record<string, unknown>).Timeout as number) * 1000;
    // Worst case: the budget plus one API round trip per attempt.
    expect(handlerModule.RETRY_BUDGET_MS).toBeLessThanOrEqual(timeoutMs * 0.6);
  });

  test('does not retry other UpdateAccount errors', async () => {
    const f = fakes({
      updates: [awsError('BadRequestException', 'Invalid ARN specified in the request', 400)],
    });
    await expect(handlerModule.makeHandler(f.deps)(create)).rejects.toThrow(
      /UpdateAccount failed .*Invalid ARN specified/,
    );
    expect(f.sleeps).toEqual([]);
  });

  test('rejects a missing RoleArn property', async () => {
    const f = fakes({});
    await expect(
      handlerModule.makeHandler(f.deps)({ RequestType: 'Create', ResourceProperties: {} }),
    ).rejects.toThrow(/RoleArn must be an IAM role ARN/);
    expect(f.calls).toEqual([]);
  });

  test('the shipped directory holds only the handler, which exports the Lambda entry point', () => {
    // Everything in this directory is zipped into the provider's asset.
    expect(fs.readdirSync(HANDLER_DIR)).toEqual(['index.js']);
    expect(typeof handlerModule.handler).toBe('function');
  });
});
