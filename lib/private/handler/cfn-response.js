'use strict';
/*
 * What every custom resource handler of the library shares: answering CloudFormation, retrying AWS
 * calls within a budget, and building the SDK clients on first use.
 *
 * A Lambda-backed custom resource sends its own response to CloudFormation's pre-signed `ResponseURL`,
 * and must always send one, because a custom resource that never answers holds the stack until the
 * service timeout. `answerOnce` wraps a handler's own work (`decide`) so that it answers exactly once:
 * SUCCESS with what the work returned, or FAILED with the error, in time, before the Lambda timeout.
 *
 * Plain CommonJS with Node.js core modules only: it is copied into each handler's function code next to
 * the handler.
 */

const https = require('https');

/** CloudFormation rejects response bodies over 4096 bytes; the reason is the only unbounded field. */
const MAX_REASON_LENGTH = 1000;
/** Attempts at delivering the response before giving up (and failing the invocation). */
const RESPONSE_ATTEMPTS = 3;
const RESPONSE_RETRY_DELAY_MS = 1000;
/** Bounds each delivery attempt; a hung connection must not use up the invocation. */
const RESPONSE_TIMEOUT_MS = 10000;
/** Time kept back from the Lambda timeout to answer FAILED if the work has not finished by then. */
const RESPONSE_RESERVE_MS = 45000;
/** Control-plane calls connect in well under a second. */
const SDK_CONNECTION_TIMEOUT_MS = 3000;

/** What the deadline timer resolves to; never a value `decide` returns. */
const OUT_OF_TIME = Symbol('out of time');

/**
 * @typedef {{
 *   Status: 'SUCCESS' | 'FAILED', Reason: string, PhysicalResourceId: string,
 *   StackId: string, RequestId: string, LogicalResourceId: string, Data: object,
 * }} CfnResponse
 *
 * @typedef {{ PhysicalResourceId: string, Reason: string, Data?: object }} Outcome the outcome of one
 *   request, without the fields that echo the event; `Data` defaults to `{}`
 *
 * @typedef {{ outOfTime: boolean }} Run set once CloudFormation has been answered FAILED for lack of
 *   time: from then on the work must change nothing, so it stops at its next step (`stopIfAnswered`).
 */

/**
 * The handler function Lambda calls: runs `decide` and answers CloudFormation exactly once, whatever
 * happened; it returns what it sent. A failed delivery propagates: the invocation fails and Lambda's
 * asynchronous retries run the (idempotent) request again, which is the only other way CloudFormation
 * can still get an answer.
 *
 * @param {{
 *   decide: (event: object, run: Run) => Promise<Outcome>,
 *   respond: (responseUrl: string, body: CfnResponse) => Promise<void>,
 *   log: (...args: unknown[]) => void,
 *   unfinished: string,
 *   physicalIdOnCreate?: (properties: object) => string | undefined,
 * }} options `unfinished` ends the reason given when time runs out ("The handler ran out of time before
 *   ..."); `physicalIdOnCreate` names what success would have returned, for a failed Create.
 * @returns {(event: object, context?: object) => Promise<CfnResponse>}
 */
function answerOnce(options) {
  const { decide, respond, log } = options;
  return async function handle(event, context) {
    const run = { outOfTime: false };
    let outcome;
    let deadline;
    try {
      // Read before any work starts, so that if reading fails nothing is left running.
      const timeLeft = timeBeforeDeadline(context);
      const work = decide(event, run);
      let result;
      if (timeLeft === undefined) {
        result = await work;
      } else {
        // Answer FAILED while there is still time to deliver it, rather than let the Lambda timeout
        // end the invocation silently. The timer resolves rather than rejects, so it can never leave
        // a rejection unhandled.
        const outOfTime = new Promise((resolve) => {
          deadline = setTimeout(() => resolve(OUT_OF_TIME), timeLeft);
        });
        result = await Promise.race([work, outOfTime]);
        if (result === OUT_OF_TIME) {
          run.outOfTime = true;
          // An API call in flight cannot be taken back; the work stops at its next step. Its outcome
          // is only logged: an unhandled rejection could crash a later invocation in this sandbox.
          work.then(
            () => log('Work that outlasted the deadline finished; its result was not used.'),
            (err) => log(`Work that outlasted the deadline stopped: ${describe(err)}`),
          );
          throw new Error(`The handler ran out of time before ${options.unfinished}.`);
        }
      }
      outcome = { Status: 'SUCCESS', ...result };
    } catch (err) {
      log(`${event.RequestType} failed: ${err && err.stack ? err.stack : describe(err)}`);
      const where = context && context.logStreamName ? ` (log stream ${context.logStreamName})` : '';
      outcome = {
        Status: 'FAILED',
        Reason: truncate(`${err && err.message ? err.message : describe(err)}${where}`, MAX_REASON_LENGTH),
        PhysicalResourceId: failedPhysicalId(event, options.physicalIdOnCreate),
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
      Data: outcome.Data || {},
    };
    await respond(event.ResponseURL, body);
    return body;
  };
}

/**
 * Throws once CloudFormation has been answered FAILED for lack of time; work that may still change
 * something calls it before each step.
 *
 * @param {Run} run
 */
function stopIfAnswered(run) {
  if (run && run.outOfTime) {
    throw new Error('Stopped: CloudFormation was already answered FAILED because time ran out.');
  }
}

/** Milliseconds left to work before answering FAILED, or undefined when the context gives no clock. */
function timeBeforeDeadline(context) {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') {
    return undefined;
  }
  return Math.max(context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS, 0);
}

/**
 * Keeps the resource's identity when a request fails: CloudFormation would read a new id on a failed
 * Update as a replacement. A failed Create has none yet: what success would have returned, when the
 * handler can tell, else the logical id, a stable fallback that Delete accepts.
 *
 * @param {{ PhysicalResourceId?: string, LogicalResourceId: string, ResourceProperties?: object }} event
 * @param {((properties: object) => string | undefined) | undefined} physicalIdOnCreate
 */
function failedPhysicalId(event, physicalIdOnCreate) {
  if (event.PhysicalResourceId) {
    return event.PhysicalResourceId;
  }
  const onCreate = physicalIdOnCreate ? physicalIdOnCreate(event.ResourceProperties || {}) : undefined;
  return onCreate || String(event.LogicalResourceId);
}

/** @param {string} text @param {number} max */
function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** An error as `Name: message`, for reasons and logs. */
function describe(err) {
  return err && err.name ? `${err.name}: ${err.message}` : String(err);
}

/**
 * PUTs the response to CloudFormation's pre-signed S3 URL. The Content-Type must be empty: the URL is
 * signed without one. Retries a few times on network errors and non-2xx answers.
 *
 * @param {string} responseUrl
 * @param {CfnResponse} body
 * @param {{ sleep: (ms: number) => Promise<void>, request?: typeof https.request }} options
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

/**
 * The configuration of an AWS SDK v3 client. Without a `requestTimeout` (and, in current SDK v3
 * versions, `throwOnRequestTimeout`, without which the timeout only logs a warning), a call waits for as
 * long as the connection hangs. `maxAttempts` is explicit so the worst case does not depend on SDK
 * defaults or on AWS_MAX_ATTEMPTS.
 *
 * @param {{ requestTimeoutMs: number, maxAttempts: number }} bounds
 */
function sdkClientConfig(bounds) {
  return {
    maxAttempts: bounds.maxAttempts,
    requestHandler: {
      connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
      requestTimeout: bounds.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * Calls `call` until it succeeds, retrying the errors `isRetryable` accepts (throttling, conflicts) with
 * exponential backoff and jitter, within `budgetMs` of waiting. Stops before each attempt once
 * CloudFormation was answered FAILED for lack of time.
 *
 * @template T
 * @param {string} what names the call in errors and logs, e.g. `UpdateStage a1b2c3/prod`
 * @param {() => Promise<T>} call
 * @param {{
 *   run: Run,
 *   isRetryable: (err: unknown) => boolean,
 *   sleep: (ms: number) => Promise<void>,
 *   random: () => number,
 *   log: (...args: unknown[]) => void,
 *   firstDelayMs: number, maxDelayMs: number, jitterMs: number, budgetMs: number,
 * }} options
 * @returns {Promise<T>}
 */
async function withRetries(what, call, options) {
  let waited = 0;
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    stopIfAnswered(options.run);
    try {
      return await call();
    } catch (err) {
      if (!options.isRetryable(err)) {
        throw new Error(`${what} failed: ${describe(err)}`, { cause: err });
      }
      const wait = delay + Math.floor(options.random() * options.jitterMs);
      if (waited + wait > options.budgetMs) {
        throw new Error(
          `${what} still failed after ${attempt} attempts and ${Math.round(waited / 1000)} s of retries: ${describe(err)}`,
          { cause: err },
        );
      }
      options.log(`${what} attempt ${attempt} failed (${describe(err)}); retrying in ${wait} ms.`);
      await options.sleep(wait);
      waited += wait;
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}

/**
 * The Lambda entry point: builds the real handler (with its SDK clients) on the first invocation and
 * reuses it in the same sandbox. The SDK comes from the Lambda Node.js runtime; `build` requires it, so
 * tests that inject fakes through `makeHandler` never load it.
 *
 * @param {() => (event: object, context?: object) => Promise<CfnResponse>} build
 */
function lazyEntryPoint(build) {
  let realHandler;
  /** Lambda entry point, invoked by CloudFormation with a custom resource request. */
  return async function handler(event, context) {
    if (!realHandler) {
      realHandler = build();
    }
    return realHandler(event, context);
  };
}

/** Waits `ms` milliseconds; the real `sleep` of every handler. */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = {
  answerOnce,
  withRetries,
  lazyEntryPoint,
  stopIfAnswered,
  describe,
  sendResponse,
  sdkClientConfig,
  sleep,
  RESPONSE_RESERVE_MS,
};
