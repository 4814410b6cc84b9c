import { Aws, CustomResource, Duration, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { createDeployTimeHandler } from '../private/deploy-time-handler';
import { acknowledgeInPacks, REGULATED_PACKS } from '../private/regulated-packs';

/** What `configureAccountCloudWatchRole` created. */
export interface AccountLoggingResources {
  /** The retained role API Gateway assumes to write execution and access logs. */
  readonly role: iam.IRole;
  /** The custom resource that sets the account setting; stages must depend on it. */
  readonly dependable: IDependable;
}

const RESOURCE_TYPE = 'Custom::ApiGatewayAccountCloudWatchRole';

// Pseudo parameters (not stack.region/account) keep the ARNs, and so the nag finding ids, identical
// whether or not the stack has an explicit environment.
const LOGS_ARN_PREFIX = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:`;

/**
 * Creates scope/AccountLogging: the retained role, the handler and the custom resource. Stages must
 * depend on `dependable`.
 *
 * The custom resource sets the account+region-wide `cloudwatchRoleArn` to this role only when the
 * setting is empty or names a role that no longer exists, so several presets and stacks never clobber
 * each other, and deleting a stack never leaves the setting pointing at a deleted role.
 */
export function configureAccountCloudWatchRole(scope: Construct): AccountLoggingResources {
  // A function by design: the engine calls it with its own `this`, so the child still lives under the preset.
  // eslint-disable-next-line awscdk/require-passing-this
  const accountLogging = new AccountLogging(scope, 'AccountLogging');
  return { role: accountLogging.role, dependable: accountLogging.setting };
}

/** scope/AccountLogging: the retained role, and the handler and custom resource that may install it. */
class AccountLogging extends Construct {
  /** The retained role API Gateway assumes to write execution and access logs. */
  public readonly role: iam.Role;
  /** The custom resource that installs the role when the account has no working one. */
  public readonly setting: CustomResource;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description:
        'API Gateway account CloudWatch Logs role (cdk-apigateway-presets); retained on stack deletion',
      // Inline on the role, not an AWS::IAM::Policy: the permissions must survive with the retained role.
      inlinePolicies: { ApiGatewayLogs: apiGatewayLogsPolicy() },
    });
    const role = this.role;
    // Another API in the account may be logging through this role after this stack is gone.
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // Makes retained roles easy to find when cleaning up an account.
    Tags.of(role).add('cdk-apigateway-presets:purpose', 'apigateway-account-cloudwatch-role');
    forbidSeparatePolicy(
      role,
      'The account CloudWatch role must not get a separate policy (e.g. from a grant): it would be deleted ' +
        'with the stack while the retained role stays in use. Add statements to its inline policy instead.',
    );
    acknowledgeLogGroupWildcard(role);
    acknowledgeInPacks(
      role,
      'IAMNoInlinePolicy',
      REGULATED_PACKS,
      'The role is retained when the stack is deleted, because other APIs of the account may log through it; its ' +
        'inline policy is retained with it. A managed policy would be a second resource to retain and could be ' +
        'attached to other principals; the inline one grants only log writes in this account and Region.',
    );

    // After a failed first deployment rolls the stack back, the handler's retained logs are the only
    // record of why the setting could not be made.
    const { role: handlerRole, handler } = createDeployTimeHandler(this, {
      entry: 'observability/handler/account-cloudwatch-role',
      name: 'account-logging handler',
      roleDescription:
        'Sets the API Gateway account CloudWatch role (cdk-apigateway-presets custom resource handler)',
      policyName: 'SetAccountCloudWatchRole',
      statements: handlerStatements(role),
      description: 'Sets the API Gateway account CloudWatch role when it is unset or names a deleted role',
      // Bounds the handler; its retries stop after 3 minutes of waiting, and it always answers before this.
      timeout: Duration.minutes(5),
      calls: 'API Gateway account settings and iam:GetRole',
      records: 'every decision and error',
    });
    Validations.of(handlerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*]`,
      reason:
        'iam:GetRole only: the handler checks whether the role named by the account setting still exists, and ' +
        'that role is only known at deploy time and may be any role of the account, on any path.',
    });

    this.setting = new CustomResource(this, 'Setting', {
      serviceToken: handler.functionArn,
      resourceType: RESOURCE_TYPE,
      properties: { RoleArn: role.roleArn },
      // Fail the deployment soon after the Lambda timeout instead of CloudFormation's one-hour default.
      serviceTimeout: Duration.minutes(10),
    });
  }
}

/**
 * What API Gateway needs to write logs through the account's role: the write and describe actions of
 * the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs (without its GetLogEvents and
 * FilterLogEvents reads), on the log groups of this account and region instead of `*`.
 *
 * The role is account-wide: API Gateway uses it for every REST API's execution logs
 * (`API-Gateway-Execution-Logs_{restApiId}/{stage}`) and for CloudWatch access logs, whose log
 * groups each API's owner names freely. A name prefix therefore cannot narrow it further.
 */
function apiGatewayLogsPolicy(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'WriteApiGatewayLogs',
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
        ],
        // Covers every log group of the account and region and, through the trailing *, their streams.
        resources: [`${LOGS_ARN_PREFIX}*`],
      }),
    ],
  });
}

/** Exactly what the handler calls, on exactly what it touches. */
function handlerStatements(loggingRole: iam.Role): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadAndSetAccount',
      actions: ['apigateway:GET', 'apigateway:PATCH'],
      resources: [`arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/account`],
    }),
    new iam.PolicyStatement({
      sid: 'CheckCurrentRole',
      // The current setting may name any role in the account; the handler only checks it exists.
      actions: ['iam:GetRole'],
      resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/*`],
    }),
    new iam.PolicyStatement({
      sid: 'PassLoggingRole',
      actions: ['iam:PassRole'],
      resources: [loggingRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } },
    }),
  ];
}

/** Fails synth if a grant gives the role a separate AWS::IAM::Policy instead of its inline one. */
function forbidSeparatePolicy(role: iam.Role, message: string): void {
  role.node.addValidation({
    validate: () => (role.node.tryFindChild('DefaultPolicy') ? [message] : []),
  });
}

/** The one wildcard above is the narrowest resource that works; it is acknowledged by its id. */
function acknowledgeLogGroupWildcard(role: iam.Role): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
    reason:
      'This is the account-wide role API Gateway uses for the execution logs and CloudWatch access logs of every ' +
      'REST API in the account and region; access-log groups are named freely by each API owner, so no name ' +
      'prefix can narrow it. It is limited to log writes in this account and region (the AWS managed policy ' +
      'grants the same actions on *).',
  });
}
