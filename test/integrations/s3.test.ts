import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { JsonSchemaType } from 'aws-cdk-lib/aws-apigateway';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RegionalApi, RegionalApiProps, RouteIntegration, S3ProxyApi } from '../../lib';
import { S3_RESPONSES } from '../../lib/integrations/s3-responses';
import { definitionOf, integrationOf, Json, operationOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { bodyErrors, contractBodySchema, openApiErrors } from '../support/openapi';
import { renderMappingTemplate } from '../support/vtl';

interface Fixture {
  readonly stack: Stack;
  readonly api: RegionalApi;
  readonly bucket: s3.Bucket;
}

/** A RegionalApi at Stack/Api and a bucket at Stack/Files (logical id Files6A2B3C4D...). */
function fixture(props?: RegionalApiProps, bucketProps?: s3.BucketProps): Fixture {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
  const bucket = new s3.Bucket(stack, 'Files', bucketProps);
  return { stack, bucket, api: new RegionalApi(stack, 'Api', props) };
}

function bucketId(f: Fixture): string {
  return f.stack.getLogicalId(f.bucket.node.defaultChild as s3.CfnBucket);
}

/** The inline policy statements of the API's S3 role. */
function roleStatements(t: Template): Json[] {
  const roles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([id]) =>
    id.startsWith('ApiS3Access'),
  );
  expect(roles).toHaveLength(1);
  const policies = roles[0][1].Properties.Policies as Json[];
  expect(policies.map((p) => p.PolicyName)).toEqual(['S3Access']);
  return policies[0].PolicyDocument.Statement as Json[];
}

function objects(f: Fixture, pattern: string): Json {
  return { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId(f), 'Arn'] }, pattern]] };
}

/** Which integration response answers an S3 status, as API Gateway picks it: a whole-match pattern, else default. */
function answerTo(responses: Json, status: number): string {
  const matching = Object.keys(responses).filter(
    (pattern) => pattern !== 'default' && new RegExp(`^(?:${pattern})$`).test(`${status}`),
  );
  expect(matching.length).toBeLessThanOrEqual(1);
  return responses[matching[0] ?? 'default'].statusCode;
}

/** Every method.response.header the integration responses set is declared on that method response. */
function undeclaredResponseHeaders(operation: Json): string[] {
  const missing: string[] = [];
  for (const response of Object.values(operation['x-amazon-apigateway-integration'].responses as Json)) {
    for (const parameter of Object.keys(response.responseParameters ?? {})) {
      const header = parameter.replace('method.response.header.', '');
      if (!operation.responses[response.statusCode]?.headers?.[header]) {
        missing.push(`${response.statusCode} ${header}`);
      }
    }
  }
  return missing;
}

/** Every method.request parameter the integration maps from is a parameter of the operation. */
function undeclaredRequestParameters(operation: Json): string[] {
  const declared = new Set(
    (operation.parameters ?? []).map(
      (p: Json) => `${{ path: 'path', query: 'querystring', header: 'header' }[p.in as string]}.${p.name}`,
    ),
  );
  return Object.values(operation['x-amazon-apigateway-integration'].requestParameters ?? {})
    .filter((source): source is string => typeof source === 'string' && source.startsWith('method.request.'))
    .map((source) => source.replace('method.request.', ''))
    .filter((name) => !declared.has(name));
}

describe('RouteIntegration.s3: object routes', () => {
  test('a GET route reads the object under the key prefix through the S3 AWS integration, with exact permissions', async () => {
    const f = fixture();
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket, { keyPrefix: 'public/' }));
    f.api.addRoute('HEAD', '/files/{key+}', RouteIntegration.s3(f.bucket, { keyPrefix: 'public/' }));
    const t = Template.fromStack(f.stack);
    const integration = integrationOf(t, 'GET', '/files/{key+}');
    const roleId = Object.keys(t.findResources('AWS::IAM::Role')).find((id) => id.startsWith('ApiS3Access'))!;
    expect(integration).toMatchObject({
      type: 'aws',
      httpMethod: 'GET',
      uri: {
        'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:s3:path/\${${bucketId(f)}}/public/{key}`,
      },
      credentials: { 'Fn::GetAtt': [roleId, 'Arn'] },
      requestParameters: {
        'integration.request.path.key': 'method.request.path.key',
        'integration.request.header.Range': 'method.request.header.Range',
        'integration.request.header.If-Match': 'method.request.header.If-Match',
        'integration.request.header.If-None-Match': 'method.request.header.If-None-Match',
        'integration.request.header.If-Modified-Since': 'method.request.header.If-Modified-Since',
        'integration.request.header.If-Unmodified-Since': 'method.request.header.If-Unmodified-Since',
      },
      passthroughBehavior: 'when_no_templates',
    });
    expect(integration.requestTemplates).toBeUndefined();
    expect(integrationOf(t, 'HEAD', '/files/{key+}')).toMatchObject({ httpMethod: 'HEAD' });

    // GET and HEAD both need s3:GetObject (S3 has no s3:HeadObject action): one statement, one action.
    expect(roleStatements(t)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(f, '/public/*') },
    ]);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
        ],
      },
      ManagedPolicyArns: Match.absent(),
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);

    const operation = operationOf(t, 'GET', '/files/{key+}');
    expect(undeclaredResponseHeaders(operation)).toEqual([]);
    expect(undeclaredRequestParameters(operation)).toEqual([]);
    expect(await openApiErrors(definitionOf(t), { apiGatewayPaths: true })).toEqual([]);
    expect(await openApiErrors(f.api.openApi())).toEqual([]);
  });

  test('maps Content-Type, Content-Length, ETag, Last-Modified, Cache-Control and Range both ways; Range answers 206', () => {
    const f = fixture();
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket));
    f.api.addRoute('PUT', '/files/{key+}', RouteIntegration.s3(f.bucket, { allowWrites: true }));
    const t = Template.fromStack(f.stack);
    const get = integrationOf(t, 'GET', '/files/{key+}');
    const passed = (headers: string[]): Json =>
      Object.fromEntries(
        headers.map((h) => [`method.response.header.${h}`, `integration.response.header.${h}`]),
      );
    const object = [
      'Content-Type',
      'Content-Length',
      'ETag',
      'Last-Modified',
      'Cache-Control',
      'Content-Disposition',
      'Accept-Ranges',
    ];
    expect(get.responses['200']).toEqual({ statusCode: '200', responseParameters: passed(object) });
    expect(get.responses['206']).toEqual({
      statusCode: '206',
      responseParameters: passed([...object, 'Content-Range']),
    });
    expect(get.responses['304']).toEqual({
      statusCode: '304',
      responseParameters: passed(['ETag', 'Last-Modified', 'Cache-Control']),
    });
    // The object's body passes through untouched: no template, no conversion on success.
    for (const status of ['200', '206', '304']) {
      expect(get.responses[status].responseTemplates).toBeUndefined();
      expect(get.responses[status].contentHandling).toBeUndefined();
    }

    // Uploads take the media type (required), caching and disposition headers and conditions to S3.
    const put = integrationOf(t, 'PUT', '/files/{key+}');
    expect(put.requestParameters).toEqual({
      'integration.request.path.key': 'method.request.path.key',
      'integration.request.header.Cache-Control': 'method.request.header.Cache-Control',
      'integration.request.header.Content-Disposition': 'method.request.header.Content-Disposition',
      'integration.request.header.If-Match': 'method.request.header.If-Match',
      'integration.request.header.If-None-Match': 'method.request.header.If-None-Match',
      'integration.request.header.Content-Type': 'method.request.header.Content-Type',
    });
    const contentType = operationOf(t, 'PUT', '/files/{key+}').parameters.find(
      (p: Json) => p.name === 'Content-Type',
    );
    expect(contentType).toMatchObject({ in: 'header', required: true });
    expect(put.responses['200'].responseParameters).toEqual(passed(['ETag']));
    expect(undeclaredResponseHeaders(operationOf(t, 'PUT', '/files/{key+}'))).toEqual([]);
    expect(undeclaredRequestParameters(operationOf(t, 'PUT', '/files/{key+}'))).toEqual([]);
    // The upload's confirmation is the library's JSON, and the contract says so.
    const stored = JSON.parse(
      renderMappingTemplate(put.responses['200'].responseTemplates['application/json'], { body: '' }),
    );
    expect(stored).toEqual({ message: 'Stored' });
    const schema = contractBodySchema(f.api, 'PUT', '/files/{key}', 200);
    expect(bodyErrors(schema, stored)).toEqual([]);
    expect(bodyErrors(schema, { message: 'Deleted' })).toEqual([
      '/message must be equal to one of the allowed values',
    ]);
  });

  test('responseSchema documents a JSON object read from S3; an upload, which answers its own JSON, refuses it', () => {
    const f = fixture();
    const document = { type: JsonSchemaType.OBJECT, required: ['id'] };
    f.api.addRoute('GET', '/docs/{key+}', RouteIntegration.s3(f.bucket), { responseSchema: document });
    expect(contractBodySchema(f.api, 'GET', '/docs/{key}', 200)).toEqual({
      type: 'object',
      required: ['id'],
    });
    expectInvalid(
      () =>
        f.api.addRoute('PUT', '/docs/{key+}', RouteIntegration.s3(f.bucket, { allowWrites: true }), {
          responseSchema: document,
        }),
      'responseSchema of PUT /docs/{key+}',
      '"a schema"',
      'The integration writes the success body (the confirmation) itself',
    );
  });

  test.each([
    [
      'read',
      'GET',
      {
        200: 200,
        206: 206,
        304: 304,
        403: 404,
        404: 404,
        412: 412,
        416: 416,
        400: 400,
        405: 400,
        409: 400,
        411: 400,
        429: 400,
        503: 503,
        500: 502,
        301: 502,
        307: 502,
        204: 502,
      },
    ],
    [
      'put',
      'PUT',
      {
        200: 200,
        403: 404,
        404: 404,
        409: 409,
        412: 412,
        400: 400,
        411: 400,
        413: 400,
        416: 400,
        503: 503,
        500: 502,
        301: 502,
      },
    ],
    [
      'delete',
      'DELETE',
      { 204: 204, 200: 204, 403: 404, 404: 404, 400: 400, 412: 400, 503: 503, 500: 502, 301: 502 },
    ],
  ])(
    'maps what S3 answers a %s route to a clean status, every status to exactly one response',
    (kind, method, expected) => {
      const f = fixture();
      f.api.addRoute(
        method,
        '/files/{key+}',
        RouteIntegration.s3(f.bucket, { allowWrites: method !== 'GET' }),
      );
      const responses = integrationOf(Template.fromStack(f.stack), method, '/files/{key+}').responses;
      expect(Object.keys(responses).sort()).toEqual(S3_RESPONSES[kind].map((r) => r.pattern).sort());
      for (const [status, answer] of Object.entries(expected)) {
        expect([status, answerTo(responses, Number(status))]).toEqual([status, `${answer}`]);
      }
      // answerTo checks that no status from 100 to 599 matches two patterns.
      for (let status = 100; status < 600; status++) {
        answerTo(responses, status);
      }
    },
  );

  test('error bodies are JSON of the library, with the request id and nothing of S3 (bucket, request id, XML)', () => {
    const f = fixture();
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket, { keyPrefix: 'secret-layout/' }));
    const responses = integrationOf(Template.fromStack(f.stack), 'GET', '/files/{key+}').responses;
    const s3Error =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>' +
      '<RequestId>S3REQUESTID</RequestId><HostId>host-id</HostId><BucketName>my-bucket</BucketName></Error>';
    // Under '*/*' API Gateway converts S3's (binary) XML to base64 text for the template: neither form leaks.
    for (const body of [s3Error, Buffer.from(s3Error).toString('base64')]) {
      const out = renderMappingTemplate(responses['403|404'].responseTemplates['application/json'], {
        body,
        context: { requestId: 'api-request-1' },
      });
      expect(JSON.parse(out)).toEqual({
        message: 'Not Found',
        type: 'NOT_FOUND',
        requestId: 'api-request-1',
      });
      expect(out).not.toMatch(/S3REQUESTID|my-bucket|secret-layout|</);
    }
    for (const pattern of Object.keys(responses).filter((p) => !['200', '206', '304'].includes(p))) {
      const response = responses[pattern];
      expect(response.contentHandling).toBe('CONVERT_TO_TEXT');
      expect(response.responseParameters).toBeUndefined();
      const out = JSON.parse(
        renderMappingTemplate(response.responseTemplates['application/json'], {
          body: s3Error,
          context: { requestId: 'r' },
        }),
      );
      expect(Object.keys(out)).toEqual(['message', 'type', 'requestId']);
      // The contract gives that body's shape for the status it answers with.
      const schema = contractBodySchema(f.api, 'GET', '/files/{key}', Number(response.statusCode));
      expect(bodyErrors(schema, out)).toEqual([]);
    }
    // The object itself is whatever was stored: the contract gives no JSON shape for it.
    expect(contractBodySchema(f.api, 'GET', '/files/{key}', 200)).toBeUndefined();
    expect(
      JSON.parse(
        renderMappingTemplate(responses.default.responseTemplates['application/json'], {
          context: { requestId: 'r' },
        }),
      ),
    ).toEqual({
      message: 'Bad Gateway',
      type: 'STORAGE_ERROR',
      requestId: 'r',
    });
  });

  test('names the object with every path variable, in order, so no variable is left out of the key', () => {
    const f = fixture();
    f.api.addRoute(
      'GET',
      '/tenants/{tenant}/files/{key+}',
      RouteIntegration.s3(f.bucket, { keyPrefix: 'data/' }),
    );
    const integration = integrationOf(Template.fromStack(f.stack), 'GET', '/tenants/{tenant}/files/{key+}');
    expect(integration.uri['Fn::Sub']).toMatch(/s3:path\/\$\{Files[0-9A-F]+\}\/data\/\{tenant\}\/\{key\}$/);
    expect(integration.requestParameters).toMatchObject({
      'integration.request.path.tenant': 'method.request.path.tenant',
      'integration.request.path.key': 'method.request.path.key',
    });
  });

  test('allows write verbs only on routes that write, and only with allowWrites', () => {
    const read = fixture();
    read.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(read.bucket, { allowWrites: true }));
    expect(roleStatements(Template.fromStack(read.stack))).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(read, '/*') },
    ]);

    const write = fixture();
    const writable = RouteIntegration.s3(write.bucket, { allowWrites: true });
    write.api.addRoute('GET', '/files/{key+}', writable);
    write.api.addRoute('PUT', '/files/{key+}', writable);
    write.api.addRoute('DELETE', '/files/{key+}', writable);
    write.api.addRoute('GET', '/drafts/{key+}', RouteIntegration.s3(write.bucket, { keyPrefix: 'drafts/' }));
    expect(roleStatements(Template.fromStack(write.stack))).toEqual([
      {
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Effect: 'Allow',
        Resource: objects(write, '/*'),
      },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(write, '/drafts/*') },
    ]);
  });

  test('allows the KMS actions the routes need, through S3 only, when the bucket has a key', () => {
    const f = fixture(undefined, { encryptionKey: undefined, encryption: s3.BucketEncryption.KMS });
    const key = f.bucket.encryptionKey as kms.Key;
    const writable = RouteIntegration.s3(f.bucket, { allowWrites: true });
    f.api.addRoute('GET', '/files/{key+}', writable);
    f.api.addRoute('PUT', '/files/{key+}', writable);
    f.api.addRoute('DELETE', '/files/{key+}', writable);
    const t = Template.fromStack(f.stack);
    expect(roleStatements(t)[1]).toEqual({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: {
        StringEquals: {
          'kms:ViaService': {
            'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
          },
        },
      },
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [f.stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
    });

    // A read-only route of a bucket with a key decrypts only; a bucket without a key gets no KMS statement.
    const readOnly = fixture(undefined, { encryption: s3.BucketEncryption.KMS });
    readOnly.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(readOnly.bucket));
    expect(roleStatements(Template.fromStack(readOnly.stack))[1].Action).toBe('kms:Decrypt');
    const plain = fixture();
    plain.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(plain.bucket));
    expect(JSON.stringify(roleStatements(Template.fromStack(plain.stack)))).not.toContain('kms:');
  });

  test("makes '*/*' binary by default, so any object round-trips unchanged, and warns once that the API is binary", () => {
    const f = fixture();
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket));
    f.api.addRoute('HEAD', '/files/{key+}', RouteIntegration.s3(f.bucket));
    const t = Template.fromStack(f.stack);
    expect(definitionOf(t)['x-amazon-apigateway-binary-media-types']).toEqual(['*/*']);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
    const warnings = Annotations.fromStack(f.stack).findWarning(
      '/Stack/Api',
      Match.stringLikeRegexp('s3-binary-api'),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/Lambda proxy function receives them base64-encoded/);
  });

  test('takes a narrower list of binary media types, without the warning', () => {
    const f = fixture();
    f.api.addRoute(
      'GET',
      '/images/{key+}',
      RouteIntegration.s3(f.bucket, { binaryMediaTypes: ['image/*', 'application/pdf'] }),
    );
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['image/*', 'application/pdf'] });
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('s3-binary-api'));
  });

  test('a cached GET is keyed by the object key, and by the range and conditions it asks for', () => {
    const f = fixture({ caching: {} });
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket), {
      cache: { shared: true, ttl: Duration.minutes(5) },
    });
    const t = Template.fromStack(f.stack);
    expect(integrationOf(t, 'GET', '/files/{key+}').cacheKeyParameters).toEqual([
      'method.request.path.key',
      'method.request.header.Range',
      'method.request.header.If-Match',
      'method.request.header.If-None-Match',
      'method.request.header.If-Modified-Since',
      'method.request.header.If-Unmodified-Since',
    ]);
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          ResourcePath: '/~1files~1{key+}',
          HttpMethod: 'GET',
          CachingEnabled: true,
          CacheTtlInSeconds: 300,
        }),
      ]),
    });
  });

  test('answers with the CORS headers of a single origin on every response', () => {
    const f = fixture({ cors: { allowOrigins: ['https://app.example.com'] } });
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket, { binaryMediaTypes: ['image/*'] }));
    const t = Template.fromStack(f.stack);
    const operation = operationOf(t, 'GET', '/files/{key+}');
    for (const response of Object.values(operation['x-amazon-apigateway-integration'].responses as Json)) {
      expect(response.responseParameters['method.response.header.Access-Control-Allow-Origin']).toBe(
        "'https://app.example.com'",
      );
    }
    expect(undeclaredResponseHeaders(operation)).toEqual([]);
  });

  test('names a bucket of another stack or an imported one in the URI, and acknowledges exactly its wildcard', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const storage = new Stack(app, 'Storage');
    const shared = new s3.Bucket(storage, 'Shared');
    const stack = new Stack(app, 'Stack');
    const api = new RegionalApi(stack, 'Api');
    api.addRoute('GET', '/shared/{key+}', RouteIntegration.s3(shared, { keyPrefix: 'a/' }));
    api.addRoute(
      'GET',
      '/legacy/{key+}',
      RouteIntegration.s3(s3.Bucket.fromBucketName(stack, 'Legacy', 'legacy-bucket')),
    );
    app.synth();
    const t = Template.fromStack(stack);
    expect(integrationOf(t, 'GET', '/legacy/{key+}').uri).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:s3:path/legacy-bucket/{key}',
    });
    expect(integrationOf(t, 'GET', '/shared/{key+}').uri).toEqual({
      'Fn::Sub': [
        'arn:${AWS::Partition}:apigateway:${AWS::Region}:s3:path/${Bucket}/a/{key}',
        { Bucket: { 'Fn::ImportValue': expect.stringMatching(/^Storage:ExportsOutputRefShared/) } },
      ],
    });
    const findings = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(findings.filter((id) => id.startsWith('AwsSolutions-IAM5'))).toEqual([]);
  });
});

describe('RouteIntegration.s3: listing', () => {
  function listing(pathVariables = false): { t: Template; f: Fixture; path: string } {
    const f = fixture();
    const path = pathVariables ? '/tenants/{tenant}/files' : '/files';
    f.api.addRoute('GET', path, RouteIntegration.s3(f.bucket, { keyPrefix: 'public/', listObjects: true }));
    return { t: Template.fromStack(f.stack), f, path };
  }

  test('lists with ListObjectsV2, keys URL-encoded, limited to the prefix by the role', async () => {
    const { t, f } = listing();
    const integration = integrationOf(t, 'GET', '/files');
    expect(integration).toMatchObject({
      type: 'aws',
      httpMethod: 'GET',
      uri: { 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:s3:path/\${${bucketId(f)}}` },
      requestParameters: {
        'integration.request.querystring.list-type': "'2'",
        'integration.request.querystring.encoding-type': "'url'",
        'integration.request.querystring.max-keys': 'method.request.querystring.limit',
        'integration.request.querystring.delimiter': 'method.request.querystring.delimiter',
      },
      passthroughBehavior: 'never',
      contentHandling: 'CONVERT_TO_TEXT',
    });
    expect(roleStatements(t)).toEqual([
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': 'public/*' } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [bucketId(f), 'Arn'] },
      },
    ]);
    expect(undeclaredRequestParameters(operationOf(t, 'GET', '/files'))).toEqual([]);
    expect(await openApiErrors(definitionOf(t), { apiGatewayPaths: true })).toEqual([]);
  });

  test('sends S3 the prefix under the route and the cursor, and no body', () => {
    const { t } = listing(true);
    const template = integrationOf(t, 'GET', '/tenants/{tenant}/files').requestTemplates['application/json'];
    const context: { requestOverride: { querystring: Record<string, string> } } = {
      requestOverride: { querystring: {} },
    };
    const out = renderMappingTemplate(template, {
      path: { tenant: 'acme' },
      querystring: { prefix: "reports/2024 'q1'", cursor: 'token+/=' },
      context,
    });
    expect(out).toBe('');
    expect(context.requestOverride.querystring).toEqual({
      prefix: "public/acme/reports/2024 'q1'",
      'continuation-token': 'token+/=',
    });
    const bare: { requestOverride: { querystring: Record<string, string> } } = {
      requestOverride: { querystring: {} },
    };
    renderMappingTemplate(template, { path: { tenant: 'acme' }, context: bare });
    expect(bare.requestOverride.querystring).toEqual({ prefix: 'public/acme/' });
  });

  const AWKWARD = [
    'a "quoted" file.txt',
    "it's here.png",
    'back\\slash',
    'unicode/é✓😀.bin',
    'plus+and&amp.txt',
    'new\nline',
  ];

  function listXml(root: string): string {
    const encode = (k: string): string => encodeURIComponent(k).replace(/%20/g, '+').replace(/%2F/g, '/');
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>my-private-bucket</Name><Prefix>${encode(root)}</Prefix><KeyCount>6</KeyCount><MaxKeys>1000</MaxKeys>`,
      '<Delimiter>/</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>',
      ...AWKWARD.map(
        (key, i) =>
          `<Contents><Key>${encode(root + key)}</Key><LastModified>2024-05-0${i + 1}T10:00:00.000Z</LastModified>` +
          `<ETag>&quot;etag${i}&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><Size>${i * 1000}</Size>` +
          '<Owner><ID>owner-id</ID></Owner><StorageClass>STANDARD</StorageClass></Contents>',
      ),
      `<CommonPrefixes><Prefix>${encode(root + 'photos/')}</Prefix></CommonPrefixes>`,
      `<CommonPrefixes><Prefix>${encode(root + "o'neil/")}</Prefix></CommonPrefixes>`,
      '<ContinuationToken>prev</ContinuationToken><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>',
      '</ListBucketResult>',
    ].join('');
  }

  test('answers JSON with keys relative to the route, awkward keys intact, and nothing of S3 (bucket, owner)', () => {
    const { t, f } = listing(true);
    const schema = contractBodySchema(f.api, 'GET', '/tenants/{tenant}/files', 200);
    const response = integrationOf(t, 'GET', '/tenants/{tenant}/files').responses['200'];
    expect(response.contentHandling).toBe('CONVERT_TO_TEXT');
    const template = response.responseTemplates['application/json'];
    const xml = listXml('public/acme/');
    // As text (XML is not binary to the API) and as base64 (under '*/*', CONVERT_TO_TEXT gives base64).
    for (const body of [xml, Buffer.from(xml, 'utf8').toString('base64')]) {
      const out = renderMappingTemplate(template, { body, path: { tenant: 'acme' } });
      expect(JSON.parse(out)).toEqual({
        objects: AWKWARD.map((key, i) => ({
          key,
          size: i * 1000,
          lastModified: `2024-05-0${i + 1}T10:00:00.000Z`,
          etag: `etag${i}`,
        })),
        prefixes: ['photos/', "o'neil/"],
        cursor: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
      });
      expect(out).not.toMatch(/my-private-bucket|owner-id|STANDARD/);
      expect(bodyErrors(schema, JSON.parse(out))).toEqual([]);
    }
  });

  test('answers an empty, last page', () => {
    const { t, f } = listing();
    const template = integrationOf(t, 'GET', '/files').responses['200'].responseTemplates['application/json'];
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>public/nothing</Prefix>' +
      '<KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated></ListBucketResult>';
    const page = JSON.parse(renderMappingTemplate(template, { body: xml }));
    expect(page).toEqual({ objects: [], prefixes: [], cursor: null });
    const schema = contractBodySchema(f.api, 'GET', '/files', 200);
    expect(bodyErrors(schema, page)).toEqual([]);
    expect(bodyErrors(schema, { ...page, objects: [{ key: 'a', size: '12' }] })).toEqual([
      "/objects/0 must have required property 'lastModified'",
      "/objects/0 must have required property 'etag'",
      '/objects/0/size must be integer',
    ]);
  });

  test('a cached listing is keyed by its query parameters too', () => {
    const f = fixture({ caching: {} });
    f.api.addRoute('GET', '/files', RouteIntegration.s3(f.bucket, { listObjects: true }), {
      cache: { shared: true },
    });
    expect(integrationOf(Template.fromStack(f.stack), 'GET', '/files').cacheKeyParameters).toEqual([
      'method.request.querystring.prefix',
      'method.request.querystring.cursor',
      'method.request.querystring.limit',
      'method.request.querystring.delimiter',
    ]);
  });

  test('lists the whole bucket without a condition when there is no key prefix', () => {
    const f = fixture();
    f.api.addRoute('GET', '/', RouteIntegration.s3(f.bucket, { listObjects: true }));
    expect(roleStatements(Template.fromStack(f.stack))).toEqual([
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [bucketId(f), 'Arn'] } },
    ]);
  });
});

describe('RouteIntegration.s3: validation', () => {
  const route = (f: Fixture, method: string, path: string, options = {}): unknown =>
    f.api.addRoute(method, path, RouteIntegration.s3(f.bucket, options));

  test.each(['/public', 'a//b/', 'a/../b/', 'a/b*', 'spaces here/', 'x'.repeat(513)])(
    'fails when the key prefix is %j',
    (keyPrefix) => {
      expectInvalid(
        () => route(fixture(), 'GET', '/files/{key+}', { keyPrefix }),
        'integration.keyPrefix of GET /files/{key+}',
        JSON.stringify(keyPrefix),
        "A key prefix is 1-512 letters, digits and . _ - /, not starting with '/', without '//' or '.' and '..' segments, e.g. 'public/'.",
      );
    },
  );

  test('fails when the key prefix does not end with a slash', () => {
    expectInvalid(
      () => route(fixture(), 'GET', '/files/{key+}', { keyPrefix: 'public' }),
      'integration.keyPrefix of GET /files/{key+}',
      '"public"',
      "A key prefix is a folder and ends with '/': use 'public/'.",
    );
  });

  test('fails when the key prefix is only known at deploy time', () => {
    const f = fixture();
    expectInvalid(
      () => route(f, 'GET', '/files/{key+}', { keyPrefix: f.bucket.bucketName }),
      'integration.keyPrefix of GET /files/{key+}',
      JSON.stringify(f.bucket.bucketName),
      'The key prefix must be known at synth',
    );
  });

  test.each(['POST', 'PATCH', 'ANY'])('fails when an object route is %s', (method) => {
    expectInvalid(
      () => route(fixture(), method, '/files/{key+}', { allowWrites: true }),
      `method of ${method} /files/{key+}`,
      JSON.stringify(method),
      'An S3 object route is GET or HEAD (read the object), PUT (upload) or DELETE, each a route of its own',
    );
  });

  test.each(['PUT', 'DELETE'])('fails when a %s route does not allow writes', (method) => {
    expectInvalid(
      () => route(fixture(), method, '/files/{key+}'),
      `integration.allowWrites of ${method} /files/{key+}`,
      'undefined',
      `A ${method} route changes objects: set allowWrites: true on the integration to upload and delete; without it S3 routes only read.`,
    );
  });

  test('fails when an object route has no path variable to name the object', () => {
    expectInvalid(
      () => route(fixture(), 'GET', '/files'),
      'path of GET /files',
      '"no path variable"',
      'An S3 object route names the object with its path variables, e.g. /files/{key+}',
    );
  });

  test('fails when a listing route allows writes, or is not a GET', () => {
    expectInvalid(
      () => route(fixture(), 'GET', '/files', { listObjects: true, allowWrites: true }),
      'integration.allowWrites of GET /files',
      'true',
      'A listing route only reads; allowWrites applies to PUT and DELETE object routes.',
    );
    expectInvalid(
      () => route(fixture(), 'HEAD', '/files', { listObjects: true }),
      'method of HEAD /files',
      '"HEAD"',
      'A listing route (listObjects) is a GET route.',
    );
  });

  test('fails when the binary media types are empty or malformed', () => {
    expectInvalid(
      () => route(fixture(), 'GET', '/files/{key+}', { binaryMediaTypes: [] }),
      'integration.binaryMediaTypes of GET /files/{key+}',
      '[]',
      'List at least one media type',
    );
    expectInvalid(
      () => route(fixture(), 'GET', '/files/{key+}', { binaryMediaTypes: ['png'] }),
      'integration.binaryMediaTypes of GET /files/{key+}',
      '"png"',
      "A media type is 'type/subtype'",
    );
  });

  test('fails when an upload or delete is cached', () => {
    const f = fixture({ caching: {} });
    expectInvalid(
      () =>
        f.api.addRoute('PUT', '/files/{key+}', RouteIntegration.s3(f.bucket, { allowWrites: true }), {
          cache: { shared: true, allowNonReadMethod: true },
        }),
      'cache of PUT /files/{key+}',
      '"a cached PUT route"',
      'Only S3 reads can be cached: a cached PUT or DELETE would answer without reaching S3.',
    );
  });

  test("with CORS under '*/*', the preflight is converted to text, so API Gateway can answer it", () => {
    const f = fixture({ cors: { allowOrigins: ['https://app.example.com'] } });
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket));
    const t = Template.fromStack(f.stack);
    expect(definitionOf(t)['x-amazon-apigateway-binary-media-types']).toEqual(['*/*']);
    const preflight = operationOf(t, 'OPTIONS', '/files/{key+}')['x-amazon-apigateway-integration'];
    expect(preflight.contentHandling).toBe('CONVERT_TO_TEXT');
    expect(preflight.responses.default.contentHandling).toBe('CONVERT_TO_TEXT');
  });

  test('fails when the API has CORS for several origins', () => {
    expectInvalid(
      () =>
        route(
          fixture({ cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] } }),
          'GET',
          '/files/{key+}',
          { binaryMediaTypes: ['image/*'] },
        ),
      'cors.allowOrigins of GET /files/{key+}',
      '"several origins"',
      'An S3 object route returns the object unchanged, so API Gateway cannot answer each listed origin on it',
    );
  });
});

test('a bucket whose name is set in code changes the deployment when the name does', () => {
  const deployment = (name: string): string => {
    const f = fixture(undefined, { bucketName: name });
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket));
    return Object.keys(Template.fromStack(f.stack).findResources('AWS::ApiGateway::Deployment'))[0];
  };
  expect(deployment('files-a')).not.toBe(deployment('files-b'));
});

describe('binary media types and the mapping templates of other routes', () => {
  /** The message synth fails with, or '' when it does not fail. */
  function synthError(stack: Stack): string {
    try {
      Template.fromStack(stack);
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  }

  test("fails when an S3 route's '*/*' makes an SQS route's JSON bodies binary, in either order", () => {
    for (const s3First of [true, false]) {
      const f = fixture();
      const addS3 = () => f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket));
      if (s3First) addS3();
      f.api.addRoute('POST', '/events', RouteIntegration.sqs(new sqs.Queue(f.stack, 'Queue')));
      if (!s3First) addS3();
      const message = synthError(f.stack);
      expect(message).toContain(
        '[Stack/Api] Invalid binaryMediaTypes: ["*/*"]. POST /events maps application/json request bodies with a ' +
          "mapping template, but '*/*' makes them binary to the API, and a template cannot read a binary body. " +
          'Narrow the binary media types',
      );
      expect(message.match(/Invalid binaryMediaTypes/g)).toHaveLength(1);
    }
  });

  test("fails for the API's own binary media types too, when they cover a template's content type", () => {
    const f = fixture({ binaryMediaTypes: ['Application/*'] });
    const machine = new sfn.StateMachine(f.stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(f.stack, 'Pass')),
    });
    f.api.addRoute('POST', '/checkout', RouteIntegration.stepFunctions(machine));
    expect(synthError(f.stack)).toContain(
      `Invalid binaryMediaTypes: ["Application/*"]. POST /checkout maps application/json request bodies with a mapping template, but 'Application/*' makes them binary`,
    );
  });

  test('an S3ProxyApi with an SQS route needs binary media types that leave JSON as text', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
    const files = new S3ProxyApi(stack, 'Api');
    files.addRoute('POST', '/events', RouteIntegration.sqs(new sqs.Queue(stack, 'Queue')));
    expect(synthError(stack)).toContain('POST /events maps application/json request bodies');

    const narrow = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
    const images = new S3ProxyApi(narrow, 'Api', { binaryMediaTypes: ['image/*', 'application/pdf'] });
    images.addRoute('POST', '/events', RouteIntegration.sqs(new sqs.Queue(narrow, 'Queue')));
    expect(synthError(narrow)).toBe('');
    expect(definitionOf(Template.fromStack(narrow))['x-amazon-apigateway-binary-media-types']).toEqual([
      'image/*',
      'application/pdf',
    ]);
  });

  test("routes whose templates convert bodies to text (mock, S3 listing) work under '*/*'", () => {
    const f = fixture();
    f.api.addRoute('GET', '/files/{key+}', RouteIntegration.s3(f.bucket));
    f.api.addRoute('GET', '/files', RouteIntegration.s3(f.bucket, { listObjects: true }));
    f.api.addRoute('GET', '/health', RouteIntegration.mock());
    expect(synthError(f.stack)).toBe('');
  });
});
