'use strict';
/*
 * Custom resource handler for the API Gateway account-level CloudWatch Logs role
 * (`cloudwatchRoleArn`, one per account and region, shared by every REST API there).
 *
 * First writer wins: the setting is changed only when it is empty or names a role that no longer
 * exists. A working role set by someone else (another stack, another tool, a central team) is left
 * alone. Delete does nothing: the role this stack created is retained, so the setting never dangles.
 *
 * A plain Lambda-backed custom resource: lib/private/handler/cfn-response.js answers CloudFormation,
 * exactly once and in time. The AWS SDK v3 comes from the Lambda Node.js runtime; it is required lazily
 * so unit tests can inject fakes through `makeHandler` without loading it.
 */

const {
  answerOnce,
  describe,
  lazyEntryPoint,
  sdkClientConfig: boundedSdkClientConfig,
  sendResponse,
  sleep: realSleep,
  stopIfAnswered,
  RESPONSE_RESERVE_MS,
} = require('../../../private/handler/cfn-response');

/** Total time spent waiting between UpdateAccount attempts; far below the 5-minute Lambda timeout. */
const RETRY_BUDGET_MS = 180000;
/** UpdateAccount allows 1 request every 20 s per account. */
const THROTTLE_DELAY_MS = 20000;
/** A freshly created role usually becomes usable by API Gateway within seconds. */
const PROPAGATION_FIRST_DELAY_MS = 2000;
const PROPAGATION_MAX_DELAY_MS = 20000;
/** Spreads retries of stacks deploying at the same moment. */
const MAX_JITTER_MS = 2000;
/**
 * Bounds on every AWS API call, so a hung connection cannot use up the invocation. Control-plane calls
 * answer in well under a second. One call with all its attempts, and the SDK's waits between them
 * (at most 20 s each), still fits in the time the retry budget leaves before the deadline.
 */
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
 *   respond?: (responseUrl: string, body: object) => Promise<void>,
 *   random?: () => number,
 *   log?: (...args: unknown[]) => void,
 * }} deps `respond` delivers the response to CloudFormation; it defaults to an HTTPS PUT.
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
    let waited = 0;
    let attempts = 0;
    let propagationDelay = PROPAGATION_FIRST_DELAY_MS;
    for (;;) {
      stopIfAnswered(run);
      // Read again before every attempt: another stack may have set a working role meanwhile.
      const account = await apigateway.getAccount({});
      const current = account.cloudwatchRoleArn || '';
      const decision = await mayReplace(current, ours[1]);
      if (!decision.replace) {
        log(`Leaving the account CloudWatch role unchanged: ${decision.why}.`);
        return current;
      }
      stopIfAnswered(run);
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

  return answerOnce({
    decide,
    respond,
    log,
    unfinished: 'the account setting was decided',
    // A failed Create keeps the role ARN, when valid: what success would have returned.
    physicalIdOnCreate: (properties) =>
      typeof properties.RoleArn === 'string' && ROLE_ARN.test(properties.RoleArn)
        ? properties.RoleArn
        : undefined,
  });
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

/** The configuration of both SDK clients. */
function sdkClientConfig() {
  return boundedSdkClientConfig({ requestTimeoutMs: SDK_REQUEST_TIMEOUT_MS, maxAttempts: SDK_MAX_ATTEMPTS });
}

const handler = lazyEntryPoint(() => {
  const { APIGateway } = require('@aws-sdk/client-api-gateway');
  const { IAM } = require('@aws-sdk/client-iam');
  return makeHandler({
    apigateway: new APIGateway(sdkClientConfig()),
    iam: new IAM(sdkClientConfig()),
    sleep: realSleep,
  });
});

module.exports = {
  handler,
  makeHandler,
  sendResponse,
  sdkClientConfig,
  RETRY_BUDGET_MS,
  RESPONSE_RESERVE_MS,
};
