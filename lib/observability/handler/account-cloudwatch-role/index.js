'use strict';
/*
 * Custom resource handler for the API Gateway account-level CloudWatch Logs role
 * (`cloudwatchRoleArn`, one per account and region, shared by every REST API there).
 *
 * First writer wins: the setting is changed only when it is empty or names a role that no longer
 * exists. A working role set by someone else (another stack, another tool, a central team) is left
 * alone. Delete does nothing: the role this stack created is retained, so the setting never dangles.
 *
 * A plain Lambda-backed custom resource: the handler sends its own response to CloudFormation's
 * pre-signed `ResponseURL`, and always sends one, because a custom resource that never answers holds
 * the stack until the service timeout. The AWS SDK v3 comes from the Lambda Node.js runtime; it is
 * required lazily so unit tests can inject fakes through `makeHandler` without loading it.
 */

const https = require('https');

/** Total time spent waiting between UpdateAccount attempts; far below the 5-minute Lambda timeout. */
const RETRY_BUDGET_MS = 180000;
/** UpdateAccount allows 1 request every 20 s per account. */
const THROTTLE_DELAY_MS = 20000;
/** A freshly created role usually becomes usable by API Gateway within seconds. */
const PROPAGATION_FIRST_DELAY_MS = 2000;
const PROPAGATION_MAX_DELAY_MS = 20000;
/** Spreads retries of stacks deploying at the same moment. */
const MAX_JITTER_MS = 2000;
/** CloudFormation rejects response bodies over 4096 bytes; the reason is the only unbounded field. */
const MAX_REASON_LENGTH = 1000;
/** Attempts at delivering the response before giving up (and failing the invocation). */
const RESPONSE_ATTEMPTS = 3;
const RESPONSE_RETRY_DELAY_MS = 1000;
/** Bounds each delivery attempt; a hung connection must not use up the invocation. */
const RESPONSE_TIMEOUT_MS = 10000;
/** Time kept back from the Lambda timeout to answer FAILED if the work has not finished by then. */
const RESPONSE_RESERVE_MS = 45000;
/**
 * Bounds on every AWS API call, so a hung connection cannot use up the invocation. Control-plane calls
 * answer in well under a second. One call with all its attempts, and the SDK's waits between them
 * (at most 20 s each), still fits in the time the retry budget leaves before the deadline.
 */
const SDK_CONNECTION_TIMEOUT_MS = 3000;
const SDK_REQUEST_TIMEOUT_MS = 10000;
const SDK_MAX_ATTEMPTS = 3;

/**
 * Stable parts of the UpdateAccount errors that mean API Gateway cannot use the role yet, which right
 * after the role is created is IAM propagation. API Gateway has worded the first one "... required
 * permissions set to API Gateway" and "... required permissions configured. Please grant trust
 * permission for API Gateway ...", and the second has been seen with "Rate exceeded." appended, so
 * each is matched as a substring, ignoring case and spacing.
 */
const ROLE_NOT_PROPAGATED_MESSAGES = [
  'role arn does not have required permissions',
  'api gateway could not successfully write to cloudwatch logs using the arn specified',
];

const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

/**
 * @param {{
 *   apigateway: { getAccount(input: object): Promise<{ cloudwatchRoleArn?: string }>,
 *                 updateAccount(input: object): Promise<unknown> },
 *   iam: { getRole(input: { RoleName: string }): Promise<unknown> },
 *   sleep: (ms: number) => Promise<void>,
 *   respond?: (responseUrl: string, body: CfnResponse) => Promise<void>,
 *   random?: () => number,
 *   log?: (...args: unknown[]) => void,
 * }} deps `respond` delivers the response to CloudFormation; it defaults to an HTTPS PUT.
 *
 * @typedef {{
 *   Status: 'SUCCESS' | 'FAILED', Reason: string, PhysicalResourceId: string,
 *   StackId: string, RequestId: string, LogicalResourceId: string, Data: object,
 * }} CfnResponse
 */
function makeHandler(deps) {
  const { apigateway, iam, sleep } = deps;
  const respond = deps.respond || ((url, body) => sendResponse(url, body, { sleep }));
  const random = deps.random || Math.random;
  const log = deps.log || console.log;

  /** Whether the role named by the current setting can be replaced without breaking anyone. */
  async function mayReplace(current, ourAccount) {
    if (!current) {
      return { replace: true, why: 'the setting is empty' };
    }
    const match = ROLE_ARN.exec(current);
    if (!match || match[1] !== ourAccount) {
      // GetRole only sees this account: a role we cannot check is assumed to work.
      return {
        replace: false,
        why: `the setting names ${current}, which cannot be checked from this account`,
      };
    }
    try {
      await iam.getRole({ RoleName: match[2] });
      return { replace: false, why: `the setting names ${current}, which exists` };
    } catch (err) {
      if (isNoSuchEntity(err)) {
        return { replace: true, why: `the setting names ${current}, which no longer exists` };
      }
      throw new Error(
        `Could not check whether ${current} (the account's CloudWatch role) exists: ${describe(err)}`,
        {
          cause: err,
        },
      );
    }
  }

  /**
   * @param {string} ourRoleArn
   * @param {{ outOfTime: boolean }} run set once CloudFormation has been answered FAILED for lack of
   *   time: from then on nothing may change the setting, so the loop stops at its next step.
   */
  async function ensureRole(ourRoleArn, run) {
    const ours = ROLE_ARN.exec(ourRoleArn);
    if (!ours) {
      throw new Error(`RoleArn must be an IAM role ARN, got ${JSON.stringify(ourRoleArn)}`);
    }
    const stopIfAnswered = () => {
      if (run.outOfTime) {
        throw new Error('Stopped: CloudFormation was already answered FAILED because time ran out.');
      }
    };
    let waited = 0;
    let attempts = 0;
    let propagationDelay = PROPAGATION_FIRST_DELAY_MS;
    for (;;) {
      stopIfAnswered();
      // Read again before every attempt: another stack may have set a working role meanwhile.
      const account = await apigateway.getAccount({});
      const current = account.cloudwatchRoleArn || '';
      const decision = await mayReplace(current, ours[1]);
      if (!decision.replace) {
        log(`Leaving the account CloudWatch role unchanged: ${decision.why}.`);
        return current;
      }
      stopIfAnswered();
      attempts++;
      log(`Setting the account CloudWatch role to ${ourRoleArn}: ${decision.why}.`);
      try {
        await apigateway.updateAccount({
          patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: ourRoleArn }],
        });
        return ourRoleArn;
      } catch (err) {
        let delay;
        if (isThrottled(err)) {
          delay = THROTTLE_DELAY_MS;
        } else if (isRoleNotPropagated(err)) {
          delay = propagationDelay;
          propagationDelay = Math.min(propagationDelay * 2, PROPAGATION_MAX_DELAY_MS);
        } else {
          throw new Error(`UpdateAccount failed for ${ourRoleArn}: ${describe(err)}`, { cause: err });
        }
        delay += Math.floor(random() * MAX_JITTER_MS);
        if (waited + delay > RETRY_BUDGET_MS) {
          throw new Error(
            `Gave up setting the API Gateway account CloudWatch role to ${ourRoleArn} after ${attempts} attempts ` +
              `and ${Math.round(waited / 1000)} s of retries; last error: ${describe(err)}. ` +
              'Deploy again later, or set executionLogging.manageAccountRole to false and manage the role centrally.',
            { cause: err },
          );
        }
        log(`UpdateAccount attempt ${attempts} failed (${describe(err)}); retrying in ${delay} ms.`);
        await sleep(delay);
        waited += delay;
      }
    }
  }

  /** The outcome of one request, without the fields that echo the event. */
  async function decide(event, run) {
    if (event.RequestType === 'Delete') {
      // The role is retained, so whatever the setting names keeps working: nothing to undo.
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        Reason: 'Nothing to undo: the role is retained.',
        Data: {},
      };
    }
    const ourRoleArn = event.ResourceProperties && event.ResourceProperties.RoleArn;
    const inEffect = await ensureRole(ourRoleArn, run);
    return {
      PhysicalResourceId: ourRoleArn,
      Reason: `The account CloudWatch role in effect is ${inEffect}.`,
      Data: { RoleArn: inEffect },
    };
  }

  /** Answers CloudFormation exactly once, whatever happened; returns what it sent. */
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
          throw new Error('The handler ran out of time before the account setting was decided.');
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
        Data: {},
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
      Data: outcome.Data,
    };
    // A failed delivery propagates: the invocation fails and Lambda's asynchronous retries run the
    // (idempotent) request again, which is the only other way CloudFormation can still get an answer.
    await respond(event.ResponseURL, body);
    return body;
  };
}

/** What the deadline timer resolves to; never a value `decide` returns. */
const OUT_OF_TIME = Symbol('out of time');

/** Milliseconds left to work before answering FAILED, or undefined when the context gives no clock. */
function timeBeforeDeadline(context) {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') {
    return undefined;
  }
  return Math.max(context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS, 0);
}

/**
 * Keeps the resource's identity when a request fails: CloudFormation would read a new id on a failed
 * Update as a replacement. A failed Create has none yet; the role ARN, when valid, is what success
 * would have returned, and the logical id is a stable fallback that Delete accepts.
 */
function failedPhysicalId(event) {
  if (event.PhysicalResourceId) {
    return event.PhysicalResourceId;
  }
  const roleArn = event.ResourceProperties && event.ResourceProperties.RoleArn;
  return typeof roleArn === 'string' && ROLE_ARN.test(roleArn) ? roleArn : String(event.LogicalResourceId);
}

function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
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

function isNoSuchEntity(err) {
  return (
    Boolean(err) &&
    (err.name === 'NoSuchEntityException' || err.name === 'NoSuchEntity' || err.Code === 'NoSuchEntity')
  );
}

function isThrottled(err) {
  return (
    Boolean(err) &&
    (err.name === 'TooManyRequestsException' || (err.$metadata && err.$metadata.httpStatusCode === 429))
  );
}

/** A BadRequestException from UpdateAccount that says the role cannot be used yet. */
function isRoleNotPropagated(err) {
  if (!err || (err.name !== 'BadRequestException' && err.Code !== 'BadRequestException')) {
    return false;
  }
  const message = [err.message, err.Message]
    .filter((part) => typeof part === 'string')
    .join(' ')
    .replace(/\s+/g, ' ')
    .toLowerCase();
  return ROLE_NOT_PROPAGATED_MESSAGES.some((known) => message.includes(known));
}

function describe(err) {
  return err && err.name ? `${err.name}: ${err.message}` : String(err);
}

/**
 * The configuration of both SDK clients. Without a `requestTimeout` (and, in current SDK v3 versions,
 * `throwOnRequestTimeout`, without which the timeout only logs a warning), a call waits for as long as
 * the connection hangs. `maxAttempts` is explicit so the worst case does not depend on SDK defaults or
 * on AWS_MAX_ATTEMPTS.
 */
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
    const { APIGateway } = require('@aws-sdk/client-api-gateway');
    const { IAM } = require('@aws-sdk/client-iam');
    realHandler = makeHandler({
      apigateway: new APIGateway(sdkClientConfig()),
      iam: new IAM(sdkClientConfig()),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  }
  return realHandler(event, context);
}

module.exports = {
  handler,
  makeHandler,
  sendResponse,
  sdkClientConfig,
  RETRY_BUDGET_MS,
  RESPONSE_RESERVE_MS,
};
