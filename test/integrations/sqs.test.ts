import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EdgeApi, RegionalApi, RequestValue, RouteIntegration, SqsRouteIntegrationOptions } from '../../lib';
import { definitionOf, integrationOf, Json, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { SqsIngestionApiStack } from '../../examples/sqs-ingestion-api';
import { bodyErrors, contractBodySchema, openApiErrors } from '../support/openapi';
import { MappingRequest, renderMappingTemplate, renderResponseTemplate } from '../support/vtl';

function stack(): Stack {
  return new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
}

/** An API with one `POST /messages` route sending to `queue`; returns the template. */
function sendTo(
  s: Stack,
  queue: sqs.IQueue,
  options?: SqsRouteIntegrationOptions,
  path = '/messages',
): Template {
  new EdgeApi(s, 'Api').addRoute('POST', path, RouteIntegration.sqs(queue, options));
  return Template.fromStack(s);
}

/** The form the request template writes for `request`, decoded as SQS decodes it. */
function sendMessageRequest(integration: Json, request: MappingRequest, contentType = 'application/json') {
  const form = renderMappingTemplate(integration.requestTemplates[contentType] as string, request);
  expect(form).not.toMatch(/[\s]/);
  return Object.fromEntries(new URLSearchParams(form));
}

/** The roles under the API's IntegrationRoles, by logical id. */
function integrationRoles(template: Template): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('ApiIntegrationRoles'),
    ),
  );
}

const AWKWARD_BODIES = [
  '{"text":"quote \\" apostrophe \' backslash \\\\ slash /"}',
  '{"unicode":"é ✓ 中文 😀","newline":"a\\nb","tab":"\\t"}',
  'line one\nline two\r\n',
  'form & = + % # $input.body #set($x = 1) ${x}',
  '<xml attr="1">&amp;</xml>',
  '',
];

describe('RouteIntegration.sqs', () => {
  test('calls SendMessage on the queue through an AWS integration with a role, never passing the body through', async () => {
    const s = stack();
    const queue = new sqs.Queue(s, 'Queue');
    const t = sendTo(s, queue);
    const queueId = s.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
    const integration = integrationOf(t, 'POST', '/messages');
    expect(integration).toMatchObject({
      type: 'aws',
      httpMethod: 'POST',
      uri: {
        'Fn::Sub': [
          'arn:${AWS::Partition}:apigateway:${Region}:sqs:path/${Account}/${QueueName}',
          {
            Region: { Ref: 'AWS::Region' },
            Account: { Ref: 'AWS::AccountId' },
            QueueName: { 'Fn::GetAtt': [queueId, 'QueueName'] },
          },
        ],
      },
      credentials: { 'Fn::GetAtt': [Object.keys(integrationRoles(t))[0], 'Arn'] },
      passthroughBehavior: 'never',
      requestParameters: {
        'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'",
      },
    });
    expect(Object.keys(integration.requestTemplates)).toEqual(['application/json']);
    expect(Object.keys(integration.responses)).toEqual(['default', '4\\d{2}', '5\\d{2}']);
    expect(operationOf(t, 'POST', '/messages').responses).toEqual({
      '200': { description: 'The message is in the queue: its id' },
      '400': { description: 'The backend refused the request as given' },
      '500': { description: 'The integration failed; the request id identifies it in the logs' },
      '502': { description: 'The backend answered with something unexpected' },
      '503': { description: 'The backend is busy or unavailable; try again later' },
    });
    expect(await openApiErrors(definitionOf(t))).toEqual([]);
  });

  test('the role is assumed by API Gateway only and may send messages to this queue, nothing else', () => {
    const s = stack();
    const queue = new sqs.Queue(s, 'Queue', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    const t = sendTo(s, queue);
    const roles = Object.values(integrationRoles(t));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties).toEqual({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
        ],
      },
      Description: 'Lets API Gateway send messages to one SQS queue',
      Policies: [
        {
          PolicyName: 'Integration',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Action: 'sqs:SendMessage',
                Effect: 'Allow',
                Resource: { 'Fn::GetAtt': [s.getLogicalId(queue.node.defaultChild as sqs.CfnQueue), 'Arn'] },
              },
            ],
          },
        },
      ],
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('a queue encrypted with a customer managed key: the role may have SQS use that key, and only through SQS', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    const t = sendTo(s, new sqs.Queue(s, 'Queue', { encryptionMasterKey: key }));
    const statements = Object.values(integrationRoles(t))[0].Properties.Policies[0].PolicyDocument.Statement;
    expect(statements).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      {
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
            },
          },
        },
      },
    ]);
  });

  test('the AWS managed key (alias/aws/sqs) needs no KMS permission: its key policy lets SQS use it', () => {
    const s = stack();
    const t = sendTo(s, new sqs.Queue(s, 'Queue', { encryption: sqs.QueueEncryption.KMS_MANAGED }));
    const statements = Object.values(integrationRoles(t))[0].Properties.Policies[0].PolicyDocument.Statement;
    expect(statements.map((st: Json) => st.Action)).toEqual(['sqs:SendMessage']);
  });

  test('an imported queue: the URI and the statement name its ARN parts; its key when given', () => {
    const s = stack();
    const queue = sqs.Queue.fromQueueAttributes(s, 'Imported', {
      queueArn: 'arn:aws:sqs:eu-west-1:111122223333:ingest',
      keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    const t = sendTo(s, queue);
    expect(integrationOf(t, 'POST', '/messages').uri).toEqual({
      'Fn::Sub': [
        'arn:${AWS::Partition}:apigateway:${Region}:sqs:path/${Account}/${QueueName}',
        { Region: 'eu-west-1', Account: '111122223333', QueueName: 'ingest' },
      ],
    });
    const statements = Object.values(integrationRoles(t))[0].Properties.Policies[0].PolicyDocument.Statement;
    expect(statements).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: 'arn:aws:sqs:eu-west-1:111122223333:ingest' },
      {
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Effect: 'Allow',
        Resource: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['sqs.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
          },
        },
      },
    ]);
  });

  test('routes sending to the same queue share one role; another queue gets its own', () => {
    const s = stack();
    const a = new sqs.Queue(s, 'A');
    const api = new EdgeApi(s, 'Api');
    api.addRoute('POST', '/a', RouteIntegration.sqs(a));
    api.addRoute('PUT', '/a', RouteIntegration.sqs(a));
    api.addRoute('POST', '/b', RouteIntegration.sqs(new sqs.Queue(s, 'B')));
    const t = Template.fromStack(s);
    expect(Object.keys(integrationRoles(t))).toHaveLength(2);
    expect(integrationOf(t, 'POST', '/a').credentials).toEqual(integrationOf(t, 'PUT', '/a').credentials);
    expect(integrationOf(t, 'POST', '/a').credentials).not.toEqual(
      integrationOf(t, 'POST', '/b').credentials,
    );
  });

  test('a given credentialsRole is used as it is: no role is created and nothing is added to it', () => {
    const s = stack();
    const role = iam.Role.fromRoleArn(s, 'Given', 'arn:aws:iam::111122223333:role/ingest', {
      mutable: false,
    });
    const t = sendTo(s, new sqs.Queue(s, 'Queue'), { credentialsRole: role });
    expect(integrationRoles(t)).toEqual({});
    expect(integrationOf(t, 'POST', '/messages').credentials).toBe('arn:aws:iam::111122223333:role/ingest');
  });

  test.each(AWKWARD_BODIES.map((body) => [JSON.stringify(body), body]))(
    'the message body is the request body exactly: %s',
    (_, body) => {
      const s = stack();
      const integration = integrationOf(sendTo(s, new sqs.Queue(s, 'Queue')), 'POST', '/messages');
      expect(sendMessageRequest(integration, { body })).toEqual({ Action: 'SendMessage', MessageBody: body });
    },
  );

  test('other content types are sent unchanged too, when listed; others are refused by API Gateway (415)', () => {
    const s = stack();
    const t = sendTo(s, new sqs.Queue(s, 'Queue'), { contentTypes: ['text/plain', 'application/xml'] });
    const integration = integrationOf(t, 'POST', '/messages');
    expect(Object.keys(integration.requestTemplates)).toEqual(['text/plain', 'application/xml']);
    expect(integration.passthroughBehavior).toBe('never');
    const body = 'plain text, "quoted" & 😀\n';
    expect(sendMessageRequest(integration, { body }, 'text/plain').MessageBody).toBe(body);
  });

  test('a FIFO queue: the message group from a required header, deduplication from another', () => {
    const s = stack();
    const queue = new sqs.Queue(s, 'Queue', { fifo: true });
    const t = sendTo(s, queue, {
      messageGroupId: RequestValue.header('X-Group-Id'),
      deduplicationId: RequestValue.header('Idempotency-Key'),
    });
    expect(operationOf(t, 'POST', '/messages').parameters).toEqual([
      { name: 'X-Group-Id', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string' } },
    ]);
    const integration = integrationOf(t, 'POST', '/messages');
    const header = { 'X-Group-Id': 'customer & "42"', 'Idempotency-Key': 'key=1+2' };
    expect(sendMessageRequest(integration, { body: '{"a":1}', header })).toEqual({
      Action: 'SendMessage',
      MessageBody: '{"a":1}',
      MessageGroupId: 'customer & "42"',
      MessageDeduplicationId: 'key=1+2',
    });
    // HTTP/2 clients send header names in lower case; API Gateway passes names in the case they came in.
    const lower = { 'x-group-id': 'g', 'idempotency-key': 'k' };
    expect(sendMessageRequest(integration, { body: '{}', header: lower })).toMatchObject({
      MessageGroupId: 'g',
      MessageDeduplicationId: 'k',
    });
    const upper = { 'X-GROUP-ID': 'G', 'IDEMPOTENCY-key': 'K' };
    expect(sendMessageRequest(integration, { body: '{}', header: upper })).toMatchObject({
      MessageGroupId: 'G',
      MessageDeduplicationId: 'K',
    });
  });

  test('a FIFO queue with content-based deduplication needs only the group, which may be constant', () => {
    const s = stack();
    const queue = new sqs.Queue(s, 'Queue', { fifo: true, contentBasedDeduplication: true });
    const integration = integrationOf(
      sendTo(s, queue, { messageGroupId: RequestValue.constant("orders/eu-1&'main'") }),
      'POST',
      '/messages',
    );
    expect(sendMessageRequest(integration, { body: 'x' })).toEqual({
      Action: 'SendMessage',
      MessageBody: 'x',
      MessageGroupId: "orders/eu-1&'main'",
    });
  });

  test('the group from a path variable, a body field or the caller', () => {
    const s = stack();
    const queue = new sqs.Queue(s, 'Queue', { fifo: true, contentBasedDeduplication: true });
    const api = new EdgeApi(s, 'Api');
    api.addRoute(
      'POST',
      '/customers/{customerId}/events',
      RouteIntegration.sqs(queue, { messageGroupId: RequestValue.pathVariable('customerId') }),
    );
    api.addRoute(
      'POST',
      '/events',
      RouteIntegration.sqs(queue, { messageGroupId: RequestValue.bodyJsonPath('$.customer.id') }),
    );
    api.addRoute(
      'PUT',
      '/events',
      RouteIntegration.sqs(queue, { messageGroupId: RequestValue.contextVariable('authorizer.principalId') }),
    );
    const t = Template.fromStack(s);
    const body = '{"customer":{"id":"c-7"}}';
    expect(
      sendMessageRequest(integrationOf(t, 'POST', '/customers/{customerId}/events'), {
        body,
        path: { customerId: 'c/1' },
      }).MessageGroupId,
    ).toBe('c/1');
    expect(sendMessageRequest(integrationOf(t, 'POST', '/events'), { body }).MessageGroupId).toBe('c-7');
    expect(
      sendMessageRequest(integrationOf(t, 'PUT', '/events'), {
        body,
        context: { authorizer: { principalId: 'user|1' } },
      }).MessageGroupId,
    ).toBe('user|1');
  });

  test('message attributes: numbered without gaps, absent ones left out, values exactly as sent', () => {
    const s = stack();
    const t = sendTo(s, new sqs.Queue(s, 'Queue'), {
      messageAttributes: {
        tenant: RequestValue.header('X-Tenant'),
        'trace.id': RequestValue.header('X-Trace'),
        source: RequestValue.constant('api'),
        requestId: RequestValue.contextVariable('requestId'),
      },
    });
    expect(operationOf(t, 'POST', '/messages').parameters).toEqual([
      { name: 'X-Tenant', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'X-Trace', in: 'header', required: false, schema: { type: 'string' } },
    ]);
    const integration = integrationOf(t, 'POST', '/messages');
    const awkward = 'a&b=c "d" $input.body #end é';
    expect(
      sendMessageRequest(integration, {
        body: '{}',
        header: { 'X-Trace': awkward },
        context: { requestId: 'r-1' },
      }),
    ).toEqual({
      Action: 'SendMessage',
      MessageBody: '{}',
      'MessageAttribute.1.Name': 'trace.id',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': awkward,
      'MessageAttribute.2.Name': 'source',
      'MessageAttribute.2.Value.DataType': 'String',
      'MessageAttribute.2.Value.StringValue': 'api',
      'MessageAttribute.3.Name': 'requestId',
      'MessageAttribute.3.Value.DataType': 'String',
      'MessageAttribute.3.Value.StringValue': 'r-1',
    });
  });

  describe('the response', () => {
    const s = stack();
    const api = new EdgeApi(s, 'Api');
    api.addRoute('POST', '/standard', RouteIntegration.sqs(new sqs.Queue(s, 'Standard')));
    api.addRoute(
      'POST',
      '/fifo',
      RouteIntegration.sqs(new sqs.Queue(s, 'Fifo', { fifo: true, contentBasedDeduplication: true }), {
        messageGroupId: RequestValue.constant('g'),
      }),
    );
    const t = Template.fromStack(s);
    const respond = (path: string, pattern: string, body: string) =>
      renderResponseTemplate(
        integrationOf(t, 'POST', path).responses[pattern].responseTemplates['application/json'] as string,
        body,
      );
    const sent = (extra = '') =>
      JSON.stringify({
        SendMessageResponse: {
          ResponseMetadata: { RequestId: 'sqs-request' },
          SendMessageResult: {
            MD5OfMessageBody: 'md5',
            MessageId: 'b5b4bc2b-7d84-4ba6-9e35-3f5b1c2a9d10',
            ...(extra ? { SequenceNumber: extra } : {}),
          },
        },
      });

    test('200 with the message id (and the sequence number on a FIFO queue), nothing else of SQS', () => {
      expect(integrationOf(t, 'POST', '/standard').responses.default.statusCode).toBe('200');
      const standard = respond('/standard', 'default', sent());
      expect(standard.statusOverride).toBeUndefined();
      expect(JSON.parse(standard.body)).toEqual({ messageId: 'b5b4bc2b-7d84-4ba6-9e35-3f5b1c2a9d10' });
      const fifo = respond('/fifo', 'default', sent('18849496460467696128'));
      expect(JSON.parse(fifo.body)).toEqual({
        messageId: 'b5b4bc2b-7d84-4ba6-9e35-3f5b1c2a9d10',
        sequenceNumber: '18849496460467696128',
      });
    });

    test('the contract gives the shape of each body the templates write', () => {
      const standard = JSON.parse(respond('/standard', 'default', sent()).body);
      const fifo = JSON.parse(respond('/fifo', 'default', sent('18849496460467696128')).body);
      expect(bodyErrors(contractBodySchema(api, 'POST', '/standard', 200), standard)).toEqual([]);
      expect(bodyErrors(contractBodySchema(api, 'POST', '/fifo', 200), fifo)).toEqual([]);
      // A FIFO queue's answer has a sequence number; the schema says so.
      expect(bodyErrors(contractBodySchema(api, 'POST', '/fifo', 200), standard)).toEqual([
        "/ must have required property 'sequenceNumber'",
      ]);
      const invalid = respond('/standard', 'default', '{}');
      expect(bodyErrors(contractBodySchema(api, 'POST', '/standard', 502), JSON.parse(invalid.body))).toEqual(
        [],
      );
      expect(Object.keys(api.openApi().paths['/standard'].post.responses)).toEqual([
        '200',
        '400',
        '500',
        '502',
        '503',
      ]);
    });

    test('502 when SQS answers 2XX without a message id', () => {
      const out = respond('/standard', 'default', '{}');
      expect(out.statusOverride).toBe(502);
      expect(JSON.parse(out.body)).toEqual({
        message: 'The queue answered without a message id.',
        type: 'INTEGRATION_RESPONSE_INVALID',
        requestId: 'request-1',
      });
    });

    const secret = 'arn:aws:sqs:us-east-1:111122223333:internal-queue';
    const jsonError = (code: string) =>
      JSON.stringify({
        Error: { Code: code, Message: `Denied on ${secret}`, Type: 'Sender' },
        RequestId: 'r',
      });
    const xmlError = (code: string) =>
      `<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>Denied on ${secret}</Message></Error></ErrorResponse>`;

    test.each([
      ['InvalidMessageContents', 400, 'MESSAGE_REJECTED'],
      ['InvalidParameterValue', 400, 'MESSAGE_REJECTED'],
      ['MissingParameter', 400, 'MESSAGE_REJECTED'],
      ['AWS.SimpleQueueService.NonExistentQueue', 500, 'INTEGRATION_ERROR'],
      ['AccessDenied', 500, 'INTEGRATION_ERROR'],
      ['KMS.AccessDeniedException', 500, 'INTEGRATION_ERROR'],
      ['RequestThrottled', 503, 'INTEGRATION_THROTTLED'],
      ['KMS.ThrottlingException', 503, 'INTEGRATION_THROTTLED'],
      // A code containing a mapped one is not that one.
      ['InvalidParameterValueSomething', 500, 'INTEGRATION_ERROR'],
    ])('SQS 4XX %s: %d %s, in JSON or XML, without SQS’s message', (code, status, type) => {
      expect(integrationOf(t, 'POST', '/standard').responses['4\\d{2}'].statusCode).toBe('500');
      for (const body of [jsonError(code), xmlError(code)]) {
        const out = respond('/standard', '4\\d{2}', body);
        expect(out.statusOverride ?? 500).toBe(status);
        const parsed = JSON.parse(out.body);
        expect(parsed).toEqual({ message: expect.any(String), type, requestId: 'request-1' });
        expect(bodyErrors(contractBodySchema(api, 'POST', '/standard', status), parsed)).toEqual([]);
        expect(out.body).not.toContain(secret);
        expect(out.body).not.toContain(code === 'MissingParameter' ? 'Missing' : code);
      }
    });

    test('SQS 5XX: 503, retryable, without SQS’s message', () => {
      expect(integrationOf(t, 'POST', '/standard').responses['5\\d{2}'].statusCode).toBe('503');
      const out = respond('/standard', '5\\d{2}', jsonError('InternalError'));
      expect(JSON.parse(out.body)).toEqual({
        message: 'The backend is unavailable; try again later.',
        type: 'INTEGRATION_UNAVAILABLE',
        requestId: 'request-1',
      });
    });
  });

  test('with cors, every response carries the CORS headers, declared on the method responses', () => {
    const s = stack();
    const api = new EdgeApi(s, 'Api', {
      cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
    });
    api.addRoute('POST', '/messages', RouteIntegration.sqs(new sqs.Queue(s, 'Queue')));
    const t = Template.fromStack(s);
    const integration = integrationOf(t, 'POST', '/messages');
    for (const response of Object.values(integration.responses as Json)) {
      expect(response.responseParameters).toMatchObject({
        'method.response.header.Access-Control-Allow-Origin': "'https://a.example.com'",
      });
      // A listed origin other than the first is echoed.
      const context = { requestId: 'r', responseOverride: { header: {} as Record<string, string> } };
      renderMappingTemplate(response.responseTemplates['application/json'], {
        body: '{}',
        header: { Origin: 'https://b.example.com' },
        context,
      });
      expect(context.responseOverride.header['Access-Control-Allow-Origin']).toBe('https://b.example.com');
    }
    for (const response of Object.values(operationOf(t, 'POST', '/messages').responses as Json)) {
      expect(response.headers['Access-Control-Allow-Origin']).toEqual({ schema: { type: 'string' } });
    }
  });

  test('the route’s timeout and cache key reach the integration', () => {
    const s = stack();
    new RegionalApi(s, 'Api', { caching: {} }).addRoute(
      'POST',
      '/messages',
      RouteIntegration.sqs(new sqs.Queue(s, 'Queue')),
      { timeout: Duration.seconds(5), cache: { allowNonReadMethod: true, shared: true } },
    );
    expect(integrationOf(Template.fromStack(s), 'POST', '/messages')).toMatchObject({
      timeoutInMillis: 5000,
    });
  });

  test('requestSchemas validate the body before it becomes a message', () => {
    const s = stack();
    new EdgeApi(s, 'Api').addRoute('POST', '/messages', RouteIntegration.sqs(new sqs.Queue(s, 'Queue')), {
      requestSchemas: {
        'application/json': {
          type: apigw.JsonSchemaType.OBJECT,
          required: ['event'],
          properties: { event: { type: apigw.JsonSchemaType.STRING } },
        },
      },
    });
    const t = Template.fromStack(s);
    const ref = operationOf(t, 'POST', '/messages').requestBody.content['application/json'].schema
      .$ref as string;
    expect(definitionOf(t).components.schemas[ref.split('/').pop()!]).toMatchObject({ required: ['event'] });
    expect(definitionOf(t)['x-amazon-apigateway-request-validator']).toBe('all');
  });

  test('a queue named in code changes the deployment when its name does (the stage must see the new queue)', () => {
    const deploymentId = (queueName: string) => {
      const s = stack();
      sendTo(s, new sqs.Queue(s, 'Queue', { queueName }));
      return Object.keys(Template.fromStack(s).findResources('AWS::ApiGateway::Deployment'))[0];
    };
    expect(deploymentId('ingest-a')).not.toBe(deploymentId('ingest-b'));
  });

  test('warns when an imported FIFO queue gets no deduplication id (SQS refuses that unless the queue deduplicates by content)', () => {
    const s = stack();
    const queue = sqs.Queue.fromQueueArn(s, 'Imported', 'arn:aws:sqs:us-east-1:111122223333:orders.fifo');
    sendTo(s, queue, { messageGroupId: RequestValue.constant('g') });
    // On the route, where it is acknowledged for that route alone.
    Annotations.fromStack(s).hasWarning(
      '/Stack/Api/Routes/messages/POST',
      Match.stringLikeRegexp('without a deduplication id.*sqs-fifo-deduplication'),
    );
  });

  describe('fails when', () => {
    const attempt = (
      options: SqsRouteIntegrationOptions,
      queueProps: sqs.QueueProps = {},
      path = '/messages',
    ) => {
      const s = stack();
      return () => sendTo(s, new sqs.Queue(s, 'Queue', queueProps), options, path);
    };

    test('a FIFO queue has no message group id', () => {
      expectInvalid(
        attempt({}, { fifo: true, contentBasedDeduplication: true }),
        'integration.messageGroupId of POST /messages',
        'undefined',
        'A FIFO queue needs a message group id for every message',
      );
    });

    test('a FIFO queue that does not deduplicate by content gets no deduplication id', () => {
      expectInvalid(
        attempt({ messageGroupId: RequestValue.constant('g') }, { fifo: true }),
        'integration.deduplicationId of POST /messages',
        'undefined',
        'This FIFO queue does not deduplicate by content',
      );
    });

    test('a standard queue is given a deduplication id', () => {
      expectInvalid(
        attempt({ deduplicationId: RequestValue.header('Idempotency-Key') }),
        'integration.deduplicationId of POST /messages',
        '"header Idempotency-Key"',
        'Only a FIFO queue deduplicates messages',
      );
    });

    test.each([['with space'], ['x'.repeat(129)]])(
      'a constant message group id is not 1-128 printable characters: %s',
      (id) => {
        expectInvalid(
          attempt(
            { messageGroupId: RequestValue.constant(id) },
            { fifo: true, contentBasedDeduplication: true },
          ),
          'integration.messageGroupId of POST /messages',
          JSON.stringify(id),
          'A message group or deduplication id is 1-128 letters, digits and punctuation',
        );
      },
    );

    test('a constant is empty', () => {
      expectInvalid(
        attempt({ messageAttributes: { source: RequestValue.constant('') } }),
        'integration.messageAttributes.source of POST /messages',
        '""',
        'A constant is a non-empty string known at synth.',
      );
    });

    test.each([['AWS.source'], ['amazon.x'], ['.a'], ['a.'], ['a..b'], ['a b'], ['x'.repeat(257)]])(
      'a message attribute name is not one SQS allows: %s',
      (name) => {
        expectInvalid(
          attempt({ messageAttributes: { [name]: RequestValue.constant('v') } }),
          'integration.messageAttributes of POST /messages',
          JSON.stringify(name),
          'An attribute name is 1-256 letters, digits and _ - .',
        );
      },
    );

    test('there are more than 10 message attributes', () => {
      const attributes = Object.fromEntries(
        Array.from({ length: 11 }, (_, i) => [`a${i}`, RequestValue.constant('v')]),
      );
      expectInvalid(
        attempt({ messageAttributes: attributes }),
        'integration.messageAttributes of POST /messages',
        JSON.stringify(Object.keys(attributes)),
        'A message has at most 10 attributes.',
      );
    });

    test('a path variable is not one of the route', () => {
      expectInvalid(
        attempt({ messageAttributes: { id: RequestValue.pathVariable('orderId') } }, {}, '/orders/{id}'),
        'integration.messageAttributes.id of POST /orders/{id}',
        '"orderId"',
        "The route's path variables are {id}.",
      );
    });

    test('a header name is not one API Gateway declares', () => {
      expectInvalid(
        attempt({ messageAttributes: { a: RequestValue.header("X-'Quoted'") } }),
        'integration.messageAttributes.a of POST /messages',
        '"X-\'Quoted\'"',
        'A header, query string or path variable name is 1-128 letters, digits and . _ -.',
      );
    });

    test('a body field is not a JSONPath to one field', () => {
      expectInvalid(
        attempt({ messageAttributes: { a: RequestValue.bodyJsonPath("$..items[?(@.x=='1')]") } }),
        'integration.messageAttributes.a of POST /messages',
        JSON.stringify("$..items[?(@.x=='1')]"),
        "A body field is a JSONPath to one field: '$' followed by .name and [index] steps",
      );
    });

    test('a context variable is not a dotted name', () => {
      expectInvalid(
        attempt({ messageAttributes: { a: RequestValue.contextVariable('$context.requestId') } }),
        'integration.messageAttributes.a of POST /messages',
        '"$context.requestId"',
        "A context variable is named without '$context.'",
      );
    });

    test.each([[[]], [['text/*']]])('the content types are not exact types: %j', (contentTypes) => {
      expectInvalid(
        attempt({ contentTypes }),
        'integration.contentTypes of POST /messages',
        JSON.stringify(contentTypes),
        'List at least one content type, each exact',
      );
    });

    test('a content type is not a media type', () => {
      expectInvalid(
        attempt({ contentTypes: ['json'] }),
        'integration.contentTypes of POST /messages',
        '"json"',
        "A media type is 'type/subtype'",
      );
    });

    test('the route’s timeout passes what the endpoint allows (the engine’s check, as for every route)', () => {
      const s = stack();
      expectInvalid(
        () =>
          new EdgeApi(s, 'Api').addRoute('POST', '/m', RouteIntegration.sqs(new sqs.Queue(s, 'Queue')), {
            timeout: Duration.seconds(30),
          }),
        'timeout of POST /m',
        '"30 seconds"',
        'An edge-optimized API allows integration timeouts of whole milliseconds from 50 ms to 29 seconds',
      );
    });

    test('a failed route leaves no role behind', () => {
      const s = stack();
      const api = new EdgeApi(s, 'Api');
      const queue = new sqs.Queue(s, 'Queue', { fifo: true });
      expect(() => api.addRoute('POST', '/m', RouteIntegration.sqs(queue))).toThrow();
      api.addRoute('GET', '/ping', RouteIntegration.mock());
      expect(integrationRoles(Template.fromStack(s))).toEqual({});
    });
  });
});

describe('the SqsIngestionApi example', () => {
  const example = new SqsIngestionApiStack(new App({ builtinCloudFormationValidation: false }), 'Example');
  const t = Template.fromStack(example);

  test('its definition is a valid OpenAPI document', async () => {
    expect(await openApiErrors(definitionOf(t))).toEqual([]);
  });

  test('one role per queue: send to it, and have SQS use the queues’ key', () => {
    const roles = Object.values(integrationRoles(t));
    expect(roles).toHaveLength(2);
    for (const role of roles) {
      const statements = role.Properties.Policies[0].PolicyDocument.Statement as Json[];
      expect(statements.map((st) => st.Action)).toEqual([
        'sqs:SendMessage',
        ['kms:GenerateDataKey', 'kms:Decrypt'],
      ]);
      expect(statements[1].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^QueueKey/), 'Arn'] });
    }
  });

  test('orders: grouped by customer, deduplicated by the required Idempotency-Key header', () => {
    const integration = integrationOf(t, 'POST', '/customers/{customerId}/orders');
    expect(operationOf(t, 'POST', '/customers/{customerId}/orders').parameters).toContainEqual({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      schema: { type: 'string' },
    });
    expect(
      sendMessageRequest(integration, {
        body: '{"sku":"A-1"}',
        path: { customerId: 'c-1' },
        header: { 'Idempotency-Key': 'k-1' },
      }),
    ).toEqual({
      Action: 'SendMessage',
      MessageBody: '{"sku":"A-1"}',
      MessageGroupId: 'c-1',
      MessageDeduplicationId: 'k-1',
    });
  });
});
