'use strict';
/*
 * Custom resource handler that imports a REST API's OpenAPI definition from an S3 object with
 * PutRestApi, for definitions too large for the CloudFormation template.
 *
 * The object holds the definition as rendered at synth, with every value only known at deploy time
 * (function ARNs, role ARNs, user pools, the account and Region...) written as a placeholder
 * `@@cdk-apigateway-presets:<index>@@`; the resource's `Values` property holds those values, resolved by
 * CloudFormation, in index order. Create and Update read the object, put each value in place of its
 * placeholders (escaped as JSON string content: every placeholder sits inside a JSON string) and call
 * PutRestApi with mode=overwrite and failOnWarnings=true, so the API becomes exactly the definition:
 * a route missing from it is removed. When a stack update fails, CloudFormation rolls the resource back
 * by sending an Update with the previous properties, which imports the previous definition again.
 * Delete does nothing: the REST API's own deletion removes everything the import made.
 *
 * A plain Lambda-backed custom resource: lib/private/handler/cfn-response.js answers CloudFormation,
 * exactly once and in time. The AWS SDK v3 comes from the Lambda Node.js runtime; it is required lazily
 * so unit tests can inject fakes through `makeHandler` without loading it.
 */

const {
  answerOnce,
  lazyEntryPoint,
  sdkClientConfig: boundedSdkClientConfig,
  sendResponse,
  sleep: realSleep,
  withRetries,
} = require('../../../private/handler/cfn-response');

const PLACEHOLDER = /@@cdk-apigateway-presets:(\d+)@@/g;
/** PutRestApi's request body (the API definition file) is at most 6 MB. */
const MAX_DEFINITION_BYTES = 6000000;
/** PutRestApi allows 1 request a second per account; another update of the same API answers Conflict. */
const RETRY_FIRST_DELAY_MS = 2000;
const RETRY_MAX_DELAY_MS = 20000;
/** Total time spent waiting between PutRestApi attempts; far below the 5-minute Lambda timeout. */
const RETRY_BUDGET_MS = 180000;
const MAX_JITTER_MS = 1000;
/** A 6 MB import takes API Gateway a while: the request timeout leaves it room. */
const SDK_REQUEST_TIMEOUT_MS = 60000;
const SDK_MAX_ATTEMPTS = 2;

/**
 * The definition with every placeholder replaced by its value.
 *
 * @param {string} text the definition as stored, with placeholders
 * @param {unknown[]} values the resolved values, by placeholder index
 */
function substitute(text, values) {
  return text.replace(PLACEHOLDER, (_match, index) => {
    const i = Number(index);
    if (!Array.isArray(values) || i >= values.length) {
      throw new Error(
        `The definition names placeholder ${i}, but the resource has ${Array.isArray(values) ? values.length : 0} values.`,
      );
    }
    // Inside a JSON string: the value's JSON string content, without its quotes.
    return JSON.stringify(String(values[i])).slice(1, -1);
  });
}

/**
 * @param {{
 *   s3: { getObject(input: { Bucket: string, Key: string }): Promise<{ Body: { transformToString(): Promise<string> } }> },
 *   apigateway: { putRestApi(input: object): Promise<unknown> },
 *   sleep: (ms: number) => Promise<void>,
 *   respond?: (responseUrl: string, body: object) => Promise<void>,
 *   random?: () => number,
 *   log?: (...args: unknown[]) => void,
 * }} deps
 */
function makeHandler(deps) {
  const { s3, apigateway, sleep } = deps;
  const respond = deps.respond || ((url, body) => sendResponse(url, body, { sleep }));
  const random = deps.random || Math.random;
  const log = deps.log || console.log;

  /** The outcome of one request, without the fields that echo the event. */
  async function decide(event, run) {
    if (event.RequestType === 'Delete') {
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        Reason: 'Nothing to undo: deleting the REST API removes its definition.',
      };
    }
    const props = event.ResourceProperties || {};
    const { RestApiId: restApiId, DefinitionBucket: bucket, DefinitionKey: key } = props;
    for (const [name, value] of Object.entries({
      RestApiId: restApiId,
      DefinitionBucket: bucket,
      DefinitionKey: key,
    })) {
      if (typeof value !== 'string' || value === '') {
        throw new Error(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
      }
    }
    const object = await s3.getObject({ Bucket: bucket, Key: key });
    const definition = substitute(await object.Body.transformToString(), props.Values || []);
    const bytes = Buffer.byteLength(definition);
    if (bytes > MAX_DEFINITION_BYTES) {
      throw new Error(
        `The definition of ${restApiId} takes ${bytes} bytes with its values in place; PutRestApi accepts at most ${MAX_DEFINITION_BYTES}.`,
      );
    }
    log(`Importing s3://${bucket}/${key} (${bytes} bytes) into ${restApiId} (mode overwrite).`);
    // Stops once CloudFormation was answered FAILED: an import after that could undo a rollback's import.
    await withRetries(
      `PutRestApi ${restApiId}`,
      () =>
        apigateway.putRestApi({
          restApiId,
          mode: 'overwrite',
          failOnWarnings: true,
          body: Buffer.from(definition),
        }),
      {
        run,
        isRetryable,
        sleep,
        random,
        log,
        firstDelayMs: RETRY_FIRST_DELAY_MS,
        maxDelayMs: RETRY_MAX_DELAY_MS,
        jitterMs: MAX_JITTER_MS,
        budgetMs: RETRY_BUDGET_MS,
      },
    );
    return {
      PhysicalResourceId: restApiId,
      Reason: `Imported s3://${bucket}/${key} into ${restApiId}.`,
    };
  }

  return answerOnce({
    decide,
    respond,
    log,
    unfinished: 'the definition was imported',
    // A failed Create keeps the REST API id: what success would have returned.
    physicalIdOnCreate: (properties) =>
      typeof properties.RestApiId === 'string' && properties.RestApiId !== ''
        ? properties.RestApiId
        : undefined,
  });
}

/** Throttling, and another update of the same API still in progress. */
function isRetryable(err) {
  return (
    Boolean(err) &&
    (err.name === 'TooManyRequestsException' ||
      err.name === 'ConflictException' ||
      (err.$metadata && err.$metadata.httpStatusCode === 429))
  );
}

/** Bounds every SDK call, so a hung connection cannot use up the invocation; retries are the handler's. */
function sdkClientConfig() {
  return boundedSdkClientConfig({ requestTimeoutMs: SDK_REQUEST_TIMEOUT_MS, maxAttempts: SDK_MAX_ATTEMPTS });
}

const handler = lazyEntryPoint(() => {
  const { S3 } = require('@aws-sdk/client-s3');
  const { APIGateway } = require('@aws-sdk/client-api-gateway');
  return makeHandler({
    s3: new S3(sdkClientConfig()),
    apigateway: new APIGateway(sdkClientConfig()),
    sleep: realSleep,
  });
});

module.exports = { handler, makeHandler, substitute, sdkClientConfig, MAX_DEFINITION_BYTES };
