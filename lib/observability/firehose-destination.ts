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
import { acknowledgeInPacks, NO_REPLICATION_REASON, REGULATED_PACKS } from '../private/regulated-packs';

/** What the created stream and bucket take: the `AccessLogs.firehose()` options without `deliveryStream`. */
export interface FirehoseDestinationOptions {
  readonly retention?: Duration;
  readonly encryptionKey?: kms.IKey;
}

/** The created stream, its bucket, and the stages' destination. */
export interface FirehoseDestination {
  readonly destination: apigw.IAccessLogDestination;
  readonly deliveryStream: firehose.IDeliveryStream;
  readonly bucket: s3.IBucket;
}

/** API Gateway writes access logs only to a Firehose stream whose name starts with this. */
export const FIREHOSE_STREAM_PREFIX = 'amazon-apigateway-';

/** A Firehose stream name: 1 to 64 letters, digits, `_`, `.` and `-`. */
const FIREHOSE_STREAM_NAME_MAX = 64;

/** The id (as constructs sanitizes it) of the stack-level mapping aws-cdk-lib's DeliveryStream adds for VPC destinations. */
const FIREHOSE_CIDR_MAPPING_ID = '@aws-cdk--aws-kinesisfirehose.CidrBlocks';

/** Where in the bucket Firehose writes access logs (`access-logs/`) and failed deliveries (`access-logs-errors/`). */
const FIREHOSE_OBJECT_PREFIX = 'access-logs';

/** How long the bucket a Firehose destination creates keeps access logs, as the access-log groups. */
const FIREHOSE_DEFAULT_RETENTION = Duration.days(365);

/** An access-log destination for a Firehose stream given as an interface (aws-cdk-lib's takes the L1). */
export class DeliveryStreamLogDestination implements apigw.IAccessLogDestination {
  constructor(private readonly stream: firehose.IDeliveryStream) {}

  public bind(_stage: apigw.IStage): apigw.AccessLogDestinationConfig {
    return { destinationArn: this.stream.deliveryStreamArn };
  }
}

/**
 * Creates scope/AccessLogs with a Firehose stream (`DeliveryStream`, direct put, encrypted with an AWS-owned
 * key, each record followed by a newline) delivering to a bucket (`Bucket`: SSE-KMS with `Key` or the key
 * given, TLS 1.2 or later only, no public access, versioned, retained, objects expired after the retention)
 * through a role with exact actions (`DeliveryRole`), and a log group for delivery errors (`DeliveryErrors`).
 */
export function createFirehoseDestination(
  scope: Construct,
  options: FirehoseDestinationOptions,
): FirehoseDestination {
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
