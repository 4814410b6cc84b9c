import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { ApiAuthorization } from '../security/auth';
import { RouteCacheOptions } from '../traffic/caching';
import { ThrottlingOptions } from '../traffic/throttling';

/**
 * How one operation reads in the OpenAPI contract (`openApi()`): what SDK generators name its method after,
 * and its documentation.
 */
export interface OperationOptions {
  /**
   * The operation's id, which SDK generators name methods after: letters, digits and underscores, unique
   * in the API.
   * @default - the route's own default
   */
  readonly operationId?: string;

  /**
   * A short summary of the operation.
   * @default - the route's own default
   */
  readonly summary?: string;

  /**
   * A description of the operation.
   * @default - none
   */
  readonly description?: string;

  /**
   * Tags that group the operation.
   * @default - none
   */
  readonly tags?: string[];
}

/**
 * Options of one route.
 */
export interface RouteOptions {
  /**
   * Who may call this route.
   * @default - the API's `authorization`
   */
  readonly authorization?: ApiAuthorization;

  /**
   * Cache this route's responses in every stage that has a cache cluster.
   * @default - not cached
   */
  readonly cache?: RouteCacheOptions;

  /**
   * Throttling for this route, in every stage.
   * @default - the stage's throttling
   */
  readonly throttling?: ThrottlingOptions;

  /**
   * How long API Gateway waits for the integration.
   * @default Duration.seconds(29)
   */
  readonly timeout?: Duration;

  /**
   * Method request parameters (`method.request.querystring.NAME`, `method.request.header.NAME`) and
   * whether each is required. Required parameters are checked by the API's request validator.
   * @default - the path variables only
   */
  readonly requestParameters?: { [name: string]: boolean };

  /**
   * JSON Schemas the request body must match, by content type, e.g. `{ 'application/json': { type:
   * apigw.JsonSchemaType.OBJECT, required: ['name'] } }`. Each becomes a model of the API (JSON Schema
   * draft 4), checked by the API's request validator, and the body of the operation in the OpenAPI contract.
   * @default - the body is not validated
   */
  readonly requestSchemas?: { [contentType: string]: apigw.JsonSchema };

  /**
   * The JSON Schema of the body of the route's successful (2XX) response, for the OpenAPI contract
   * (`openApi()`, `openApiFile`), so SDK generators type the answer. API Gateway does not check
   * responses against it, and it is not part of the API definition. The same keywords as
   * `requestSchemas` are allowed. Routes whose integration writes its own success body (SQS, a STANDARD
   * Step Functions start, an S3 listing or upload) already document it, and refuse this.
   * @default - the contract describes the response without a body schema
   */
  readonly responseSchema?: apigw.JsonSchema;

  /**
   * The operation's id in the OpenAPI contract, which SDK generators name methods after: letters, digits
   * and underscores, unique in the API.
   * @default - the method and the path's words, e.g. `getOrdersById` for `GET /orders/{id}` (with a number
   * added when a route already has it)
   */
  readonly operationId?: string;

  /**
   * A short summary of the operation, in the OpenAPI contract.
   * @default - the method and path, e.g. `GET /orders/{id}`
   */
  readonly summary?: string;

  /**
   * A description of the operation, in the OpenAPI contract.
   * @default - none
   */
  readonly description?: string;

  /**
   * Tags that group the operation in the OpenAPI contract.
   * @default - none
   */
  readonly tags?: string[];

  // API keys and usage plans (see lib/traffic/api-keys.ts).

  /**
   * Whether the route requires an API key of one of the API's usage plans, on top of its authorization.
   * @default - the API's `apiKeyRequired`
   */
  readonly apiKeyRequired?: boolean;
}
