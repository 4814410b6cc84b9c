import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EdgeApi, RequestValue, RouteIntegration, StepFunctionsRouteIntegrationOptions } from '../../lib';
import { definitionOf, integrationOf, Json, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { StepFunctionsCheckoutApiStack } from '../../examples/step-functions-checkout-api';
import { bodyErrors, contractBodySchema, openApiErrors } from '../support/openapi';
import { joinedText } from '../support/tokens';
import { MappingRequest, renderMappingTemplate, renderResponseTemplate } from '../support/vtl';

const MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:checkout';

function stack(): Stack {
  return new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
}

function machine(s: Stack, type: sfn.StateMachineType, id = 'Machine'): sfn.StateMachine {
  return new sfn.StateMachine(s, id, {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(s, `${id}Pass`)),
    stateMachineType: type,
  });
}

/** An API with `POST /checkout/{cartId}` starting `stateMachine`; returns the template. */
function start(
  s: Stack,
  stateMachine: sfn.IStateMachine,
  options?: StepFunctionsRouteIntegrationOptions,
  path = '/checkout/{cartId}',
): Template {
  new EdgeApi(s, 'Api').addRoute('POST', path, RouteIntegration.stepFunctions(stateMachine, options));
  return Template.fromStack(s);
}

/** The StartExecution request the template writes for `request`, with the execution input parsed. */
function startRequest(integration: Json, request: MappingRequest): Json {
  const template = joinedText(integration.requestTemplates['application/json'], {});
  const rendered = renderMappingTemplate(template.replace(/<[A-Za-z0-9]+>/g, MACHINE_ARN), request);
  const parsed = JSON.parse(rendered);
  return { ...parsed, input: JSON.parse(parsed.input) };
}

/** The API `start` added to `s`. */
function apiOf(s: Stack): EdgeApi {
  return s.node.findChild('Api') as EdgeApi;
}

function integrationRoles(template: Template): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('ApiIntegrationRoles'),
    ),
  );
}

const AWKWARD =
  'quote " apostrophe \' backslash \\ slash / newline \n tab \t é ✓ 😀 $input.body #set($x = 1)';

describe('RouteIntegration.stepFunctions', () => {
  describe('a STANDARD state machine', () => {
    const s = stack();
    const stateMachine = machine(s, sfn.StateMachineType.STANDARD);
    const t = start(s, stateMachine);
    const integration = integrationOf(t, 'POST', '/checkout/{cartId}');

    test('starts an execution (StartExecution) with a role, never passing the body through', async () => {
      expect(integration).toMatchObject({
        type: 'aws',
        httpMethod: 'POST',
        uri: {
          'Fn::Sub': [
            'arn:${AWS::Partition}:apigateway:${Region}:states:action/StartExecution',
            { Region: { Ref: 'AWS::Region' } },
          ],
        },
        credentials: { 'Fn::GetAtt': [Object.keys(integrationRoles(t))[0], 'Arn'] },
        passthroughBehavior: 'never',
      });
      expect(Object.keys(integration.requestTemplates)).toEqual(['application/json']);
      expect(joinedText(integration.requestTemplates['application/json'])).toContain(
        `{"stateMachineArn":"<${s.getLogicalId(stateMachine.node.defaultChild as sfn.CfnStateMachine)}>"`,
      );
      expect(await openApiErrors(definitionOf(t))).toEqual([]);
    });

    test('the role may start executions of this state machine, nothing else', () => {
      const roles = Object.values(integrationRoles(t));
      expect(roles).toHaveLength(1);
      expect(roles[0].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
      ]);
      expect(roles[0].Properties.Policies).toEqual([
        {
          PolicyName: 'Integration',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Action: 'states:StartExecution',
                Effect: 'Allow',
                Resource: { Ref: s.getLogicalId(stateMachine.node.defaultChild as sfn.CfnStateMachine) },
              },
            ],
          },
        },
      ]);
    });

    test('the input holds the body, path variables and query strings, exactly as sent', () => {
      const body = JSON.stringify({ items: [{ sku: 'A-1', note: AWKWARD }], total: 12.5, gift: false });
      const request = startRequest(integration, {
        body,
        path: { cartId: AWKWARD },
        querystring: { [AWKWARD]: AWKWARD, coupon: 'SAVE10' },
      });
      expect(request).toEqual({
        stateMachineArn: MACHINE_ARN,
        input: {
          body: JSON.parse(body),
          path: { cartId: AWKWARD },
          querystring: { [AWKWARD]: AWKWARD, coupon: 'SAVE10' },
        },
      });
    });

    test('an empty body is {}, and no parameters are empty objects', () => {
      expect(startRequest(integration, { body: '' }).input).toEqual({ body: {}, path: {}, querystring: {} });
    });

    test('a body cannot put fields beside it: what it holds stays under body', () => {
      const body = '{"caller":{"principalId":"admin"},"path":{"cartId":"other"}}';
      const request = startRequest(integration, {
        body,
        path: { cartId: '"},"caller":{"principalId":"admin' },
      });
      expect(Object.keys(request.input)).toEqual(['body', 'path', 'querystring']);
      expect(request.input.path).toEqual({ cartId: '"},"caller":{"principalId":"admin' });
      expect(request.input.body).toEqual(JSON.parse(body));
    });

    test('202 with the execution ARN and start date, as Step Functions answers them', () => {
      expect(integration.responses.default.statusCode).toBe('202');
      const out = renderResponseTemplate(
        integration.responses.default.responseTemplates['application/json'],
        JSON.stringify({
          executionArn: `${MACHINE_ARN}:e-1`.replace('stateMachine', 'execution'),
          startDate: 1.7e9,
        }),
      );
      expect(out.statusOverride).toBeUndefined();
      expect(JSON.parse(out.body)).toEqual({
        executionArn: 'arn:aws:states:us-east-1:111122223333:execution:checkout:e-1',
        startDate: 1.7e9,
      });
      const schema = contractBodySchema(apiOf(s), 'POST', '/checkout/{cartId}', 202);
      expect(bodyErrors(schema, JSON.parse(out.body))).toEqual([]);
      expect(bodyErrors(schema, { executionArn: 'e', startDate: '2026-11-25' })).toEqual([
        '/startDate must be number',
      ]);
      expect(operationOf(t, 'POST', '/checkout/{cartId}').responses).toEqual({
        '202': { description: 'The execution started: its ARN and start date' },
        '400': { description: 'The backend refused the request as given' },
        '500': { description: 'The integration failed; the request id identifies it in the logs' },
        '503': { description: 'The backend is busy or unavailable; try again later' },
      });
    });

    const secret = 'arn:aws:states:us-east-1:111122223333:stateMachine:internal';
    test.each([
      ['InvalidExecutionInput', 400, 'EXECUTION_REJECTED'],
      ['InvalidName', 400, 'EXECUTION_REJECTED'],
      ['ExecutionLimitExceeded', 503, 'INTEGRATION_THROTTLED'],
      ['ThrottlingException', 503, 'INTEGRATION_THROTTLED'],
      ['StateMachineDoesNotExist', 500, 'INTEGRATION_ERROR'],
      ['AccessDeniedException', 500, 'INTEGRATION_ERROR'],
    ])('Step Functions 4XX %s: %d %s, without its message', (type, status, expected) => {
      const out = renderResponseTemplate(
        integration.responses['4\\d{2}'].responseTemplates['application/json'],
        JSON.stringify({ __type: type, message: `Not allowed on ${secret}` }),
      );
      expect(out.statusOverride ?? Number(integration.responses['4\\d{2}'].statusCode)).toBe(status);
      expect(JSON.parse(out.body)).toEqual({
        message: expect.any(String),
        type: expected,
        requestId: 'request-1',
      });
      expect(out.body).not.toContain(secret);
      expect(
        bodyErrors(contractBodySchema(apiOf(s), 'POST', '/checkout/{cartId}', status), JSON.parse(out.body)),
      ).toEqual([]);
    });
  });

  describe('a STANDARD state machine with an execution name (StartExecution is idempotent)', () => {
    const s = stack();
    const t = start(s, machine(s, sfn.StateMachineType.STANDARD), {
      executionName: RequestValue.header('Idempotency-Key'),
    });
    const integration = integrationOf(t, 'POST', '/checkout/{cartId}');
    const errorTemplate = joinedText(integration.responses['4\\d{2}'].responseTemplates['application/json']);
    const alreadyExists = JSON.stringify({
      __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists',
      message: "Execution Already Exists: 'arn:aws:states:us-east-1:111122223333:execution:checkout:other'",
    });
    const refused = (header: Record<string, string>) =>
      renderResponseTemplate(errorTemplate.replace(/<[A-Za-z0-9]+>/g, MACHINE_ARN), alreadyExists, {
        header,
      });

    test('the name is sent as StartExecution name; a repeat while running is answered as the first start', () => {
      expect(startRequest(integration, { header: { 'Idempotency-Key': 'order-42' } }).name).toBe('order-42');
      const first = JSON.stringify({
        executionArn: 'arn:aws:states:us-east-1:111122223333:execution:checkout:order-42',
        startDate: 1.7e9,
      });
      const out = renderResponseTemplate(
        integration.responses.default.responseTemplates['application/json'],
        first,
      );
      expect(integration.responses.default.statusCode).toBe('202');
      expect(JSON.parse(out.body)).toEqual(JSON.parse(first));
    });

    test('ExecutionAlreadyExists: 200 with the ARN of the execution of that name, nothing started', () => {
      const out = refused({ 'Idempotency-Key': 'order-42' });
      expect(out.statusOverride).toBe(200);
      const body = JSON.parse(out.body);
      expect(body).toEqual({
        executionArn: 'arn:aws:states:us-east-1:111122223333:execution:checkout:order-42',
        startedBefore: true,
      });
      const schema = contractBodySchema(apiOf(s), 'POST', '/checkout/{cartId}', 200);
      expect(bodyErrors(schema, body)).toEqual([]);
      expect(bodyErrors(schema, { executionArn: 'e', startedBefore: false })).toEqual([
        '/startedBefore must be equal to one of the allowed values',
      ]);
    });

    test('the name is read again from the request, as HTTP/2 clients send it, and escaped', () => {
      expect(JSON.parse(refused({ 'idempotency-key': 'order-43' }).body).executionArn).toBe(
        'arn:aws:states:us-east-1:111122223333:execution:checkout:order-43',
      );
      expect(JSON.parse(refused({ 'Idempotency-Key': AWKWARD }).body).executionArn).toBe(
        `arn:aws:states:us-east-1:111122223333:execution:checkout:${AWKWARD}`,
      );
    });

    test('the other errors keep their answers; every status is a documented method response', () => {
      const limit = renderResponseTemplate(
        errorTemplate,
        JSON.stringify({ __type: 'ExecutionLimitExceeded' }),
      );
      expect(limit.statusOverride).toBe(503);
      expect(operationOf(t, 'POST', '/checkout/{cartId}').responses).toEqual({
        '200': {
          description:
            'An execution of this name was started before (it has ended, or it runs with another input): nothing was started; its ARN',
        },
        '202': { description: 'The execution started: its ARN and start date' },
        '400': { description: 'The backend refused the request as given' },
        '500': { description: 'The integration failed; the request id identifies it in the logs' },
        '503': { description: 'The backend is busy or unavailable; try again later' },
      });
    });
  });

  describe('an EXPRESS state machine', () => {
    const s = stack();
    const stateMachine = machine(s, sfn.StateMachineType.EXPRESS);
    const t = start(s, stateMachine, { errorStatusCodes: { OutOfStock: 409, 'Payment.Declined': 402 } });
    const integration = integrationOf(t, 'POST', '/checkout/{cartId}');
    const respond = (execution: Json) =>
      renderResponseTemplate(
        integration.responses.default.responseTemplates['application/json'],
        JSON.stringify({ executionArn: 'e', stateMachineArn: MACHINE_ARN, ...execution }),
      );

    test('runs the execution (StartSyncExecution); the role may do that on this state machine only', () => {
      expect(integration.uri['Fn::Sub'][0]).toBe(
        'arn:${AWS::Partition}:apigateway:${Region}:states:action/StartSyncExecution',
      );
      expect(Object.values(integrationRoles(t))[0].Properties.Policies[0].PolicyDocument.Statement).toEqual([
        {
          Action: 'states:StartSyncExecution',
          Effect: 'Allow',
          Resource: { Ref: s.getLogicalId(stateMachine.node.defaultChild as sfn.CfnStateMachine) },
        },
      ]);
    });

    test('200 with the output of a succeeded execution, as the state machine wrote it', () => {
      const output = { orderId: 'o-1', note: AWKWARD, lines: [1, 2] };
      const out = respond({ status: 'SUCCEEDED', output: JSON.stringify(output) });
      expect(out.statusOverride).toBeUndefined();
      expect(JSON.parse(out.body)).toEqual(output);
    });

    test('a failure with a listed error: its status, the error named, the cause never sent', () => {
      for (const [error, status] of [
        ['OutOfStock', 409],
        ['Payment.Declined', 402],
      ] as const) {
        const out = respond({ status: 'FAILED', error, cause: 'Stack trace at arn:aws:lambda:secret' });
        expect(out.statusOverride).toBe(status);
        expect(JSON.parse(out.body)).toEqual({
          message: `The workflow failed with ${error}.`,
          type: error,
          requestId: 'request-1',
        });
      }
    });

    test('any other failure is a 500 and a timeout a 504, without the cause', () => {
      const failed = respond({ status: 'FAILED', error: 'States.TaskFailed', cause: 'secret cause' });
      expect(failed.statusOverride).toBe(500);
      expect(JSON.parse(failed.body)).toEqual({
        message: 'The workflow failed.',
        type: 'WORKFLOW_FAILED',
        requestId: 'request-1',
      });
      const timedOut = respond({ status: 'TIMED_OUT', error: 'States.Timeout', cause: 'secret cause' });
      expect(timedOut.statusOverride).toBe(504);
      expect(JSON.parse(timedOut.body).type).toBe('WORKFLOW_TIMED_OUT');
    });

    test('every status a response may have is a documented method response', () => {
      expect(Object.keys(operationOf(t, 'POST', '/checkout/{cartId}').responses)).toEqual([
        '200',
        '400',
        '402',
        '409',
        '500',
        '503',
        '504',
      ]);
    });

    test("the contract gives every error's body; the output's shape is the state machine's own", () => {
      const schemaOf = (status: number) => contractBodySchema(apiOf(s), 'POST', '/checkout/{cartId}', status);
      expect(schemaOf(200)).toBeUndefined();
      const declined = respond({ status: 'FAILED', error: 'Payment.Declined' });
      expect(bodyErrors(schemaOf(402), JSON.parse(declined.body))).toEqual([]);
      const timedOut = respond({ status: 'TIMED_OUT', error: 'States.Timeout' });
      expect(bodyErrors(schemaOf(504), JSON.parse(timedOut.body))).toEqual([]);
      expect(bodyErrors(schemaOf(504), { message: 'm', type: 't' })).toEqual([
        "/ must have required property 'requestId'",
      ]);
    });
  });

  test('an EXPRESS state machine without errorStatusCodes answers every failure with 500', () => {
    const s = stack();
    const integration = integrationOf(
      start(s, machine(s, sfn.StateMachineType.EXPRESS)),
      'POST',
      '/checkout/{cartId}',
    );
    const out = renderResponseTemplate(
      integration.responses.default.responseTemplates['application/json'],
      JSON.stringify({ status: 'FAILED', error: 'OutOfStock' }),
    );
    expect(out.statusOverride).toBe(500);
  });

  test('headers by name, the caller and its claims, the execution name from a required header', () => {
    const s = stack();
    const t = start(s, machine(s, sfn.StateMachineType.STANDARD), {
      includeBody: false,
      includeQueryString: false,
      includeHeaders: ['X-Request-Id', 'Accept-Language'],
      includeCaller: true,
      callerClaims: ['email', 'custom_tier'],
      executionName: RequestValue.header('Idempotency-Key'),
    });
    expect(operationOf(t, 'POST', '/checkout/{cartId}').parameters).toEqual([
      { name: 'cartId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'Accept-Language', in: 'header', required: false, schema: { type: 'string' } },
    ]);
    const request = startRequest(integrationOf(t, 'POST', '/checkout/{cartId}'), {
      body: '{"ignored":true}',
      path: { cartId: 'c-1' },
      querystring: { ignored: 'yes' },
      header: { 'Idempotency-Key': AWKWARD, 'x-request-id': AWKWARD, Authorization: 'secret' },
      context: {
        authorizer: {
          principalId: AWKWARD,
          claims: { sub: 'u-1', email: "o'neil@example.com", custom_tier: 'gold' },
        },
        identity: { sourceIp: '203.0.113.9' },
      },
    });
    expect(request).toEqual({
      stateMachineArn: MACHINE_ARN,
      name: AWKWARD,
      input: {
        path: { cartId: 'c-1' },
        headers: { 'X-Request-Id': AWKWARD, 'Accept-Language': '' },
        caller: {
          principalId: AWKWARD,
          sub: 'u-1',
          accountId: '',
          userArn: '',
          sourceIp: '203.0.113.9',
          claims: { email: "o'neil@example.com", custom_tier: 'gold' },
        },
      },
    });
  });

  test('an IAM caller: its account and ARN; fields the authorization does not give are empty', () => {
    const s = stack();
    const t = start(s, machine(s, sfn.StateMachineType.STANDARD), { includeCaller: true });
    const request = startRequest(integrationOf(t, 'POST', '/checkout/{cartId}'), {
      context: {
        identity: {
          accountId: '111122223333',
          userArn: 'arn:aws:sts::111122223333:assumed-role/shop/session',
          sourceIp: '10.0.0.1',
        },
      },
    });
    expect(request.input.caller).toEqual({
      principalId: '',
      sub: '',
      accountId: '111122223333',
      userArn: 'arn:aws:sts::111122223333:assumed-role/shop/session',
      sourceIp: '10.0.0.1',
    });
  });

  test('an imported state machine, with its type given; its Region is the one called', () => {
    const s = stack();
    const imported = sfn.StateMachine.fromStateMachineArn(
      s,
      'Imported',
      'arn:aws:states:eu-west-1:111122223333:stateMachine:orders',
    );
    const t = start(s, imported, { stateMachineType: sfn.StateMachineType.EXPRESS });
    const integration = integrationOf(t, 'POST', '/checkout/{cartId}');
    expect(integration.uri['Fn::Sub']).toEqual([
      'arn:${AWS::Partition}:apigateway:${Region}:states:action/StartSyncExecution',
      { Region: 'eu-west-1' },
    ]);
    expect(Object.values(integrationRoles(t))[0].Properties.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Action: 'states:StartSyncExecution',
        Effect: 'Allow',
        Resource: 'arn:aws:states:eu-west-1:111122223333:stateMachine:orders',
      },
    ]);
  });

  test('routes starting one state machine share its role; a credentialsRole is used as given', () => {
    const s = stack();
    const stateMachine = machine(s, sfn.StateMachineType.STANDARD);
    const api = new EdgeApi(s, 'Api');
    api.addRoute('POST', '/a', RouteIntegration.stepFunctions(stateMachine));
    api.addRoute('POST', '/b', RouteIntegration.stepFunctions(stateMachine));
    const given = iam.Role.fromRoleArn(s, 'Given', 'arn:aws:iam::111122223333:role/start', {
      mutable: false,
    });
    api.addRoute('POST', '/c', RouteIntegration.stepFunctions(stateMachine, { credentialsRole: given }));
    const t = Template.fromStack(s);
    expect(Object.keys(integrationRoles(t))).toHaveLength(1);
    expect(integrationOf(t, 'POST', '/a').credentials).toEqual(integrationOf(t, 'POST', '/b').credentials);
    expect(integrationOf(t, 'POST', '/c').credentials).toBe('arn:aws:iam::111122223333:role/start');
  });

  describe('fails when', () => {
    test('an imported state machine has no stateMachineType', () => {
      const s = stack();
      const imported = sfn.StateMachine.fromStateMachineArn(s, 'Imported', MACHINE_ARN);
      expectInvalid(
        () => start(s, imported),
        'integration.stateMachineType of POST /checkout/{cartId}',
        'undefined',
        'set stateMachineType to StateMachineType.STANDARD or StateMachineType.EXPRESS',
      );
    });

    test('stateMachineType contradicts the state machine', () => {
      const s = stack();
      expectInvalid(
        () =>
          start(s, machine(s, sfn.StateMachineType.STANDARD), {
            stateMachineType: sfn.StateMachineType.EXPRESS,
          }),
        'integration.stateMachineType of POST /checkout/{cartId}',
        '"EXPRESS"',
        'The state machine Stack/Machine is STANDARD',
      );
    });

    test('a STANDARD state machine is given errorStatusCodes', () => {
      const s = stack();
      expectInvalid(
        () => start(s, machine(s, sfn.StateMachineType.STANDARD), { errorStatusCodes: { OutOfStock: 409 } }),
        'integration.errorStatusCodes of POST /checkout/{cartId}',
        '{"OutOfStock":409}',
        'errorStatusCodes apply to EXPRESS state machines only',
      );
    });

    test.each([[399], [500], [409.5]])('an error status code is not 400-499: %d', (code) => {
      const s = stack();
      expectInvalid(
        () => start(s, machine(s, sfn.StateMachineType.EXPRESS), { errorStatusCodes: { OutOfStock: code } }),
        'integration.errorStatusCodes.OutOfStock of POST /checkout/{cartId}',
        String(code),
        'A failure the client caused is answered with a 4XX status code, 400-499',
      );
    });

    test("an error name could break out of the template: O'Neil", () => {
      const s = stack();
      expectInvalid(
        () => start(s, machine(s, sfn.StateMachineType.EXPRESS), { errorStatusCodes: { "O'Neil": 409 } }),
        'integration.errorStatusCodes of POST /checkout/{cartId}',
        '"O\'Neil"',
        'An error is named by 1-128 letters, digits and _ . : -',
      );
    });

    test('the execution name is a constant', () => {
      const s = stack();
      expectInvalid(
        () =>
          start(s, machine(s, sfn.StateMachineType.STANDARD), {
            executionName: RequestValue.constant('checkout'),
          }),
        'integration.executionName of POST /checkout/{cartId}',
        '"constant \\"checkout\\""',
        'An execution name is unique per state machine for 90 days',
      );
    });

    test('the name of a STANDARD execution is a body field, which a response cannot read', () => {
      const s = stack();
      expectInvalid(
        () =>
          start(s, machine(s, sfn.StateMachineType.STANDARD), {
            executionName: RequestValue.bodyJsonPath('$.orderId'),
          }),
        'integration.executionName of POST /checkout/{cartId}',
        '"body field $.orderId"',
        'take the name from a header, query string or path variable',
      );
      const e = stack();
      expect(() =>
        start(e, machine(e, sfn.StateMachineType.EXPRESS), {
          executionName: RequestValue.bodyJsonPath('$.orderId'),
        }),
      ).not.toThrow();
    });

    test('a claim name is not a plain name', () => {
      const s = stack();
      expectInvalid(
        () => start(s, machine(s, sfn.StateMachineType.STANDARD), { callerClaims: ['cognito:groups'] }),
        'integration.callerClaims of POST /checkout/{cartId}',
        '"cognito:groups"',
        'A claim is named by 1-128 letters, digits and underscores',
      );
    });

    test('a header name is not one API Gateway declares', () => {
      const s = stack();
      expectInvalid(
        () => start(s, machine(s, sfn.StateMachineType.STANDARD), { includeHeaders: ['X Trace'] }),
        'integration.includeHeaders of POST /checkout/{cartId}',
        '"X Trace"',
        'A header, query string or path variable name is 1-128 letters, digits and . _ -.',
      );
    });
  });
});

describe('the StepFunctionsCheckoutApi example', () => {
  const example = new StepFunctionsCheckoutApiStack(
    new App({ builtinCloudFormationValidation: false }),
    'Example',
  );
  const t = Template.fromStack(example);

  test('its definition is a valid OpenAPI document', async () => {
    expect(await openApiErrors(definitionOf(t))).toEqual([]);
  });

  test('checkout runs the EXPRESS workflow; fulfilment starts the STANDARD one; each role one action', () => {
    const actions = Object.values(integrationRoles(t)).map((role) =>
      role.Properties.Policies[0].PolicyDocument.Statement.map((st: Json) => st.Action),
    );
    expect(actions.sort()).toEqual([['states:StartExecution'], ['states:StartSyncExecution']]);
    const checkout = integrationOf(t, 'POST', '/checkout');
    const declined = renderResponseTemplate(
      checkout.responses.default.responseTemplates['application/json'],
      JSON.stringify({
        status: 'FAILED',
        error: 'PaymentDeclined',
        cause: 'The total is over the card limit',
      }),
    );
    expect(declined.statusOverride).toBe(402);
    expect(declined.body).not.toContain('card limit');
  });

  test('the checkout state machine gets the cart and the caller', () => {
    const request = startRequest(integrationOf(t, 'POST', '/checkout'), {
      body: '{"items":["A-1"],"total":12}',
      context: { identity: { userArn: 'arn:aws:iam::111122223333:user/shopper' } },
    });
    expect(request.input).toMatchObject({
      body: { items: ['A-1'], total: 12 },
      caller: { userArn: 'arn:aws:iam::111122223333:user/shopper' },
    });
  });
});
