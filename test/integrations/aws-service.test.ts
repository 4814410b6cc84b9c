import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsServiceRouteIntegrationOptions, EdgeApi, RouteIntegration } from '../../lib';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { definitionOf, integrationOf, Json, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { bodyErrors, contractBodySchema, openApiErrors } from '../support/openapi';
import { renderMappingTemplate, renderResponseTemplate } from '../support/vtl';

function stack(): Stack {
  return new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
}

function integrationRoles(template: Template): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('ApiIntegrationRoles'),
    ),
  );
}

/** PutEvents of the request body as the detail of one event: the escaping the README recommends. */
const PUT_EVENTS_TEMPLATE = [
  '{"Entries":[{',
  '"Source":"shop.api",',
  '"DetailType":"OrderPlaced",',
  '"Detail":"$util.escapeJavaScript($input.json(\'$\')).replaceAll("\\\\\'","\'")",',
  '"EventBusName":"orders"',
  '}]}',
].join('');

function putEvents(
  s: Stack,
  extra: Partial<AwsServiceRouteIntegrationOptions> = {},
): AwsServiceRouteIntegrationOptions {
  const bus = new events.EventBus(s, 'Bus', { eventBusName: 'orders' });
  return {
    service: 'events',
    action: 'PutEvents',
    allow: [{ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }],
    requestTemplate: PUT_EVENTS_TEMPLATE,
    requestHeaders: { 'X-Amz-Target': 'AWSEvents.PutEvents', 'Content-Type': 'application/x-amz-json-1.1' },
    ...extra,
  };
}

function route(s: Stack, options: AwsServiceRouteIntegrationOptions, path = '/events'): Template {
  new EdgeApi(s, 'Api').addRoute('POST', path, RouteIntegration.awsService(options));
  return Template.fromStack(s);
}

describe('RouteIntegration.awsService', () => {
  test('EventBridge PutEvents: the action, the static headers, a role, the template as given', async () => {
    const s = stack();
    const t = route(s, putEvents(s));
    const integration = integrationOf(t, 'POST', '/events');
    expect(integration).toMatchObject({
      type: 'aws',
      httpMethod: 'POST',
      uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:events:action/PutEvents' },
      credentials: { 'Fn::GetAtt': [Object.keys(integrationRoles(t))[0], 'Arn'] },
      passthroughBehavior: 'never',
      requestParameters: {
        'integration.request.header.X-Amz-Target': "'AWSEvents.PutEvents'",
        'integration.request.header.Content-Type': "'application/x-amz-json-1.1'",
      },
      requestTemplates: { 'application/json': PUT_EVENTS_TEMPLATE },
    });
    expect(await openApiErrors(definitionOf(t))).toEqual([]);
  });

  test('the role is allowed exactly what allow says', () => {
    const s = stack();
    const t = route(s, putEvents(s));
    const roles = Object.values(integrationRoles(t));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    expect(roles[0].Properties.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Bus/), 'Arn'] },
      },
    ]);
  });

  test('the recommended escaping: any body becomes a PutEvents request whose Detail is that body', () => {
    const s = stack();
    const integration = integrationOf(route(s, putEvents(s)), 'POST', '/events');
    const body = JSON.stringify({
      note: 'quote " apostrophe \' backslash \\ newline \n é ✓ 😀 $input.body #end',
    });
    const request = JSON.parse(
      renderMappingTemplate(integration.requestTemplates['application/json'], { body }),
    );
    expect(request.Entries[0]).toEqual({
      Source: 'shop.api',
      DetailType: 'OrderPlaced',
      Detail: body,
      EventBusName: 'orders',
    });
  });

  test('DynamoDB PutItem of an encrypted table: one permission per service, the key through its own', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    const table = new dynamodb.Table(s, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
    });
    const t = route(s, {
      service: 'dynamodb',
      action: 'PutItem',
      allow: [
        { actions: ['dynamodb:PutItem'], resources: [table.tableArn] },
        { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] },
      ],
      requestTemplate: `{"TableName":"${table.tableName}","Item":{"id":{"S":"$context.requestId"}}}`,
      responseTemplate: '{"id":"$context.requestId"}',
      successStatusCode: 201,
    });
    expect(Object.values(integrationRoles(t))[0].Properties.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Action: 'dynamodb:PutItem',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] },
      },
      {
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
      },
    ]);
    const integration = integrationOf(t, 'POST', '/events');
    expect(integration.responses.default.statusCode).toBe('201');
    const out = renderResponseTemplate(
      integration.responses.default.responseTemplates['application/json'],
      '{}',
      {
        context: { requestId: 'r-7' },
      },
    );
    expect(JSON.parse(out.body)).toEqual({ id: 'r-7' });
    expect(operationOf(t, 'POST', '/events').responses['201']).toEqual({
      description: 'The dynamodb PutItem call succeeded',
    });
  });

  test('by default a successful call answers with the service’s response unchanged', () => {
    const s = stack();
    const integration = integrationOf(route(s, putEvents(s)), 'POST', '/events');
    const answer = '{"Entries":[{"EventId":"e-1"}],"FailedEntryCount":0}';
    expect(
      renderResponseTemplate(integration.responses.default.responseTemplates['application/json'], answer)
        .body,
    ).toBe(answer);
  });

  test('service errors: those listed get their status and message, throttling 503, others 500, never the service’s text', () => {
    const s = stack();
    const t = route(
      s,
      putEvents(s, {
        errors: [
          { errorCode: 'ConditionalCheckFailedException', statusCode: 409, message: 'The order exists.' },
          { errorCode: 'ValidationException', statusCode: 400 },
        ],
      }),
    );
    const integration = integrationOf(t, 'POST', '/events');
    const respond = (type: string) =>
      renderResponseTemplate(
        integration.responses['4\\d{2}'].responseTemplates['application/json'],
        JSON.stringify({
          __type: `com.amazonaws.dynamodb.v20120810#${type}`,
          message: 'Table arn:aws:secret',
        }),
      );
    const cases: Array<[string, number, Json]> = [
      [
        'ConditionalCheckFailedException',
        409,
        { message: 'The order exists.', type: 'ConditionalCheckFailedException' },
      ],
      [
        'ValidationException',
        400,
        { message: 'The request could not be completed.', type: 'ValidationException' },
      ],
      [
        'ProvisionedThroughputExceededException',
        503,
        { message: 'The backend is busy; try again later.', type: 'INTEGRATION_THROTTLED' },
      ],
      [
        'AccessDeniedException',
        500,
        { message: 'The request could not be completed.', type: 'INTEGRATION_ERROR' },
      ],
    ];
    const api = s.node.findChild('Api') as EdgeApi;
    for (const [type, status, body] of cases) {
      const out = respond(type);
      expect(out.statusOverride ?? 500).toBe(status);
      expect(JSON.parse(out.body)).toEqual({ ...body, requestId: 'request-1' });
      expect(out.body).not.toContain('secret');
      expect(bodyErrors(contractBodySchema(api, 'POST', '/events', status), JSON.parse(out.body))).toEqual(
        [],
      );
    }
    // What a successful call answers is the caller's template: the contract gives no shape for it.
    expect(contractBodySchema(api, 'POST', '/events', 200)).toBeUndefined();
    expect(Object.keys(operationOf(t, 'POST', '/events').responses)).toEqual([
      '200',
      '400',
      '409',
      '500',
      '503',
    ]);
  });

  test('routes allowed the same share a role; different permissions get their own', () => {
    const s = stack();
    const bus = new events.EventBus(s, 'Bus');
    const other = new events.EventBus(s, 'Other');
    const options = (arn: string): AwsServiceRouteIntegrationOptions => ({
      service: 'events',
      action: 'PutEvents',
      allow: [{ actions: ['events:PutEvents'], resources: [arn] }],
      requestTemplate: '{"Entries":[]}',
    });
    const api = new EdgeApi(s, 'Api');
    api.addRoute('POST', '/a', RouteIntegration.awsService(options(bus.eventBusArn)));
    api.addRoute('PUT', '/a', RouteIntegration.awsService(options(bus.eventBusArn)));
    api.addRoute('POST', '/b', RouteIntegration.awsService(options(other.eventBusArn)));
    const t = Template.fromStack(s);
    expect(Object.keys(integrationRoles(t))).toHaveLength(2);
    expect(integrationOf(t, 'POST', '/a').credentials).toEqual(integrationOf(t, 'PUT', '/a').credentials);
    expect(integrationOf(t, 'POST', '/a').credentials).not.toEqual(
      integrationOf(t, 'POST', '/b').credentials,
    );
  });

  test('a given credentialsRole is used as it is', () => {
    const s = stack();
    const role = iam.Role.fromRoleArn(s, 'Given', 'arn:aws:iam::111122223333:role/events', {
      mutable: false,
    });
    const t = route(s, { ...putEvents(s), allow: undefined, credentialsRole: role });
    expect(integrationRoles(t)).toEqual({});
    expect(integrationOf(t, 'POST', '/events').credentials).toBe('arn:aws:iam::111122223333:role/events');
  });

  test('warns when the role is not allowed the action it calls', () => {
    const s = stack();
    route(
      s,
      putEvents(s, {
        allow: [{ actions: ['events:PutRule'], resources: ['arn:aws:events:us-east-1:111122223333:rule/x'] }],
      }),
    );
    Annotations.fromStack(s).hasWarning(
      '/Stack/Api/Routes/events/POST',
      Match.stringLikeRegexp('is not allowed events:PutEvents.*aws-service-action-not-allowed'),
    );
  });

  test('a service whose IAM prefix differs (CloudWatch is monitoring to API Gateway, cloudwatch to IAM)', () => {
    const s = stack();
    const t = route(s, {
      service: 'monitoring',
      action: 'PutMetricData',
      allow: [
        {
          actions: ['cloudwatch:PutMetricData'],
          resources: ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:x'],
        },
      ],
      requestTemplate: 'Action=PutMetricData&Namespace=Shop',
      contentTypes: ['application/json'],
    });
    expect(integrationOf(t, 'POST', '/events').uri).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:monitoring:action/PutMetricData',
    });
  });

  describe('fails when', () => {
    const attempt = (change: (s: Stack) => Partial<AwsServiceRouteIntegrationOptions>) => {
      const s = stack();
      return () => route(s, { ...putEvents(s), ...change(s) });
    };

    test.each([['Events'], ['events/x'], ['']])('the service is not an endpoint name: %j', (service) => {
      expectInvalid(
        attempt(() => ({ service })),
        'integration.service of POST /events',
        JSON.stringify(service),
        'A service is named as API Gateway names it',
      );
    });

    test.each([['put-events'], ['*'], ['']])('the action is not an API action: %j', (action) => {
      expectInvalid(
        attempt(() => ({ action })),
        'integration.action of POST /events',
        JSON.stringify(action),
        "An action is the service's API action",
      );
    });

    test('nothing is allowed and no role is given', () => {
      expectInvalid(
        attempt(() => ({ allow: [] })),
        'integration.allow of POST /events',
        '[]',
        'Say what the role may do',
      );
      expectInvalid(
        attempt(() => ({ allow: undefined })),
        'integration.allow of POST /events',
        '[]',
        'Say what the role may do',
      );
    });

    test('both allow and a credentialsRole are given', () => {
      expectInvalid(
        attempt((s) => ({
          credentialsRole: iam.Role.fromRoleArn(s, 'R', 'arn:aws:iam::111122223333:role/r'),
        })),
        'integration.allow of POST /events',
        '"1 permissions"',
        'A given credentialsRole is used as it is',
      );
    });

    test('a permission has no action or no resource', () => {
      expectInvalid(
        attempt(() => ({
          allow: [{ actions: [], resources: ['arn:aws:events:us-east-1:111122223333:event-bus/x'] }],
        })),
        'integration.allow[0] of POST /events',
        '{"actions":[],"resources":["arn:aws:events:us-east-1:111122223333:event-bus/x"]}',
        'A permission names at least one action and one resource.',
      );
    });

    test.each([['events:*'], ['events:Put*'], ['*'], ['s3:GetObject'], ['events']])(
      'an action is a wildcard, of another service, or not an IAM action: %s',
      (action) => {
        expectInvalid(
          attempt(() => ({
            allow: [{ actions: [action], resources: ['arn:aws:events:us-east-1:111122223333:event-bus/x'] }],
          })),
          'integration.allow[0].actions of POST /events',
          JSON.stringify(action),
          "An action is one exact IAM action, '<service>:<Action>' without wildcards, of 'events:' or 'kms:'.",
        );
      },
    );

    test('one permission mixes services', () => {
      expectInvalid(
        attempt(() => ({
          allow: [
            {
              actions: ['events:PutEvents', 'kms:Decrypt'],
              resources: ['arn:aws:events:us-east-1:111122223333:event-bus/x'],
            },
          ],
        })),
        'integration.allow[0].actions of POST /events',
        '["events:PutEvents","kms:Decrypt"]',
        "A permission's actions are of one service",
      );
    });

    test.each([
      ['*'],
      ['arn:aws:events:*:111122223333:event-bus/x'],
      ['arn:aws:events:us-east-1:*:event-bus/x'],
      ['arn:aws:events:us-east-1:111122223333:event-bus/*x'],
      ['arn:aws:s3:::bucket'],
      ['orders'],
    ])('a resource is a wildcard, of another service, or not an ARN: %s', (resource) => {
      expectInvalid(
        attempt(() => ({ allow: [{ actions: ['events:PutEvents'], resources: [resource] }] })),
        'integration.allow[0].resources of POST /events',
        JSON.stringify(resource),
        "A resource is the ARN of one events resource, the service of the permission's actions, with no wildcard but a trailing '/*'.",
      );
    });

    test('a trailing /* under one resource is allowed (a table’s indexes)', () => {
      const s = stack();
      expect(() =>
        route(s, {
          service: 'dynamodb',
          action: 'Query',
          allow: [
            {
              actions: ['dynamodb:Query'],
              resources: ['arn:aws:dynamodb:us-east-1:111122223333:table/orders/index/*'],
            },
          ],
          requestTemplate: '{"TableName":"orders"}',
        }),
      ).not.toThrow();
    });

    test.each([[''], ['  \n ']])('the request template is empty: %j', (requestTemplate) => {
      expectInvalid(
        attempt(() => ({ requestTemplate })),
        'integration.requestTemplate of POST /events',
        JSON.stringify(requestTemplate),
        'A mapping template is non-empty Velocity (VTL) text',
      );
    });

    test('the response template is empty', () => {
      expectInvalid(
        attempt(() => ({ responseTemplate: ' ' })),
        'integration.responseTemplate of POST /events',
        '" "',
        'A mapping template is non-empty Velocity (VTL) text',
      );
    });

    test.each([
      ['X Target', 'v'],
      ['X-Target', ''],
      ['X-Target', "it's"],
    ])('a request header is not a name with a static value: %j %j', (name, value) => {
      expectInvalid(
        attempt(() => ({ requestHeaders: { [name]: value } })),
        `integration.requestHeaders.${name} of POST /events`,
        JSON.stringify(value),
        "A request header is named by letters, digits and '-', with a non-empty value without apostrophes.",
      );
    });

    test.each([[199], [300], [200.5]])('the success status code is not 2XX: %d', (successStatusCode) => {
      expectInvalid(
        attempt(() => ({ successStatusCode })),
        'integration.successStatusCode of POST /events',
        String(successStatusCode),
        'A successful call is answered with a 2XX status code, 200-299.',
      );
    });

    test('an error code is not a name', () => {
      expectInvalid(
        attempt(() => ({ errors: [{ errorCode: 'Conditional|.*', statusCode: 409 }] })),
        'integration.errors[0].errorCode of POST /events',
        '"Conditional|.*"',
        "An error code is the service's name for the error",
      );
    });

    test.each([[399], [600]])('an error status code is not 400-599: %d', (statusCode) => {
      expectInvalid(
        attempt(() => ({ errors: [{ errorCode: 'ValidationException', statusCode }] })),
        'integration.errors[0].statusCode of POST /events',
        String(statusCode),
        'An error is answered with a status code of 400-599.',
      );
    });

    test.each([['costs $5'], ['#set($x = 1)'], ['line\nbreak'], ['']])(
      'an error message could break the template: %j',
      (message) => {
        expectInvalid(
          attempt(() => ({ errors: [{ errorCode: 'ValidationException', statusCode: 400, message }] })),
          'integration.errors[0].message of POST /events',
          JSON.stringify(message),
          'A message is 1-256 characters known at synth, without $, # or control characters',
        );
      },
    );
  });
});

test("the service integrations add no cdk-nag acknowledgement but the regulated packs' inline-policy rule", () => {
  const acknowledged = (withIntegrations: boolean) => {
    const s = stack();
    const api = new EdgeApi(s, 'Api');
    api.addRoute('GET', '/ping', RouteIntegration.mock());
    if (withIntegrations) {
      api.addRoute('POST', '/events', RouteIntegration.awsService(putEvents(s)));
      api.addRoute('POST', '/queue', RouteIntegration.sqs(new sqs.Queue(s, 'Queue')));
      const stateMachine = new sfn.StateMachine(s, 'Machine', {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(s, 'Pass')),
      });
      api.addRoute('POST', '/start', RouteIntegration.stepFunctions(stateMachine));
    }
    return Object.keys(acknowledgementsUnder(api)).sort();
  };
  const added = acknowledged(true).filter((id) => !acknowledged(false).includes(id));
  // Each role keeps its policy inline (docs/COMPLIANCE.md): only HIPAA, NIST and PCI's IAMNoInlinePolicy.
  expect(added.map((id) => id.replace(/^IntegrationRoles\/[A-Za-z0-9]+ /, ''))).toEqual(
    Array(3)
      .fill(['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((p) => `${p}-IAMNoInlinePolicy`))
      .flat(),
  );
  expect(new Set(added.map((id) => id.split(' ')[0])).size).toBe(3);
});
