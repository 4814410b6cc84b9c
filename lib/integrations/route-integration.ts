import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { HTTP_METHODS } from '../private/limits';
import { OpenApiObject, responseHeaders } from '../private/openapi';
import { AwsServiceRouteIntegrationOptions, renderAwsServiceIntegration } from './aws-service';
import { addFunctionNameToDeploymentHash, lambdaInvocationUri } from './lambda';
import { renderS3Route, S3RouteIntegrationOptions } from './s3';
import { renderSqsIntegration, SqsRouteIntegrationOptions } from './sqs';
import { renderStepFunctionsIntegration, StepFunctionsRouteIntegrationOptions } from './step-functions';
import type { IntegrationContext, IntegrationRendering } from './integration-context';

/**
 * Options for `RouteIntegration.lambdaFunction()`.
 */
export interface LambdaRouteIntegrationOptions {
  /**
   * Stream the function's response to the client as it is written (the function uses Lambda response
   * streaming): past API Gateway's 10 MB response limit and its 29-second timeout, up to 15 minutes.
   * A streamed route cannot be cached.
   * @default false
   */
  readonly streaming?: boolean;
}

/**
 * Options for `RouteIntegration.http()`.
 */
export interface HttpRouteIntegrationOptions {
  /**
   * The method API Gateway uses to call the backend: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, or ANY
   * (the caller's method), in any case.
   * @default - the route's method (ANY routes pass the caller's method through)
   */
  readonly httpMethod?: string;

  /**
   * Stream the backend's response to the client as it arrives: past API Gateway's 10 MB response limit
   * and its 29-second timeout, up to 15 minutes. A streamed route cannot be cached.
   * @default false
   */
  readonly streaming?: boolean;
}

/**
 * Options for `RouteIntegration.mock()`.
 */
export interface MockRouteIntegrationOptions {
  /**
   * The status code of the response.
   * @default 200
   */
  readonly statusCode?: number;

  /**
   * The JSON body of the response. It is a Velocity mapping template (checked at synth): `$` and `#`
   * start references and directives, e.g. `{"requestId":"$context.requestId"}`.
   * @default '{}'
   */
  readonly body?: string;
}

/**
 * The backend a route sends requests to.
 */
export class RouteIntegration {
  /**
   * Invoke a Lambda function with the Lambda proxy integration. The API gets one invoke
   * permission per function, however many routes use it.
   */
  public static lambdaFunction(
    handler: lambda.IFunction,
    options: LambdaRouteIntegrationOptions = {},
  ): RouteIntegration {
    const streaming = options.streaming === true;
    return new RouteIntegration(streaming, (ctx) => {
      ctx.allowInvoke(handler);
      addFunctionNameToDeploymentHash(handler, ctx.addToDeploymentHash);
      return {
        integration: {
          type: 'aws_proxy',
          httpMethod: 'POST',
          uri: lambdaInvocationUri(handler, ctx.scope, streaming),
          ...commonIntegrationSettings(ctx, streaming),
        },
      };
    });
  }

  /**
   * Forward to an HTTP(S) endpoint as an HTTP proxy: the request and the backend's response,
   * status code included, pass through unchanged. Path variables in the URL, e.g.
   * `https://legacy.example.com/{proxy}`, are filled from the route's path variables of the same name.
   */
  public static http(url: string, options: HttpRouteIntegrationOptions = {}): RouteIntegration {
    const streaming = options.streaming === true;
    return new RouteIntegration(streaming, (ctx) => {
      const httpMethod = integrationHttpMethod(ctx.scope, options.httpMethod);
      const requestParameters: Record<string, string> = {};
      const methodParameters: Record<string, boolean> = {};
      if (!Token.isUnresolved(url)) {
        if (!/^https?:\/\/[^\s]+$/.test(url)) {
          throw new PresetValidationError(
            ctx.scope,
            'integration.url',
            url,
            'An HTTP integration URL starts with https:// or http://.',
          );
        }
        for (const match of url.matchAll(/\{([A-Za-z0-9._-]+)\}/g)) {
          const name = match[1];
          if (!ctx.pathVariables.includes(name)) {
            throw new PresetValidationError(
              ctx.scope,
              'integration.url',
              url,
              `The URL uses {${name}}, which is not a path variable of the route (${ctx.pathVariables.map((v) => `{${v}}`).join(', ') || 'none'}).`,
            );
          }
          requestParameters[`integration.request.path.${name}`] = `method.request.path.${name}`;
          methodParameters[`method.request.path.${name}`] = true;
        }
      }
      return {
        integration: {
          type: 'http_proxy',
          httpMethod: httpMethod ?? ctx.method,
          uri: url,
          ...(Object.keys(requestParameters).length > 0 ? { requestParameters } : {}),
          ...commonIntegrationSettings(ctx, streaming),
        },
        requestParameters: methodParameters,
      };
    });
  }

  /**
   * Answer from API Gateway itself with a fixed JSON response, e.g. for a health check.
   */
  public static mock(options: MockRouteIntegrationOptions = {}): RouteIntegration {
    return new RouteIntegration(false, (ctx) => {
      const statusCode = options.statusCode ?? 200;
      if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
        throw new PresetValidationError(
          ctx.scope,
          'integration.statusCode',
          statusCode,
          'Use an HTTP status code from 100 to 599.',
        );
      }
      const cors = ctx.cors;
      return {
        integration: {
          type: 'mock',
          passthroughBehavior: 'never',
          requestTemplates: { 'application/json': `{"statusCode": ${statusCode}}` },
          // Text both ways, so a binary media type such as */* does not turn the request into binary that
          // the template cannot map (API Gateway would answer 500).
          contentHandling: 'CONVERT_TO_TEXT',
          responses: {
            default: {
              statusCode: `${statusCode}`,
              contentHandling: 'CONVERT_TO_TEXT',
              ...(cors ? { responseParameters: cors.responseParameters } : {}),
              responseTemplates: {
                'application/json': `${cors?.templatePrefix ?? ''}${options.body ?? '{}'}`,
              },
            },
          },
          ...commonIntegrationSettings(ctx, false),
        },
        responses: {
          [`${statusCode}`]: {
            description: 'The fixed response',
            ...(cors ? { headers: responseHeaders(cors.methodResponseParameters) } : {}),
          },
        },
      };
    });
  }

  /**
   * Send the request body to an SQS queue as a message (SendMessage), with no function in between. The
   * client receives `{"messageId": "…"}`. API Gateway assumes a role that may send to this queue only (and
   * use its KMS key). A FIFO queue needs `messageGroupId`.
   *
   * @param queue the queue
   * @param options message group, deduplication, attributes and content types
   */
  public static sqs(queue: sqs.IQueue, options: SqsRouteIntegrationOptions = {}): RouteIntegration {
    return new RouteIntegration(false, (ctx) =>
      withCommonSettings(ctx, renderSqsIntegration(queue, options, ctx)),
    );
  }

  /**
   * Start an execution of a Step Functions state machine, with the request (body, path, query string,
   * and optionally headers and the caller) as its input. A STANDARD execution is started and answered
   * at once, 202 with its ARN; an EXPRESS execution is run and answered with its output. API Gateway
   * assumes a role that may start executions of this state machine only.
   *
   * @param stateMachine the state machine
   * @param options the input, the execution name, and the status codes of an EXPRESS machine's errors
   */
  public static stepFunctions(
    stateMachine: sfn.IStateMachine,
    options: StepFunctionsRouteIntegrationOptions = {},
  ): RouteIntegration {
    return new RouteIntegration(false, (ctx) =>
      withCommonSettings(ctx, renderStepFunctionsIntegration(stateMachine, options, ctx)),
    );
  }

  /**
   * Call any AWS service's API action with a request mapping template, e.g. EventBridge `PutEvents` or
   * DynamoDB `PutItem`. API Gateway assumes a role allowed exactly the actions and resources of `allow`.
   * Service errors reach the client as JSON without the service's message.
   *
   * @param options the service, the action, what the role may do, and the mapping
   */
  public static awsService(options: AwsServiceRouteIntegrationOptions): RouteIntegration {
    return new RouteIntegration(false, (ctx) =>
      withCommonSettings(ctx, renderAwsServiceIntegration(options, ctx)),
    );
  }

  /**
   * Read (GET, HEAD), and with `allowWrites` upload (PUT) and delete (DELETE), S3 objects through API
   * Gateway's AWS integration with S3, with no Lambda function in between; or list them (`listObjects`).
   * The route's path variables name the object, e.g. `/files/{key+}` (a greedy variable: keys with `/`).
   * API Gateway assumes a role the library creates, one per API and bucket, allowed exactly the actions
   * of the routes on that bucket's keys under `keyPrefix` (and the KMS actions, when the bucket has a
   * key). Bodies are limited to 10 MB each way, API Gateway's payload limit.
   *
   * @param bucket the bucket; give its `encryptionKey` when it is SSE-KMS encrypted
   * @param options the key prefix, writes, listing and binary media types
   */
  public static s3(bucket: s3.IBucket, options: S3RouteIntegrationOptions = {}): RouteIntegration {
    return new RouteIntegration(false, (ctx) => renderS3Route(ctx, bucket, options));
  }

  /** @internal */
  public readonly _render: (ctx: IntegrationContext) => IntegrationRendering;

  /** @internal Whether the route's response is streamed. */
  public readonly _streaming: boolean;

  private constructor(streaming: boolean, render: (ctx: IntegrationContext) => IntegrationRendering) {
    this._streaming = streaming;
    this._render = render;
  }
}

/** An AWS integration's rendering with the route's timeout and cache key. */
function withCommonSettings(ctx: IntegrationContext, rendering: IntegrationRendering): IntegrationRendering {
  return {
    ...rendering,
    integration: { ...rendering.integration, ...commonIntegrationSettings(ctx, false) },
  };
}

/** What every integration takes from the route: its timeout, its cache key, and whether it streams. */
function commonIntegrationSettings(ctx: IntegrationContext, streaming: boolean): OpenApiObject {
  return {
    ...(ctx.timeout ? { timeoutInMillis: ctx.timeout.toMilliseconds() } : {}),
    ...(ctx.cacheKeyParameters ? { cacheKeyParameters: ctx.cacheKeyParameters } : {}),
    // Proxy integrations only (API Gateway streams HTTP_PROXY and AWS_PROXY responses).
    ...(streaming ? { responseTransferMode: 'STREAM' } : {}),
  };
}

/** An HTTP integration's `httpMethod`, upper-cased: one of the methods API Gateway has for a method. */
function integrationHttpMethod(scope: IConstruct, method: string | undefined): string | undefined {
  if (method === undefined || Token.isUnresolved(method)) {
    return method;
  }
  const upper = typeof method === 'string' ? method.toUpperCase() : method;
  if (!HTTP_METHODS.includes(upper)) {
    throw new PresetValidationError(
      scope,
      'integration.httpMethod',
      method,
      `API Gateway calls an HTTP backend with one of ${HTTP_METHODS.join(', ')} (ANY: the caller's method).`,
    );
  }
  return upper;
}
