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
 * A plain Lambda-backed custom resource: the handler sends its own response to CloudFormation's
 * pre-signed `ResponseURL`, and always sends one. The AWS SDK v3 comes from the Lambda Node.js runtime;
 * it is required lazily so unit tests can inject fakes through `makeHandler` without loading it.
 */

const https = require('https');

const PLACEHOLDER = /@@cdk-apigateway-presets:(\d+)@@/g;
/** PutRestApi's request body (the API definition file) is at most 6 MB. */
const MAX_DEFINITION_BYTES = 6000000;
/** PutRestApi allows 1 request a second per account; another update of the same API answers Conflict. */
const RETRY_FIRST_DELAY_MS = 2000;
const RETRY_MAX_DELAY_MS = 20000;
/** Total time spent waiting between PutRestApi attempts; far below the 5-minute Lambda timeout. */
const RETRY_BUDGET_MS = 180000;
const MAX_JITTER_MS = 1000;
/** CloudFormation rejects response bodies over 4096 bytes; the reason is the only unbounded field. */
const MAX_REASON_LENGTH = 1000;
const RESPONSE_ATTEMPTS = 3;
const RESPONSE_RETRY_DELAY_MS = 1000;
const RESPONSE_TIMEOUT_MS = 10000;
/** Time kept back from the Lambda timeout to answer FAILED if the work has not finished by then. */
const RESPONSE_RESERVE_MS = 45000;
const SDK_CONNECTION_TIMEOUT_MS = 3000;
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

  async function putWithRetries(input) {
    let waited = 0;
    let delay = RETRY_FIRST_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await apigateway.putRestApi(input);
      } catch (err) {
        if (!isRetryable(err)) {
          throw new Error(`PutRestApi failed for ${input.restApiId}: ${describe(err)}`, { cause: err });
        }
        const wait = delay + Math.floor(random() * MAX_JITTER_MS);
        if (waited + wait > RETRY_BUDGET_MS) {
          throw new Error(
            `Gave up importing the definition of ${input.restApiId} after ${attempt} attempts: ${describe(err)}`,
            { cause: err },
          );
        }
        log(`PutRestApi attempt ${attempt} failed (${describe(err)}); retrying in ${wait} ms.`);
        await sleep(wait);
        waited += wait;
        delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
      }
    }
  }

  async function decide(event) {
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
    await putWithRetries({
      restApiId,
      mode: 'overwrite',
      failOnWarnings: true,
      body: Buffer.from(definition),
    });
    return {
      PhysicalResourceId: restApiId,
      Reason: `Imported s3://${bucket}/${key} into ${restApiId}.`,
    };
  }

  /** Answers CloudFormation exactly once, whatever happened; returns what it sent. */
  return async function handle(event, context) {
    let outcome;
    let deadline;
    try {
      const timeLeft = timeBeforeDeadline(context);
      const work = decide(event);
      let result;
      if (timeLeft === undefined) {
        result = await work;
      } else {
        const outOfTime = new Promise((resolve) => {
          deadline = setTimeout(() => resolve(OUT_OF_TIME), timeLeft);
        });
        result = await Promise.race([work, outOfTime]);
        if (result === OUT_OF_TIME) {
          work.then(
            () => log('Work that outlasted the deadline finished; its result was not used.'),
            (err) => log(`Work that outlasted the deadline stopped: ${describe(err)}`),
          );
          throw new Error('The handler ran out of time before the definition was imported.');
        }
      }
      outcome = { Status: 'SUCCESS', ...result };
    } catch (err) {
      log(`${event.RequestType} failed: ${err && err.stack ? err.stack : describe(err)}`);
      const where = context && context.logStreamName ? ` (log stream ${context.logStreamName})` : '';
      outcome = {
        Status: 'FAILED',
        Reason: truncate(`${err && err.message ? err.message : describe(err)}${where}`, MAX_REASON_LENGTH),
        PhysicalResourceId: failedPhysicalId(event),
      };
    } finally {
      clearTimeout(deadline);
    }
    const body = {
      Status: outcome.Status,
      Reason: outcome.Reason,
      PhysicalResourceId: outcome.PhysicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      Data: {},
    };
    await respond(event.ResponseURL, body);
    return body;
  };
}

const OUT_OF_TIME = Symbol('out of time');

function timeBeforeDeadline(context) {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') {
    return undefined;
  }
  return Math.max(context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS, 0);
}

/**
 * Keeps the resource's identity when a request fails: a new id on a failed Update would read as a
 * replacement. A failed Create has none yet: the REST API id success would have returned, else the
 * logical id.
 */
function failedPhysicalId(event) {
  if (event.PhysicalResourceId) {
    return event.PhysicalResourceId;
  }
  const restApiId = event.ResourceProperties && event.ResourceProperties.RestApiId;
  return typeof restApiId === 'string' && restApiId !== '' ? restApiId : String(event.LogicalResourceId);
}

function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
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

function describe(err) {
  return err && err.name ? `${err.name}: ${err.message}` : String(err);
}

/**
 * PUTs the response to CloudFormation's pre-signed S3 URL, with an empty Content-Type (the URL is
 * signed without one), retrying a few times.
 */
async function sendResponse(responseUrl, body, options) {
  const request = options.request || https.request;
  const payload = JSON.stringify(body);
  const url = new URL(responseUrl);
  let lastError;
  for (let attempt = 1; attempt <= RESPONSE_ATTEMPTS; attempt++) {
    try {
      await new Promise((resolve, reject) => {
        const req = request(
          {
            hostname: url.hostname,
            port: url.port || undefined,
            path: `${url.pathname}${url.search}`,
            method: 'PUT',
            headers: { 'content-type': '', 'content-length': Buffer.byteLength(payload) },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode >= 200 && res.statusCode < 300
                ? resolve()
                : reject(new Error(`CloudFormation response URL answered HTTP ${res.statusCode}`)),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.setTimeout(RESPONSE_TIMEOUT_MS, () =>
          req.destroy(new Error(`no answer within ${RESPONSE_TIMEOUT_MS} ms`)),
        );
        req.end(payload);
      });
      return;
    } catch (err) {
      lastError = err;
      if (attempt < RESPONSE_ATTEMPTS) {
        await options.sleep(RESPONSE_RETRY_DELAY_MS * attempt);
      }
    }
  }
  throw new Error(`Could not send the ${body.Status} response to CloudFormation: ${describe(lastError)}`);
}

/** Bounds every SDK call, so a hung connection cannot use up the invocation; retries are the handler's. */
function sdkClientConfig() {
  return {
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
      requestTimeout: SDK_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  };
}

let realHandler;

/** Lambda entry point, invoked by CloudFormation with a custom resource request. */
async function handler(event, context) {
  if (!realHandler) {
    const { S3 } = require('@aws-sdk/client-s3');
    const { APIGateway } = require('@aws-sdk/client-api-gateway');
    realHandler = makeHandler({
      s3: new S3(sdkClientConfig()),
      apigateway: new APIGateway(sdkClientConfig()),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  }
  return realHandler(event, context);
}

module.exports = { handler, makeHandler, substitute, sdkClientConfig, MAX_DEFINITION_BYTES };
