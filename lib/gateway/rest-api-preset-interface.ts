import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { ApiKeyOptions } from '../traffic/api-keys';
import { UsagePlanOptions } from '../traffic/usage-plans';
import { RouteIntegration } from '../integrations/route-integration';
import { ApiRoute } from './api-route';
import { RouteOptions } from './route-options';

/**
 * What every preset is: a REST API with its stages, routes and protections. Use it to write code
 * that works with any preset.
 */
export interface IRestApiPreset extends IConstruct {
  // Escape hatches: the presets expose the concrete constructs they created, not their interfaces.
  /** The underlying API Gateway REST API, defined by the API definition the routes render to. */
  readonly restApi: apigw.SpecRestApi; // eslint-disable-line awscdk/no-construct-in-interface

  /** The stages, in the order given. */
  readonly stages: apigw.Stage[]; // eslint-disable-line awscdk/no-construct-in-interface

  /** The newest deployment of the API, which every stage without `deploymentId` serves, and every canary. */
  readonly deployment: apigw.Deployment;

  /** The invoke URL of the first stage. */
  readonly url: string;

  /**
   * Adds a route: an HTTP method on a path, sent to an integration.
   *
   * @param method GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or ANY
   * @param path the resource path, e.g. `/orders/{id}` or `/files/{proxy+}`
   * @param integration where requests go
   * @param options authorization, caching, throttling, timeout, validation and documentation of this route
   */
  addRoute(method: string, path: string, integration: RouteIntegration, options?: RouteOptions): ApiRoute;

  /**
   * The stage with this name.
   *
   * @param stageName the name of one of the API's stages
   */
  stage(stageName: string): apigw.Stage;

  /**
   * Grants `execute-api:InvalidateCache` on every route of a stage with a cache cluster, or of every such
   * stage: the grantee may send `Cache-Control: max-age=0` (in a SigV4-signed request) to get a fresh
   * response that replaces the cached one.
   *
   * @param grantee who may invalidate
   * @param stageName the stage; every stage with a cache cluster when not given
   */
  grantInvalidateCache(grantee: iam.IGrantable, stageName?: string): iam.Grant;

  /**
   * Adds an API key, `ApiKey.<id>` under the preset. Keep the id stable: a new id makes CloudFormation
   * replace the key (and API Gateway generate a new value, unless the value comes from a secret).
   *
   * @param id the key's construct id, unique among the API's keys
   * @param options where its value comes from, and its description
   */
  addApiKey(id: string, options?: ApiKeyOptions): apigw.ApiKey;

  /**
   * Adds a usage plan, `UsagePlan.<id>` under the preset, covering the API's stages (all, or those named).
   *
   * @param id the plan's construct id
   * @param options throttling, quota, stages, per-route throttling and API keys of the plan
   */
  addUsagePlan(id: string, options?: UsagePlanOptions): apigw.UsagePlan;

  /**
   * Lets `grantee` read the value of a key made with `addApiKey`.
   *
   * @param apiKey a key `addApiKey` returned
   * @param grantee who may read it
   */
  grantReadApiKey(apiKey: apigw.IApiKey, grantee: iam.IGrantable): iam.Grant;

  /**
   * The API's contract: its OpenAPI 3.0 document without API Gateway's extensions or deploy-time
   * values (paths, operations, parameters, request bodies, security), for clients and SDK generators.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON: `any` in every jsii language
  openApi(): any;
}
