import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { S3AssetsApiStack } from '../../examples/s3-assets-api';
import { S3UploadApiStack } from '../../examples/s3-upload-api';
import { S3ProxyApi, S3ProxyApiProps } from '../../lib';
import { PresignedUrlFunction } from '../../lib/storage/large-objects';
import { newestNodejsRuntime } from '../../lib/private/runtimes';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { definitionOf, integrationOf, Json, operationsOf } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { bodyErrors, contractBodySchema, openApiErrors } from '../support/openapi';

function s3Proxy(props?: S3ProxyApiProps, validation = false): S3ProxyApi {
  const stack = new Stack(new App({ builtinCloudFormationValidation: validation }), 'Stack');
  return new S3ProxyApi(stack, 'Api', props);
}

function templateOf(api: S3ProxyApi): Template {
  return Template.fromStack(Stack.of(api));
}

function logicalId(construct: { node: { defaultChild?: unknown } }, stack: Stack): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** Every statement of every policy of the role at `<api>/<path>`, inline or separate. */
function statementsOf(t: Template, rolePrefix: string): Json[] {
  const statements: Json[] = [];
  for (const [id, role] of Object.entries(t.findResources('AWS::IAM::Role'))) {
    if (id.startsWith(rolePrefix)) {
      for (const policy of role.Properties.Policies ?? []) {
        statements.push(...policy.PolicyDocument.Statement);
      }
      for (const policy of Object.values(t.findResources('AWS::IAM::Policy'))) {
        if (policy.Properties.Roles.some((r: Json) => r.Ref === id)) {
          statements.push(...policy.Properties.PolicyDocument.Statement);
        }
      }
    }
  }
  return statements;
}

describe('S3ProxyApi', () => {
  test('is a regional API that reads objects with GET and HEAD, and nothing else, behind IAM and a web ACL', async () => {
    const api = s3Proxy();
    const stack = Stack.of(api);
    const t = templateOf(api);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'ipv4' },
      BinaryMediaTypes: ['*/*'],
    });
    expect(operationsOf(t).map((o) => o.route)).toEqual(['GET /objects/{key+}', 'HEAD /objects/{key+}']);
    for (const { operation } of operationsOf(t)) {
      expect(operation.security).toEqual([{ sigv4: [] }]);
    }
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    // The web ACL blocks bodies over 8 KB: read-only, nothing is relaxed.
    expect(JSON.stringify(t.findResources('AWS::WAFv2::WebACL'))).not.toContain('SizeRestrictions_BODY');
    const bucketArn = { 'Fn::GetAtt': [logicalId(api.bucket, stack), 'Arn'] };
    expect(statementsOf(t, 'ApiS3Access')).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucketArn, '/*']] } },
    ]);
    t.resourceCountIs('AWS::Lambda::Function', 1); // the account-logging handler only
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    expect(await openApiErrors(definitionOf(t), { apiGatewayPaths: true })).toEqual([]);
    expect(await openApiErrors(api.openApi())).toEqual([]);
  });

  test('creates a bucket that blocks public access, is encrypted, TLS-only, versioned, logged and retained', () => {
    const api = s3Proxy();
    const stack = Stack.of(api);
    const t = templateOf(api);
    const data = logicalId(api.bucket, stack);
    const logs = logicalId(api.accessLogsBucket!, stack);
    const posture = {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    };
    const buckets = t.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).sort()).toEqual([data, logs].sort());
    for (const id of [data, logs]) {
      expect(buckets[id]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: posture,
      });
    }
    expect(buckets[data].Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs },
      LogFilePrefix: 'objects/',
    });
    // Server access logs are kept a year, as the library's log groups.
    expect(buckets[logs].Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 365, Status: 'Enabled' })]),
    );
    const policies = Object.values(t.findResources('AWS::S3::BucketPolicy'));
    const policyOf = (id: string): Json[] =>
      policies.find((p) => p.Properties.Bucket.Ref === id)!.Properties.PolicyDocument.Statement;
    for (const id of [data, logs]) {
      const arn = { 'Fn::GetAtt': [id, 'Arn'] };
      expect(policyOf(id)).toEqual(
        expect.arrayContaining([
          {
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: [arn, { 'Fn::Join': ['', [arn, '/*']] }],
          },
          {
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: [arn, { 'Fn::Join': ['', [arn, '/*']] }],
          },
        ]),
      );
    }
    // Log delivery by bucket policy (no ACL), only from the data bucket of this account.
    expect(policyOf(logs)).toContainEqual({
      Sid: 'AllowServerAccessLogDelivery',
      Action: 's3:PutObject',
      Condition: {
        ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [data, 'Arn'] } },
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      },
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logs, 'Arn'] }, '/objects/*']] },
    });
    expect(buckets[logs].Properties.AccessControl).toBeUndefined();
  });

  test('encrypts the bucket it creates with a KMS key, and lets the role use it through S3', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const api = new S3ProxyApi(stack, 'Api', { encryptionKey: key, allowPut: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(key, stack), 'Arn'] },
            },
          },
        ],
      },
    });
    expect(statementsOf(t, 'ApiS3Access')).toContainEqual(
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [logicalId(key, stack), 'Arn'] },
      }),
    );
    expect(api.bucket.encryptionKey).toBe(key);
  });

  test('serves a given bucket and creates none', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'existing-bucket');
    const api = new S3ProxyApi(stack, 'Api', { bucket, keyPrefix: 'site/' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    expect(api.bucket).toBe(bucket);
    expect(api.accessLogsBucket).toBeUndefined();
    expect(integrationOf(t, 'GET', '/objects/{key+}').uri).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:s3:path/existing-bucket/site/{key}',
    });
  });

  test('uploads, deletes and lists only when asked, and relaxes only the web ACL rule that blocks uploads', () => {
    const api = s3Proxy({
      allowPut: true,
      allowDelete: true,
      listObjects: true,
      objectsPath: '/files',
      keyPrefix: 'f/',
    });
    const stack = Stack.of(api);
    const t = templateOf(api);
    expect(operationsOf(t).map((o) => o.route)).toEqual([
      'GET /files/{key+}',
      'HEAD /files/{key+}',
      'PUT /files/{key+}',
      'DELETE /files/{key+}',
      'GET /files',
    ]);
    const bucketArn = { 'Fn::GetAtt': [logicalId(api.bucket, stack), 'Arn'] };
    expect(statementsOf(t, 'ApiS3Access')).toEqual([
      {
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [bucketArn, '/f/*']] },
      },
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': 'f/*' } },
        Effect: 'Allow',
        Resource: bucketArn,
      },
    ]);
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
      ]),
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Api', Match.stringLikeRegexp('waf-rules-count-only'));
  });

  test('keeps the web ACL rules a user counts, and a private API without a web ACL, when it allows uploads', () => {
    const api = s3Proxy({ allowPut: true, waf: { countOnlyCommonRules: ['NoUserAgent_HEADER'] } });
    expect(JSON.stringify(templateOf(api).findResources('AWS::WAFv2::WebACL'))).toMatch(
      /NoUserAgent_HEADER.*SizeRestrictions_BODY/,
    );
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Private');
    new S3ProxyApi(stack, 'Api', {
      endpointType: apigw.EndpointType.PRIVATE,
      vpc: new ec2.Vpc(stack, 'Vpc'),
      allowPut: true,
    });
    Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('caches reads keyed by the object key when asked', () => {
    const api = s3Proxy({ caching: {}, cache: { shared: true, ttl: Duration.minutes(10) } });
    const t = templateOf(api);
    for (const method of ['GET', 'HEAD']) {
      expect(integrationOf(t, method, '/objects/{key+}').cacheKeyParameters[0]).toBe(
        'method.request.path.key',
      );
    }
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      CacheClusterEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: 'GET', CachingEnabled: true, CacheTtlInSeconds: 600 }),
      ]),
    });
  });

  test.each([
    [apigw.EndpointType.EDGE, { Types: ['EDGE'] }],
    [apigw.EndpointType.REGIONAL, { Types: ['REGIONAL'], IpAddressType: 'ipv4' }],
  ])('takes the %s endpoint type', (endpointType, configuration) => {
    templateOf(s3Proxy({ endpointType })).hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: configuration,
    });
  });

  test('is a private API, reached only through its endpoint, with endpointType PRIVATE', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Stack');
    const api = new S3ProxyApi(stack, 'Api', {
      endpointType: apigw.EndpointType.PRIVATE,
      vpc: new ec2.Vpc(stack, 'Vpc'),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], IpAddressType: 'dualstack' },
    });
    expect(definitionOf(t)['x-amazon-apigateway-policy'].Statement.map((s: Json) => s.Sid)).toEqual([
      'AllowThroughApiEndpoints',
      'DenyAnyOtherWay',
    ]);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(api.url).toContain('.execute-api.');
  });

  test('hands out presigned URLs for large objects through a function allowed only what the URLs do', () => {
    const api = s3Proxy({ allowPut: true, keyPrefix: 'big/', largeObjects: { expiry: Duration.minutes(5) } });
    const stack = Stack.of(api);
    const t = templateOf(api);
    expect(operationsOf(t).map((o) => o.route)).toEqual([
      'GET /objects/{key+}',
      'HEAD /objects/{key+}',
      'PUT /objects/{key+}',
      'GET /presigned/{key+}',
      'POST /presigned/{key+}',
    ]);
    const fnId = logicalId(api.largeObjectsFunction!, stack);
    expect(integrationOf(t, 'POST', '/presigned/{key+}')).toMatchObject({
      type: 'aws_proxy',
      httpMethod: 'POST',
    });
    const fn = t.findResources('AWS::Lambda::Function')[fnId].Properties;
    expect(fn).toMatchObject({
      Runtime: newestNodejsRuntime().name,
      MemorySize: 128,
      Timeout: 5,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: {
          BUCKET_NAME: { Ref: logicalId(api.bucket, stack) },
          BUCKET_REGION: { Ref: 'AWS::Region' },
          KEY_PREFIX: 'big/',
          EXPIRES_SECONDS: '300',
          ALLOW_UPLOAD: 'true',
          ALLOWED_ORIGINS: '[]',
        },
      },
    });
    expect(fn.LoggingConfig.LogGroup).toEqual({ Ref: expect.stringMatching(/^ApiLargeObjectsLogs/) });
    t.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365 },
    });
    const bucketArn = { 'Fn::GetAtt': [logicalId(api.bucket, stack), 'Arn'] };
    const statements = statementsOf(t, 'ApiLargeObjectsRole');
    expect(statements).toEqual(
      [
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ApiLargeObjectsLogs/), 'Arn'] },
        },
        {
          Action: ['s3:GetObject', 's3:PutObject'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [bucketArn, '/big/*']] },
        },
        { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
      ].map((s) => expect.objectContaining(s)),
    );
    expect(JSON.stringify(statements)).not.toMatch(/s3:DeleteObject|s3:ListBucket|s3:\*/);
  });

  test('serves objects at the root with objectsPath /, and lists them at /', () => {
    const t = templateOf(s3Proxy({ objectsPath: '/', listObjects: true, largeObjects: {} }));
    expect(operationsOf(t).map((o) => o.route)).toEqual([
      'GET /{key+}',
      'HEAD /{key+}',
      'GET /',
      'GET /presigned/{key+}',
    ]);
  });

  test('declares the content type an upload URL is signed for', () => {
    const t = templateOf(s3Proxy({ allowPut: true, largeObjects: {} }));
    const post = operationsOf(t).find((o) => o.route === 'POST /presigned/{key+}')!.operation;
    expect(post.parameters).toContainEqual({
      name: 'contentType',
      in: 'query',
      required: false,
      schema: { type: 'string' },
    });
  });

  test('offers download URLs only, when uploads are not allowed', () => {
    const api = s3Proxy({ largeObjects: { path: '/large' } });
    const t = templateOf(api);
    expect(operationsOf(t).map((o) => o.route)).toEqual([
      'GET /objects/{key+}',
      'HEAD /objects/{key+}',
      'GET /large/{key+}',
    ]);
    expect(JSON.stringify(statementsOf(t, 'ApiLargeObjectsRole'))).not.toContain('s3:PutObject');
  });

  test('gives the created bucket the CORS rules presigned URLs need from browsers', () => {
    const api = s3Proxy({
      cors: { allowOrigins: ['https://app.example.com'] },
      binaryMediaTypes: ['image/*', 'application/pdf'],
      allowPut: true,
      largeObjects: {},
    });
    templateOf(api).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedOrigins: ['https://app.example.com'],
            AllowedMethods: ['GET', 'HEAD', 'PUT'],
          }),
        ],
      },
    });
    templateOf(api).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ALLOWED_ORIGINS: '["https://app.example.com"]' }) },
    });
  });

  test.each([
    ['the default', {}],
    ['every option', { allowPut: true, allowDelete: true, listObjects: true, largeObjects: {} }],
  ])('has no AwsSolutions or Serverless finding with %s', (_, props) => {
    const api = s3Proxy(props as S3ProxyApiProps, true);
    const app = Stack.of(api).node.root as App;
    app.synth();
    for (const Pack of [AwsSolutionsChecks, ServerlessChecks]) {
      expect(new Pack().validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    }
  });
});

describe('S3ProxyApi: its routes in the contract', () => {
  const everything: S3ProxyApiProps = {
    allowPut: true,
    allowDelete: true,
    listObjects: true,
    largeObjects: {},
  };
  const idsOf = (api: S3ProxyApi): Record<string, string> => {
    const ids: Record<string, string> = {};
    for (const [route, item] of Object.entries(api.openApi().paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        ids[`${method.toUpperCase()} ${route}`] = `${operation.operationId}: ${operation.summary}`;
      }
    }
    return ids;
  };

  test('gives every built-in route an operation id and a summary', () => {
    expect(idsOf(s3Proxy(everything))).toEqual({
      'GET /objects/{key}': 'getObject: Reads an object',
      'HEAD /objects/{key}': "headObject: Reads an object's headers",
      'PUT /objects/{key}': 'putObject: Uploads an object',
      'DELETE /objects/{key}': 'deleteObject: Deletes an object',
      'GET /objects': 'listObjects: Lists objects',
      'GET /presigned/{key}': 'getDownloadUrl: Hands out a presigned URL that downloads an object',
      'POST /presigned/{key}': 'createUploadUrl: Hands out a presigned URL that uploads an object',
    });
  });

  test('takes the operation id, summary, description and tags of each built-in route from operations', () => {
    const api = s3Proxy({
      ...everything,
      operations: {
        objectGet: { operationId: 'download', summary: 'Downloads a file', tags: ['files'] },
        objectPut: { description: 'Stores the body as the file' },
      },
    });
    const item = api.openApi().paths['/objects/{key}'];
    expect(item.get).toMatchObject({ operationId: 'download', summary: 'Downloads a file', tags: ['files'] });
    expect(item.put).toMatchObject({
      operationId: 'putObject',
      summary: 'Uploads an object',
      description: 'Stores the body as the file',
    });
  });

  test('fails when an operation id of operations is taken by another route', () => {
    expectInvalid(
      () => s3Proxy({ operations: { objectHead: { operationId: 'getObject' } } }),
      'operationId of HEAD /objects/{key+}',
      '"getObject"',
      'Operation ids are unique in an API',
    );
  });
});

describe('S3ProxyApi validation', () => {
  test('fails when an encryption key is given with a bucket', () => {
    const stack = new Stack(new App(), 'Stack');
    expectInvalid(
      () =>
        new S3ProxyApi(stack, 'Api', {
          bucket: s3.Bucket.fromBucketName(stack, 'B', 'existing-bucket'),
          encryptionKey: new kms.Key(stack, 'K'),
        }),
      'encryptionKey',
      '"given with bucket"',
      'encryptionKey sets the encryption of the bucket the preset creates; an existing bucket keeps its own.',
    );
  });

  test.each(['public', 'a/b', 'public-'])(
    'fails when the key prefix %j does not end with a slash: it would reach every key that starts with it',
    (keyPrefix) => {
      expectInvalid(
        () => s3Proxy({ keyPrefix }),
        'keyPrefix',
        JSON.stringify(keyPrefix),
        `A key prefix is a folder and ends with '/': use '${keyPrefix}/'. The object's key is appended to the prefix, so without the '/' the routes and their role would also reach every key that merely starts with '${keyPrefix}' (e.g. '${keyPrefix}-internal/…').`,
      );
    },
  );

  test('the presigned-URL function holds the same rule as the object routes', () => {
    const stack = new Stack(new App(), 'Stack');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'existing-bucket');
    expectInvalid(
      () => new PresignedUrlFunction(stack, 'Urls', { bucket, keyPrefix: 'public', allowUpload: false }),
      'keyPrefix',
      '"public"',
      "A key prefix is a folder and ends with '/': use 'public/'.",
      'Stack/Urls',
    );
  });

  test('fails when the key prefix is malformed', () => {
    expectInvalid(
      () => s3Proxy({ keyPrefix: '/abs/' }),
      'keyPrefix',
      '"/abs/"',
      "A key prefix is 1-512 letters, digits and . _ - /, not starting with '/'",
    );
  });

  test.each([
    ['objectsPath', { objectsPath: 'files' }, '"files"'],
    ['objectsPath', { objectsPath: '/files/' }, '"/files/"'],
    ['objectsPath', { objectsPath: '/tenants/{tenant}' }, '"/tenants/{tenant}"'],
    ['largeObjects.path', { largeObjects: { path: '/big/{x}' } }, '"/big/{x}"'],
  ])('fails when %s is not a literal path (%j)', (prop, props, value) => {
    expectInvalid(
      () => s3Proxy(props as S3ProxyApiProps),
      prop,
      value,
      "A path of literal segments (letters, digits and : . _ - ,), starting with '/' and without a trailing '/', e.g. '/objects'; or '/'.",
    );
  });

  test('fails when the URL routes share the objects path or the root', () => {
    expectInvalid(
      () => s3Proxy({ objectsPath: '/files', largeObjects: { path: '/files' } }),
      'largeObjects.path',
      '"/files"',
      "The URL routes need a path of their own, not the objects' (/files) or the root.",
    );
  });

  test.each([
    [Duration.seconds(0), '"0 seconds"'],
    [Duration.hours(2), '"2 hours"'],
    [Duration.millis(1500), '"1 second 500 millis"'],
  ])('fails when presigned URLs expire after %s', (expiry, value) => {
    expectInvalid(
      () => s3Proxy({ largeObjects: { expiry } }),
      'largeObjects.expiry',
      value,
      'A presigned URL is valid for a whole number of seconds from 1 second to 1 hour',
    );
  });

  test('takes CORS with one origin under the default binary media type, and fails with several origins', () => {
    expect(() => s3Proxy({ cors: { allowOrigins: ['https://app.example.com'] } })).not.toThrow();
    expectInvalid(
      () =>
        s3Proxy({
          cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
          binaryMediaTypes: ['image/*'],
        }),
      'cors.allowOrigins',
      '"several origins"',
      'An S3 object route returns the object unchanged',
    );
  });

  test('fails when private endpoint props are given to a public API', () => {
    const stack = new Stack(new App(), 'Stack');
    expectInvalid(
      () => new S3ProxyApi(stack, 'Api', { vpc: new ec2.Vpc(stack, 'Vpc'), privateDnsEnabled: true }),
      'vpc, privateDnsEnabled',
      '"given with endpointType REGIONAL"',
      'These set up how a private API is reached: use them with endpointType: apigw.EndpointType.PRIVATE.',
    );
  });

  test('fails when a private API has neither vpc nor endpoints', () => {
    expectInvalid(
      () => s3Proxy({ endpointType: apigw.EndpointType.PRIVATE }),
      'vpc, vpcEndpoints',
      '"neither"',
      'Give a vpc, to create an execute-api endpoint in it, or the vpcEndpoints the API is reached through',
    );
  });

  test.each([
    [apigw.EndpointType.EDGE, 'an edge-optimized API has none to choose'],
    [apigw.EndpointType.PRIVATE, 'private API is always dual-stack'],
  ])('fails when an IP address type is given to a %s API', (endpointType, allowed) => {
    expectInvalid(
      () => s3Proxy({ endpointType, ipAddressType: apigw.IpAddressType.DUAL_STACK }),
      'ipAddressType',
      '"dualstack"',
      allowed,
    );
  });

  test('fails when an edge-optimized API asks for long integration timeouts', () => {
    expectInvalid(
      () => s3Proxy({ endpointType: apigw.EndpointType.EDGE, longIntegrationTimeouts: true }),
      'longIntegrationTimeouts',
      'true',
      'An edge-optimized API allows integration timeouts up to 29 seconds only',
    );
  });
});

describe('the presigned-URL function', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler is plain CommonJS
  const handlerModule = require(
    path.join(__dirname, '..', '..', 'lib', 'storage', 'handler', 's3-presign', 'index.js'),
  );
  const NOW = new Date('2026-03-01T12:00:00Z');
  const ENV = {
    BUCKET_NAME: 'files-bucket',
    BUCKET_REGION: 'eu-west-1',
    S3_ENDPOINT: 's3.eu-west-1.amazonaws.com',
    KEY_PREFIX: 'big/',
    EXPIRES_SECONDS: '300',
    ALLOW_UPLOAD: 'true',
    ALLOWED_ORIGINS: '["https://app.example.com"]',
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token/with+chars=',
  };
  const invoke = (event: Json, env: Json = ENV): Promise<Json> =>
    handlerModule.makeHandler(env, () => NOW)(event);

  test('signs exactly as the Amazon S3 API reference example (SigV4 query-string authentication)', () => {
    const { url } = handlerModule.presign({
      method: 'GET',
      bucket: 'examplebucket',
      key: 'test.txt',
      region: 'us-east-1',
      endpoint: 's3.amazonaws.com',
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      expiresSeconds: 86400,
      now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
        '&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  test('answers a download URL for the key under the prefix, signed with the session token, for the CORS origin', async () => {
    const response = await invoke({
      httpMethod: 'GET',
      pathParameters: { key: 'videos/a b+é.mp4' },
      headers: { origin: 'https://app.example.com' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': 'https://app.example.com',
      Vary: 'Origin',
    });
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ method: 'GET', headers: {}, expiresAt: '2026-03-01T12:05:00.000Z' });
    const url = new URL(body.url);
    expect(url.host).toBe('files-bucket.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/big/videos/a%20b%2B%C3%A9.mp4');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      'X-Amz-Credential': 'ASIAEXAMPLE/20260301/eu-west-1/s3/aws4_request',
      'X-Amz-Expires': '300',
      'X-Amz-Security-Token': 'token/with+chars=',
      'X-Amz-SignedHeaders': 'host',
    });
  });

  test('answers what the contract says the presigned-URL routes answer', async () => {
    const api = s3Proxy({ allowPut: true, largeObjects: {} });
    const download = await invoke({ httpMethod: 'GET', pathParameters: { key: 'a.mp4' }, headers: {} });
    const upload = await invoke({
      httpMethod: 'POST',
      pathParameters: { key: 'doc.pdf' },
      queryStringParameters: { contentType: 'application/pdf' },
      headers: {},
    });
    const getSchema = contractBodySchema(api, 'GET', '/presigned/{key}', 200);
    expect(bodyErrors(getSchema, JSON.parse(download.body))).toEqual([]);
    expect(
      bodyErrors(contractBodySchema(api, 'POST', '/presigned/{key}', 200), JSON.parse(upload.body)),
    ).toEqual([]);
    expect(bodyErrors(getSchema, { ...JSON.parse(download.body), headers: { 'Content-Type': 1 } })).toEqual([
      '/headers/Content-Type must be string',
    ]);
  });

  test('answers an upload URL that signs the content type the client must send', async () => {
    const response = await invoke({
      httpMethod: 'POST',
      pathParameters: { key: 'doc.pdf' },
      queryStringParameters: { contentType: 'application/pdf' },
      headers: {},
    });
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'application/pdf' } });
    expect(new URL(body.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(response.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  test('refuses uploads when they are not allowed, and keys S3 cannot take', async () => {
    const refused = await invoke(
      { httpMethod: 'POST', pathParameters: { key: 'a' } },
      { ...ENV, ALLOW_UPLOAD: 'false' },
    );
    expect(refused.statusCode).toBe(405);
    for (const key of ['', 'a/../b', 'x'.repeat(1021)]) {
      const response = await invoke({ httpMethod: 'GET', pathParameters: { key } });
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).message).toMatch(/key/);
    }
    const badType = await invoke({
      httpMethod: 'POST',
      pathParameters: { key: 'a' },
      queryStringParameters: { contentType: 'not a type' },
    });
    expect(badType.statusCode).toBe(400);
  });

  test('signs a path-style URL for a bucket name with dots', () => {
    const { url } = handlerModule.presign({
      method: 'GET',
      bucket: 'my.dotted.bucket',
      key: 'k',
      region: 'eu-west-1',
      endpoint: 's3.eu-west-1.amazonaws.com',
      credentials: { accessKeyId: 'A', secretAccessKey: 'S' },
      expiresSeconds: 60,
      now: NOW,
    });
    expect(url).toMatch(/^https:\/\/s3\.eu-west-1\.amazonaws\.com\/my\.dotted\.bucket\/k\?/);
  });
});

describe('the S3 examples', () => {
  // One app with the built-in CloudFormation validation strict, as examples.test.ts does for the others.
  const app = new App({
    context: {
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      '@aws-cdk/core:strictCfnValidateErrors': true,
    },
  });
  const assets = new S3AssetsApiStack(app, 'S3AssetsApi');
  const uploads = new S3UploadApiStack(app, 'S3UploadApi');
  beforeAll(() => {
    app.synth();
  });

  test('synthesize with no finding of the built-in validation, AwsSolutions or Serverless, and no warning', () => {
    for (const stack of [assets, uploads]) {
      for (const Pack of [AwsSolutionsChecks, ServerlessChecks]) {
        expect(new Pack().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
      }
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    }
  });

  test('the asset API reads and lists public/ only, and caches reads by key', () => {
    const t = Template.fromStack(assets);
    expect(operationsOf(t).map((o) => o.route)).toEqual([
      'GET /assets/{key+}',
      'HEAD /assets/{key+}',
      'GET /assets',
    ]);
    expect(integrationOf(t, 'GET', '/assets/{key+}').cacheKeyParameters[0]).toBe('method.request.path.key');
    expect(JSON.stringify(statementsOf(t, 'AssetsS3Access'))).not.toMatch(/PutObject|DeleteObject/);
  });

  test('the upload API stores objects through the API, and past 10 MB through presigned URLs', () => {
    const t = Template.fromStack(uploads);
    expect(operationsOf(t).map((o) => o.route)).toEqual([
      'GET /uploads/{key+}',
      'HEAD /uploads/{key+}',
      'PUT /uploads/{key+}',
      'DELETE /uploads/{key+}',
      'GET /presigned/{key+}',
      'POST /presigned/{key+}',
    ]);
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  /** Acknowledgement ids with the logical ids of buckets written as docs/COMPLIANCE.md does. */
  function documentedIds(ids: string[]): string[] {
    return ids.map((id) =>
      id.replace(/\[Resource::<[A-Za-z0-9]+\.Arn>\/(.*)\]$/, '[Resource::<bucket ARN>/$1]'),
    );
  }

  test('the acknowledgements an S3ProxyApi adds (docs/COMPLIANCE.md must list each)', () => {
    const found = Object.keys(acknowledgementsUnder(uploads.node.findChild('Uploads')))
      .filter(
        (k) => !k.startsWith('AccountLogging/') && !k.startsWith('Api/Resource') && !k.startsWith('Stage.'),
      )
      .map((k) => k.replace(/^S3Access[A-Za-z0-9]+ /, 'S3Access<bucket> '));
    expect(documentedIds(found).sort()).toEqual(
      [
        'S3Access<bucket> AwsSolutions-IAM5[Resource::<bucket ARN>/*]',
        'LargeObjects/Role AwsSolutions-IAM5[Resource::<bucket ARN>/*]',
        'LargeObjects/Role AwsSolutions-IAM5[Resource::*]',
        'LargeObjects/Function Serverless-LambdaDLQ',
        'S3Access<bucket> HIPAA.Security-IAMNoInlinePolicy',
        'S3Access<bucket> NIST.800.53.R5-IAMNoInlinePolicy',
        'S3Access<bucket> PCI.DSS.321-IAMNoInlinePolicy',
      ].sort(),
    );
    const compliance = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'COMPLIANCE.md'), 'utf8');
    for (const entry of documentedIds(found)) {
      const id = entry.slice(entry.indexOf(' ') + 1).replace('<bucket ARN>/*', '<bucket ARN>/<keyPrefix>*');
      expect(compliance).toContain(`\`${id}\``);
    }
  });
});
