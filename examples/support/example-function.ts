import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Props of `ExampleFunction`.
 */
export interface ExampleFunctionProps {
  /** The handler's source: a CommonJS module that exports `handler`. */
  readonly code: string;

  /**
   * What the function does.
   * @default - none
   */
  readonly description?: string;
}

/**
 * A small inline-code Lambda function for the examples, hardened the way the AwsSolutions and
 * Serverless packs expect: latest runtime, explicit memory and timeout, active tracing, a dead-letter
 * queue, its own log group with a retention, and a role that holds only what the function uses.
 */
export class ExampleFunction extends Construct {
  /** The Lambda function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ExampleFunctionProps) {
    super(scope, id);

    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is the dead-letter queue of the function; a dead-letter queue has no queue of its own to redrive to.',
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // No AWSLambdaBasicExecutionRole: the function may write to its own log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grants.write(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    });

    this.function = new lambda.Function(this, 'Function', {
      runtime: newestNodejsRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromInline(props.code),
      description: props.description,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      deadLetterQueue,
    });
  }
}

/**
 * The newest Node.js runtime the app's aws-cdk-lib defines: what cdk-nag's AwsSolutions-L1 and
 * Serverless-LambdaLatestVersion ask for, whatever the aws-cdk-lib version (`Runtime.NODEJS_LATEST`
 * can lag behind it).
 */
function newestNodejsRuntime(): lambda.Runtime {
  const major = (runtime: lambda.Runtime): number => Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1] ?? -1);
  return Object.values(lambda.Runtime)
    .filter((value): value is lambda.Runtime => value instanceof lambda.Runtime && !value.isVariable)
    .reduce((newest, runtime) => (major(runtime) > major(newest) ? runtime : newest));
}
