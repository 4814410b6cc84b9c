import { Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { flattenReference } from '../integrations/s3-access';
import { defaultAccessLogGroup } from '../private/defaults';
import { PresetValidationError } from '../private/errors';
import { createAccessLogQueries } from './queries';
import { acknowledgeInPacks, NO_REPLICATION_REASON, REGULATED_PACKS } from '../private/regulated-packs';

/**
 * Options for `AccessLogs.cloudWatch()`.
 */
export interface CloudWatchAccessLogsOptions {
  /**
   * How long access logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A KMS key that encrypts the log group. Its key policy must allow CloudWatch Logs to use it.
   * @default - encrypted with a key CloudWatch Logs owns
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Write to this existing log group instead of creating one; the other options are then not allowed.
   * @default - the preset creates a log group
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * Save CloudWatch Logs Insights queries of the access log with the log group (slowest routes, errors by
   * route, throttled callers, WAF blocks), under the preset's construct path in the console. Saved
   * queries cost nothing until they run.
   * @default true
   */
  readonly queries?: boolean;
}

/**
 * Options for `AccessLogs.firehose()`: an existing Amazon Data Firehose stream, or the settings of the
 * stream and S3 bucket the preset creates.
 */
export interface FirehoseAccessLogsOptions {
  /**
   * Write to this existing Firehose stream instead of creating one; the other options are then not allowed.
   * API Gateway only writes to a stream whose name starts with `amazon-apigateway-`; a name known at synth
   * is checked. The stream must accept direct puts.
   * @default - the preset creates a stream that delivers to an S3 bucket it creates
   */
  readonly deliveryStream?: firehose.IDeliveryStream;

  /**
   * How long the bucket the preset creates keeps access logs.
   * @default Duration.days(365)
   */
  readonly retention?: Duration;

  /**
   * A KMS key that encrypts the objects of the bucket the preset creates (SSE-KMS).
   * @default - a key the preset creates, with yearly rotation, retained when the stack is deleted
   */
  readonly encryptionKey?: kms.IKey;
}

/** @internal */
export interface AccessLogsBinding {
  readonly destination: apigw.IAccessLogDestination;
  readonly logGroup?: logs.ILogGroup;
  readonly deliveryStream?: firehose.IDeliveryStream;
  readonly bucket?: s3.IBucket;
  readonly queries?: logs.QueryDefinition[];
}

/** API Gateway writes access logs only to a Firehose stream whose name starts with this. */
const FIREHOSE_STREAM_PREFIX = 'amazon-apigateway-';

/** A Firehose stream name: 1 to 64 letters, digits, `_`, `.` and `-`. */
const FIREHOSE_STREAM_NAME_MAX = 64;

/** The id (as constructs sanitizes it) of the stack-level mapping aws-cdk-lib's DeliveryStream adds for VPC destinations. */
const FIREHOSE_CIDR_MAPPING_ID = '@aws-cdk--aws-kinesisfirehose.CidrBlocks';

/** Where in the bucket Firehose writes access logs (`access-logs/`) and failed deliveries (`access-logs-errors/`). */
const FIREHOSE_OBJECT_PREFIX = 'access-logs';

/** How long the bucket a Firehose destination creates keeps access logs, as the access-log groups. */
const FIREHOSE_DEFAULT_RETENTION = Duration.days(365);

/** An access-log destination for a Firehose stream given as an interface (aws-cdk-lib's takes the L1). */
class DeliveryStreamLogDestination implements apigw.IAccessLogDestination {
  constructor(private readonly stream: firehose.IDeliveryStream) {}

  public bind(_stage: apigw.IStage): apigw.AccessLogDestinationConfig {
    return { destinationArn: this.stream.deliveryStreamArn };
  }
}

/**
 * Where a preset's stages write their access logs: one JSON line per request, with the request's ids,
 * caller, status, latencies and the WAF, authorizer and integration outcome. The line leaves out the
 * user agent and the integration's and authorizer's error texts, which API Gateway writes unescaped
 * (the statuses and the execution logs tell what failed); it relies on the API's Lambda authorizers returning a
 * `principalId` without quotes, backslashes or control characters.
 */
export class AccessLogs {
  /**
   * A CloudWatch Logs group, created by the preset unless one is given.
   */
  public static cloudWatch(options: CloudWatchAccessLogsOptions = {}): AccessLogs {
    return new AccessLogs((scope) => {
      if (options.logGroup && (options.retention || options.removalPolicy || options.encryptionKey)) {
        // Settings of a log group the preset does not own would be silently ignored.
        const given = ['retention', 'removalPolicy', 'encryptionKey'].filter(
          (name) => options[name as keyof CloudWatchAccessLogsOptions] !== undefined,
        );
        throw new PresetValidationError(
          scope,
          'accessLogs',
          `logGroup with ${given.join(', ')}`,
          'Give either an existing logGroup or the settings of the log group the preset creates, not both.',
        );
      }
      const defaults = defaultAccessLogGroup();
      const logGroup =
        options.logGroup ??
        // eslint-disable-next-line awscdk/require-passing-this -- created under the preset that binds the access logs
        new logs.LogGroup(scope, 'AccessLogs', {
          retention: options.retention ?? defaults.retention,
          removalPolicy: options.removalPolicy ?? defaults.removalPolicy,
          encryptionKey: options.encryptionKey,
        });
      const queries = options.queries === false ? [] : createAccessLogQueries(scope, logGroup);
      return { destination: new apigw.LogGroupLogDestination(logGroup), logGroup, queries };
    });
  }

  /**
   * An Amazon Data Firehose stream: an existing one (`deliveryStream`), or one the preset creates that
   * delivers to an S3 bucket it creates, encrypted with KMS, TLS-only and retained. Access logs cannot
   * go to CloudWatch Logs and Firehose at once; execution logs still go to CloudWatch Logs.
   */
  public static firehose(options: FirehoseAccessLogsOptions = {}): AccessLogs {
    return new AccessLogs((scope) => {
      if (options.deliveryStream) {
        if (options.retention || options.encryptionKey) {
          // Settings of a bucket the preset does not create would be silently ignored.
          const given = ['retention', 'encryptionKey'].filter(
            (name) => options[name as keyof FirehoseAccessLogsOptions] !== undefined,
          );
          throw new PresetValidationError(
            scope,
            'accessLogs',
            `deliveryStream with ${given.join(', ')}`,
            'Give either an existing deliveryStream or the settings of the stream and bucket the preset creates, not both.',
          );
        }
        const name = options.deliveryStream.deliveryStreamName;
        if (!Token.isUnresolved(name) && !name.startsWith(FIREHOSE_STREAM_PREFIX)) {
          throw new PresetValidationError(
            scope,
            'accessLogs.deliveryStream',
            name,
            `API Gateway writes access logs only to a Firehose stream whose name starts with "${FIREHOSE_STREAM_PREFIX}": ` +
              `rename the stream (for example "${FIREHOSE_STREAM_PREFIX}${name}"), or leave deliveryStream out to have the preset create one.`,
          );
        }
        return {
          destination: new DeliveryStreamLogDestination(options.deliveryStream),
          deliveryStream: options.deliveryStream,
        };
      }
      return createFirehoseDestination(scope, options);
    });
  }

  /** @internal */
  public readonly _bind: (scope: Construct) => AccessLogsBinding;

  private constructor(bind: (scope: Construct) => AccessLogsBinding) {
    this._bind = bind;
  }
}

/**
 * Creates scope/AccessLogs with a Firehose stream (`DeliveryStream`, direct put, encrypted with an AWS-owned
 * key, each record followed by a newline) delivering to a bucket (`Bucket`: SSE-KMS with `Key` or the key
 * given, TLS 1.2 or later only, no public access, versioned, retained, objects expired after the retention)
 * through a role with exact actions (`DeliveryRole`), and a log group for delivery errors (`DeliveryErrors`).
 */
function createFirehoseDestination(scope: Construct, options: FirehoseAccessLogsOptions): AccessLogsBinding {
  const retention = options.retention ?? FIREHOSE_DEFAULT_RETENTION;
  if (!Token.isUnresolved(retention.toSeconds()) && !isWholeDays(retention)) {
    throw new PresetValidationError(
      scope,
      'accessLogs.retention',
      retention.toHumanString(),
      'S3 expires objects after a whole number of days, at least 1: give Duration.days(n).',
    );
  }
  // eslint-disable-next-line awscdk/require-passing-this -- created under the preset that binds the access logs
  const container = new Construct(scope, 'AccessLogs');
  const encryptionKey =
    options.encryptionKey ??
    new kms.Key(container, 'Key', {
      description: `Encrypts the access logs of ${scope.node.path} in S3`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  const bucket = new s3.Bucket(container, 'Bucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        id: 'ExpireAccessLogs',
        expiration: retention,
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  const noServerAccessLogs =
    "This bucket holds the API's access logs, written by Amazon Data Firehose. S3 server access logs of it would " +
    'need a second bucket, whose own access logs would need a third; reads of the logs can be audited with ' +
    'CloudTrail data events instead.';
  Validations.of(cfnBucket).acknowledge({ id: 'AwsSolutions-S1', reason: noServerAccessLogs });
  acknowledgeInPacks(cfnBucket, 'S3BucketLoggingEnabled', REGULATED_PACKS, noServerAccessLogs);
  acknowledgeInPacks(cfnBucket, 'S3BucketReplicationEnabled', REGULATED_PACKS, NO_REPLICATION_REASON);
  const defaults = defaultAccessLogGroup();
  const errors = new logs.LogGroup(container, 'DeliveryErrors', {
    retention: defaults.retention,
    removalPolicy: defaults.removalPolicy,
  });
  const stack = Stack.of(scope);
  // Exact actions on this bucket, its key and the error log group; aws-cdk-lib's destination would grant
  // read-write with wildcard actions, so it gets the role without policy updates.
  const role = new iam.Role(container, 'DeliveryRole', {
    assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `Lets Amazon Data Firehose deliver the access logs of ${scope.node.path} to S3`,
  });
  acknowledgeInPacks(
    role,
    'IAMNoInlinePolicy',
    REGULATED_PACKS,
    'The role has one policy (an AWS::IAM::Policy attached to it alone) with exact actions on this bucket, its ' +
      'key and the error log group, created and deleted with it; a managed policy would hold the same statements ' +
      'and could be attached to other principals.',
  );
  const objects = bucket.arnForObjects(`${FIREHOSE_OBJECT_PREFIX}*`);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        's3:AbortMultipartUpload',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:PutObject',
      ],
      resources: [bucket.bucketArn, objects],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [errors.logGroupArn] }),
  );
  role.node.addValidation({
    validate: () => {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenReference(stack.resolve(objects))}]`,
        reason:
          'Amazon Data Firehose names each object it writes after the time of delivery, so the object resource ends ' +
          `in a wildcard under the '${FIREHOSE_OBJECT_PREFIX}' prefix of this one bucket. The role allows only the ` +
          'actions Firehose documents for an S3 destination, on this bucket and its key.',
      });
      return [];
    },
  });
  const cidrMappingExisted = stack.node.tryFindChild(FIREHOSE_CIDR_MAPPING_ID) !== undefined;
  const deliveryStream = new firehose.DeliveryStream(container, 'DeliveryStream', {
    deliveryStreamName:
      FIREHOSE_STREAM_PREFIX +
      Names.uniqueResourceName(container, {
        maxLength: FIREHOSE_STREAM_NAME_MAX - FIREHOSE_STREAM_PREFIX.length,
      }),
    encryption: firehose.StreamEncryption.awsOwnedKey(),
    destination: new firehose.S3Bucket(bucket, {
      role: role.withoutPolicyUpdates(),
      encryptionKey,
      compression: firehose.Compression.GZIP,
      // Firehose concatenates records in an object; a newline after each makes the object JSON lines.
      processors: [new firehose.AppendDelimiterToRecordProcessor()],
      dataOutputPrefix: `${FIREHOSE_OBJECT_PREFIX}/`,
      errorOutputPrefix: `${FIREHOSE_OBJECT_PREFIX}-errors/!{firehose:error-output-type}/`,
      loggingConfig: new firehose.EnableLogging(errors),
    }),
  });
  // Firehose checks at creation that the role may write to the bucket, so the stream waits for the role's
  // policy; the role itself it already follows through its ARN.
  deliveryStream.node.addDependency(role.node.findChild('DefaultPolicy'));
  if (!cidrMappingExisted) {
    // The stream adds a mapping of Firehose's CIDR blocks for VPC destinations, referenced only by its
    // `connections`; a direct-put stream writing to S3 never uses it, and CloudFormation's validation warns
    // about an unreferenced mapping.
    stack.node.tryRemoveChild(FIREHOSE_CIDR_MAPPING_ID);
  }
  return { destination: new DeliveryStreamLogDestination(deliveryStream), deliveryStream, bucket };
}

/** Whether a duration is a whole number of days, at least one (what an S3 lifecycle expiration takes). */
function isWholeDays(duration: Duration): boolean {
  const seconds = duration.toSeconds();
  return seconds >= 86400 && seconds % 86400 === 0;
}

/**
 * Variables API Gateway writes already quoted and escaped as a JSON string: placed without quotes, a
 * quote or backslash in the message cannot break the line's JSON. API Gateway's "Variables for access
 * logging" documents it as "the quoted value of `$context.error.message`", and no other variable as
 * quoted or escaped.
 */
const QUOTED_VARIABLES = new Set(['$context.error.messageString']);

/**
 * Variables whose text comes from the client, a backend or an authorizer function and that API Gateway
 * writes unescaped: a quote, backslash or newline in one would break the line's JSON, so the line leaves
 * them out; the integration and authorizer statuses stay, and the execution logs (ERROR level by default)
 * record API Gateway's own errors.
 */
export const UNESCAPED_OUTSIDE_VARIABLES = [
  '$context.identity.userAgent',
  '$context.integrationErrorMessage',
  '$context.integration.error',
  '$context.authorizer.error',
];

/**
 * The JSON access-log line: request identity, caller, outcome, latencies, and the error fields of
 * WAF, the authorizer and the integration, so a failed request explains itself.
 *
 * Every line is JSON: each field is a value API Gateway sets (ids, statuses, latencies, ARNs, the
 * caller's IAM identity, the request id, which API Gateway replaces unless it is a UUID), the error
 * message API Gateway quotes itself, or one of two values the line relies on:
 * - `path`, the request path as the client sent it, still percent-encoded (REST APIs pass it encoded);
 *   a URL cannot hold a raw `"` or `\`, so only a request that is not a valid URL could break the line;
 * - `principalId`, what the API's own Lambda authorizer returns: keep quotes, backslashes and control
 *   characters out of it.
 */
export function accessLogFormat(): apigw.AccessLogFormat {
  const fields: Record<string, string> = {
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    requestTime: '$context.requestTime',
    requestTimeEpoch: '$context.requestTimeEpoch',
    apiId: '$context.apiId',
    stage: '$context.stage',
    domainName: '$context.domainName',
    httpMethod: '$context.httpMethod',
    resourcePath: '$context.resourcePath',
    path: '$context.path',
    protocol: '$context.protocol',
    ip: '$context.identity.sourceIp',
    caller: '$context.identity.caller',
    user: '$context.identity.user',
    accountId: '$context.identity.accountId',
    principalId: '$context.authorizer.principalId',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    errorMessage: '$context.error.messageString',
    errorResponseType: '$context.error.responseType',
    authorizerStatus: '$context.authorizer.status',
    authorizerLatency: '$context.authorizer.latency',
    wafStatus: '$context.waf.status',
    wafError: '$context.waf.error',
    wafResponseCode: '$context.wafResponseCode',
    webAclArn: '$context.webaclArn',
    xrayTraceId: '$context.xrayTraceId',
  };
  const members = Object.entries(fields).map(
    ([name, variable]) =>
      `${JSON.stringify(name)}:${QUOTED_VARIABLES.has(variable) ? variable : JSON.stringify(variable)}`,
  );
  return apigw.AccessLogFormat.custom(`{${members.join(',')}}`);
}
