import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { defaultAccessLogGroup } from '../private/defaults';
import { PresetValidationError } from '../private/errors';
import { createAccessLogQueries } from './queries';
import {
  createFirehoseDestination,
  DeliveryStreamLogDestination,
  FIREHOSE_STREAM_PREFIX,
} from './firehose-destination';

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
