import { Duration, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { IntegrationResponseCors } from '../features/cors';
import { PresetValidationError } from '../private/errors';

/**
 * Options for `RouteIntegration.http()`.
 */
export interface HttpRouteIntegrationOptions {
  /**
   * The method API Gateway uses to call the backend.
   * @default - the route's method (ANY routes pass the caller's method through)
   */
  readonly httpMethod?: string;
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
   * The JSON body of the response.
   * @default '{}'
   */
  readonly body?: string;
}

/** @internal */
export interface IntegrationContext {
  readonly scope: IConstruct;
  readonly method: string;
  readonly pathVariables: string[];
  readonly timeout?: Duration;
  readonly cacheKeyParameters?: string[];
  /** Lets the function be invoked by this API (one permission per function per API). */
  readonly allowInvoke: (fn: lambda.IFunction) => void;
  /** Adds data to the deployment fingerprint, for values the method template does not show. */
  readonly addToDeploymentHash: (data: unknown) => void;
  /** CORS headers for responses API Gateway builds itself, when the API has `cors`. */
  readonly cors?: IntegrationResponseCors;
}

/** @internal */
export interface IntegrationRendering {
  readonly integration: apigw.Integration;
  readonly methodResponses?: apigw.MethodResponse[];
  /** Method request parameters the integration needs declared. */
  readonly requestParameters?: Record<string, boolean>;
}

/**
 * The backend a route sends requests to.
 */
export class RouteIntegration {
  /**
   * Invoke a Lambda function with the Lambda proxy integration. The API gets one invoke
   * permission per function, however many routes use it.
   */
  public static lambdaFunction(handler: lambda.IFunction): RouteIntegration {
    return new RouteIntegration((ctx) => {
      ctx.allowInvoke(handler);
      const name =
        handler instanceof lambda.Function
          ? (handler.node.defaultChild as lambda.CfnFunction).functionName
          : undefined;
      if (name && !Token.isUnresolved(name)) {
        // A renamed function is replaced; its new ARN must reach the stage through a new deployment.
        ctx.addToDeploymentHash({ lambdaFunctionName: name });
      }
      return {
        integration: new apigw.AwsIntegration({
          proxy: true,
          service: 'lambda',
          path: `2015-03-31/functions/${handler.functionArn}/invocations`,
          options: { timeout: ctx.timeout, cacheKeyParameters: ctx.cacheKeyParameters },
        }),
      };
    });
  }

  /**
   * Forward to an HTTP(S) endpoint as an HTTP proxy: the request and the backend's response,
   * status code included, pass through unchanged. Path variables in the URL, e.g.
   * `https://legacy.example.com/{proxy}`, are filled from the route's path variables of the same name.
   */
  public static http(url: string, options: HttpRouteIntegrationOptions = {}): RouteIntegration {
    return new RouteIntegration((ctx) => {
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
        integration: new apigw.HttpIntegration(url, {
          proxy: true,
          httpMethod: options.httpMethod ?? ctx.method,
          options: {
            timeout: ctx.timeout,
            cacheKeyParameters: ctx.cacheKeyParameters,
            requestParameters: Object.keys(requestParameters).length > 0 ? requestParameters : undefined,
          },
        }),
        requestParameters: methodParameters,
      };
    });
  }

  /**
   * Answer from API Gateway itself with a fixed JSON response, e.g. for a health check.
   */
  public static mock(options: MockRouteIntegrationOptions = {}): RouteIntegration {
    return new RouteIntegration((ctx) => {
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
        integration: new apigw.MockIntegration({
          passthroughBehavior: apigw.PassthroughBehavior.NEVER,
          requestTemplates: { 'application/json': `{"statusCode": ${statusCode}}` },
          integrationResponses: [
            {
              statusCode: `${statusCode}`,
              responseParameters: cors?.responseParameters,
              responseTemplates: {
                'application/json': `${cors?.templatePrefix ?? ''}${options.body ?? '{}'}`,
              },
            },
          ],
          timeout: ctx.timeout,
          cacheKeyParameters: ctx.cacheKeyParameters,
        }),
        methodResponses: [
          { statusCode: `${statusCode}`, responseParameters: cors?.methodResponseParameters },
        ],
      };
    });
  }

  /** @internal */
  public readonly _render: (ctx: IntegrationContext) => IntegrationRendering;

  private constructor(render: (ctx: IntegrationContext) => IntegrationRendering) {
    this._render = render;
  }
}
