import * as path from 'node:path';

/**
 * The custom resource handler that imports a definition from S3 with PutRestApi, with the SDK clients
 * stubbed: what it reads, what it substitutes, what it sends to API Gateway and what it answers.
 */

interface HandlerModule {
  makeHandler(deps: object): (event: object, context?: object) => Promise<Record<string, unknown>>;
  substitute(text: string, values: unknown[]): string;
}

/** Time the shared responder keeps back from the Lambda timeout to answer FAILED. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shipped as the Lambda's code
const { RESPONSE_RESERVE_MS } = require(
  path.join(__dirname, '..', '..', 'lib', 'private', 'handler', 'cfn-response.js'),
) as { RESPONSE_RESERVE_MS: number };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shipped as the Lambda's code
const handlerModule = require(
  path.join(__dirname, '..', '..', 'lib', 'gateway', 'handler', 'put-rest-api', 'index.js'),
) as HandlerModule;

const STORED =
  '{"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"uri":"@@cdk-apigateway-presets:0@@"}}}},' +
  '"x-amazon-apigateway-policy":{"Statement":[{"Resource":"arn:aws:execute-api:@@cdk-apigateway-presets:1@@:*"}]}}';
const OLD_STORED = '{"paths":{"/old":{"get":{}}}}';

const COMMON = {
  ResponseURL: 'https://cloudformation-custom-resource-response.example/put',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/S/1',
  RequestId: 'req-1',
  LogicalResourceId: 'ApiDefinitionImport60527D7F',
  ResourceType: 'Custom::ApiGatewayDefinitionImport',
};
const PROPS = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:handler',
  RestApiId: 'abc123',
  DefinitionBucket: 'assets-bucket',
  DefinitionKey: 'new.json',
  Values: ['arn:aws:apigateway:eu-west-1:lambda:path/fn "quoted"', 'eu-west-1'],
};
const OLD_PROPS = { ...PROPS, DefinitionKey: 'old.json', Values: [] };

function fakes(options: { putFailures?: Error[] } = {}) {
  const calls: string[] = [];
  const puts: Array<Record<string, unknown>> = [];
  const responses: Array<Record<string, unknown>> = [];
  const objects: Record<string, string> = { 'new.json': STORED, 'old.json': OLD_STORED };
  const failures = [...(options.putFailures ?? [])];
  const deps = {
    s3: {
      getObject: async (input: { Bucket: string; Key: string }) => {
        calls.push(`getObject ${input.Bucket}/${input.Key}`);
        return { Body: { transformToString: async () => objects[input.Key] } };
      },
    },
    apigateway: {
      putRestApi: async (input: Record<string, unknown>) => {
        calls.push(`putRestApi ${input.restApiId}`);
        const failure = failures.shift();
        if (failure) {
          throw failure;
        }
        puts.push(input);
        return {};
      },
    },
    sleep: async (ms: number) => {
      calls.push(`sleep ${ms}`);
    },
    random: () => 0,
    respond: async (_url: string, body: Record<string, unknown>) => {
      responses.push(body);
    },
    log: () => undefined,
  };
  return { deps, calls, puts, responses };
}

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

describe('definition import handler', () => {
  test('Create reads the asset, puts each value in place and overwrites the API, failing on warnings', async () => {
    const f = fakes();
    const result = await handlerModule.makeHandler(f.deps)({
      ...COMMON,
      RequestType: 'Create',
      ResourceProperties: PROPS,
    });
    expect(f.calls).toEqual(['getObject assets-bucket/new.json', 'putRestApi abc123']);
    expect(f.puts).toHaveLength(1);
    const { body, ...parameters } = f.puts[0];
    expect(parameters).toEqual({ restApiId: 'abc123', mode: 'overwrite', failOnWarnings: true });
    // Each value lands inside its JSON string, escaped.
    expect(JSON.parse(Buffer.from(body as Buffer).toString('utf8'))).toEqual({
      paths: {
        '/a': {
          get: {
            'x-amazon-apigateway-integration': {
              uri: 'arn:aws:apigateway:eu-west-1:lambda:path/fn "quoted"',
            },
          },
        },
      },
      'x-amazon-apigateway-policy': { Statement: [{ Resource: 'arn:aws:execute-api:eu-west-1:*' }] },
    });
    expect(f.responses).toEqual([
      {
        Status: 'SUCCESS',
        Reason: 'Imported s3://assets-bucket/new.json into abc123.',
        PhysicalResourceId: 'abc123',
        StackId: COMMON.StackId,
        RequestId: COMMON.RequestId,
        LogicalResourceId: COMMON.LogicalResourceId,
        Data: {},
      },
    ]);
    expect(result).toEqual(f.responses[0]);
  });

  test('Update imports the new properties; a rollback (the old properties as new) imports the old definition again', async () => {
    const f = fakes();
    const handle = handlerModule.makeHandler(f.deps);
    await handle({
      ...COMMON,
      RequestType: 'Update',
      PhysicalResourceId: 'abc123',
      ResourceProperties: PROPS,
      OldResourceProperties: OLD_PROPS,
    });
    // CloudFormation rolls a custom resource back with an Update whose new properties are the old ones.
    await handle({
      ...COMMON,
      RequestType: 'Update',
      PhysicalResourceId: 'abc123',
      ResourceProperties: OLD_PROPS,
      OldResourceProperties: PROPS,
    });
    expect(f.calls).toEqual([
      'getObject assets-bucket/new.json',
      'putRestApi abc123',
      'getObject assets-bucket/old.json',
      'putRestApi abc123',
    ]);
    expect(Buffer.from(f.puts[1].body as Buffer).toString('utf8')).toBe(OLD_STORED);
    expect(f.responses.map((r) => r.Status)).toEqual(['SUCCESS', 'SUCCESS']);
  });

  test('Delete does nothing: deleting the REST API removes what the import made', async () => {
    const f = fakes();
    await handlerModule.makeHandler(f.deps)({
      ...COMMON,
      RequestType: 'Delete',
      PhysicalResourceId: 'abc123',
      ResourceProperties: PROPS,
    });
    expect(f.calls).toEqual([]);
    expect(f.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'abc123' });
  });

  test('retries PutRestApi when throttled or in conflict with another update, then succeeds', async () => {
    const f = fakes({ putFailures: [named('TooManyRequestsException'), named('ConflictException')] });
    await handlerModule.makeHandler(f.deps)({ ...COMMON, RequestType: 'Create', ResourceProperties: PROPS });
    expect(f.calls).toEqual([
      'getObject assets-bucket/new.json',
      'putRestApi abc123',
      'sleep 2000',
      'putRestApi abc123',
      'sleep 4000',
      'putRestApi abc123',
    ]);
    expect(f.responses[0].Status).toBe('SUCCESS');
  });

  test('answers FAILED with API Gateway’s reason when the import is refused, keeping the physical id', async () => {
    const f = fakes({ putFailures: [named('BadRequestException', 'Warnings found during import: ...')] });
    await handlerModule.makeHandler(f.deps)({
      ...COMMON,
      RequestType: 'Update',
      PhysicalResourceId: 'abc123',
      ResourceProperties: PROPS,
      OldResourceProperties: OLD_PROPS,
    });
    expect(f.responses[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'abc123',
      Reason: 'PutRestApi abc123 failed: BadRequestException: Warnings found during import: ...',
    });
  });

  test('answers FAILED when the definition names a value the resource does not have', async () => {
    const f = fakes();
    await handlerModule.makeHandler(f.deps)({
      ...COMMON,
      RequestType: 'Create',
      ResourceProperties: { ...PROPS, Values: ['only one'] },
    });
    expect(f.calls).toEqual(['getObject assets-bucket/new.json']);
    expect(f.responses[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'abc123',
      Reason: 'The definition names placeholder 1, but the resource has 1 values.',
    });
  });

  test('answers FAILED before the Lambda timeout and imports nothing after that answer', async () => {
    const f = fakes({ putFailures: [named('TooManyRequestsException'), named('TooManyRequestsException')] });
    const logs: string[] = [];
    const handle = handlerModule.makeHandler({
      ...f.deps,
      // The wait before the retry outlasts the deadline, which has no time left to give.
      sleep: (ms: number) => {
        f.calls.push(`sleep ${ms}`);
        return new Promise((resolve) => setTimeout(resolve, 20));
      },
      log: (line: string) => void logs.push(line),
    });
    await handle(
      { ...COMMON, RequestType: 'Create', ResourceProperties: PROPS },
      { getRemainingTimeInMillis: () => RESPONSE_RESERVE_MS, logStreamName: 'stream-1' },
    );
    expect(f.responses).toHaveLength(1);
    expect(f.responses[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'abc123',
      Reason: 'The handler ran out of time before the definition was imported. (log stream stream-1)',
    });
    // The retry would import the definition while CloudFormation goes on (a rollback imports the old one).
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(f.calls).toEqual(['getObject assets-bucket/new.json', 'putRestApi abc123', 'sleep 2000']);
    expect(logs).toContain(
      'Work that outlasted the deadline stopped: Error: Stopped: CloudFormation was already answered FAILED because time ran out.',
    );
    expect(f.puts).toEqual([]);
  });

  test('substitute leaves text without placeholders alone and escapes values as JSON string content', () => {
    expect(handlerModule.substitute('{"a":"$input.body"}', [])).toBe('{"a":"$input.body"}');
    expect(handlerModule.substitute('"x@@cdk-apigateway-presets:0@@y"', ['a\\b\n'])).toBe('"xa\\\\b\\ny"');
  });
});
