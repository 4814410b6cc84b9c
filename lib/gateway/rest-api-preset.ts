import { Annotations, AspectPriority, Aspects, CfnOutput, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IDependable } from 'constructs';
import { isRegulated } from '../compliance/compliance-profile';
import * as regulated from '../compliance/regulated';
import { configureAccountCloudWatchRole } from '../observability/account-logging';
import { AccessLogs } from '../observability/access-logs';
import { createAlarms } from '../observability/alarms';
import { createDashboard } from '../observability/dashboard';
import { warnWhenNeverMapped } from '../domains/api-mapping';
import { ApiAuthorization } from '../security/auth';
import { AuthorizerRegistry } from '../security/authorizer-registry';
import { routeCacheKey } from '../traffic/caching';
import { configureStageCacheControl, grantInvalidateCache } from '../traffic/cache-invalidation';
import {
  API_KEY_SCHEME,
  ApiKeyOptions,
  apiKeySecurityScheme,
  checkApiKeySource,
  keysForContract,
} from '../traffic/api-keys';
import { ApiUsagePlans, UsagePlanOptions } from '../traffic/usage-plans';
import { CorsOptions, integrationResponseCors, validateCors } from '../cors/cors';
import { bindCustomDomain, checkCustomDomain, checkCustomDomainReach } from '../domains/custom-domain';
import { acknowledgeRequestValidation, RequestModels } from '../security/request-validation';
import { renderResourcePolicy } from '../security/resource-policy';
import {
  acknowledgeNoWebAclByDefault,
  associateWebAcl,
  createWebAcl,
  logWebAcl,
  webAclMetricName,
} from '../security/waf';
import { outputDeploymentId } from '../release/canary';
import { InvokePermissions } from '../integrations/invoke-permissions';
import { RouteIntegration } from '../integrations/route-integration';
import { PresetValidationError } from '../private/errors';
import { checkMediaTypes, IntegrationTimeoutLimit } from '../private/limits';
import { OpenApiObject } from '../private/openapi';
import { checkMappingTemplates } from '../private/templates';
import { ApiRoute } from './api-route';
import { checkServerUrls, contractServers, nameContract } from './contract-names';
import { ApiDocumentParts, renderContract, renderDefinition } from './definition';
import { DefinitionCache } from './definition-cache';
import { checkDefinition, checkTemplateSize, writeContractAtSynth } from './definition-checks';
import { DefinitionLocation } from './definition-location';
import { DefinitionPlacement } from './definition-placement';
import { RestApiPresetProps } from './options';
import { RouteOptions } from './route-options';
import { integrationTimeoutLimit, PresetAdditions, PresetShape } from './preset-shape';
import { RouteTable } from './route-table';
import {
  checkRouteOptions,
  methodRequestParameters,
  renderInRoute,
  RouteRecord,
  warnAboutStreamIdleTimeout,
  withResponseSchema,
} from './routes';
import { IRestApiPreset } from './rest-api-preset-interface';
import { createStage, ResolvedStage, resolveStages } from './stages';

/** Stacks whose template size one of their presets checks. */
const STACKS_WITH_SIZE_CHECK = new WeakSet<Stack>();

/**
 * The engine every preset composes: a REST API defined by one OpenAPI definition that the route table
 * renders to, with stages and retained deployments, authorizers, caching, throttling, CORS, logging,
 * tracing and WAF. Each of those is a building block that owns its rules; this class wires them together
 * in the order an API is made.
 *
 * @internal
 */
export abstract class RestApiPreset extends Construct implements IRestApiPreset {
  /** The underlying API Gateway REST API, defined by the API definition the routes render to. */
  public readonly restApi: apigw.SpecRestApi;

  /** The stages, in the order given. */
  public readonly stages: apigw.Stage[];

  /**
   * The API's newest deployment, which every stage without `deploymentId` serves, and every canary. Its
   * logical id changes whenever the API does; old ones are retained.
   */
  public readonly deployment: apigw.Deployment;

  /** The web ACL associated with every stage, unless WAF was turned off. */
  public readonly webAcl?: wafv2.CfnWebACL;

  /** The access-log group, when access logs go to CloudWatch Logs. */
  public readonly accessLogGroup?: logs.ILogGroup;

  /** The Firehose stream that receives the access logs, when they go to Amazon Data Firehose. */
  public readonly accessLogDeliveryStream?: firehose.IDeliveryStream;

  /** The S3 bucket the preset's Firehose stream delivers access logs to, when the preset creates the stream. */
  public readonly accessLogDestinationBucket?: s3.IBucket;

  /** The saved CloudWatch Logs Insights queries of the access log, when it goes to CloudWatch Logs. */
  public readonly accessLogQueries: logs.QueryDefinition[];

  /** The SNS topic the alarms notify, when `alarms` is given. */
  public readonly alarmTopic?: sns.ITopic;

  /** The alarms of every stage (none unless `alarms` is given). */
  public readonly alarms: cloudwatch.Alarm[];

  /** The API's CloudWatch dashboard, when `dashboard` is given. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /**
   * The custom domain name of an edge-optimized or regional API with a `customDomain` (a private
   * API's is a `PrivateApi`'s `privateDomain`).
   */
  public readonly domain?: apigw.DomainName;

  private readonly apiName: string;
  /** The contract's title: the apiName given, else the construct id. */
  private readonly contractTitle: string;
  private readonly openApiServers?: string[];
  private readonly vpcEndpointUrl: boolean;
  private readonly apiDescription?: string;
  private readonly timeoutLimit: IntegrationTimeoutLimit;
  private readonly policy?: OpenApiObject;
  private readonly endpointConfiguration: OpenApiObject;
  private readonly customUrl?: string;
  private readonly stageUrl: (stage: apigw.Stage) => string;
  private readonly cors?: CorsOptions;
  private readonly defaultAuthorization: ApiAuthorization;
  private readonly resolvedStages: ResolvedStage[];
  private readonly routes: RouteTable<RouteRecord>;
  private readonly authorizers: AuthorizerRegistry;
  private readonly models = new RequestModels();
  private readonly invokePermissions: InvokePermissions;
  private readonly operationIds = new Set<string>();
  private readonly apiBinaryMediaTypes: string[];
  private readonly routeCheck?: PresetAdditions['checkRoute'];
  private readonly definition: DefinitionCache;
  private readonly apiKeyRequired: boolean;
  private readonly apiKeySource: apigw.ApiKeySourceType;
  private readonly usagePlans: ApiUsagePlans;
  private readonly placement: DefinitionPlacement;

  protected constructor(scope: Construct, id: string, props: RestApiPresetProps, shape: PresetShape) {
    super(scope, id);
    const endpointType = shape.endpointType;
    this.timeoutLimit = integrationTimeoutLimit(shape);
    this.routes = new RouteTable<RouteRecord>(this);
    this.apiName = props.apiName ?? Names.uniqueResourceName(this, { maxLength: 128 });
    this.contractTitle = props.apiName ?? id;
    this.openApiServers = checkServerUrls(this, props.openApiServers);
    this.apiDescription = props.description;
    this.apiBinaryMediaTypes = checkMediaTypes(this, 'binaryMediaTypes', props.binaryMediaTypes ?? []);

    // Everything given is checked before anything is created.
    if (props.cors) {
      validateCors(this, props.cors);
      this.cors = props.cors;
    }
    this.resolvedStages = resolveStages(this, props);
    this.authorizers = new AuthorizerRegistry(this, {
      addToDeploymentHash: (data) => this.deployment.addToLogicalId(data),
      allowAuthorizerInvoke: (fn) => this.invokePermissions.allowAuthorizer(fn),
    });
    this.defaultAuthorization = props.authorization ?? ApiAuthorization.iam();
    this.authorizers.check(this.defaultAuthorization._config);
    const disableExecuteApiEndpoint = props.disableExecuteApiEndpoint ?? props.customDomain !== undefined;
    const customDomain = props.customDomain
      ? checkCustomDomain(this, props.customDomain, endpointType, !disableExecuteApiEndpoint)
      : undefined;
    const regulatedProfile = isRegulated(props.compliance);
    if (regulatedProfile) {
      regulated.checkWafKept(this, props.waf?.enabled);
    }
    if (disableExecuteApiEndpoint && !customDomain && endpointType === apigw.EndpointType.PRIVATE) {
      throw new PresetValidationError(
        this,
        'disableExecuteApiEndpoint',
        true,
        'A private API is reached through its default endpoint or its own customDomain; give it a customDomain, or keep the default endpoint.',
      );
    }

    // ComplianceProfile.REGULATED: every log group under the preset is encrypted with its key.
    if (regulatedProfile) {
      regulated.encryptLogGroupsUnder(this, regulated.complianceKey(this));
    }

    // What the preset adds (a private API's endpoints), and who may call the API.
    const additions = shape.prepare?.(this) ?? {};
    const vpcEndpointIds = additions.vpcEndpoints?.map((e) => e.vpcEndpointId);
    this.policy = renderResourcePolicy(this, props.resourcePolicy, additions.policyStatements ?? [], {
      endpointType,
      corsPreflight: this.cors !== undefined,
      front: additions.front,
      vpcEndpointIds,
    });
    if (customDomain) {
      checkCustomDomainReach(this, customDomain, additions);
    }

    // The API, defined by the definition its routes render to, and the deployment its stages serve.
    this.definition = new DefinitionCache(this, () => renderDefinition(this.documentParts()));
    // In the template, or in an S3 asset a custom resource imports (decided when the app synthesizes).
    this.placement = new DefinitionPlacement(
      this,
      props.definitionLocation ?? DefinitionLocation.AUTO,
      this.definition,
    );
    this.restApi = new apigw.SpecRestApi(this, 'Api', {
      apiDefinition: apigw.ApiDefinition.fromInline(
        // Rendered from the route table as it is when the template is resolved, once for each change.
        Lazy.uncachedAny({ produce: () => this.placement.body() }),
      ),
      restApiName: this.apiName,
      description: props.description,
      endpointConfiguration: {
        types: [endpointType],
        vpcEndpoints: additions.vpcEndpoints,
        ipAddressType: shape.ipAddressType,
      },
      // The definition replaces the whole API on every update: a removed route is gone.
      mode: apigw.RestApiMode.OVERWRITE,
      deploy: false,
      // The account-level CloudWatch role is handled without clobbering other APIs (see below).
      cloudWatchRole: false,
    });
    const cfnRestApi = this.restApi.node.defaultChild as apigw.CfnRestApi;
    // An import warning (something API Gateway would skip) fails the deployment instead of dropping it.
    cfnRestApi.failOnWarnings = true;
    // Also a property, not only in the definition: API Gateway has mishandled binary types set one way only.
    cfnRestApi.binaryMediaTypes = Lazy.uncachedList(
      { produce: () => this.binaryMediaTypes() },
      { omitEmpty: true },
    );
    // The definition cannot carry the endpoint type; on import API Gateway takes it from here.
    cfnRestApi.parameters = { endpointConfigurationTypes: endpointType };
    acknowledgeRequestValidation(cfnRestApi);
    this.deployment = new apigw.Deployment(this, 'Deployment', {
      api: this.restApi,
      retainDeployments: true,
      description: 'Deployment of the API definition; retained so stages can be rolled back',
    });
    this.definition.hashDeploymentOnce(this.deployment, this.restApi);
    this.placement.attach(this.restApi, this.deployment, () => this.stages);
    this.invokePermissions = new InvokePermissions(this, this.restApi);

    // Logging: access logs, and the account role that CloudWatch access and execution logs need.
    const accessLogs = (props.accessLogs ?? AccessLogs.cloudWatch())._bind(this);
    this.accessLogGroup = accessLogs.logGroup;
    this.accessLogDeliveryStream = accessLogs.deliveryStream;
    this.accessLogDestinationBucket = accessLogs.bucket;
    this.accessLogQueries = accessLogs.queries ?? [];
    if (
      regulatedProfile &&
      accessLogs.logGroup &&
      !accessLogs.logGroup.node.path.startsWith(`${this.node.path}/`)
    ) {
      regulated.checkGivenLogGroup(this, 'accessLogs', accessLogs.logGroup);
    }
    let accountRole: IDependable | undefined;
    if (props.executionLogging?.manageAccountRole !== false) {
      accountRole = configureAccountCloudWatchRole(this).dependable;
    }

    // Stages, each behind the web ACL (a preset may leave it out unless asked for).
    this.webAcl =
      props.waf === undefined && !shape.wafByDefault && !regulatedProfile
        ? undefined
        : createWebAcl(this, props.waf, additions.wafRules, additions.clientIpHeader);
    if (regulatedProfile && this.webAcl) {
      logWebAcl(this, this.webAcl, additions.secretHeaders);
    }
    this.stages = this.resolvedStages.map((resolved) => {
      const stage = createStage(this, resolved, {
        deployment: this.deployment,
        accessLogDestination: accessLogs.destination,
        routes: () => this.records(),
        version: () => this.definition.version,
        preflight: this.cors !== undefined,
      });
      if (accountRole) {
        stage.node.addDependency(accountRole);
      }
      if (this.webAcl) {
        associateWebAcl(this, `WebAclAssociation.${resolved.options.stageName}`, this.webAcl, stage);
      } else if (props.waf === undefined) {
        acknowledgeNoWebAclByDefault(stage);
      }
      return stage;
    });
    // Alarms and a dashboard of each stage, when asked for.
    const observed = this.resolvedStages.map((resolved, index) => ({
      stage: this.stages[index],
      stageName: resolved.options.stageName,
      cached: resolved.cache !== undefined,
    }));
    const alarms = props.alarms ? createAlarms(this, props.alarms, observed) : undefined;
    this.alarmTopic = alarms?.topic;
    this.alarms = alarms?.alarms ?? [];
    this.dashboard =
      props.dashboard &&
      createDashboard(this, props.dashboard, {
        title: this.apiName,
        stages: observed,
        webAclMetricName: this.webAcl && webAclMetricName(this.webAcl),
        accessLogGroup: this.accessLogGroup,
      });
    // Cache invalidation needs the caller's permission on every cached stage; CloudFormation cannot say so.
    configureStageCacheControl(
      this,
      this.restApi,
      this.resolvedStages.flatMap(({ options: { stageName }, cache }, index) =>
        cache
          ? [
              {
                stageName,
                stage: this.stages[index],
                unauthorizedCacheControl: cache.unauthorizedCacheControl,
                flushOnDeploy: cache.flushOnDeploy,
              },
            ]
          : [],
      ),
    );
    if (regulatedProfile) {
      regulated.attachClientCertificate(this, this.stages);
    }
    // The RestApi's own url/urlForPath (escape hatch users) then point at the first stage.
    this.restApi.deploymentStage = this.stages[0];
    const stageUrl = additions.stageUrl;
    this.vpcEndpointUrl = stageUrl !== undefined && endpointType === apigw.EndpointType.PRIVATE;
    this.stageUrl = stageUrl ? (stage) => stageUrl(this.restApi, stage) : (stage) => stage.urlForPath();
    if (customDomain) {
      const domain = bindCustomDomain(this, customDomain, {
        restApi: this.restApi,
        stage: this.stages[0],
        vpc: additions.vpc,
        vpcEndpoints: additions.vpcEndpoints,
      });
      this.customUrl = domain.url;
      this.domain = domain.domain;
      if (!disableExecuteApiEndpoint) {
        Annotations.of(this).addWarningV2(
          'cdk-apigateway-presets:execute-api-endpoint-kept',
          `The API's default execute-api endpoint stays reachable beside ${customDomain.options.domainName} ` +
            '(disableExecuteApiEndpoint: false), so clients can go around the domain and its TLS policy. ' +
            'Remove disableExecuteApiEndpoint once clients use the domain.',
        );
      }
    }
    cfnRestApi.disableExecuteApiEndpoint = disableExecuteApiEndpoint || undefined;
    if (disableExecuteApiEndpoint && !customDomain) {
      warnWhenNeverMapped(this, this.restApi);
    }
    this.endpointConfiguration = {
      ...(vpcEndpointIds ? { vpcEndpointIds } : {}),
      ...(disableExecuteApiEndpoint ? { disableExecuteApiEndpoint } : {}),
    };
    if (props.urlOutputs !== false && !disableExecuteApiEndpoint) {
      this.resolvedStages.forEach(({ options: { stageName } }, index) => {
        new CfnOutput(this, `Url.${stageName}`, {
          value: this.stageUrl(this.stages[index]),
          description:
            additions.stageUrlDescription?.(stageName) ??
            `Invoke URL of the ${stageName} stage of ${this.node.path}`,
        });
      });
    }
    if (props.deploymentIdOutput !== false) {
      outputDeploymentId(this, this.deployment);
    }

    // API keys and usage plans, bound to the stages.
    this.apiKeyRequired = props.apiKeyRequired ?? false;
    this.apiKeySource = props.apiKeySource ?? apigw.ApiKeySourceType.HEADER;
    this.usagePlans = new ApiUsagePlans(this, {
      restApi: this.restApi,
      stages: () =>
        this.stages.map((stage, i) => ({
          name: this.resolvedStages[i].options.stageName,
          stage,
          throttling: this.resolvedStages[i].throttling,
        })),
      routes: () => this.records().map((r) => `${r.key.method} ${r.key.path}`),
      routesRequiringKey: () =>
        this.records()
          .filter((r) => r.apiKeyRequired)
          .map((r) => `${r.key.method} ${r.key.path}`),
    });

    this.routeCheck = additions.checkRoute;
    additions.finish?.({ restApi: this.restApi, stages: this.stages, webAcl: this.webAcl });

    // Aspects run when the app starts to synthesize (the read-only ones last), validations once aws-cdk-lib
    // has prepared the app and found the references between stacks: from each of those points on, the
    // definition is resolved once for each change instead of at every resolution (see DefinitionCache).
    Aspects.of(this).add(
      {
        visit: (node) => {
          if (node === this) {
            this.definition.prepare();
          }
        },
      },
      { priority: AspectPriority.READONLY },
    );
    this.node.addValidation({
      validate: () => {
        this.definition.freeze();
        return [];
      },
    });
    this.node.addValidation({
      validate: () => checkDefinition(this, this.restApi, this.records(), this.binaryMediaTypes()),
    });
    // The whole template is measured once per stack, by its first preset, when the app synthesizes.
    const stack = Stack.of(this);
    if (!STACKS_WITH_SIZE_CHECK.has(stack)) {
      STACKS_WITH_SIZE_CHECK.add(stack);
      this.node.addValidation({ validate: () => checkTemplateSize(stack) });
    }
    if (props.openApiFile) {
      writeContractAtSynth(this, props.openApiFile, () => this.openApi());
    }
  }

  /**
   * The invoke URL of the first stage: on the custom domain when there is one, on the default endpoint
   * otherwise (which `disableExecuteApiEndpoint` turns off).
   */
  public get url(): string {
    return this.customUrl ?? this.stageUrl(this.stages[0]);
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
   * Grants `execute-api:InvalidateCache` on every route of a stage with a cache cluster, or of every such
   * stage: the grantee may send `Cache-Control: max-age=0` (in a SigV4-signed request) to get a fresh
   * response that replaces the cached one.
   *
   * @param grantee who may invalidate
   * @param stageName the stage; every stage with a cache cluster when not given
   */
  public grantInvalidateCache(grantee: iam.IGrantable, stageName?: string): iam.Grant {
    const cached = this.resolvedStages.filter((s) => s.cache).map((s) => s.options.stageName);
    if (stageName === undefined) {
      if (cached.length === 0) {
        throw new PresetValidationError(
          this,
          'grantInvalidateCache',
          'no stage with a cache cluster',
          'Only a cached stage has a cache to invalidate; set `caching` on the API or on a stage.',
        );
      }
      return grantInvalidateCache(grantee, this.restApi, cached);
    }
    this.stage(stageName);
    if (!cached.includes(stageName)) {
      throw new PresetValidationError(
        this,
        'stageName',
        stageName,
        `Only a cached stage has a cache to invalidate: ${cached.length > 0 ? `the stages with a cache cluster are ${cached.join(', ')}` : 'no stage has a cache cluster'}; set \`caching\` on the stage.`,
      );
    }
    return grantInvalidateCache(grantee, this.restApi, [stageName]);
  }

  /**
   * Adds a route: an HTTP method on a path, sent to an integration.
   *
   * @param method GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or ANY
   * @param path the resource path, e.g. `/orders/{id}` or `/files/{proxy+}`
   * @param integration where requests go
   * @param options authorization, caching, throttling, timeout, validation and documentation of this route
   * @returns the route, whose operation in the API definition can be overridden
   */
  public addRoute(
    method: string,
    path: string,
    integration: RouteIntegration,
    options: RouteOptions = {},
  ): ApiRoute {
    // Everything is checked first: a route that throws leaves no trace.
    const streaming = integration._streaming;
    const warnings: Array<[string, string]> =
      this.routeCheck?.({ method, path, options, streamed: streaming }) ?? [];
    const key = this.routes.parse(method, path);
    const route = `${key.method} ${key.path}`;
    if (key.method === 'OPTIONS' && this.cors) {
      throw new PresetValidationError(
        this,
        'route',
        `OPTIONS ${path}`,
        'With cors set, the preset answers OPTIONS itself on every route path; remove the OPTIONS route or the cors option.',
      );
    }
    const authorization = (options.authorization ?? this.defaultAuthorization)._config;
    checkRouteOptions(this, key, options, { ...this.timeoutLimit, streamed: streaming }, this.operationIds);
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
    const apiKeyRequired = options.apiKeyRequired ?? this.apiKeyRequired;
    if (apiKeyRequired) {
      checkApiKeySource(this, route, this.apiKeySource, authorization.kind);
    }
    const bodyModels = Object.entries(options.requestSchemas ?? {}).map(
      ([contentType, schema]) =>
        [
          contentType,
          this.models.prepare(this, `requestSchemas of ${route}.${contentType}`, schema),
        ] as const,
    );
    const responseSchema =
      options.responseSchema &&
      this.models.prepare(this, `responseSchema of ${route}`, options.responseSchema, false).schema;
    const rendered = renderInRoute(route, () => {
      const result = integration._render({
        scope: this,
        method: key.method,
        path: key.path,
        pathVariables: key.pathVariables,
        timeout: options.timeout,
        cacheKeyParameters,
        allowInvoke: (fn) => this.invokePermissions.allow(fn),
        addToDeploymentHash: (data) => this.deployment.addToLogicalId(data),
        cors: this.cors ? integrationResponseCors(this.cors) : undefined,
        warn: (id, message) => warnings.push([id, message]),
        responseSchemaGiven: responseSchema !== undefined,
      });
      checkMappingTemplates(this, result.integration);
      return result;
    });
    const rendering = responseSchema ? withResponseSchema(this, route, rendered, responseSchema) : rendered;

    // From here on the route is recorded.
    const apiRoute = ApiRoute._create(this, key.method, key.path, () => this.definition.changed());
    for (const [id, message] of warnings) {
      Annotations.of(apiRoute).addWarningV2(id, message);
    }
    if (streaming) {
      warnAboutStreamIdleTimeout(apiRoute, this.timeoutLimit);
    }
    if (options.operationId) {
      this.operationIds.add(options.operationId);
    }
    this.routes.add(key, {
      key,
      route: apiRoute,
      throttling: options.throttling,
      cached: cacheKeyParameters !== undefined,
      cacheTtl: options.cache?.ttl,
      documentation: options,
      requestParameters: methodRequestParameters(
        key,
        cacheKeyParameters,
        rendering.requestParameters,
        options.requestParameters,
      ),
      bodyModels:
        bodyModels.length > 0
          ? Object.fromEntries(
              bodyModels.map(([contentType, model]) => [contentType, this.models.register(model)]),
            )
          : undefined,
      security: this.authorizers.bind(authorization, apiRoute),
      apiKeyRequired,
      integration: rendering,
    });
    this.definition.changed();
    return apiRoute;
  }

  /**
   * Adds an API key, `ApiKey.<id>` under the preset. Its construct id is all that names it: keep the id
   * stable, since a new id makes CloudFormation replace the key (and API Gateway generate a new value,
   * unless the value comes from a secret).
   *
   * @param id the key's construct id, unique among the API's keys
   * @param options where its value comes from, and its description
   * @returns the key, to add to usage plans
   */
  public addApiKey(id: string, options: ApiKeyOptions = {}): apigw.ApiKey {
    return this.usagePlans.addApiKey(id, options);
  }

  /**
   * Adds a usage plan, `UsagePlan.<id>` under the preset, covering the API's stages (all, or those named):
   * the throttling, quota and per-route throttling each of its API keys gets.
   *
   * @param id the plan's construct id
   * @param options throttling, quota, stages, per-route throttling and API keys of the plan
   * @returns the plan, to add more keys to with `addApiKey`
   */
  public addUsagePlan(id: string, options: UsagePlanOptions = {}): apigw.UsagePlan {
    return this.usagePlans.addUsagePlan(id, options);
  }

  /**
   * Lets `grantee` read the value of a key made with `addApiKey`: `apigateway:GET` on the key, and read
   * access to the secret its value comes from, if any.
   *
   * @param apiKey a key `addApiKey` returned
   * @param grantee who may read it
   */
  public grantReadApiKey(apiKey: apigw.IApiKey, grantee: iam.IGrantable): iam.Grant {
    return this.usagePlans.grantRead(apiKey, grantee);
  }

  /**
   * The API's contract: its OpenAPI 3.0 document without API Gateway's extensions or deploy-time
   * values (paths, operations, parameters, request bodies, security), for clients and SDK generators.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON, as IRestApiPreset.openApi
  public openApi(): any {
    const definitionParts = this.documentParts();
    const parts = {
      ...definitionParts,
      ...keysForContract(this.apiKeySource, definitionParts.routes, definitionParts.securitySchemes),
    };
    const contract = nameContract(
      renderContract({
        ...parts,
        title: Token.isUnresolved(this.contractTitle) ? this.node.id : this.contractTitle,
      }),
      {
        securitySchemes: this.authorizers.contractNames(),
        servers: contractServers({
          given: this.openApiServers,
          customDomainUrl: this.customUrl,
          executeApiEndpoint: this.endpointConfiguration.disableExecuteApiEndpoint !== true,
          stageNames: this.resolvedStages.map((s) => s.options.stageName),
          region: Stack.of(this).region,
          vpcEndpointUrl: this.vpcEndpointUrl,
        }),
      },
    );
    const tokens = Stack.of(this).resolve(contract);
    if (JSON.stringify(tokens) !== JSON.stringify(contract)) {
      throw new PresetValidationError(
        this,
        'OpenAPI contract',
        'a value known only at deploy time',
        'The contract is what clients are built from: descriptions, summaries, tags and body schemas must be known at synth.',
      );
    }
    return contract;
  }

  /** The API's binary media types and those its routes need, each once. */
  private binaryMediaTypes(): string[] {
    const types = new Set(this.apiBinaryMediaTypes);
    for (const record of this.records()) {
      for (const type of record.integration.binaryMediaTypes ?? []) {
        types.add(type);
      }
    }
    return [...types];
  }

  private records(): RouteRecord[] {
    return this.routes.entries().map((r) => r.value);
  }

  private documentParts(): ApiDocumentParts {
    const records = this.records();
    const apiKeys = records.some((r) => r.apiKeyRequired);
    const fromAuthorizer = this.apiKeySource === apigw.ApiKeySourceType.AUTHORIZER;
    return {
      title: this.apiName,
      description: this.apiDescription,
      routes: records,
      securitySchemes: {
        ...this.authorizers.securitySchemes(),
        ...(apiKeys ? { [API_KEY_SCHEME]: apiKeySecurityScheme(fromAuthorizer) } : {}),
      },
      apiKeySource: apiKeys ? this.apiKeySource : undefined,
      schemas: this.models.schemas(),
      cors: this.cors,
      policy: this.policy,
      endpointConfiguration: this.endpointConfiguration,
      binaryMediaTypes: this.binaryMediaTypes(),
    };
  }
}
