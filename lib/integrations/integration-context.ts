import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { IntegrationResponseCors } from '../cors/cors';
import { OpenApiObject } from '../private/openapi';

/** @internal */
export interface IntegrationContext {
  readonly scope: IConstruct;
  readonly method: string;
  /** The route's path, e.g. `/orders/{id}`. */
  readonly path: string;
  readonly pathVariables: string[];
  readonly timeout?: Duration;
  readonly cacheKeyParameters?: string[];
  /** Lets the function be invoked by this API (one permission per function per API). */
  readonly allowInvoke: (fn: lambda.IFunction) => void;
  /** Adds data to the deployment fingerprint, for values the definition does not show. */
  readonly addToDeploymentHash: (data: unknown) => void;
  /** CORS headers for responses API Gateway builds itself, when the API has `cors`. */
  readonly cors?: IntegrationResponseCors;
  /**
   * Leaves a warning on the route (its `ApiRoute`), where it is acknowledged for that route alone. Reported
   * once the route is recorded: a route that fails its checks leaves none.
   */
  readonly warn: (id: string, message: string) => void;
  /** Whether the route gives `responseSchema`: an integration that writes its own success body refuses it. */
  readonly responseSchemaGiven: boolean;
}

/** @internal */
export interface IntegrationRendering {
  /** The operation's `x-amazon-apigateway-integration`. */
  readonly integration: OpenApiObject;
  /** The operation's responses (method responses), by status code. */
  readonly responses?: Record<string, OpenApiObject>;
  /**
   * JSON Schemas of the JSON bodies the responses carry, by status code: for the contract only. The
   * definition's method responses stay without them, since API Gateway would import each as a model.
   */
  readonly responseBodies?: Record<string, OpenApiObject>;
  /**
   * Bodies the integration passes through as bytes, for the contract: the request's, and the responses'
   * with these status codes, of any of `mediaTypes`.
   */
  readonly binaryBodies?: {
    readonly request: boolean;
    readonly responses: string[];
    readonly mediaTypes: string[];
  };
  /** Method request parameters the integration needs declared. */
  readonly requestParameters?: Record<string, boolean>;
  /** Media types the API must treat as binary for this integration's requests or responses. */
  readonly binaryMediaTypes?: string[];
}
