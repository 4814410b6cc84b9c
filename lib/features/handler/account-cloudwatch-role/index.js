'use strict';
/*
 * Custom resource handler for the API Gateway account-level CloudWatch Logs role
 * (`cloudwatchRoleArn`, one per account and region, shared by every REST API there).
 *
 * First writer wins: the setting is changed only when it is empty or names a role that no longer
 * exists. A working role set by someone else (another stack, another tool, a central team) is left
 * alone. Delete does nothing: the role this stack created is retained, so the setting never dangles.
 *
 * Shipped as plain CommonJS next to CDK's `__entrypoint__.js`, which sends the CloudFormation response.
 * The AWS SDK v3 comes from the Lambda Node.js runtime; it is required lazily so unit tests can inject
 * fakes through `makeHandler` without loading it.
 */

/** Total time spent waiting between UpdateAccount attempts; far below the 5-minute Lambda timeout. */
const RETRY_BUDGET_MS = 180000;
/** UpdateAccount allows 1 request every 20 s per account. */
const THROTTLE_DELAY_MS = 20000;
/** A freshly created role usually becomes usable by API Gateway within seconds. */
const PROPAGATION_FIRST_DELAY_MS = 2000;
const PROPAGATION_MAX_DELAY_MS = 20000;
/** Spreads retries of stacks deploying at the same moment. */
const MAX_JITTER_MS = 2000;

const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

/**
 * @param {{
 *   apigateway: { getAccount(input: object): Promise<{ cloudwatchRoleArn?: string }>,
 *                 updateAccount(input: object): Promise<unknown> },
 *   iam: { getRole(input: { RoleName: string }): Promise<unknown> },
 *   sleep: (ms: number) => Promise<void>,
 *   random?: () => number,
 *   log?: (...args: unknown[]) => void,
 * }} deps
 */
function makeHandler(deps) {
  const { apigateway, iam, sleep } = deps;
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
      return { replace: false, why: `the setting names ${current}, which cannot be checked from this account` };
    }
    try {
      await iam.getRole({ RoleName: match[2] });
      return { replace: false, why: `the setting names ${current}, which exists` };
    } catch (err) {
      if (isNoSuchEntity(err)) {
        return { replace: true, why: `the setting names ${current}, which no longer exists` };
      }
      throw new Error(`Could not check whether ${current} (the account's CloudWatch role) exists: ${describe(err)}`);
    }
  }

  async function ensureRole(ourRoleArn) {
    const ours = ROLE_ARN.exec(ourRoleArn);
    if (!ours) {
      throw new Error(`RoleArn must be an IAM role ARN, got ${JSON.stringify(ourRoleArn)}`);
    }
    let waited = 0;
    let attempts = 0;
    let propagationDelay = PROPAGATION_FIRST_DELAY_MS;
    for (;;) {
      // Read again before every attempt: another stack may have set a working role meanwhile.
      const account = await apigateway.getAccount({});
      const current = account.cloudwatchRoleArn || '';
      const decision = await mayReplace(current, ours[1]);
      if (!decision.replace) {
        log(`Leaving the account CloudWatch role unchanged: ${decision.why}.`);
        return current;
      }
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
          throw new Error(`UpdateAccount failed for ${ourRoleArn}: ${describe(err)}`);
        }
        delay += Math.floor(random() * MAX_JITTER_MS);
        if (waited + delay > RETRY_BUDGET_MS) {
          throw new Error(
            `Gave up setting the API Gateway account CloudWatch role to ${ourRoleArn} after ${attempts} attempts ` +
              `and ${Math.round(waited / 1000)} s of retries; last error: ${describe(err)}. ` +
              'Deploy again later, or set executionLogging.manageAccountRole to false and manage the role centrally.',
          );
        }
        log(`UpdateAccount attempt ${attempts} failed (${describe(err)}); retrying in ${delay} ms.`);
        await sleep(delay);
        waited += delay;
      }
    }
  }

  return async function handle(event) {
    if (event.RequestType === 'Delete') {
      // The role is retained, so whatever the setting names keeps working: nothing to undo.
      return {};
    }
    const ourRoleArn = event.ResourceProperties && event.ResourceProperties.RoleArn;
    const inEffect = await ensureRole(ourRoleArn);
    return { PhysicalResourceId: ourRoleArn, Data: { RoleArn: inEffect } };
  };
}

function isNoSuchEntity(err) {
  return Boolean(err) && (err.name === 'NoSuchEntityException' || err.name === 'NoSuchEntity' || err.Code === 'NoSuchEntity');
}

function isThrottled(err) {
  return Boolean(err) && (err.name === 'TooManyRequestsException' || (err.$metadata && err.$metadata.httpStatusCode === 429));
}

/** API Gateway rejects a role it cannot assume yet; right after creation that is IAM propagation. */
function isRoleNotPropagated(err) {
  return (
    Boolean(err) &&
    err.name === 'BadRequestException' &&
    /role ARN does not have required permissions|trust permission/i.test(String(err.message))
  );
}

function describe(err) {
  return err && err.name ? `${err.name}: ${err.message}` : String(err);
}

let realHandler;

/** Lambda entry point, called by CDK's `__entrypoint__.js`. */
async function handler(event) {
  if (!realHandler) {
    const { APIGateway } = require('@aws-sdk/client-api-gateway');
    const { IAM } = require('@aws-sdk/client-iam');
    realHandler = makeHandler({
      apigateway: new APIGateway({}),
      iam: new IAM({}),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  }
  return realHandler(event);
}

module.exports = { handler, makeHandler, RETRY_BUDGET_MS };
