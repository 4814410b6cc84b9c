import { Fn, Names, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { PresetValidationError } from '../private/errors';
import { OpenApiObject } from '../private/openapi';
import {
  errorBody,
  overrideStatus,
  refuseResponseSchema,
  renderAwsResponses,
  ServiceErrorAnswer,
  ServiceErrorRule,
  statusDescription,
  THROTTLED,
} from './aws-integration';
import { integrationRole } from './integration-role';
import { RequestValue } from './request-value';
import type { IntegrationContext, IntegrationRendering } from './integration-context';

/**
 * Options for `RouteIntegration.stepFunctions()`.
 *
 * The execution's input is a JSON object built from the request: `body` (the JSON body), `path` (the
 * path variables), `querystring` (the query string parameters), `headers` (the headers named in
 * `includeHeaders`) and `caller` (who called, with `includeCaller`).
 */
export interface StepFunctionsRouteIntegrationOptions {
  /**
   * The state machine's type. Required for an imported state machine; for a `StateMachine` of this app,
   * it must be its type. A STANDARD execution is started and answered at once (202, with the execution
   * ARN); an EXPRESS execution is run and answered with its output.
   * @default - the state machine's own type
   */
  readonly stateMachineType?: sfn.StateMachineType;

  /**
   * Include the JSON request body as `body` (an empty body is `{}`).
   * @default true
   */
  readonly includeBody?: boolean;

  /**
   * Include the path variables as `path`.
   * @default true
   */
  readonly includePath?: boolean;

  /**
   * Include the query string parameters as `querystring`.
   * @default true
   */
  readonly includeQueryString?: boolean;

  /**
   * Headers to include as `headers`, by name. Only these: headers carry credentials.
   * @default - none
   */
  readonly includeHeaders?: string[];

  /**
   * Include who called as `caller`: `principalId` (a Lambda authorizer's principal), `sub` (a Cognito
   * user's subject), `accountId` and `userArn` (an IAM caller) and `sourceIp`. Values the route's
   * authorization does not give are empty strings. The state machine can trust them: API Gateway sets
   * them, the request cannot.
   * @default false
   */
  readonly includeCaller?: boolean;

  /**
   * More Cognito claims to include in `caller.claims`, by name (letters, digits and underscores), e.g.
   * `['email']`. Implies `includeCaller`.
   * @default - none
   */
  readonly callerClaims?: string[];

  /**
   * The execution's name, e.g. `RequestValue.header('Idempotency-Key')`, from a header, query string,
   * path variable or context variable (for a STANDARD state machine, not from the body: the answer to a
   * repeated name is written from the request's parameters). A STANDARD state machine never starts two
   * executions of one name: while the first is running, the same name and input is answered as the first
   * start was (202); once it has ended, or with another input, Step Functions refuses the start and the
   * client receives 200 `{executionArn, startedBefore: true}`, the ARN of the execution of that name,
   * whether or not it ran with this input. An EXPRESS execution's name is not checked for repeats. Names
   * are 1-80 characters, unique per state machine for 90 days.
   * @default - a name Step Functions generates
   */
  readonly executionName?: RequestValue;

  /**
   * For an EXPRESS state machine: the status code the client receives when the execution fails with one
   * of these errors (the `Error` of a Fail state or a task), 400-499, e.g. `{ OutOfStock: 409 }`. The
   * body names the error, not its cause. Any other failure is a 500.
   * @default - every failure is a 500
   */
  readonly errorStatusCodes?: { [error: string]: number };

  /**
   * The role API Gateway assumes to start executions, used as given: it must allow
   * `states:StartExecution` (STANDARD) or `states:StartSyncExecution` (EXPRESS) on the state machine,
   * and whatever its encryption key requires. The library adds nothing to it.
   * @default - a role that may start executions of this state machine only
   */
  readonly credentialsRole?: iam.IRole;
}

const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const ERROR_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

/** What an asynchronous start answers with: StartExecution's own result. */
const EXECUTION_STARTED_SCHEMA: OpenApiObject = {
  type: 'object',
  required: ['executionArn', 'startDate'],
  properties: {
    executionArn: { type: 'string', description: "The execution's ARN, to follow it in Step Functions" },
    startDate: { type: 'number', description: 'When the execution started, in seconds since the epoch' },
  },
};

const EXECUTION_REJECTED: ServiceErrorRule = {
  codes: ['InvalidExecutionInput', 'InvalidName'],
  statusCode: 400,
  type: 'EXECUTION_REJECTED',
  message:
    'The workflow did not accept the request: its input is too large, or the execution name is invalid.',
};

/** What a start answers with when an execution of its name exists and nothing was started. */
const EXECUTION_STARTED_BEFORE_SCHEMA: OpenApiObject = {
  type: 'object',
  required: ['executionArn', 'startedBefore'],
  properties: {
    executionArn: {
      type: 'string',
      description:
        'The ARN of the execution of this name, started before: it has ended, or it runs with another input',
    },
    startedBefore: { type: 'boolean', enum: [true], description: 'Nothing was started by this request' },
  },
};

const OPEN_EXECUTIONS_LIMIT: ServiceErrorRule = {
  codes: ['ExecutionLimitExceeded'],
  statusCode: 503,
  type: 'INTEGRATION_THROTTLED',
  message: 'Too many executions are running; try again later.',
};

/**
 * The request and response mapping of a route that starts a state machine's execution, and the role API
 * Gateway assumes to do it: StartExecution for STANDARD machines, StartSyncExecution for EXPRESS ones.
 */
export function renderStepFunctionsIntegration(
  stateMachine: sfn.IStateMachine,
  options: StepFunctionsRouteIntegrationOptions,
  ctx: IntegrationContext,
): IntegrationRendering {
  const scope = ctx.scope;
  const type = stateMachineType(ctx, stateMachine, options.stateMachineType);
  const express = type === sfn.StateMachineType.EXPRESS;
  if (!express && options.errorStatusCodes) {
    throw new PresetValidationError(
      scope,
      'integration.errorStatusCodes',
      options.errorStatusCodes,
      'A STANDARD execution is answered when it starts, before it can fail: errorStatusCodes apply to EXPRESS state machines only.',
    );
  }
  const errorStatusCodes = checkErrorStatusCodes(ctx, options.errorStatusCodes ?? {});
  const requestParameters: Record<string, boolean> = {};
  let nameSetup = '';
  let nameField = '';
  let startedBefore: ServiceErrorAnswer | undefined;
  if (options.executionName) {
    if (options.executionName._isConstant) {
      throw new PresetValidationError(
        scope,
        'integration.executionName',
        options.executionName._description,
        "An execution name is unique per state machine for 90 days: take it from the request, e.g. RequestValue.header('Idempotency-Key').",
      );
    }
    const name = options.executionName._bind(
      scope,
      'integration.executionName',
      'executionName',
      ctx.pathVariables,
      true,
    );
    if (!express && options.executionName._readsBody) {
      throw new PresetValidationError(
        scope,
        'integration.executionName',
        options.executionName._description,
        "A repeated name is answered with the ARN of its execution, written by a response template, which cannot read the request body: take the name from a header, query string or path variable, e.g. RequestValue.header('Idempotency-Key').",
      );
    }
    Object.assign(requestParameters, name.requestParameters);
    nameSetup = name.setup;
    nameField = `,"name":"${jsonEscaped(name.reference)}"`;
    if (!express) {
      startedBefore = executionStartedBefore(stateMachine, name.setup, name.reference);
    }
  }
  const input = executionInput(ctx, options, requestParameters);

  if (!express) {
    refuseResponseSchema(ctx, "the execution's ARN and start date");
  }
  // Everything is checked: from here on, resources may be created.
  const action = express ? 'StartSyncExecution' : 'StartExecution';
  const machineName =
    stateMachine instanceof sfn.StateMachine
      ? (stateMachine.node.defaultChild as sfn.CfnStateMachine).stateMachineName
      : undefined;
  if (machineName && !Token.isUnresolved(machineName)) {
    ctx.addToDeploymentHash({ stateMachineName: machineName });
  }
  const role =
    options.credentialsRole ??
    integrationRole(
      scope,
      `${action}${Names.nodeUniqueId(stateMachine.node)}`,
      `Lets API Gateway start executions of one state machine (${action})`,
      () => [
        new iam.PolicyStatement({ actions: [`states:${action}`], resources: [stateMachine.stateMachineArn] }),
      ],
    );
  const requestTemplate = [
    input,
    nameSetup,
    `{"stateMachineArn":"${stateMachine.stateMachineArn}","input":"${jsonEscaped('$executionInput')}"${nameField}}`,
  ].join('\n');
  const errorRules = [EXECUTION_REJECTED, OPEN_EXECUTIONS_LIMIT, THROTTLED];
  const responses = express
    ? renderAwsResponses(
        {
          successStatusCode: 200,
          successDescription: 'The execution succeeded: its output',
          successTemplate: syncExecutionResponseTemplate(errorStatusCodes),
          errorRules,
          otherStatusCodes: {
            '504': statusDescription(504),
            ...Object.fromEntries(
              Object.values(errorStatusCodes).map((code) => [
                `${code}`,
                'The workflow failed with this error',
              ]),
            ),
          },
        },
        ctx.cors,
      )
    : renderAwsResponses(
        {
          successStatusCode: 202,
          successDescription: 'The execution started: its ARN and start date',
          successTemplate:
            '{"executionArn":$input.json(\'$.executionArn\'),"startDate":$input.json(\'$.startDate\')}',
          successSchema: EXECUTION_STARTED_SCHEMA,
          errorAnswers: startedBefore && [startedBefore],
          errorRules,
        },
        ctx.cors,
      );
  return {
    integration: {
      type: 'aws',
      httpMethod: 'POST',
      uri: Fn.sub(`arn:\${AWS::Partition}:apigateway:\${Region}:states:action/${action}`, {
        Region: stateMachine.env.region,
      }),
      credentials: role.roleArn,
      passthroughBehavior: 'never',
      requestTemplates: { 'application/json': requestTemplate },
      responses: responses.integrationResponses,
    },
    responses: responses.methodResponses,
    responseBodies: responses.responseBodies,
    requestParameters,
  };
}

/**
 * The answer to a start refused with ExecutionAlreadyExists, which Step Functions gives when an execution of
 * the name has ended, or is running with another input: nothing was started, and the client receives the
 * ARN of the execution of that name. Step Functions does not send it; it follows from the state machine's
 * ARN and the name (`arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:<name>`), and
 * the name is read again from the request.
 */
function executionStartedBefore(
  stateMachine: sfn.IStateMachine,
  nameSetup: string,
  nameReference: string,
): ServiceErrorAnswer {
  return {
    codes: ['ExecutionAlreadyExists'],
    statusCode: 200,
    description:
      'An execution of this name was started before (it has ended, or it runs with another input): nothing was started; its ARN',
    template: [
      `#set($stateMachineArn = "${stateMachine.stateMachineArn}")`,
      "#set($executionArn = $stateMachineArn.replace(':stateMachine:', ':execution:'))",
      nameSetup,
      `{"executionArn":"$executionArn:${jsonEscaped(nameReference)}","startedBefore":true}`,
    ].join(''),
    schema: EXECUTION_STARTED_BEFORE_SCHEMA,
  };
}

/** The template expression of a string variable, escaped to stand inside a JSON string. */
function jsonEscaped(reference: string): string {
  // escapeJavaScript writes ' as \', which JSON does not allow: the replace turns it back.
  return `$util.escapeJavaScript(${reference}).replaceAll("\\\\'","'")`;
}

/**
 * Template lines that build the execution's input, a JSON document, in `$executionInput`. Every string from
 * the request is escaped; the body is re-serialized by `$input.json`, so no field can be injected beside
 * `caller`.
 */
function executionInput(
  ctx: IntegrationContext,
  options: StepFunctionsRouteIntegrationOptions,
  requestParameters: Record<string, boolean>,
): string {
  const lines = ["#set($q = '\"')", '#set($executionInput = "")', '#set($separator = "")'];
  const field = (name: string, value: string) => {
    lines.push(
      `#set($executionInput = "$executionInput$separator\${q}${name}\${q}:${value}")`,
      '#set($separator = ",")',
    );
  };
  if (options.includeBody !== false) {
    lines.push("#set($body = $input.json('$'))");
    field('body', '$body');
  }
  const map = (name: string, source: 'path' | 'querystring') => {
    lines.push(
      '#set($entries = "")',
      `#foreach($key in $input.params().${source}.keySet())`,
      `#set($value = $input.params().${source}.get($key))`,
      `#set($escapedKey = ${jsonEscaped('$key')})`,
      `#set($escapedValue = ${jsonEscaped('$value')})`,
      '#set($entries = "$entries${q}$escapedKey${q}:${q}$escapedValue${q}")',
      '#if($foreach.hasNext)#set($entries = "$entries,")#{end}',
      '#{end}',
    );
    field(name, '{$entries}');
  };
  if (options.includePath !== false) {
    map('path', 'path');
  }
  if (options.includeQueryString !== false) {
    map('querystring', 'querystring');
  }
  const headers = options.includeHeaders ?? [];
  if (headers.length > 0) {
    const entries: string[] = [];
    headers.forEach((name, index) => {
      const value = RequestValue.header(name)._bind(
        ctx.scope,
        'integration.includeHeaders',
        `header${index + 1}`,
        [],
        false,
      );
      Object.assign(requestParameters, value.requestParameters);
      lines.push(value.setup, `#set($header${index + 1} = ${jsonEscaped(value.reference)})`);
      entries.push(`\${q}${jsonEscapedConstant(name)}\${q}:\${q}$header${index + 1}\${q}`);
    });
    field('headers', `{${entries.join(',')}}`);
  }
  const claims = options.callerClaims ?? [];
  if (options.includeCaller || claims.length > 0) {
    const caller: Array<[string, string]> = [
      ['principalId', 'authorizer.principalId'],
      ['sub', 'authorizer.claims.sub'],
      ['accountId', 'identity.accountId'],
      ['userArn', 'identity.userArn'],
      ['sourceIp', 'identity.sourceIp'],
    ];
    const entries = caller.map(([name, variable]) => {
      lines.push(
        `#set($caller = "$!context.${variable}")`,
        `#set($caller_${name} = ${jsonEscaped('$caller')})`,
      );
      return `\${q}${name}\${q}:\${q}$caller_${name}\${q}`;
    });
    if (claims.length > 0) {
      const claimEntries = claims.map((claim) => {
        if (!CLAIM_NAME.test(claim)) {
          throw new PresetValidationError(
            ctx.scope,
            'integration.callerClaims',
            claim,
            'A claim is named by 1-128 letters, digits and underscores, not starting with a digit.',
          );
        }
        lines.push(
          `#set($claim = "$!context.authorizer.claims.${claim}")`,
          `#set($claim_${claim} = ${jsonEscaped('$claim')})`,
        );
        return `\${q}${claim}\${q}:\${q}$claim_${claim}\${q}`;
      });
      entries.push(`\${q}claims\${q}:{${claimEntries.join(',')}}`);
    }
    field('caller', `{${entries.join(',')}}`);
  }
  lines.push('#set($executionInput = "{$executionInput}")');
  return lines.join('\n');
}

/** A name known at synth, escaped to stand inside a JSON string inside the template's JSON string. */
function jsonEscapedConstant(name: string): string {
  return JSON.stringify(name).slice(1, -1);
}

/**
 * The client's answer to a synchronous execution, which Step Functions answers with 200 whatever its
 * outcome: the output when it succeeded; 504 when it timed out; the status of `errorStatusCodes` for those
 * errors; 500 otherwise. The error's cause (a stack trace, a service's message) is never sent.
 */
function syncExecutionResponseTemplate(errorStatusCodes: Record<string, number>): string {
  const failed = `${overrideStatus(500)}${errorBody('WORKFLOW_FAILED', 'The workflow failed.')}`;
  const mapped = Object.entries(errorStatusCodes).map(
    ([error, code], index) =>
      `#${index === 0 ? 'if' : 'elseif'}($error == '${error}')` +
      `${overrideStatus(code)}${errorBody(error, `The workflow failed with ${error}.`)}`,
  );
  return [
    "#set($status = $input.path('$.status'))",
    "#if($status == 'SUCCEEDED')$input.path('$.output')",
    `#elseif($status == 'TIMED_OUT')${overrideStatus(504)}${errorBody('WORKFLOW_TIMED_OUT', 'The workflow did not finish in time.')}`,
    '#{else}',
    ...(mapped.length > 0
      ? ["#set($error = $input.path('$.error'))", ...mapped, `#{else}${failed}#{end}`]
      : [failed]),
    '#{end}',
  ].join('');
}

function stateMachineType(
  ctx: IntegrationContext,
  stateMachine: sfn.IStateMachine,
  given: sfn.StateMachineType | undefined,
): sfn.StateMachineType {
  if (stateMachine instanceof sfn.StateMachine) {
    if (given !== undefined && given !== stateMachine.stateMachineType) {
      throw new PresetValidationError(
        ctx.scope,
        'integration.stateMachineType',
        given,
        `The state machine ${stateMachine.node.path} is ${stateMachine.stateMachineType}: leave stateMachineType out, or give its own type.`,
      );
    }
    return stateMachine.stateMachineType;
  }
  if (given === undefined) {
    throw new PresetValidationError(
      ctx.scope,
      'integration.stateMachineType',
      undefined,
      `The type of the imported state machine ${stateMachine.node.path} is not known at synth: set stateMachineType to StateMachineType.STANDARD or StateMachineType.EXPRESS.`,
    );
  }
  return given;
}

function checkErrorStatusCodes(
  ctx: IntegrationContext,
  errorStatusCodes: Record<string, number>,
): Record<string, number> {
  for (const [error, code] of Object.entries(errorStatusCodes)) {
    if (!ERROR_NAME.test(error)) {
      throw new PresetValidationError(
        ctx.scope,
        'integration.errorStatusCodes',
        error,
        'An error is named by 1-128 letters, digits and _ . : -, as in a Fail state, e.g. OutOfStock or States.Timeout.',
      );
    }
    if (!Number.isInteger(code) || code < 400 || code > 499) {
      throw new PresetValidationError(
        ctx.scope,
        `integration.errorStatusCodes.${error}`,
        code,
        'A failure the client caused is answered with a 4XX status code, 400-499; any other failure is a 500.',
      );
    }
  }
  return errorStatusCodes;
}
