import { createHash } from 'node:crypto';
import { Annotations, Duration, Names, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IDependable } from 'constructs';
import { configureAccountCloudWatchRole } from '../features/account-logging';
import { AccessLogs, accessLogFormat } from '../features/access-logs';
import { ApiAuthorization, AuthorizationConfig, AuthorizationKind } from '../features/auth';
import { CacheSize } from '../features/caching';
import {
  gatewayResponseCorsHeaders,
  integrationResponseCors,
  preflightOptions,
  validateCors,
} from '../features/cors';
import { ThrottlingOptions } from '../features/throttling';
import { associateWebAcl, createWebAcl } from '../features/waf';
import { RouteIntegration } from '../integrations/route-integration';
import * as defaults from '../private/defaults';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { HTTP_METHODS } from '../private/limits';
import { RestApiPresetProps, RouteOptions, StageOptions } from './options';
import { methodSettingResourcePath, RouteKey, RouteTable } from './route-table';

/** A RestApi whose `latestDeployment` is the preset's own retained deployment. */
class PresetRestApi extends apigw.RestApi {
  private presetDeployment?: apigw.Deployment;

  // Methods, resources, models, validators and gateway responses fold themselves into the
  // latest deployment's logical id, so any change to the API yields a new deployment.
  public get latestDeployment(): apigw.Deployment | undefined {
    return this.presetDeployment;
  }

  public useDeployment(deployment: apigw.Deployment): void {
    this.presetDeployment = deployment;
  }
}

interface ResolvedStage {
  readonly options: StageOptions;
  readonly throttling: ThrottlingOptions;
  readonly cache?: { size: CacheSize; ttl: Duration; encrypted: boolean };
  readonly loggingLevel: apigw.MethodLoggingLevel;
  readonly dataTrace: boolean;
  readonly tracing: boolean;
}

interface RouteRecord {
  readonly key: RouteKey;
  readonly throttling?: ThrottlingOptions;
  readonly cacheTtl?: Duration;
  readonly cached: boolean;
}

/** Where API Gateway method request parameters live (PutMethod accepts no other location). */
const METHOD_PARAMETER = /^method\.request\.(path|querystring|header)\.[^.\s]+$/;
const HEADER_SOURCE = /^method\.request\.header\.[A-Za-z0-9_-]+$/;
const IDENTITY_SOURCE =
  /^(method\.request\.(header|querystring)\.[^.\s]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;
const GATEWAY_ERROR_TEMPLATE =
  '{"message":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId"}';

/**
 * The engine every preset composes: a REST API with stages and retained deployments, one
 * route table, authorizers, caching, throttling, CORS, logging, tracing and WAF.
 */
export abstract class RestApiPreset extends Construct {
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
  private readonly defaultAuthorization: ApiAuthorization;
  private readonly resolvedStages: ResolvedStage[];
  private readonly routes: RouteTable<RouteRecord>;
  private readonly cors?: RestApiPresetProps['cors'];
  private readonly corsPaths = new Set<string>();
  private readonly authorizers = new Map<string, apigw.IAuthorizer>();
  private readonly invokePermissions = new Set<string>();
  private readonly stageMethodSettings: Array<{
    resolved: ResolvedStage;
    settings: apigw.CfnStage.MethodSettingProperty[];
  }> = [];

  protected constructor(
    scope: Construct,
    id: string,
    props: RestApiPresetProps,
    endpointType: apigw.EndpointType,
  ) {
    super(scope, id);
    this.endpointLabel =
      endpointType === apigw.EndpointType.EDGE ? 'edge-optimized' : endpointType.toLowerCase();
    this.defaultAuthorization = props.authorization ?? ApiAuthorization.iam();
    this.routes = new RouteTable<RouteRecord>(this);

    if (props.cors) {
      validateCors(this, props.cors);
      this.cors = props.cors;
    }
    this.resolvedStages = this.resolveStages(props);

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

    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.addGatewayResponses();

    const accessLogs = (props.accessLogs ?? AccessLogs.cloudWatch())._bind(this);
    this.accessLogGroup = accessLogs.logGroup;

    // CloudWatch access logs, which every stage writes, need the account role as much as execution logs.
    let accountRole: IDependable | undefined;
    if (props.executionLogging?.manageAccountRole !== false) {
      accountRole = configureAccountCloudWatchRole(this).dependable;
    }

    this.webAcl = createWebAcl(this, props.waf);
    this.stages = this.resolvedStages.map((resolved) => {
      const stage = this.createStage(resolved, accessLogs.destination);
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

  /** The stage with this name. */
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
    if (options.timeout) {
      limits.checkIntegrationTimeout(
        this,
        `timeout of ${key.method} ${key.path}`,
        options.timeout,
        this.endpointLabel,
      );
    }
    if (options.throttling) {
      limits.checkThrottling(this, `throttling of ${key.method} ${key.path}`, options.throttling);
    }
    for (const name of Object.keys(options.requestParameters ?? {})) {
      if (!METHOD_PARAMETER.test(name) || name.startsWith('method.request.path.')) {
        throw new PresetValidationError(
          this,
          `requestParameters of ${key.method} ${key.path}`,
          name,
          "Declare 'method.request.querystring.NAME' or 'method.request.header.NAME'; path variables are declared by the path itself.",
        );
      }
    }
    const cacheKeyParameters = this.cacheKeyParameters(key, options, authorization);
    this.checkAuthorizer(authorization);
    const rendering = integration._render({
      scope: this,
      method: key.method,
      pathVariables: key.pathVariables,
      timeout: options.timeout,
      cacheKeyParameters,
      allowInvoke: (fn) => this.allowInvoke(fn),
      addToDeploymentHash: (data) => this.deployment.addToLogicalId(data),
      cors: this.cors ? integrationResponseCors(this.cors) : undefined,
    });

    // Everything is checked: from here on the route is recorded and rendered.
    const record: RouteRecord = {
      key,
      throttling: options.throttling,
      cached: cacheKeyParameters !== undefined,
      cacheTtl: options.cache?.ttl,
    };
    this.routes.add(key, record);
    this.renderRouteMethodSettings();

    const requestParameters: Record<string, boolean> = {};
    for (const variable of key.pathVariables) {
      requestParameters[`method.request.path.${variable}`] = true;
    }
    for (const parameter of cacheKeyParameters ?? []) {
      requestParameters[parameter] = requestParameters[parameter] ?? false;
    }
    Object.assign(requestParameters, rendering.requestParameters, options.requestParameters);

    const resource = this.api.root.resourceForPath(key.path);
    const methodOptions: apigw.MethodOptions = {
      ...this.bindAuthorization(authorization),
      requestParameters: Object.keys(requestParameters).length > 0 ? requestParameters : undefined,
      requestModels: options.requestModels,
      requestValidator: this.requestValidator,
      methodResponses: rendering.methodResponses,
    };
    const added = resource.addMethod(key.method, rendering.integration, methodOptions);
    this.acknowledgeAuthorization(added, key, authorization);

    if (this.cors && !this.corsPaths.has(key.path)) {
      this.corsPaths.add(key.path);
      resource.addCorsPreflight(preflightOptions(this.cors));
    }
    return added;
  }

  private resolveStages(props: RestApiPresetProps): ResolvedStage[] {
    const stages = props.stages ?? [{ stageName: defaults.defaultStageName() }];
    if (stages.length === 0 || stages.length > limits.MAX_STAGES_PER_API) {
      throw new PresetValidationError(
        this,
        'stages',
        `${stages.length} stages`,
        `An API has 1 to ${limits.MAX_STAGES_PER_API} stages (API Gateway's default quota).`,
      );
    }
    const names = new Set<string>();
    return stages.map((stage, index) => {
      const prop = `stages[${index}]`;
      limits.checkStageName(this, `${prop}.stageName`, stage.stageName);
      if (names.has(stage.stageName)) {
        throw new PresetValidationError(
          this,
          `${prop}.stageName`,
          stage.stageName,
          'Stage names must be unique.',
        );
      }
      names.add(stage.stageName);
      if (stage.variables) {
        limits.checkStageVariables(this, `${prop}.variables`, stage.variables);
      }
      const throttling = stage.throttling ?? props.throttling ?? defaults.defaultThrottling();
      limits.checkThrottling(this, stage.throttling ? `${prop}.throttling` : 'throttling', throttling);

      const caching = stage.caching ?? props.caching;
      let cache: ResolvedStage['cache'];
      if (caching) {
        const cacheDefaults = defaults.defaultCache();
        const ttl = caching.ttl ?? cacheDefaults.ttl;
        limits.checkCacheTtl(this, stage.caching ? `${prop}.caching.ttl` : 'caching.ttl', ttl);
        cache = {
          size: caching.size ?? CacheSize.GB_0_5,
          ttl,
          encrypted: caching.encrypted ?? cacheDefaults.encrypted,
        };
      }

      const loggingDefaults = defaults.defaultExecutionLogging();
      const loggingLevel =
        stage.executionLogging?.level ?? props.executionLogging?.level ?? loggingDefaults.level;
      const dataTrace =
        stage.executionLogging?.dataTrace ?? props.executionLogging?.dataTrace ?? loggingDefaults.dataTrace;
      const tracing = stage.tracing ?? props.tracing ?? defaults.defaultTracingEnabled();
      if (dataTrace) {
        Annotations.of(this).addWarningV2(
          'cdk-apigateway-presets:data-trace',
          `Stage '${stage.stageName}' logs full request and response data, which may include secrets and personal data.`,
        );
      }
      if (loggingLevel === apigw.MethodLoggingLevel.OFF) {
        Annotations.of(this).addWarningV2(
          'cdk-apigateway-presets:execution-logging-off',
          `Stage '${stage.stageName}' has execution logging turned off; failed requests leave no trace beyond the access log.`,
        );
      }
      if (!tracing) {
        Annotations.of(this).addWarningV2(
          'cdk-apigateway-presets:tracing-off',
          `Stage '${stage.stageName}' has X-Ray tracing turned off.`,
        );
      }
      return { options: stage, throttling, cache, loggingLevel, dataTrace, tracing };
    });
  }

  private createStage(resolved: ResolvedStage, destination: apigw.IAccessLogDestination): apigw.Stage {
    const { options, cache } = resolved;
    const stage = new apigw.Stage(this, `Stage.${options.stageName}`, {
      deployment: this.deployment,
      stageName: options.stageName,
      description: options.description,
      tracingEnabled: resolved.tracing,
      cacheClusterEnabled: cache !== undefined,
      cacheClusterSize: cache?.size.gigabytes,
      accessLogDestination: destination,
      accessLogFormat: accessLogFormat(),
      variables: options.variables,
    });
    // The list grows as routes are added; it is a plain array (not a token) so that checks
    // reading the stage's properties, such as cdk-nag's, see the stage-wide settings.
    const settings: apigw.CfnStage.MethodSettingProperty[] = [
      methodSetting(resolved, '*', '/*', resolved.throttling),
    ];
    (stage.node.defaultChild as apigw.CfnStage).methodSettings = settings;
    this.stageMethodSettings.push({ resolved, settings });
    return stage;
  }

  /**
   * Per-route method settings, in every stage where a route overrides the stage's throttling or
   * caching. Rebuilt after each route: an ANY route's entries name each method it really serves, so
   * they can never apply to a sibling route of the same path that has its own authorization.
   */
  private renderRouteMethodSettings(): void {
    const routes = this.routes.entries().map((r) => r.value);
    for (const { resolved, settings } of this.stageMethodSettings) {
      settings.splice(1);
      for (const route of routes) {
        const cached = route.cached && resolved.cache !== undefined;
        if (!cached && !route.throttling) {
          continue;
        }
        for (const httpMethod of this.methodsServedBy(route.key, routes)) {
          settings.push(
            methodSetting(
              resolved,
              httpMethod,
              methodSettingResourcePath(route.key.path),
              route.throttling ?? resolved.throttling,
              cached ? (route.cacheTtl ?? resolved.cache!.ttl) : undefined,
            ),
          );
        }
      }
    }
  }

  /** The methods a route answers: an ANY route answers those its path has no own route (or preflight) for. */
  private methodsServedBy(key: RouteKey, routes: RouteRecord[]): string[] {
    if (key.method !== 'ANY') {
      return [key.method];
    }
    const taken = new Set(routes.filter((r) => r.key.path === key.path).map((r) => r.key.method));
    if (this.cors) {
      taken.add('OPTIONS');
    }
    return HTTP_METHODS.filter((m) => m !== 'ANY' && !taken.has(m));
  }

  /**
   * The integration's cache key for a cached route: its path variables, the declared keys, and,
   * unless the route's responses are shared, the caller's credentials.
   */
  private cacheKeyParameters(
    key: RouteKey,
    options: RouteOptions,
    auth: AuthorizationConfig,
  ): string[] | undefined {
    const cache = options.cache;
    if (!cache) {
      return undefined;
    }
    const route = `${key.method} ${key.path}`;
    const prop = `cache of ${route}`;
    if (!['GET', 'HEAD'].includes(key.method) && !cache.allowNonReadMethod) {
      throw new PresetValidationError(
        this,
        prop,
        key.method,
        'Only GET and HEAD routes are cached unless the route sets cache.allowNonReadMethod: true.',
      );
    }
    if (!this.resolvedStages.some((s) => s.cache)) {
      throw new PresetValidationError(
        this,
        prop,
        `stages ${this.resolvedStages.map((st) => st.options.stageName).join(', ')} without a cache cluster`,
        'No stage has a cache cluster; set `caching` on the API or on a stage.',
      );
    }
    if (cache.ttl) {
      limits.checkCacheTtl(this, `${prop}.ttl`, cache.ttl);
    }
    const keys = new Set(key.pathVariables.map((v) => `method.request.path.${v}`));
    for (const parameter of cache.keyParameters ?? []) {
      if (!METHOD_PARAMETER.test(parameter)) {
        throw new PresetValidationError(
          this,
          `${prop}.keyParameters`,
          parameter,
          "A cache key is a method request parameter such as 'method.request.querystring.page' or 'method.request.header.Accept-Language'.",
        );
      }
      if (parameter.startsWith('method.request.path.') && !keys.has(parameter)) {
        throw new PresetValidationError(
          this,
          `${prop}.keyParameters`,
          parameter,
          `The route's path variables are ${key.pathVariables.map((v) => `{${v}}`).join(', ') || 'none'}.`,
        );
      }
      if (
        !parameter.startsWith('method.request.path.') &&
        options.requestParameters?.[parameter] === undefined
      ) {
        // A key the route does not declare is most likely a typo, and would key on a value never sent.
        throw new PresetValidationError(
          this,
          `${prop}.keyParameters`,
          parameter,
          `A cache key must be a parameter of the route: declare it in requestParameters, e.g. { '${parameter}': false }.`,
        );
      }
      keys.add(parameter);
    }
    if (!cache.shared && auth.kind !== AuthorizationKind.NONE) {
      for (const identity of this.callerCacheKeys(auth, prop)) {
        keys.add(identity);
      }
    }
    return [...keys];
  }

  private callerCacheKeys(auth: AuthorizationConfig, prop: string): string[] {
    if (auth.kind === AuthorizationKind.IAM) {
      throw new PresetValidationError(
        this,
        prop,
        'IAM authorization',
        "API Gateway cannot key a cache by IAM caller, so one caller could receive another caller's response. Set cache.shared: true if the responses are the same for every caller, or do not cache the route.",
      );
    }
    const sources = (auth.identitySources ?? []).filter((s) => s.startsWith('method.request.'));
    if (sources.length === 0) {
      throw new PresetValidationError(
        this,
        prop,
        auth.identitySources,
        'The authorizer has no header or query-string identity source to key the cache by caller. Add one, or set cache.shared: true if the responses are the same for every caller.',
      );
    }
    return sources;
  }

  private bindAuthorization(
    auth: AuthorizationConfig,
  ): Pick<apigw.MethodOptions, 'authorizationType' | 'authorizer' | 'authorizationScopes'> {
    switch (auth.kind) {
      case AuthorizationKind.NONE:
        return { authorizationType: apigw.AuthorizationType.NONE };
      case AuthorizationKind.IAM:
        return { authorizationType: apigw.AuthorizationType.IAM };
      case AuthorizationKind.COGNITO:
        return {
          authorizationType: apigw.AuthorizationType.COGNITO,
          authorizer: this.authorizerFor(auth),
          authorizationScopes: auth.scopes && auth.scopes.length > 0 ? auth.scopes : undefined,
        };
      default:
        return { authorizationType: apigw.AuthorizationType.CUSTOM, authorizer: this.authorizerFor(auth) };
    }
  }

  /** The key that makes routes with the same authorizer configuration share one authorizer. */
  private authorizerIdentity(auth: AuthorizationConfig): { identity: string; ttl: Duration } {
    const ttl = auth.resultsCacheTtl ?? defaults.defaultAuthorizerResultsCacheTtl();
    const identity = [
      auth.kind,
      ...(auth.userPools ?? []).map((p) => p.node.path),
      auth.handler?.node.path ?? '',
      ...(auth.identitySources ?? []),
      ttl.isUnresolved() ? 'token' : `${ttl.toSeconds({ integral: false })}`,
      auth.validationRegex ?? '',
    ].join('|');
    return { identity, ttl };
  }

  /** Checks an authorization that needs an authorizer, and that a new one still fits in the API. */
  private checkAuthorizer(auth: AuthorizationConfig): void {
    if (auth.kind === AuthorizationKind.IAM || auth.kind === AuthorizationKind.NONE) {
      return;
    }
    const { identity, ttl } = this.authorizerIdentity(auth);
    if (this.authorizers.has(identity)) {
      return;
    }
    this.validateAuthorizer(auth, ttl);
    if (this.authorizers.size >= limits.MAX_AUTHORIZERS_PER_API) {
      throw new PresetValidationError(
        this,
        'authorization',
        `${this.authorizers.size + 1} authorizers`,
        `An API has at most ${limits.MAX_AUTHORIZERS_PER_API} authorizers; reuse one ApiAuthorization for routes that share a configuration.`,
      );
    }
  }

  /** One authorizer per distinct configuration, shared by every route that uses it. */
  private authorizerFor(auth: AuthorizationConfig): apigw.IAuthorizer {
    const { identity, ttl } = this.authorizerIdentity(auth);
    const existing = this.authorizers.get(identity);
    if (existing) {
      return existing;
    }
    const id = `Authorizer${createHash('sha256').update(identity).digest('hex').slice(0, 8).toUpperCase()}`;
    let authorizer: apigw.IAuthorizer;
    switch (auth.kind) {
      case AuthorizationKind.COGNITO:
        authorizer = new apigw.CognitoUserPoolsAuthorizer(this, id, {
          cognitoUserPools: auth.userPools!,
          identitySource: auth.identitySources![0],
          resultsCacheTtl: ttl,
        });
        break;
      case AuthorizationKind.LAMBDA_TOKEN:
        authorizer = new apigw.TokenAuthorizer(this, id, {
          handler: auth.handler!,
          identitySource: auth.identitySources![0],
          resultsCacheTtl: ttl,
          validationRegex: auth.validationRegex,
        });
        break;
      default:
        authorizer = new apigw.RequestAuthorizer(this, id, {
          handler: auth.handler!,
          identitySources: auth.identitySources!,
          resultsCacheTtl: ttl,
        });
    }
    // API Gateway applies authorizer changes only through a new deployment; the ARNs (resolved at
    // synth) catch a swapped user pool or function behind an unchanged construct path.
    this.deployment.addToLogicalId({
      authorizer: identity,
      providers: (auth.userPools ?? []).map((p) => p.userPoolArn),
      handler: auth.handler?.functionArn,
    });
    this.authorizers.set(identity, authorizer);
    return authorizer;
  }

  private validateAuthorizer(auth: AuthorizationConfig, ttl: Duration): void {
    limits.checkAuthorizerTtl(this, 'authorization.resultsCacheTtl', ttl);
    if (auth.kind === AuthorizationKind.COGNITO && (auth.userPools ?? []).length === 0) {
      throw new PresetValidationError(this, 'authorization.userPools', [], 'Give at least one user pool.');
    }
    const sources = auth.identitySources ?? [];
    if (auth.kind === AuthorizationKind.LAMBDA_REQUEST) {
      if (sources.length === 0) {
        throw new PresetValidationError(
          this,
          'authorization.identitySources',
          sources,
          "Give at least one identity source, e.g. 'method.request.header.Authorization'.",
        );
      }
      for (const source of sources) {
        if (!Token.isUnresolved(source) && !IDENTITY_SOURCE.test(source)) {
          throw new PresetValidationError(
            this,
            'authorization.identitySources',
            source,
            "Identity sources are 'method.request.header.NAME', 'method.request.querystring.NAME', 'context.NAME' or 'stageVariables.NAME'.",
          );
        }
      }
    } else if (!Token.isUnresolved(sources[0]) && !HEADER_SOURCE.test(sources[0])) {
      throw new PresetValidationError(
        this,
        'authorization.identitySource',
        sources[0],
        "The token comes from one request header, given as 'method.request.header.NAME'.",
      );
    }
  }

  private acknowledgeAuthorization(method: apigw.Method, key: RouteKey, auth: AuthorizationConfig): void {
    if (auth.kind === AuthorizationKind.NONE) {
      Annotations.of(method).addWarningV2(
        'cdk-apigateway-presets:auth-none',
        `${key.method} ${key.path} accepts calls from anyone: it was given ApiAuthorization.none().`,
      );
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The route was declared public with ApiAuthorization.none(); the preset warns about it at synth.',
      });
    }
    if (auth.kind !== AuthorizationKind.COGNITO) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `The route is authorized by ${auth.kind === AuthorizationKind.NONE ? 'nobody, by explicit choice' : auth.kind === AuthorizationKind.IAM ? 'IAM (SigV4)' : 'a Lambda authorizer'}, not a Cognito user pool.`,
      });
    }
  }

  /** One invoke permission per function per API, covering every stage, method and path of this API. */
  private allowInvoke(fn: lambda.IFunction): void {
    const id = `Invoke${Names.nodeUniqueId(fn.node)}`;
    if (this.invokePermissions.has(id)) {
      return;
    }
    this.invokePermissions.add(id);
    fn.addPermission(id, {
      scope: this,
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: this.api.arnForExecuteApi('*', '/*', '*'),
    });
  }

  /** JSON bodies (and CORS headers) on API Gateway's own 4XX and 5XX responses. */
  private addGatewayResponses(): void {
    const responseHeaders = this.cors ? gatewayResponseCorsHeaders(this.cors) : undefined;
    for (const [id, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        responseHeaders,
        templates: { 'application/json': GATEWAY_ERROR_TEMPLATE },
      });
    }
  }
}

/** A complete method setting: API Gateway does not inherit stage-wide values into a per-method entry. */
function methodSetting(
  stage: ResolvedStage,
  httpMethod: string,
  resourcePath: string,
  throttling: ThrottlingOptions,
  cacheTtl?: Duration,
): apigw.CfnStage.MethodSettingProperty {
  return {
    httpMethod,
    resourcePath,
    loggingLevel: stage.loggingLevel,
    dataTraceEnabled: stage.dataTrace,
    metricsEnabled: false,
    throttlingRateLimit: throttling.rateLimit,
    throttlingBurstLimit: throttling.burstLimit,
    cachingEnabled: cacheTtl !== undefined,
    ...(stage.cache
      ? {
          cacheDataEncrypted: stage.cache.encrypted,
          cacheTtlInSeconds: (cacheTtl ?? stage.cache.ttl).toSeconds(),
        }
      : {}),
  };
}
