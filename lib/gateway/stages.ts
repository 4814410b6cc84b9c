import { Annotations, Duration, Lazy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { isRegulated } from '../compliance/compliance-profile';
import { accessLogFormat } from '../observability/access-logs';
import { CacheSize } from '../traffic/caching';
import { ThrottlingOptions } from '../traffic/throttling';
import { checkStageRelease, renderStageRelease, warnAboutStageRelease } from '../release/canary';
import * as defaults from '../private/defaults';
import { PresetValidationError } from '../private/errors';
import * as limits from '../private/limits';
import { HTTP_METHODS } from '../private/limits';
import { RestApiPresetProps, StageOptions } from './options';
import { RouteKey } from './route-table';

/** A stage's settings once the API-wide values and the defaults are applied. */
export interface ResolvedStage {
  readonly options: StageOptions;
  readonly throttling: ThrottlingOptions;
  readonly cache?: {
    readonly size: CacheSize;
    readonly ttl: Duration;
    readonly encrypted: boolean;
    /** The method setting `unauthorizedCacheControlHeaderStrategy` applied to every method. */
    readonly unauthorizedCacheControl: string;
    readonly flushOnDeploy: boolean;
    /**
     * Whether the stage-wide method setting turns caching on, with a TTL of 0 seconds: nothing is cached
     * unless a route asks (ComplianceProfile.REGULATED).
     */
    readonly enabledStageWide: boolean;
  };
  readonly loggingLevel: apigw.MethodLoggingLevel;
  readonly dataTrace: boolean;
  readonly tracing: boolean;
  /** Whether the stage sends per-method (detailed) CloudWatch metrics. */
  readonly detailedMetrics: boolean;
}

/** What a stage needs to know of a route to give it its own method settings. */
export interface StageRoute {
  readonly key: RouteKey;
  readonly throttling?: ThrottlingOptions;
  readonly cacheTtl?: Duration;
  /** Whether the route asked for caching (it is cached in the stages that have a cache cluster). */
  readonly cached: boolean;
}

/**
 * Checks the stages and applies, per stage: its own value > the API's value > the default. Leaves the
 * warnings of a stage that turns a protection off.
 */
export function resolveStages(scope: Construct, props: RestApiPresetProps): ResolvedStage[] {
  const stages = props.stages ?? [{ stageName: defaults.defaultStageName() }];
  if (stages.length === 0 || stages.length > limits.MAX_STAGES_PER_API) {
    throw new PresetValidationError(
      scope,
      'stages',
      `${stages.length} stages`,
      `An API has 1 to ${limits.MAX_STAGES_PER_API} stages (API Gateway's default quota).`,
    );
  }
  const names = new Set<string>();
  return stages.map((stage, index) => {
    const prop = `stages[${index}]`;
    limits.checkStageName(scope, `${prop}.stageName`, stage.stageName);
    if (names.has(stage.stageName)) {
      throw new PresetValidationError(
        scope,
        `${prop}.stageName`,
        stage.stageName,
        'Stage names must be unique.',
      );
    }
    names.add(stage.stageName);
    if (stage.variables) {
      limits.checkStageVariables(scope, `${prop}.variables`, stage.variables);
    }
    const throttling = stage.throttling ?? props.throttling ?? defaults.defaultThrottling();
    limits.checkThrottling(scope, stage.throttling ? `${prop}.throttling` : 'throttling', throttling);

    // A regulated API has an encrypted cache cluster on every stage (HIPAA/NIST/PCI APIGWCacheEnabledAndEncrypted).
    const regulated = isRegulated(props.compliance);
    const caching = stage.caching ?? props.caching ?? (regulated ? {} : undefined);
    let cache: ResolvedStage['cache'];
    if (caching) {
      const cacheDefaults = defaults.defaultCache();
      const ttl = caching.ttl ?? cacheDefaults.ttl;
      const cachingProp = stage.caching ? `${prop}.caching` : 'caching';
      limits.checkCacheTtl(scope, `${cachingProp}.ttl`, ttl);
      if (regulated && caching.encrypted === false) {
        throw new PresetValidationError(
          scope,
          `${cachingProp}.encrypted`,
          false,
          'ComplianceProfile.REGULATED encrypts every cache cluster (HIPAA.Security, NIST.800.53.R5 and PCI.DSS.321 ' +
            'APIGWCacheEnabledAndEncrypted): remove encrypted: false.',
        );
      }
      cache = {
        size: caching.size ?? CacheSize.GB_0_5,
        ttl,
        encrypted: caching.encrypted ?? cacheDefaults.encrypted,
        unauthorizedCacheControl:
          caching.unauthorizedCacheControl?.strategy ?? cacheDefaults.unauthorizedCacheControl,
        flushOnDeploy: caching.flushOnDeploy ?? cacheDefaults.flushOnDeploy,
        enabledStageWide: regulated,
      };
    }

    checkStageRelease(scope, prop, stage, cache !== undefined);
    warnAboutStageRelease(scope, stage.stageName, stage);

    const loggingDefaults = defaults.defaultExecutionLogging();
    const loggingLevel =
      stage.executionLogging?.level ?? props.executionLogging?.level ?? loggingDefaults.level;
    const dataTrace =
      stage.executionLogging?.dataTrace ?? props.executionLogging?.dataTrace ?? loggingDefaults.dataTrace;
    const tracing = stage.tracing ?? props.tracing ?? defaults.defaultTracingEnabled();
    warnAboutTurnedOffProtections(scope, stage.stageName, { loggingLevel, dataTrace, tracing });
    const detailedMetrics =
      stage.detailedMetrics ?? props.detailedMetrics ?? defaults.defaultDetailedMetricsEnabled();
    return { options: stage, throttling, cache, loggingLevel, dataTrace, tracing, detailedMetrics };
  });
}

function warnAboutTurnedOffProtections(
  scope: Construct,
  stageName: string,
  stage: Pick<ResolvedStage, 'loggingLevel' | 'dataTrace' | 'tracing'>,
): void {
  if (stage.dataTrace) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:data-trace',
      `Stage '${stageName}' logs full request and response data, which may include secrets and personal data.`,
    );
  }
  if (stage.loggingLevel === apigw.MethodLoggingLevel.OFF) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:execution-logging-off',
      `Stage '${stageName}' has execution logging turned off; failed requests leave no trace beyond the access log.`,
    );
  }
  if (!stage.tracing) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:tracing-off',
      `Stage '${stageName}' has X-Ray tracing turned off.`,
    );
  }
}

/** What every stage of an API shares. */
export interface StageContext {
  readonly deployment: apigw.Deployment;
  readonly accessLogDestination: apigw.IAccessLogDestination;
  /** The API's routes, read when the stage is rendered. */
  readonly routes: () => readonly StageRoute[];
  /** The state of the route table: a new number after each change. */
  readonly version: () => number;
  /** Whether the API answers OPTIONS itself on every route path (CORS preflight). */
  readonly preflight: boolean;
}

/** Creates scope/Stage.<name>, serving the API's deployment with the resolved settings. */
export function createStage(scope: Construct, resolved: ResolvedStage, context: StageContext): apigw.Stage {
  const { options, cache } = resolved;
  const stage = new apigw.Stage(scope, `Stage.${options.stageName}`, {
    deployment: context.deployment,
    stageName: options.stageName,
    description: options.description,
    tracingEnabled: resolved.tracing,
    cacheClusterEnabled: cache !== undefined,
    cacheClusterSize: cache?.size.gigabytes,
    accessLogDestination: context.accessLogDestination,
    accessLogFormat: accessLogFormat(),
    variables: options.variables,
  });
  // The pinned deployment and the canary, when the stage has them.
  renderStageRelease(stage, options, context.deployment);
  const cfnStage = stage.node.defaultChild as apigw.CfnStage;
  // Rendered from the route table as it is when the template is resolved, once for each change.
  let rendered: { version: number; settings: apigw.CfnStage.MethodSettingProperty[] } | undefined;
  cfnStage.methodSettings = Lazy.uncachedAny({
    produce: () => {
      const version = context.version();
      if (rendered?.version !== version) {
        rendered = { version, settings: methodSettings(resolved, context.routes(), context.preflight) };
      }
      return rendered.settings;
    },
  });
  Validations.of(cfnStage).acknowledge({
    id: 'Serverless-APIGWStructuredLogging',
    reason:
      'The access log is JSON once API Gateway fills in its variables: errorMessage is $context.error.messageString, ' +
      'which API Gateway writes already quoted and escaped, so it stands unquoted in the format and the format text ' +
      'alone does not parse as JSON. The line leaves out the variables API Gateway writes unescaped from outside ' +
      "(user agent, integration and authorizer error texts). The preset's tests render a line with quotes, " +
      'backslashes and newlines in every value that comes from outside and parse it.',
  });
  return stage;
}

/**
 * The stage's method settings: the stage-wide entry, then one per method of each route that overrides
 * the stage's throttling or caching.
 *
 * API Gateway keys a method setting `{resource_path}/{http_method}`, or `*\/*` for the whole stage (API
 * Gateway API reference, Stage `methodSettings`; AWS::ApiGateway::Stage MethodSetting). Neither `ANY`
 * nor `*` is an HTTP method there, so an ANY route gets one entry per method it really serves: never
 * one for a method that a sibling route of the same path has (with its own authorization) or that the
 * CORS preflight answers.
 */
export function methodSettings(
  stage: ResolvedStage,
  routes: readonly StageRoute[],
  preflight: boolean,
): apigw.CfnStage.MethodSettingProperty[] {
  const settings = [stageWideMethodSetting(stage)];
  const methodsByPath = new Map<string, Set<string>>();
  for (const { key } of routes) {
    const methods = methodsByPath.get(key.path) ?? new Set<string>();
    methods.add(key.method);
    methodsByPath.set(key.path, methods);
  }
  for (const route of routes) {
    const cached = route.cached && stage.cache !== undefined;
    // Only routes that differ from their stage: a large API would otherwise list every route.
    if (!cached && sameThrottling(route.throttling ?? stage.throttling, stage.throttling)) {
      continue;
    }
    const fields = methodSettingFields(
      stage,
      route.throttling ?? stage.throttling,
      cached ? (route.cacheTtl ?? stage.cache!.ttl) : undefined,
    );
    const resourcePath = methodSettingResourcePath(route.key.path);
    for (const httpMethod of methodsServedBy(route.key, methodsByPath.get(route.key.path)!, preflight)) {
      settings.push({ httpMethod, resourcePath, ...fields });
    }
  }
  return settings;
}

/** The methods a route answers: an ANY route answers those its path has no own route (or preflight) for. */
export function methodsServedBy(
  key: RouteKey,
  methodsOfPath: ReadonlySet<string>,
  preflight: boolean,
): string[] {
  if (key.method !== 'ANY') {
    return [key.method];
  }
  return HTTP_METHODS.filter((m) => m !== 'ANY' && !methodsOfPath.has(m) && !(preflight && m === 'OPTIONS'));
}

function sameThrottling(a: ThrottlingOptions, b: ThrottlingOptions): boolean {
  return a.rateLimit === b.rateLimit && a.burstLimit === b.burstLimit;
}

/** The `*\/*` entry: every field, the values every method of the stage starts from. */
function stageWideMethodSetting(stage: ResolvedStage): apigw.CfnStage.MethodSettingProperty {
  return {
    httpMethod: '*',
    resourcePath: '/*',
    loggingLevel: stage.loggingLevel,
    dataTraceEnabled: stage.dataTrace,
    metricsEnabled: stage.detailedMetrics,
    throttlingRateLimit: stage.throttling.rateLimit,
    throttlingBurstLimit: stage.throttling.burstLimit,
    // Under REGULATED on, with a TTL of 0 ("TTL=0 means caching is disabled", API Gateway developer guide,
    // "Cache settings for REST APIs in API Gateway"): only the routes that ask are cached, each per caller.
    cachingEnabled: stage.cache?.enabledStageWide ?? false,
    ...(stage.cache
      ? {
          cacheDataEncrypted: stage.cache.encrypted,
          cacheTtlInSeconds: stage.cache.enabledStageWide ? 0 : stage.cache.ttl.toSeconds(),
        }
      : {}),
  };
}

/**
 * The fields of a per-method entry. AWS's documentation does not say whether a per-method entry takes
 * the stage-wide values of the fields it leaves out, and tools that write per-method entries copy the
 * stage's logging into them, so an entry is written to mean the same either way: it leaves out only a
 * field whose stage value is also API Gateway's default for a method (logging OFF, no data trace, no
 * detailed metrics), and the cache fields of an entry that does not cache. Throttling and, in a stage with a cache cluster, whether the method caches are always written.
 */
function methodSettingFields(
  stage: ResolvedStage,
  throttling: ThrottlingOptions,
  cacheTtl?: Duration,
): Omit<apigw.CfnStage.MethodSettingProperty, 'httpMethod' | 'resourcePath'> {
  return {
    ...(stage.loggingLevel !== apigw.MethodLoggingLevel.OFF ? { loggingLevel: stage.loggingLevel } : {}),
    ...(stage.dataTrace ? { dataTraceEnabled: true } : {}),
    ...(stage.detailedMetrics ? { metricsEnabled: true } : {}),
    throttlingRateLimit: throttling.rateLimit,
    throttlingBurstLimit: throttling.burstLimit,
    // Without a cache cluster nothing is cached (CloudFormation MethodSetting CachingEnabled).
    ...(stage.cache ? { cachingEnabled: cacheTtl !== undefined } : {}),
    ...(stage.cache && cacheTtl !== undefined
      ? { cacheDataEncrypted: stage.cache.encrypted, cacheTtlInSeconds: cacheTtl.toSeconds() }
      : {}),
  };
}

/**
 * The `ResourcePath` of a stage method setting: API Gateway escapes each '/' of the path as '~1'.
 */
export function methodSettingResourcePath(path: string): string {
  // The root resource is written as a lone '/' (CloudFormation MethodSetting reference).
  return path === '/' ? '/' : `/${path.replace(/\//g, '~1')}`;
}
