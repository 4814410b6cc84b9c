'use strict';
/*
 * Custom resource handler for a stage's cache, with two resource types:
 *
 * - Custom::ApiGatewayCacheControlAuthorization sets, on every method setting of the stage (the
 *   stage-wide `*` + `/*` entry and each per-method entry), `requireAuthorizationForCacheControl` to true
 *   and `unauthorizedCacheControlHeaderStrategy` to the configured value, through UpdateStage. CloudFormation's
 *   AWS::ApiGateway::Stage MethodSetting has neither property, so a Stage update may leave them at
 *   whatever API Gateway gives a method setting it writes; CloudFormation re-runs this after every
 *   change to the stage's properties.
 * - Custom::ApiGatewayStageCacheFlush flushes the stage's cache (FlushStageCache) when the stage starts
 *   serving a new deployment: its DeploymentId property changes exactly then.
 *
 * Delete does nothing for either: the stage is deleted with its settings, or keeps the stricter ones.
 *
 * A plain Lambda-backed custom resource: lib/private/handler/cfn-response.js answers CloudFormation,
 * exactly once and in time. The AWS SDK v3 comes from the Lambda Node.js runtime; it is required lazily
 * so unit tests can inject a fake client through `makeHandler`.
 */

const {
  answerOnce,
  lazyEntryPoint,
  sdkClientConfig: boundedSdkClientConfig,
  sendResponse,
  sleep: realSleep,
  withRetries: retrying,
  RESPONSE_RESERVE_MS,
} = require('../../../private/handler/cfn-response');

const AUTHORIZATION_TYPE = 'Custom::ApiGatewayCacheControlAuthorization';
const FLUSH_TYPE = 'Custom::ApiGatewayStageCacheFlush';

/** The values API Gateway accepts for `unauthorizedCacheControlHeaderStrategy` (MethodSetting). */
const STRATEGIES = ['FAIL_WITH_403', 'SUCCEED_WITH_RESPONSE_HEADER', 'SUCCEED_WITHOUT_RESPONSE_HEADER'];

/** The stage-wide method setting key. */
const STAGE_WIDE_KEY = '*/*';

/** Method settings patched per UpdateStage call (two operations each); each call is idempotent. */
const KEYS_PER_UPDATE = 50;

/**
 * Cache cluster states in which the cache may hold responses (Stage `cacheClusterStatus`). A cluster
 * being created holds nothing yet, and a stage without one has nothing to flush.
 */
const FLUSHABLE_STATUSES = ['AVAILABLE', 'FLUSH_IN_PROGRESS'];

/**
 * Cache cluster states that are still changing. A stage's cache cluster takes up to 4 minutes to create
 * (API Gateway developer guide, "Enable Amazon API Gateway caching"); the method settings are patched
 * once it has settled, as other tools wait for it before changing a stage.
 */
const SETTLING_STATUSES = ['CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'FLUSH_IN_PROGRESS'];
/** How long to wait for the cache cluster to settle before patching anyway. */
const CLUSTER_WAIT_BUDGET_MS = 360000;
const CLUSTER_POLL_MS = 15000;

/** Total time spent waiting between attempts of calls that were throttled or conflicted. */
const RETRY_BUDGET_MS = 180000;
const RETRY_FIRST_DELAY_MS = 2000;
const RETRY_MAX_DELAY_MS = 20000;
/** Spreads retries of stages updated at the same moment. */
const MAX_JITTER_MS = 1000;
/** Bounds every SDK call, so a hung connection cannot use up the invocation. */
const SDK_REQUEST_TIMEOUT_MS = 10000;
const SDK_MAX_ATTEMPTS = 3;

/**
 * The method setting keys to patch: every key the stage has, and the stage-wide one first, whether or
 * not the stage lists it.
 *
 * @param {Record<string, unknown> | undefined} methodSettings the stage's `methodSettings` map, keyed
 *   `{resource_path}/{http_method}` with '/' in the path written '~1' (e.g. `~1orders~1{id}/GET`), or `*` + `/*`
 * @returns {string[]}
 */
function methodSettingKeys(methodSettings) {
  const keys = Object.keys(methodSettings || {}).filter((key) => key !== STAGE_WIDE_KEY);
  return [STAGE_WIDE_KEY, ...keys.sort()];
}

/**
 * The UpdateStage patch operations that require authorization for `Cache-Control: max-age=0` on these
 * method settings: `/{method_setting_key}/caching/requireAuthorizationForCacheControl` (a Boolean) and
 * `/{method_setting_key}/caching/unauthorizedCacheControlHeaderStrategy` (API Gateway API reference,
 * MethodSetting). Patch values are strings.
 *
 * @param {string[]} keys
 * @param {string} strategy
 */
function cacheControlPatchOperations(keys, strategy) {
  if (!STRATEGIES.includes(strategy)) {
    throw new Error(
      `UnauthorizedCacheControl must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}`,
    );
  }
  return keys.flatMap((key) => [
    { op: 'replace', path: `/${key}/caching/requireAuthorizationForCacheControl`, value: 'true' },
    { op: 'replace', path: `/${key}/caching/unauthorizedCacheControlHeaderStrategy`, value: strategy },
  ]);
}

/** The keys whose settings in an UpdateStage answer are not what was patched. */
function keysNotApplied(stage, keys, strategy) {
  const settings = (stage && stage.methodSettings) || {};
  return keys.filter((key) => {
    const setting = settings[key];
    return (
      !setting ||
      setting.requireAuthorizationForCacheControl !== true ||
      setting.unauthorizedCacheControlHeaderStrategy !== strategy
    );
  });
}

/**
 * @param {{
 *   apigateway: { getStage(input: object): Promise<{ methodSettings?: object, cacheClusterStatus?: string }>,
 *                 updateStage(input: object): Promise<{ methodSettings?: object }>,
 *                 flushStageCache(input: object): Promise<unknown> },
 *   sleep: (ms: number) => Promise<void>,
 *   respond?: (responseUrl: string, body: object) => Promise<void>,
 *   random?: () => number,
 *   log?: (...args: unknown[]) => void,
 * }} deps `respond` delivers the response to CloudFormation; it defaults to an HTTPS PUT.
 */
function makeHandler(deps) {
  const { apigateway, sleep } = deps;
  const respond = deps.respond || ((url, body) => sendResponse(url, body, { sleep }));
  const random = deps.random || Math.random;
  const log = deps.log || console.log;

  /** Calls `call`, retrying throttling and conflicts (a stage being updated) within the retry budget. */
  function withRetries(what, call, run) {
    return retrying(what, call, {
      run,
      isRetryable,
      sleep,
      random,
      log,
      firstDelayMs: RETRY_FIRST_DELAY_MS,
      maxDelayMs: RETRY_MAX_DELAY_MS,
      jitterMs: MAX_JITTER_MS,
      budgetMs: RETRY_BUDGET_MS,
    });
  }

  /** The stage, once its cache cluster is no longer being created, deleted or flushed (or the wait is over). */
  async function settledStage(restApiId, stageName, run) {
    let waited = 0;
    for (;;) {
      const stage = await withRetries(
        `GetStage ${restApiId}/${stageName}`,
        () => apigateway.getStage({ restApiId, stageName }),
        run,
      );
      const status = stage.cacheClusterStatus;
      if (!SETTLING_STATUSES.includes(status)) {
        return stage;
      }
      if (waited + CLUSTER_POLL_MS > CLUSTER_WAIT_BUDGET_MS) {
        log(`The cache cluster of ${restApiId}/${stageName} is still ${status}; patching anyway.`);
        return stage;
      }
      log(
        `The cache cluster of ${restApiId}/${stageName} is ${status}; checking again in ${CLUSTER_POLL_MS} ms.`,
      );
      await sleep(CLUSTER_POLL_MS);
      waited += CLUSTER_POLL_MS;
    }
  }

  async function requireAuthorization(props, run) {
    const { restApiId, stageName } = props;
    const strategy = props.strategy;
    // Checked before any call, so a wrong value changes nothing.
    cacheControlPatchOperations([], strategy);
    const stage = await settledStage(restApiId, stageName, run);
    const keys = methodSettingKeys(stage.methodSettings);
    for (let start = 0; start < keys.length; start += KEYS_PER_UPDATE) {
      const batch = keys.slice(start, start + KEYS_PER_UPDATE);
      const updated = await withRetries(
        `UpdateStage ${restApiId}/${stageName}`,
        () =>
          apigateway.updateStage({
            restApiId,
            stageName,
            patchOperations: cacheControlPatchOperations(batch, strategy),
          }),
        run,
      );
      const missed = keysNotApplied(updated, batch, strategy);
      if (missed.length > 0) {
        throw new Error(
          `UpdateStage ${restApiId}/${stageName} answered without the cache-control settings on ${missed.join(', ')}`,
        );
      }
    }
    log(`Required authorization for Cache-Control (${strategy}) on ${keys.join(', ')}.`);
    return {
      Reason: `Cache invalidation requires authorization on ${keys.length} method settings (${strategy}).`,
      Data: { MethodSettings: String(keys.length) },
    };
  }

  async function flush(props, run) {
    const { restApiId, stageName } = props;
    const stage = await withRetries(
      `GetStage ${restApiId}/${stageName}`,
      () => apigateway.getStage({ restApiId, stageName }),
      run,
    );
    const status = stage.cacheClusterStatus;
    if (!FLUSHABLE_STATUSES.includes(status)) {
      log(`Not flushing ${restApiId}/${stageName}: its cache cluster is ${status}, so it holds nothing.`);
      return { Reason: `Nothing to flush: the cache cluster is ${status}.`, Data: { Flushed: 'false' } };
    }
    await withRetries(
      `FlushStageCache ${restApiId}/${stageName}`,
      () => apigateway.flushStageCache({ restApiId, stageName }),
      run,
    );
    log(`Flushed the cache of ${restApiId}/${stageName} for deployment ${props.deploymentId}.`);
    return {
      Reason: `Flushed the stage cache for deployment ${props.deploymentId}.`,
      Data: { Flushed: 'true' },
    };
  }

  /** The outcome of one request, without the fields that echo the event. */
  async function decide(event, run) {
    if (event.RequestType === 'Delete') {
      // The stage goes with its settings, or keeps the stricter ones; a flushed cache has nothing to undo.
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        Reason: 'Nothing to undo.',
        Data: {},
      };
    }
    const props = readProperties(event);
    const outcome =
      event.ResourceType === FLUSH_TYPE ? await flush(props, run) : await requireAuthorization(props, run);
    return { PhysicalResourceId: `${props.restApiId}/${props.stageName}`, ...outcome };
  }

  return answerOnce({ decide, respond, log, unfinished: 'the stage was updated' });
}

/** The resource's properties, checked; throws on a missing one. */
function readProperties(event) {
  const p = event.ResourceProperties || {};
  if (event.ResourceType !== AUTHORIZATION_TYPE && event.ResourceType !== FLUSH_TYPE) {
    throw new Error(`Unknown resource type ${JSON.stringify(event.ResourceType)}`);
  }
  for (const name of ['RestApiId', 'StageName']) {
    if (typeof p[name] !== 'string' || p[name] === '') {
      throw new Error(`${name} must be a non-empty string, got ${JSON.stringify(p[name])}`);
    }
  }
  return {
    restApiId: p.RestApiId,
    stageName: p.StageName,
    strategy: p.UnauthorizedCacheControl,
    deploymentId: p.DeploymentId,
  };
}

/** Throttling, and a conflict with another change of the same stage, which pass with time. */
function isRetryable(err) {
  if (!err) {
    return false;
  }
  const name = err.name || err.Code;
  return (
    name === 'TooManyRequestsException' ||
    name === 'LimitExceededException' ||
    name === 'ConflictException' ||
    Boolean(err.$metadata && err.$metadata.httpStatusCode === 429)
  );
}

/** The configuration of the SDK client. */
function sdkClientConfig() {
  return boundedSdkClientConfig({ requestTimeoutMs: SDK_REQUEST_TIMEOUT_MS, maxAttempts: SDK_MAX_ATTEMPTS });
}

const handler = lazyEntryPoint(() => {
  const { APIGateway } = require('@aws-sdk/client-api-gateway');
  return makeHandler({ apigateway: new APIGateway(sdkClientConfig()), sleep: realSleep });
});

module.exports = {
  handler,
  makeHandler,
  methodSettingKeys,
  cacheControlPatchOperations,
  sendResponse,
  sdkClientConfig,
  AUTHORIZATION_TYPE,
  FLUSH_TYPE,
  STRATEGIES,
  KEYS_PER_UPDATE,
  RETRY_BUDGET_MS,
  CLUSTER_WAIT_BUDGET_MS,
  CLUSTER_POLL_MS,
  RESPONSE_RESERVE_MS,
};
