import { CfnOutput, Names } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IConstruct, IDependable } from 'constructs';
import { configureAccountCloudWatchRole } from '../features/account-logging';
import { AccessLogs } from '../features/access-logs';
import { ApiAuthorization } from '../features/auth';
import { AuthorizerRegistry } from '../features/authorizer-registry';
import { routeCacheKey } from '../features/caching';
import { CorsOptions, integrationResponseCors, preflightOptions, validateCors } from '../features/cors';
import { addJsonGatewayResponses } from '../features/gateway-responses';
import { associateWebAcl, createWebAcl } from '../features/waf';
import { InvokePermissions } from '../integrations/invoke-permissions';
import { RouteIntegration } from '../integrations/route-integration';
import { PresetValidationError } from '../private/errors';
import { RestApiPresetProps, RouteOptions } from './options';
import { PresetRestApi } from './preset-rest-api';
import { RouteTable } from './route-table';
import { checkRouteOptions, methodRequestParameters } from './routes';
import { createStage, ResolvedStage, resolveStages, StageRoute } from './stages';

/**
 * What every preset is: a REST API with its stages, routes and protections. Use it to write code
 * that works with any preset.
 */
export interface IRestApiPreset extends IConstruct {
  // Escape hatches: the presets expose the concrete constructs they created, not their interfaces.
  /** The underlying API Gateway REST API. */
  readonly restApi: apigw.RestApi; // eslint-disable-line awscdk/no-construct-in-interface

  /** The stages, in the order given. */
  readonly stages: apigw.Stage[]; // eslint-disable-line awscdk/no-construct-in-interface

  /** The deployment every stage serves. */
  readonly deployment: apigw.Deployment;

  /** The invoke URL of the first stage. */
  readonly url: string;

  /**
   * Adds a route: an HTTP method on a path, sent to an integration.
   *
   * @param method GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or ANY
   * @param path the resource path, e.g. `/orders/{id}` or `/files/{proxy+}`
   * @param integration where requests go
   * @param options authorization, caching, throttling, timeout and validation of this route
   */
  addRoute(method: string, path: string, integration: RouteIntegration, options?: RouteOptions): apigw.Method;

  /**
   * The stage with this name.
   *
   * @param stageName the name of one of the API's stages
   */
  stage(stageName: string): apigw.Stage;
}

/**
 * The engine every preset composes: a REST API with stages and retained deployments, one route table,
 * authorizers, caching, throttling, CORS, logging, tracing and WAF. Each of those is a building block
 * that owns its rules; this class wires them together in the order an API is made.
 *
 * @internal
 */
export abstract class RestApiPreset extends Construct implements IRestApiPreset {
  /** The underlying API Gateway REST API. */
  public readonly restApi: apigw.RestApi;

  /** The stages, in the order given. */
  public readonly stages: apigw.Stage[];

  /** The deployment every stage serves. Its logical id changes whenever the API does; old ones are retained. */
  public readonly deployment: apigw.Deployment;

  /** The web ACL associated with every stage, unless WAF was turned off. */
  public readonly webAcl?: wafv2.CfnWebACL;

  /** The access-log group, when access logs go to CloudWatch Logs. */
  public readonly accessLogGroup?: logs.ILogGroup;

  /** The request validator every route uses: it checks declared parameters and body models. */
  public readonly requestValidator: apigw.RequestValidator;

  private readonly api: PresetRestApi;
  private readonly endpointLabel: string;
  private readonly cors?: CorsOptions;
  private readonly defaultAuthorization: ApiAuthorization;
  private readonly resolvedStages: ResolvedStage[];
  private readonly routes: RouteTable<StageRoute>;
  private readonly authorizers: AuthorizerRegistry;
  private readonly invokePermissions: InvokePermissions;
  private readonly preflightPaths = new Set<string>();

  protected constructor(
    scope: Construct,
    id: string,
    props: RestApiPresetProps,
    endpointType: apigw.EndpointType,
  ) {
    super(scope, id);
    this.endpointLabel =
      endpointType === apigw.EndpointType.EDGE ? 'edge-optimized' : endpointType.toLowerCase();
    this.routes = new RouteTable<StageRoute>(this);

    // Everything given is checked before anything is created.
    if (props.cors) {
      validateCors(this, props.cors);
      this.cors = props.cors;
    }
    this.resolvedStages = resolveStages(this, props);
    this.authorizers = new AuthorizerRegistry(this, (data) => this.deployment.addToLogicalId(data));
    this.defaultAuthorization = props.authorization ?? ApiAuthorization.iam();
    this.authorizers.check(this.defaultAuthorization._config);

    // The API, the deployment its stages serve, and what every route shares.
    this.api = new PresetRestApi(this, 'Api', {
      restApiName: props.apiName ?? Names.uniqueResourceName(this, { maxLength: 128 }),
      description: props.description,
      endpointConfiguration: { types: [endpointType] },
      deploy: false,
      // The account-level CloudWatch role is handled without clobbering other APIs (see below).
      cloudWatchRole: false,
    });
    this.restApi = this.api;
    this.deployment = new apigw.Deployment(this, 'Deployment', {
      api: this.api,
      retainDeployments: true,
      description: 'Deployment of the API model; retained so stages can be rolled back',
    });
    this.api.useDeployment(this.deployment);
    this.invokePermissions = new InvokePermissions(this, this.api);
    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    addJsonGatewayResponses(this.api, this.cors);

    // Logging: access logs, and the account role that CloudWatch access and execution logs need.
    const accessLogs = (props.accessLogs ?? AccessLogs.cloudWatch())._bind(this);
    this.accessLogGroup = accessLogs.logGroup;
    let accountRole: IDependable | undefined;
    if (props.executionLogging?.manageAccountRole !== false) {
      accountRole = configureAccountCloudWatchRole(this).dependable;
    }

    // Stages, each behind the web ACL.
    this.webAcl = createWebAcl(this, props.waf);
    this.stages = this.resolvedStages.map((resolved) => {
      const stage = createStage(this, resolved, {
        deployment: this.deployment,
        accessLogDestination: accessLogs.destination,
        routes: () => this.routes.entries().map((r) => r.value),
        preflight: this.cors !== undefined,
      });
      if (accountRole) {
        stage.node.addDependency(accountRole);
      }
      if (this.webAcl) {
        associateWebAcl(this, `WebAclAssociation.${resolved.options.stageName}`, this.webAcl, stage);
      }
      return stage;
    });
    // The RestApi's own url/urlForPath (escape hatch users) then point at the first stage.
    this.api.deploymentStage = this.stages[0];
    if (props.urlOutputs !== false) {
      this.resolvedStages.forEach(({ options: { stageName } }, index) => {
        new CfnOutput(this, `Url.${stageName}`, {
          value: this.stages[index].urlForPath(),
          description: `Invoke URL of the ${stageName} stage of ${this.node.path}`,
        });
      });
    }

    this.node.addValidation({
      validate: () =>
        this.routes.size === 0
          ? [
              `Invalid routes: none. API Gateway cannot deploy an API without methods; add one with addRoute().`,
            ]
          : [],
    });
  }

  /** The invoke URL of the first stage. */
  public get url(): string {
    return this.stages[0].urlForPath();
  }

  /**
   * The stage with this name.
   *
   * @param stageName the name of one of the API's stages
   */
  public stage(stageName: string): apigw.Stage {
    const index = this.resolvedStages.findIndex((s) => s.options.stageName === stageName);
    if (index < 0) {
      throw new PresetValidationError(
        this,
        'stageName',
        stageName,
        `This API has the stages ${this.resolvedStages.map((s) => s.options.stageName).join(', ')}.`,
      );
    }
    return this.stages[index];
  }

  /**
   * Adds a route: an HTTP method on a path, sent to an integration.
   *
   * @param method GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or ANY
   * @param path the resource path, e.g. `/orders/{id}` or `/files/{proxy+}`
   * @param integration where requests go
   * @param options authorization, caching, throttling, timeout and validation of this route
   * @returns the API Gateway method, for anything the options do not cover
   */
  public addRoute(
    method: string,
    path: string,
    integration: RouteIntegration,
    options: RouteOptions = {},
  ): apigw.Method {
    // Everything is checked first: a route that throws leaves no trace.
    const key = this.routes.parse(method, path);
    if (key.method === 'OPTIONS' && this.cors) {
      throw new PresetValidationError(
        this,
        'route',
        `OPTIONS ${path}`,
        'With cors set, the preset answers OPTIONS itself on every route path; remove the OPTIONS route or the cors option.',
      );
    }
    const authorization = (options.authorization ?? this.defaultAuthorization)._config;
    checkRouteOptions(this, key, options, this.endpointLabel);
    const cacheKeyParameters = routeCacheKey(
      this,
      { ...key, requestParameters: options.requestParameters, authorization },
      options.cache,
      {
        stageNames: this.resolvedStages.map((s) => s.options.stageName),
        any: this.resolvedStages.some((s) => s.cache),
      },
    );
    this.authorizers.check(authorization);
    const rendering = integration._render({
      scope: this,
      method: key.method,
      pathVariables: key.pathVariables,
      timeout: options.timeout,
      cacheKeyParameters,
      allowInvoke: (fn) => this.invokePermissions.allow(fn),
      addToDeploymentHash: (data) => this.deployment.addToLogicalId(data),
      cors: this.cors ? integrationResponseCors(this.cors) : undefined,
    });

    // From here on the route is recorded and rendered.
    this.routes.add(key, {
      key,
      throttling: options.throttling,
      cached: cacheKeyParameters !== undefined,
      cacheTtl: options.cache?.ttl,
    });
    const resource = this.api.root.resourceForPath(key.path);
    const added = resource.addMethod(key.method, rendering.integration, {
      ...this.authorizers.bind(authorization),
      requestParameters: methodRequestParameters(
        key,
        cacheKeyParameters,
        rendering.requestParameters,
        options.requestParameters,
      ),
      requestModels: options.requestModels,
      requestValidator: this.requestValidator,
      methodResponses: rendering.methodResponses,
    });
    this.authorizers.acknowledge(added, `${key.method} ${key.path}`, authorization);
    if (this.cors && !this.preflightPaths.has(key.path)) {
      this.preflightPaths.add(key.path);
      resource.addCorsPreflight(preflightOptions(this.cors));
    }
    return added;
  }
}
