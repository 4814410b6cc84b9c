import * as fs from 'fs';
import * as path from 'path';
import { RequestFn } from '../support/fake-https';

/*
 * The stage-cache custom resource handler, with a fake API Gateway client and a fake responder: no
 * SDK, no AWS, no network.
 */

const HANDLER_DIR = path.join(__dirname, '..', '..', 'lib', 'traffic', 'handler', 'stage-cache');

interface PatchOperation {
  readonly op: string;
  readonly path: string;
  readonly value: string;
}
interface MethodSetting {
  readonly requireAuthorizationForCacheControl?: boolean;
  readonly unauthorizedCacheControlHeaderStrategy?: string;
  readonly [field: string]: unknown;
}
interface StageAnswer {
  readonly methodSettings?: Record<string, MethodSetting>;
  readonly cacheClusterStatus?: string;
}
interface HandlerEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceType: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}
interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data: Record<string, string>;
}
interface LambdaContext {
  readonly logStreamName?: string;
  getRemainingTimeInMillis?(): number;
}
interface ApiGatewayClient {
  getStage(input: object): Promise<StageAnswer>;
  updateStage(input: { patchOperations: PatchOperation[] }): Promise<StageAnswer>;
  flushStageCache(input: object): Promise<unknown>;
}
interface HandlerDeps {
  readonly apigateway: ApiGatewayClient;
  readonly sleep: (ms: number) => Promise<void>;
  readonly respond?: (responseUrl: string, body: CfnResponse) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (...args: unknown[]) => void;
}
interface HandlerModule {
  makeHandler(deps: HandlerDeps): (event: HandlerEvent, context?: LambdaContext) => Promise<CfnResponse>;
  methodSettingKeys(methodSettings?: Record<string, unknown>): string[];
  cacheControlPatchOperations(keys: string[], strategy: string): PatchOperation[];
  sendResponse(
    responseUrl: string,
    body: CfnResponse,
    options: {
      sleep: (ms: number) => Promise<void>;
      request?: RequestFn;
    },
  ): Promise<void>;
  sdkClientConfig(): { maxAttempts: number; requestHandler: Record<string, unknown> };
  AUTHORIZATION_TYPE: string;
  FLUSH_TYPE: string;
  STRATEGIES: string[];
  KEYS_PER_UPDATE: number;
  RETRY_BUDGET_MS: number;
  CLUSTER_WAIT_BUDGET_MS: number;
  CLUSTER_POLL_MS: number;
  RESPONSE_RESERVE_MS: number;
}

// The handler is plain JavaScript shipped as-is; there are no type declarations to import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule = require(path.join(HANDLER_DIR, 'index.js')) as HandlerModule;

const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc';
const ECHOED = {
  StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/Main/1a2b',
  RequestId: 'req-1',
  LogicalResourceId: 'ApiCacheControlAuthorizationprod1234',
};

function awsError(name: string, message: string, status?: number): Error {
  const err = new Error(message);
  err.name = name;
  if (status) {
    Object.assign(err, { $metadata: { httpStatusCode: status } });
  }
  return err;
}

/**
 * A fake API Gateway holding one stage: `methodSettings` as GetStage lists them, updated by
 * UpdateStage's replace operations as API Gateway would. `failures` are thrown by successive calls
 * of the named operation before it succeeds.
 */
function fakes(
  opts: {
    methodSettings?: Record<string, MethodSetting>;
    cacheClusterStatus?: string;
    /** Successive cache cluster states GetStage answers, the last one repeated. */
    statuses?: string[];
    failures?: Partial<Record<'getStage' | 'updateStage' | 'flushStageCache', Error[]>>;
    /** Settings UpdateStage leaves out of its answer (as if it ignored them). */
    dropFromAnswer?: string[];
  } = {},
) {
  const calls: string[] = [];
  const updates: PatchOperation[][] = [];
  const sleeps: number[] = [];
  const responses: { url: string; body: CfnResponse }[] = [];
  const settings: Record<string, Record<string, unknown>> = JSON.parse(
    JSON.stringify(opts.methodSettings ?? { '*/*': {} }),
  );
  const failures = { getStage: [], updateStage: [], flushStageCache: [], ...opts.failures };
  const failNext = (operation: keyof typeof failures) => {
    const err = failures[operation]?.shift();
    if (err) {
      throw err;
    }
  };
  const deps: HandlerDeps = {
    apigateway: {
      async getStage(input) {
        calls.push(`getStage ${JSON.stringify(input)}`);
        failNext('getStage');
        const statuses = opts.statuses ?? [opts.cacheClusterStatus];
        const status = statuses.length > 1 ? statuses.shift() : statuses[0];
        return { methodSettings: JSON.parse(JSON.stringify(settings)), cacheClusterStatus: status };
      },
      async updateStage(input) {
        calls.push(`updateStage ${JSON.stringify({ ...input, patchOperations: undefined })}`);
        failNext('updateStage');
        updates.push(input.patchOperations);
        for (const op of input.patchOperations) {
          const match = /^\/(.+)\/([^/]+)\/caching\/([A-Za-z]+)$/.exec(op.path);
          if (!match || op.op !== 'replace') {
            throw awsError('BadRequestException', `Invalid patch path ${op.path}`, 400);
          }
          const key = `${match[1]}/${match[2]}`;
          settings[key] = {
            ...settings[key],
            [match[3]]: match[3] === 'requireAuthorizationForCacheControl' ? op.value === 'true' : op.value,
          };
        }
        const answer = JSON.parse(JSON.stringify(settings));
        for (const key of opts.dropFromAnswer ?? []) {
          delete answer[key];
        }
        return { methodSettings: answer };
      },
      async flushStageCache(input) {
        calls.push(`flushStageCache ${JSON.stringify(input)}`);
        failNext('flushStageCache');
        return {};
      },
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    respond: async (url: string, body: CfnResponse) => {
      responses.push({ url, body });
    },
    random: () => 0,
    log: () => undefined,
  };
  const response = (): CfnResponse => {
    expect(responses).toHaveLength(1);
    expect(responses[0].url).toBe(RESPONSE_URL);
    return responses[0].body;
  };
  return { deps, calls, updates, sleeps, response, settings };
}

function authorizationEvent(
  requestType: HandlerEvent['RequestType'] = 'Create',
  properties: Record<string, unknown> = {},
  physicalId?: string,
): HandlerEvent {
  return {
    RequestType: requestType,
    ResourceType: 'Custom::ApiGatewayCacheControlAuthorization',
    ResponseURL: RESPONSE_URL,
    ...ECHOED,
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:handler',
      RestApiId: 'a1b2c3',
      StageName: 'prod',
      UnauthorizedCacheControl: 'FAIL_WITH_403',
      StageProperties: 'f00d',
      ...properties,
    },
    ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
  };
}

function flushEvent(requestType: HandlerEvent['RequestType'] = 'Update', physicalId?: string): HandlerEvent {
  return {
    ...authorizationEvent(requestType, {}, physicalId),
    ResourceType: 'Custom::ApiGatewayStageCacheFlush',
    ResourceProperties: { RestApiId: 'a1b2c3', StageName: 'prod', DeploymentId: 'dep123' },
  };
}

const STAGE_ID = JSON.stringify({ restApiId: 'a1b2c3', stageName: 'prod' });

describe('building the patch operations from the method settings', () => {
  test('every key the stage has, the stage-wide one first, in a stable order', () => {
    expect(
      handlerModule.methodSettingKeys({
        '~1orders~1{id}/GET': {},
        '*/*': {},
        '~1/GET': {},
        '~1items/HEAD': {},
      }),
    ).toEqual(['*/*', '~1/GET', '~1items/HEAD', '~1orders~1{id}/GET']);
  });

  test('the stage-wide key even when the stage lists no method settings', () => {
    expect(handlerModule.methodSettingKeys(undefined)).toEqual(['*/*']);
    expect(handlerModule.methodSettingKeys({})).toEqual(['*/*']);
  });

  test('two replace operations per key, on the documented PATCH paths, with string values', () => {
    expect(handlerModule.cacheControlPatchOperations(['*/*', '~1orders~1{id}/GET'], 'FAIL_WITH_403')).toEqual(
      [
        { op: 'replace', path: '/*/*/caching/requireAuthorizationForCacheControl', value: 'true' },
        {
          op: 'replace',
          path: '/*/*/caching/unauthorizedCacheControlHeaderStrategy',
          value: 'FAIL_WITH_403',
        },
        {
          op: 'replace',
          path: '/~1orders~1{id}/GET/caching/requireAuthorizationForCacheControl',
          value: 'true',
        },
        {
          op: 'replace',
          path: '/~1orders~1{id}/GET/caching/unauthorizedCacheControlHeaderStrategy',
          value: 'FAIL_WITH_403',
        },
      ],
    );
  });

  test('accepts exactly the three documented strategies', () => {
    expect(handlerModule.STRATEGIES).toEqual([
      'FAIL_WITH_403',
      'SUCCEED_WITH_RESPONSE_HEADER',
      'SUCCEED_WITHOUT_RESPONSE_HEADER',
    ]);
    for (const strategy of handlerModule.STRATEGIES) {
      expect(handlerModule.cacheControlPatchOperations(['*/*'], strategy)[1].value).toBe(strategy);
    }
    expect(() => handlerModule.cacheControlPatchOperations(['*/*'], 'IGNORE')).toThrow(
      'UnauthorizedCacheControl must be one of FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER, SUCCEED_WITHOUT_RESPONSE_HEADER, got "IGNORE"',
    );
  });
});

describe('cache-control authorization resource', () => {
  const stageSettings = {
    '*/*': { cachingEnabled: false, loggingLevel: 'ERROR' },
    '~1items/GET': { cachingEnabled: true, cacheTtlInSeconds: 30 },
    '~1/GET': { cachingEnabled: true },
  };

  test.each(['Create', 'Update'] as const)(
    '%s: sets both fields on every method setting of the stage and answers SUCCESS',
    async (requestType) => {
      const f = fakes({ methodSettings: stageSettings });
      const result = await handlerModule.makeHandler(f.deps)(
        authorizationEvent(requestType, {}, requestType === 'Update' ? 'a1b2c3/prod' : undefined),
      );
      expect(f.calls).toEqual([`getStage ${STAGE_ID}`, `updateStage ${STAGE_ID}`]);
      expect(f.updates).toEqual([
        handlerModule.cacheControlPatchOperations(['*/*', '~1/GET', '~1items/GET'], 'FAIL_WITH_403'),
      ]);
      for (const key of Object.keys(stageSettings)) {
        expect(f.settings[key]).toMatchObject({
          requireAuthorizationForCacheControl: true,
          unauthorizedCacheControlHeaderStrategy: 'FAIL_WITH_403',
        });
      }
      // The other fields of each setting are left as they were.
      expect(f.settings['~1items/GET']).toMatchObject({ cachingEnabled: true, cacheTtlInSeconds: 30 });
      expect(result).toEqual({
        Status: 'SUCCESS',
        Reason: 'Cache invalidation requires authorization on 3 method settings (FAIL_WITH_403).',
        PhysicalResourceId: 'a1b2c3/prod',
        ...ECHOED,
        Data: { MethodSettings: '3' },
      });
      expect(f.response()).toEqual(result);
    },
  );

  test('overrides settings left by a CloudFormation update (authorization off, warning strategy)', async () => {
    const f = fakes({
      methodSettings: {
        '*/*': {
          requireAuthorizationForCacheControl: false,
          unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
        },
      },
    });
    await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(f.settings['*/*']).toEqual({
      requireAuthorizationForCacheControl: true,
      unauthorizedCacheControlHeaderStrategy: 'FAIL_WITH_403',
    });
  });

  test('writes the configured strategy', async () => {
    const f = fakes();
    await handlerModule.makeHandler(f.deps)(
      authorizationEvent('Create', { UnauthorizedCacheControl: 'SUCCEED_WITHOUT_RESPONSE_HEADER' }),
    );
    expect(f.settings['*/*'].unauthorizedCacheControlHeaderStrategy).toBe('SUCCEED_WITHOUT_RESPONSE_HEADER');
  });

  test('a stage without any listed method setting still gets the stage-wide one', async () => {
    const f = fakes({ methodSettings: {} });
    await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(Object.keys(f.settings)).toEqual(['*/*']);
  });

  test(`patches at most ${handlerModule.KEYS_PER_UPDATE} method settings per UpdateStage call`, async () => {
    const many = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`~1r${String(i).padStart(3, '0')}/GET`, {}]),
    );
    const f = fakes({ methodSettings: { '*/*': {}, ...many } });
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(f.updates.map((ops) => ops.length)).toEqual([100, 100, 42]);
    expect(Object.values(f.settings).every((s) => s.requireAuthorizationForCacheControl === true)).toBe(true);
    expect(result.Data).toEqual({ MethodSettings: '121' });
  });

  test('answers FAILED, changing nothing, for a strategy API Gateway does not accept', async () => {
    const f = fakes();
    const result = await handlerModule.makeHandler(f.deps)(
      authorizationEvent('Create', { UnauthorizedCacheControl: 'IGNORE' }),
    );
    expect(f.calls).toEqual([]);
    expect(result.Status).toBe('FAILED');
    expect(result.Reason).toContain('UnauthorizedCacheControl must be one of');
    // A failed Create has no physical id yet: the logical id is a stable one that Delete accepts.
    expect(result.PhysicalResourceId).toBe(ECHOED.LogicalResourceId);
  });

  test.each(['RestApiId', 'StageName'])('answers FAILED for a missing %s', async (name) => {
    const f = fakes();
    const result = await handlerModule.makeHandler(f.deps)(
      authorizationEvent('Create', { [name]: undefined }),
    );
    expect(f.calls).toEqual([]);
    expect(result.Status).toBe('FAILED');
    expect(result.Reason).toBe(`${name} must be a non-empty string, got undefined`);
  });

  test('answers FAILED when UpdateStage answers without the settings applied', async () => {
    const f = fakes({ methodSettings: stageSettings, dropFromAnswer: ['~1items/GET'] });
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(result.Status).toBe('FAILED');
    expect(result.Reason).toBe(
      'UpdateStage a1b2c3/prod answered without the cache-control settings on ~1items/GET',
    );
  });

  test('a failed Update keeps the physical id it was given, so it is not read as a replacement', async () => {
    const f = fakes({
      failures: { updateStage: [awsError('BadRequestException', 'Invalid method setting path', 400)] },
    });
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent('Update', {}, 'a1b2c3/prod'));
    expect(result).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'a1b2c3/prod',
      Reason: 'UpdateStage a1b2c3/prod failed: BadRequestException: Invalid method setting path',
    });
    expect(f.sleeps).toEqual([]);
  });

  test('retries throttling and conflicts (the stage still being updated) with growing delays', async () => {
    const f = fakes({
      failures: {
        getStage: [awsError('TooManyRequestsException', 'Too Many Requests', 429)],
        updateStage: [
          awsError('ConflictException', 'Unable to complete operation due to concurrent modification', 409),
          awsError('LimitExceededException', 'Rate exceeded', 429),
        ],
      },
    });
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(result.Status).toBe('SUCCESS');
    expect(f.calls).toEqual([
      `getStage ${STAGE_ID}`,
      `getStage ${STAGE_ID}`,
      `updateStage ${STAGE_ID}`,
      `updateStage ${STAGE_ID}`,
      `updateStage ${STAGE_ID}`,
    ]);
    expect(f.sleeps).toEqual([2000, 2000, 4000]);
  });

  test('gives up once the retry budget is spent, naming the call and the last error', async () => {
    const conflicts = Array.from({ length: 100 }, () => awsError('ConflictException', 'busy', 409));
    const f = fakes({ failures: { updateStage: conflicts } });
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(result.Status).toBe('FAILED');
    expect(result.Reason).toMatch(
      /^UpdateStage a1b2c3\/prod still failed after \d+ attempts and \d+ s of retries: ConflictException: busy$/,
    );
    expect(f.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(handlerModule.RETRY_BUDGET_MS);
  });

  test('Delete makes no call and answers SUCCESS with the same physical id', async () => {
    const f = fakes();
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent('Delete', {}, 'a1b2c3/prod'));
    expect(f.calls).toEqual([]);
    expect(result).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'a1b2c3/prod' });
  });

  test('Delete after a failed Create answers SUCCESS for the fallback physical id', async () => {
    const f = fakes();
    const result = await handlerModule.makeHandler(f.deps)(
      authorizationEvent('Delete', { RestApiId: undefined }, ECHOED.LogicalResourceId),
    );
    expect(f.calls).toEqual([]);
    expect(result).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ECHOED.LogicalResourceId });
  });

  test('answers FAILED for a resource type it does not know', async () => {
    const f = fakes();
    const result = await handlerModule.makeHandler(f.deps)({
      ...authorizationEvent(),
      ResourceType: 'Custom::Other',
    });
    expect(f.calls).toEqual([]);
    expect(result).toMatchObject({ Status: 'FAILED', Reason: 'Unknown resource type "Custom::Other"' });
  });

  test('answers FAILED before the Lambda timeout when the work does not finish in time', async () => {
    const f = fakes();
    f.deps.apigateway.getStage = () => new Promise(() => undefined);
    const context = {
      logStreamName: '2026/12/04/[$LATEST]abc',
      getRemainingTimeInMillis: () => handlerModule.RESPONSE_RESERVE_MS + 10,
    };
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent(), context);
    expect(result.Status).toBe('FAILED');
    expect(result.Reason).toBe(
      'The handler ran out of time before the stage was updated. (log stream 2026/12/04/[$LATEST]abc)',
    );
  });

  test('waits for a cache cluster being created, then patches', async () => {
    const f = fakes({ statuses: ['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'AVAILABLE'] });
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(result.Status).toBe('SUCCESS');
    expect(f.calls).toEqual([
      `getStage ${STAGE_ID}`,
      `getStage ${STAGE_ID}`,
      `getStage ${STAGE_ID}`,
      `updateStage ${STAGE_ID}`,
    ]);
    expect(f.sleeps).toEqual([handlerModule.CLUSTER_POLL_MS, handlerModule.CLUSTER_POLL_MS]);
  });

  test('patches anyway once the wait for the cache cluster is over', async () => {
    const f = fakes({ statuses: ['FLUSH_IN_PROGRESS'] });
    const result = await handlerModule.makeHandler(f.deps)(authorizationEvent());
    expect(result.Status).toBe('SUCCESS');
    expect(f.calls.at(-1)).toBe(`updateStage ${STAGE_ID}`);
    expect(f.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(handlerModule.CLUSTER_WAIT_BUDGET_MS);
    expect(f.sleeps.length).toBe(
      Math.floor(handlerModule.CLUSTER_WAIT_BUDGET_MS / handlerModule.CLUSTER_POLL_MS),
    );
  });

  test('does not wait for a settled or absent cache cluster', async () => {
    for (const status of ['AVAILABLE', 'NOT_AVAILABLE', undefined]) {
      const f = fakes({ cacheClusterStatus: status });
      await handlerModule.makeHandler(f.deps)(authorizationEvent());
      expect(f.sleeps).toEqual([]);
    }
  });

  test('the waits, plus the time kept to answer, stay under the 10-minute Lambda timeout', () => {
    expect(
      handlerModule.CLUSTER_WAIT_BUDGET_MS +
        handlerModule.RETRY_BUDGET_MS +
        handlerModule.RESPONSE_RESERVE_MS,
    ).toBeLessThan(10 * 60 * 1000);
  });
});

describe('stage cache flush resource', () => {
  test.each(['AVAILABLE', 'FLUSH_IN_PROGRESS'])(
    'flushes the stage cache when the cluster is %s, and answers SUCCESS',
    async (status) => {
      const f = fakes({ cacheClusterStatus: status });
      const result = await handlerModule.makeHandler(f.deps)(flushEvent('Update', 'a1b2c3/prod'));
      expect(f.calls).toEqual([`getStage ${STAGE_ID}`, `flushStageCache ${STAGE_ID}`]);
      expect(result).toEqual({
        Status: 'SUCCESS',
        Reason: 'Flushed the stage cache for deployment dep123.',
        PhysicalResourceId: 'a1b2c3/prod',
        ...ECHOED,
        Data: { Flushed: 'true' },
      });
    },
  );

  test('Create flushes too (flushOnDeploy turned on together with a new definition)', async () => {
    const f = fakes({ cacheClusterStatus: 'AVAILABLE' });
    await handlerModule.makeHandler(f.deps)(flushEvent('Create'));
    expect(f.calls).toEqual([`getStage ${STAGE_ID}`, `flushStageCache ${STAGE_ID}`]);
  });

  test.each(['CREATE_IN_PROGRESS', 'NOT_AVAILABLE', 'DELETE_IN_PROGRESS'])(
    'does not flush a cache cluster that is %s: it holds nothing',
    async (status) => {
      const f = fakes({ cacheClusterStatus: status });
      const result = await handlerModule.makeHandler(f.deps)(flushEvent('Create'));
      expect(f.calls).toEqual([`getStage ${STAGE_ID}`]);
      expect(result).toMatchObject({
        Status: 'SUCCESS',
        Reason: `Nothing to flush: the cache cluster is ${status}.`,
        Data: { Flushed: 'false' },
      });
    },
  );

  test('retries a throttled flush', async () => {
    const f = fakes({
      cacheClusterStatus: 'AVAILABLE',
      failures: { flushStageCache: [awsError('TooManyRequestsException', 'slow down', 429)] },
    });
    const result = await handlerModule.makeHandler(f.deps)(flushEvent());
    expect(result.Status).toBe('SUCCESS');
    expect(f.calls.filter((c) => c.startsWith('flushStageCache'))).toHaveLength(2);
  });

  test('answers FAILED when the flush is refused', async () => {
    const f = fakes({
      cacheClusterStatus: 'AVAILABLE',
      failures: { flushStageCache: [awsError('UnauthorizedException', 'not allowed', 401)] },
    });
    const result = await handlerModule.makeHandler(f.deps)(flushEvent('Update', 'a1b2c3/prod'));
    expect(result).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'a1b2c3/prod',
      Reason: 'FlushStageCache a1b2c3/prod failed: UnauthorizedException: not allowed',
    });
  });

  test('Delete does nothing', async () => {
    const f = fakes({ cacheClusterStatus: 'AVAILABLE' });
    const result = await handlerModule.makeHandler(f.deps)(flushEvent('Delete', 'a1b2c3/prod'));
    expect(f.calls).toEqual([]);
    expect(result.Status).toBe('SUCCESS');
  });
});

describe('the handler package', () => {
  test('SDK clients get a connection timeout, a request timeout that throws, and a fixed number of attempts', () => {
    expect(handlerModule.sdkClientConfig()).toEqual({
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 10000, throwOnRequestTimeout: true },
    });
  });

  test('the resource types are the ones the constructs create', () => {
    expect(handlerModule.AUTHORIZATION_TYPE).toBe('Custom::ApiGatewayCacheControlAuthorization');
    expect(handlerModule.FLUSH_TYPE).toBe('Custom::ApiGatewayStageCacheFlush');
  });

  test('the shipped directory holds only the handler', () => {
    expect(fs.readdirSync(HANDLER_DIR)).toEqual(['index.js']);
  });
});
