import * as path from 'path';
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { checkKeyPrefix } from '../integrations/s3';
import { BucketPermissions, bucketRegion } from '../integrations/s3-access';
import { PresetValidationError } from '../private/errors';
import { newestNodejsRuntime } from '../private/runtimes';

/**
 * Presigned URLs for objects past API Gateway's 10 MB payload limit: the API hands out a URL, and the
 * client downloads or uploads the object directly from or to S3.
 */
export interface LargeObjectOptions {
  /**
   * The path the URL routes live under: `GET <path>/{key+}` answers a URL to download the object,
   * and `POST <path>/{key+}` (when uploads are allowed) a URL to upload it with PUT.
   * @default '/presigned'
   */
  readonly path?: string;

  /**
   * How long a URL can be used, from 1 second to 1 hour. A URL also stops working when the credentials
   * of the function that signed it expire.
   * @default Duration.minutes(15)
   */
  readonly expiry?: Duration;
}

/** The longest a URL is handed out for: within the lifetime of the function's temporary credentials. */
const MAX_EXPIRY_SECONDS = 3600;
const DEFAULT_EXPIRY = Duration.minutes(15);

/** What the URL function needs to know. */
export interface PresignedUrlFunctionProps {
  /** The bucket the URLs are for. */
  readonly bucket: s3.IBucket;
  /** The folder every key is under (`''`, or ending with `/`), as the object routes' `keyPrefix`. */
  readonly keyPrefix: string;
  /** Whether the function also hands out upload URLs. */
  readonly allowUpload: boolean;
  /**
   * How long a URL can be used.
   * @default Duration.minutes(15)
   */
  readonly expiry?: Duration;
  /**
   * Origins allowed by the API's CORS, which the function's answers must name too.
   * @default - no CORS headers
   */
  readonly allowedOrigins?: string[];
}

/** Checks `expiry`; returns it in whole seconds. */
export function checkPresignedUrlExpiry(scope: Construct, expiry: Duration | undefined): number {
  const value = expiry ?? DEFAULT_EXPIRY;
  if (value.isUnresolved()) {
    throw new PresetValidationError(
      scope,
      'largeObjects.expiry',
      value.toString(),
      'The expiry of presigned URLs must be known at synth.',
    );
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRY_SECONDS) {
    throw new PresetValidationError(
      scope,
      'largeObjects.expiry',
      value.toHumanString(),
      'A presigned URL is valid for a whole number of seconds from 1 second to 1 hour; the temporary credentials that sign it may not last longer.',
    );
  }
  return seconds;
}

/**
 * scope/LargeObjects: the function that signs the URLs (latest Node.js runtime, active tracing, its own log
 * group kept a year and retained), and its role, which may write to that log group, send traces, and do
 * with the bucket's objects under the prefix exactly what the URLs allow: GetObject, and PutObject when
 * uploads are allowed (with the KMS actions for a bucket with a key).
 */
export class PresignedUrlFunction extends Construct {
  /** The function API Gateway invokes for the URL routes. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: PresignedUrlFunctionProps) {
    super(scope, id);
    const expiresSeconds = checkPresignedUrlExpiry(this, props.expiry);
    // The same rule as the object routes', so the URLs reach exactly the keys the routes do.
    const keyPrefix = checkKeyPrefix(this, 'keyPrefix', props.keyPrefix);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Signs presigned S3 URLs for ${scope.node.path} (cdk-apigateway-presets)`,
    });
    logGroup.grants.write(role);
    const permissions = new BucketPermissions(role, props.bucket, (s) => role.addToPrincipalPolicy(s));
    permissions.allowObjects(
      props.allowUpload ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
      keyPrefix,
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level ' +
        'permissions; nothing else of this role is on every resource.',
    });

    const region = bucketRegion(props.bucket);
    this.function = new lambda.Function(this, 'Function', {
      runtime: newestNodejsRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, 'handler', 's3-presign')),
      description: 'Hands out presigned S3 URLs for objects past the 10 MB API Gateway payload limit',
      memorySize: 128,
      timeout: Duration.seconds(5),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      environment: {
        BUCKET_NAME: props.bucket.bucketName,
        BUCKET_REGION: region,
        S3_ENDPOINT: `s3.${region}.${Aws.URL_SUFFIX}`,
        KEY_PREFIX: keyPrefix,
        EXPIRES_SECONDS: `${expiresSeconds}`,
        ALLOW_UPLOAD: `${props.allowUpload}`,
        ALLOWED_ORIGINS: JSON.stringify(props.allowedOrigins ?? []),
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'API Gateway invokes this function synchronously and answers the caller with its error; a dead-letter ' +
        'queue only receives failed asynchronous invocations, so it would stay empty.',
    });
  }
}
