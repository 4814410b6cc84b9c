import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CorsOptions } from '../cors/cors';
import { acknowledgeInPacks, NO_REPLICATION_REASON, REGULATED_PACKS } from '../private/regulated-packs';

/** What the bucket an S3 proxy creates is made with. */
export interface ObjectBucketOptions {
  /** A KMS key to encrypt objects with (SSE-KMS) instead of S3-managed keys. */
  readonly encryptionKey?: kms.IKey;
  /**
   * A KMS key to encrypt the server access logs with (SSE-KMS), whose policy lets `logging.s3.amazonaws.com`
   * use it; also marks both buckets as regulated (their replication findings are acknowledged).
   */
  readonly accessLogsEncryptionKey?: kms.IKey;
  /** Browser origins that may use presigned URLs on the bucket, with the methods they may use. */
  readonly cors?: { readonly options: CorsOptions; readonly methods: s3.HttpMethods[] };
}

/** The buckets `createObjectBucket` makes (a type alias: it hands constructs over). */
export type ObjectBuckets = {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
};

/** Where the data bucket's server access logs go in the log bucket. */
const ACCESS_LOG_PREFIX = 'objects/';

/** How long server access logs are kept, as the library's access-log groups (one year). */
const ACCESS_LOG_RETENTION = Duration.days(365);

/**
 * Creates scope/Bucket, for the objects, and scope/AccessLogsBucket, for its server access logs. Both block
 * all public access, are encrypted, deny requests without TLS (and TLS before 1.2), are versioned, disable
 * ACLs and are retained when the stack is deleted. The objects bucket logs every request to the log bucket;
 * the log bucket, which cannot log to itself without logging its own log deliveries, keeps logs for a year.
 *
 * Log delivery is granted by a bucket policy (not an ACL) that names the source bucket and account, written
 * here rather than left to aws-cdk-lib, whose choice depends on a feature flag of the app.
 */
export function createObjectBucket(scope: Construct, options: ObjectBucketOptions = {}): ObjectBuckets {
  const common = {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  };
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const accessLogsBucket = new s3.Bucket(scope, 'AccessLogsBucket', {
    ...common,
    ...(options.accessLogsEncryptionKey
      ? {
          encryption: s3.BucketEncryption.KMS,
          encryptionKey: options.accessLogsEncryptionKey,
          bucketKeyEnabled: true,
        }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    lifecycleRules: [
      { expiration: ACCESS_LOG_RETENTION, noncurrentVersionExpiration: Duration.days(1) },
      { abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  });
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const bucket = new s3.Bucket(scope, 'Bucket', {
    ...common,
    ...(options.encryptionKey
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: options.encryptionKey, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    cors: options.cors ? [bucketCorsRule(options.cors.options, options.cors.methods)] : undefined,
  });
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: accessLogsBucket.bucketName,
    logFilePrefix: ACCESS_LOG_PREFIX,
  };
  accessLogsBucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowServerAccessLogDelivery',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogsBucket.arnForObjects(`${ACCESS_LOG_PREFIX}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': bucket.env.account },
      },
    }),
  );
  if (options.accessLogsEncryptionKey) {
    for (const created of [bucket, accessLogsBucket]) {
      acknowledgeInPacks(created, 'S3BucketReplicationEnabled', REGULATED_PACKS, NO_REPLICATION_REASON);
    }
  }
  return { bucket, accessLogsBucket };
}

/** The bucket's CORS rule for browsers that upload or download through presigned URLs. */
function bucketCorsRule(cors: CorsOptions, methods: s3.HttpMethods[]): s3.CorsRule {
  return {
    allowedOrigins: cors.allowOrigins,
    allowedMethods: methods,
    allowedHeaders: ['Content-Type', 'Content-Disposition', 'Cache-Control'],
    exposedHeaders: ['ETag', 'Content-Length', 'Content-Range'],
    ...(cors.maxAge ? { maxAge: cors.maxAge.toSeconds() } : {}),
  };
}
