import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { RegionalCloudFrontApiStack } from '../../examples/regional-cloudfront-api';
import {
  ApiAuthorization,
  CloudFrontOptions,
  RegionalApi,
  RegionalApiProps,
  RouteIntegration,
} from '../../lib';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { Json } from '../support/definition';
import { expectInvalid } from '../support/expect-invalid';
import { urlOutputs } from '../support/outputs';

const US_EAST_1_CERTIFICATE =
  'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const CLOUDFRONT_WEB_ACL =
  'arn:aws:wafv2:us-east-1:111111111111:global/webacl/edge/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

// A type alias: the fixture hands constructs back to the tests, which the CDK lint rule forbids in interfaces.
type Built = {
  readonly app: App;
  readonly stack: Stack;
  readonly api: RegionalApi;
  readonly template: Template;
};

function tokenAuthorizer(scope: Stack): lambda.Function {
  return new lambda.Function(scope, 'Authorizer', {
    runtime: lambda.Runtime.NODEJS_LATEST,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ principalId: "caller" });'),
  });
}

/** An empty stack named Stack (so the preset's path is Stack/Api), with a Lambda token authorizer. */
function stackWithAuthorizer(): { app: App; stack: Stack; authorization: ApiAuthorization } {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  return { app, stack, authorization: ApiAuthorization.lambdaToken(tokenAuthorizer(stack)) };
}

/** A RegionalApi behind CloudFront, authorized by a Lambda token authorizer, with one mock route. */
function build(cloudFront: CloudFrontOptions = {}, props: RegionalApiProps = {}): Built {
  const { app, stack, authorization } = stackWithAuthorizer();
  const api = new RegionalApi(stack, 'Api', { authorization, ...props, cloudFront });
  api.addRoute('GET', '/items/{id}', RouteIntegration.mock());
  return { app, stack, api, template: Template.fromStack(stack) };
}

/** Builds a RegionalApi with these props in a fresh stack named Stack; used by the "fails when" tests. */
function regionalApi(props: RegionalApiProps): RegionalApi {
  const { stack, authorization } = stackWithAuthorizer();
  return new RegionalApi(stack, 'Api', { authorization, ...props });
}

function only(template: Template, type: string): { id: string; props: Json } {
  const resources = Object.entries(template.findResources(type));
  expect(resources).toHaveLength(1);
  return { id: resources[0][0], props: resources[0][1].Properties as Json };
}

function distributionConfig(template: Template): Json {
  return only(template, 'AWS::CloudFront::Distribution').props.DistributionConfig as Json;
}

function webAclRules(template: Template): Json[] {
  return only(template, 'AWS::WAFv2::WebACL').props.Rules as Json[];
}

function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as never);
}

/** The dynamic reference CloudFormation resolves to the secret's value at deploy time. */
function secretReference(secretLogicalId: string): Json {
  return { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretLogicalId }, ':SecretString:::}}']] };
}

/** Runs the distribution's CloudFront function (cloudfront-js-2.0 is plain ECMAScript) on an event. */
function runViewerFunction(template: Template, event: Json): Json {
  const code = only(template, 'AWS::CloudFront::Function').props.FunctionCode as string;
  const handler = new Function(`${code}\nreturn handler;`)() as (e: Json) => Json;
  return handler(event);
}

function findings(scope: IConstruct): string[] {
  return [AwsSolutionsChecks, ServerlessChecks].flatMap((Pack) =>
    new Pack()
      .validateScope(scope)
      .violations.map((v) => `${v.ruleName} @ ${v.violatingResources[0].constructPath}`),
  );
}

describe('RegionalApi with cloudFront: defaults', () => {
  const { api, stack, template } = build();
  const config = distributionConfig(template);
  const behavior = config.DefaultCacheBehavior as Json;

  test('viewers must use HTTPS: a plain HTTP request is refused, not redirected', () => {
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
  });

  test('with the default *.cloudfront.net certificate: no alternate names and no viewer certificate settings', () => {
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
  });

  test("the origin is the API's execute-api host, the path is the stage, over HTTPS with TLS 1.2 only", () => {
    const [origin] = config.Origins as Json[];
    expect(config.Origins).toHaveLength(1);
    expect(origin.DomainName).toEqual({
      'Fn::Join': [
        '',
        [
          { Ref: logicalId(api.restApi) },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
        ],
      ],
    });
    expect(origin.OriginPath).toEqual({ 'Fn::Join': ['', ['/', { Ref: logicalId(api.stage('prod')) }]] });
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
      OriginReadTimeout: 30,
    });
  });

  test('CloudFront adds X-Origin-Verify to every origin request, its value a dynamic reference to the secret', () => {
    const [origin] = config.Origins as Json[];
    const secret = only(template, 'AWS::SecretsManager::Secret');
    expect(origin.OriginCustomHeaders).toEqual([
      { HeaderName: 'X-Origin-Verify', HeaderValue: secretReference(secret.id) },
    ]);
    expect(api.originVerifySecret).toBeDefined();
    expect(logicalId(api.originVerifySecret!)).toBe(secret.id);
  });

  test("the web ACL's first rule blocks every request without the secret header", () => {
    const secret = only(template, 'AWS::SecretsManager::Secret');
    const [first] = webAclRules(template);
    expect(first).toEqual({
      Name: 'CloudFrontOriginVerify',
      Priority: 0,
      Action: { Block: {} },
      Statement: {
        NotStatement: {
          Statement: {
            ByteMatchStatement: {
              FieldToMatch: { SingleHeader: { Name: 'x-origin-verify' } },
              PositionalConstraint: 'EXACTLY',
              SearchString: secretReference(secret.id),
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
            },
          },
        },
      },
      VisibilityConfig: {
        CloudWatchMetricsEnabled: true,
        SampledRequestsEnabled: true,
        MetricName: 'CloudFrontOriginVerify',
      },
    });
  });

  test("the front's rules come first, then the library's, numbered in order", () => {
    const rules = webAclRules(template);
    expect(rules.map((r) => r.Name)).toEqual([
      'CloudFrontOriginVerify',
      'CloudFrontViewerTls',
      'RateLimitPerIp',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
    ]);
    expect(rules.map((r) => r.Priority)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('the secret is generated by Secrets Manager: its value is nowhere in the template', () => {
    const secret = only(template, 'AWS::SecretsManager::Secret');
    expect(Object.keys(secret.props).sort()).toEqual(['Description', 'GenerateSecretString']);
    expect(secret.props.GenerateSecretString).toEqual({
      PasswordLength: 32,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    // Every use of the secret is the dynamic reference, never a value.
    const json = JSON.stringify(template.toJSON());
    const uses = json.split(JSON.stringify({ Ref: secret.id })).length - 1;
    const references = json.split(JSON.stringify(secretReference(secret.id))).length - 1;
    expect(uses).toBe(2);
    expect(references).toBe(uses);
  });

  test('the rate limit counts each viewer, by the address the viewer-request function passes on', () => {
    const rate = webAclRules(template).find((r) => r.Name === 'RateLimitPerIp')!;
    expect(rate.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'FORWARDED_IP',
      ForwardedIPConfig: { HeaderName: 'X-Viewer-Ip', FallbackBehavior: 'MATCH' },
      Limit: 2000,
    });
    const fn = only(template, 'AWS::CloudFront::Function');
    expect(fn.props.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(behavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } },
    ]);
  });

  test('the viewer-request function sets the viewer address, replacing one the viewer sent', () => {
    const request = { method: 'GET', uri: '/items/1', headers: { 'x-viewer-ip': { value: '10.0.0.1' } } };
    const result = runViewerFunction(template, { viewer: { ip: '203.0.113.7' }, request });
    expect(result.headers['x-viewer-ip']).toEqual({ value: '203.0.113.7' });
    expect(result.uri).toBe('/items/1');
  });

  test('requests CloudFront received over SSLv3, TLS 1.0 or 1.1 are blocked (default certificate)', () => {
    const tls = webAclRules(template).find((r) => r.Name === 'CloudFrontViewerTls')!;
    expect(tls.Action).toEqual({ Block: {} });
    const match = tls.Statement.RegexMatchStatement;
    expect(match.FieldToMatch).toEqual({ SingleHeader: { Name: 'cloudfront-viewer-tls' } });
    const regex = new RegExp(match.RegexString as string);
    const blocked = [
      'TLSv1:ECDHE-RSA-AES128-SHA:fullHandshake',
      'TLSv1.0:ECDHE-RSA-AES128-SHA:fullHandshake',
      'TLSv1.1:ECDHE-RSA-AES128-SHA:sessionResumed',
      'SSLv3:AES128-SHA:fullHandshake',
    ];
    const allowed = [
      'TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:fullHandshake',
      'TLSv1.3:TLS_AES_128_GCM_SHA256:connectionReused',
    ];
    expect(blocked.filter((v) => !regex.test(v))).toEqual([]);
    expect(allowed.filter((v) => regex.test(v))).toEqual([]);
  });

  test('access logs go to a bucket that is private, encrypted, TLS-only, retained and expires logs after a year', () => {
    const bucket = template.findResources('AWS::S3::Bucket');
    const [[bucketId, resource]] = Object.entries(bucket);
    expect(Object.keys(bucket)).toHaveLength(1);
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(resource.Properties).toEqual({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      // CloudFront standard logging writes with ACLs: BucketOwnerEnforced would refuse them.
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'ExpireAccessLogs',
            Status: 'Enabled',
            ExpirationInDays: 365,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
    const policy = only(template, 'AWS::S3::BucketPolicy').props;
    expect(policy.Bucket).toEqual({ Ref: bucketId });
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
      IncludeCookies: false,
    });
    expect(logicalId(api.distributionLogBucket!)).toBe(bucketId);
  });

  test('responses carry HSTS, nosniff, DENY framing, a referrer policy, X-XSS-Protection: 0 and a default CSP', () => {
    const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policy.id });
    expect(policy.props.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      XSSProtection: { Protection: false, Override: true },
      ContentSecurityPolicy: {
        ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
        Override: false,
      },
    });
    // Policy names are unique per account across Regions: the Region is part of the name.
    expect(JSON.stringify(policy.props.ResponseHeadersPolicyConfig.Name)).toContain('"AWS::Region"');
  });

  test('CloudFront caches nothing and forwards every viewer header but Host, every query string and cookie', () => {
    expect(behavior.CachePolicyId).toBe(cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId);
    expect(behavior.OriginRequestPolicyId).toBe(
      cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    );
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    template.resourceCountIs('AWS::CloudFront::CachePolicy', 0);
  });

  test("the API's URL, and its stage's URL output, are the distribution's", () => {
    const domain = { 'Fn::GetAtt': [logicalId(api.distribution!), 'DomainName'] };
    const url = { 'Fn::Join': ['', ['https://', domain, '/']] };
    expect(stack.resolve(api.url)).toEqual(url);
    expect(Object.values(urlOutputs(template)).map((o) => o.Value)).toEqual([url]);
    expect(Object.values(urlOutputs(template)).map((o) => o.Description)).toEqual([
      expect.stringMatching(/^URL of the CloudFront distribution in front of the prod stage of /),
    ]);
  });

  test('the stage and the regional endpoint stay as they are', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    expect(only(template, 'AWS::ApiGateway::RestApi').props.DisableExecuteApiEndpoint).toBeUndefined();
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('RegionalApi with cloudFront: options', () => {
  test('a certificate and domain names: TLSv1.2_2021 at least, SNI, the domain in the URL, no TLS rule', () => {
    const { stack, api, template } = build({
      domainNames: ['api.example.com'],
      certificate: acm.Certificate.fromCertificateArn(new Stack(), 'Cert', US_EAST_1_CERTIFICATE),
    });
    const config = distributionConfig(template);
    expect(config.Aliases).toEqual(['api.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: US_EAST_1_CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(stack.resolve(api.url)).toBe('https://api.example.com/');
    expect(webAclRules(template).map((r) => r.Name)).not.toContain('CloudFrontViewerTls');
  });

  test('a stricter security policy is passed on', () => {
    const { template } = build({
      domainNames: ['api.example.com'],
      certificate: acm.Certificate.fromCertificateArn(new Stack(), 'Cert', US_EAST_1_CERTIFICATE),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025,
    });
    expect(distributionConfig(template).ViewerCertificate.MinimumProtocolVersion).toBe('TLSv1.3_2025');
  });

  test('a given log bucket is used and none is created; logRetention sets the expiration of the created one', () => {
    const { stack, authorization } = stackWithAuthorizer();
    const logs = s3.Bucket.fromBucketAttributes(stack, 'Logs', {
      bucketName: 'my-logs',
      bucketRegionalDomainName: 'my-logs.s3.eu-west-1.amazonaws.com',
    });
    const api = new RegionalApi(stack, 'Api', {
      authorization,
      cloudFront: { logBucket: logs, logFilePrefix: 'api/' },
    });
    api.addRoute('GET', '/items', RouteIntegration.mock());
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(distributionConfig(template).Logging).toEqual({
      Bucket: 'my-logs.s3.eu-west-1.amazonaws.com',
      IncludeCookies: false,
      Prefix: 'api/',
    });
    expect(api.distributionLogBucket).toBe(logs);

    const retained = build({ logRetention: Duration.days(90) }).template;
    expect(only(retained, 'AWS::S3::Bucket').props.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
  });

  test('an opt-in cache keys by Authorization, every query string and cookie, so callers never share a response', () => {
    const { template } = build({ cache: { defaultTtl: Duration.seconds(30), maxTtl: Duration.minutes(5) } });
    const policy = only(template, 'AWS::CloudFront::CachePolicy');
    expect(distributionConfig(template).DefaultCacheBehavior.CachePolicyId).toEqual({ Ref: policy.id });
    const config = policy.props.CachePolicyConfig;
    expect(config).toMatchObject({ MinTTL: 0, DefaultTTL: 30, MaxTTL: 300 });
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toEqual({
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
      CookiesConfig: { CookieBehavior: 'all' },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
    // Only GET and HEAD responses are cached; the stage's own cache is untouched.
    expect(distributionConfig(template).DefaultCacheBehavior.CachedMethods).toEqual(['GET', 'HEAD']);
  });

  test('the cache key adds the given headers, and Origin when CORS echoes one of several origins', () => {
    const { template } = build(
      { cache: { defaultTtl: Duration.seconds(30), keyHeaders: ['Accept-Language'] } },
      { cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] } },
    );
    const headers = only(template, 'AWS::CloudFront::CachePolicy').props.CachePolicyConfig
      .ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.Headers;
    expect(headers).toEqual(['Authorization', 'Origin', 'Accept-Language']);
    // Without a cap the max TTL is the default TTL.
    expect(only(template, 'AWS::CloudFront::CachePolicy').props.CachePolicyConfig.MaxTTL).toBe(30);
  });

  test('a web ACL, a geo restriction and a price class for the distribution are passed on', () => {
    const { template } = build({
      webAclArn: CLOUDFRONT_WEB_ACL,
      geoRestriction: cloudfront.GeoRestriction.allowlist('DE', 'FR'),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    const config = distributionConfig(template);
    expect(config.WebACLId).toBe(CLOUDFRONT_WEB_ACL);
    expect(config.Restrictions).toEqual({
      GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] },
    });
    expect(config.PriceClass).toBe('PriceClass_100');
  });

  test('a route may take as long as CloudFront waits for it', () => {
    const { stack, authorization } = stackWithAuthorizer();
    const api = new RegionalApi(stack, 'Api', {
      authorization,
      longIntegrationTimeouts: true,
      cloudFront: { originReadTimeout: Duration.seconds(90) },
    });
    api.addRoute('POST', '/reports', RouteIntegration.mock(), { timeout: Duration.seconds(90) });
    const [origin] = distributionConfig(Template.fromStack(stack)).Origins as Json[];
    expect(origin.CustomOriginConfig.OriginReadTimeout).toBe(90);
  });

  test('without cloudFront there is no distribution, secret or front rule', () => {
    const { stack, authorization } = stackWithAuthorizer();
    const api = new RegionalApi(stack, 'Api', { authorization });
    api.addRoute('GET', '/items', RouteIntegration.mock());
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(webAclRules(template)[0].Name).toBe('RateLimitPerIp');
    expect(webAclRules(template)[0].Statement.RateBasedStatement.AggregateKeyType).toBe('IP');
    expect(api.distribution).toBeUndefined();
  });
});

describe('RegionalApi with cloudFront: cdk-nag', () => {
  test('the default front has no finding, and makes exactly the acknowledgements docs/COMPLIANCE.md lists', () => {
    const { app, api } = build();
    app.synth();
    expect(findings(api)).toEqual([]);

    const found = acknowledgementsUnder(api);
    for (const reason of Object.values(found)) {
      expect(reason.length).toBeGreaterThan(20);
    }
    const compliance = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'COMPLIANCE.md'), 'utf8');
    for (const entry of Object.keys(found)) {
      expect(compliance).toContain(`\`${entry.slice(entry.indexOf(' ') + 1)}\``);
    }
    const front = Object.keys(found).filter((k) =>
      /^(Distribution|DistributionLogs|OriginVerifySecret)\//.test(k),
    );
    expect(front.sort()).toEqual(
      [
        'Distribution/Resource AwsSolutions-CFR1',
        'Distribution/Resource AwsSolutions-CFR2',
        'Distribution/Resource AwsSolutions-CFR4',
        'DistributionLogs/Resource AwsSolutions-S1',
        'OriginVerifySecret/Resource AwsSolutions-SMG4',
        'OriginVerifySecret/Resource HIPAA.Security-SecretsManagerRotationEnabled',
        'OriginVerifySecret/Resource NIST.800.53.R5-SecretsManagerRotationEnabled',
      ].sort(),
    );
  });

  test('with a certificate, a distribution web ACL, a geo restriction and a given bucket, only the secret is acknowledged', () => {
    const { app, stack, authorization } = stackWithAuthorizer();
    const logs = new s3.Bucket(stack, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
    const api = new RegionalApi(stack, 'Api', {
      authorization,
      cloudFront: {
        domainNames: ['api.example.com'],
        certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', US_EAST_1_CERTIFICATE),
        webAclArn: CLOUDFRONT_WEB_ACL,
        geoRestriction: cloudfront.GeoRestriction.allowlist('DE'),
        logBucket: logs,
      },
    });
    api.addRoute('GET', '/items', RouteIntegration.mock());
    app.synth();
    expect(findings(api)).toEqual([]);
    expect(
      Object.keys(acknowledgementsUnder(api)).filter((k) => /^(Distribution|OriginVerify)/.test(k)),
    ).toEqual([
      'OriginVerifySecret/Resource AwsSolutions-SMG4',
      'OriginVerifySecret/Resource HIPAA.Security-SecretsManagerRotationEnabled',
      'OriginVerifySecret/Resource NIST.800.53.R5-SecretsManagerRotationEnabled',
    ]);
  });

  test('the packs report a bare distribution (these tests can fail)', () => {
    const app = new App();
    const stack = new Stack(app, 'Bare');
    new cloudfront.Distribution(stack, 'Distribution', {
      defaultBehavior: { origin: new origins.HttpOrigin('example.com') },
    });
    app.synth();
    const ids = findings(stack).map((f) => f.split(' @ ')[0]);
    expect(ids).toEqual(
      expect.arrayContaining([
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
      ]),
    );
  });
});

describe('RegionalCloudFrontApi example', () => {
  const app = new App({
    context: {
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      '@aws-cdk/core:strictCfnValidateErrors': true,
    },
  });
  const stack = new RegionalCloudFrontApiStack(app, 'RegionalCloudFrontApi');

  test('synthesizes with no finding from the built-in validation or the packs', () => {
    expect(() => app.synth()).not.toThrow();
    expect(findings(stack)).toEqual([]);
  });

  test('a Cognito-authorized route behind a distribution whose cache is keyed by the token', () => {
    const template = Template.fromStack(stack);
    const headers = only(template, 'AWS::CloudFront::CachePolicy').props.CachePolicyConfig
      .ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.Headers;
    expect(headers).toEqual(['Authorization']);
    const body = only(template, 'AWS::ApiGateway::RestApi').props.Body;
    const schemes = Object.values(body.components.securitySchemes) as Json[];
    expect(schemes.map((s) => s['x-amazon-apigateway-authtype'])).toEqual(['cognito_user_pools']);
  });
});

describe('RegionalApi with cloudFront: fails when', () => {
  test('WAF is turned off', () => {
    expectInvalid(
      () => regionalApi({ waf: { enabled: false }, cloudFront: {} }),
      'waf.enabled',
      'false',
      "cloudFront needs the API's web ACL",
    );
  });

  test('the API has a custom domain', () => {
    expectInvalid(
      () =>
        regionalApi({
          customDomain: {
            domainName: 'api.example.com',
            certificate: acm.Certificate.fromCertificateArn(new Stack(), 'Cert', US_EAST_1_CERTIFICATE),
          },
          cloudFront: {},
        }),
      'customDomain',
      '"api.example.com"',
      'give the domain to it (cloudFront.domainNames and cloudFront.certificate)',
    );
  });

  test("the API's default endpoint is turned off", () => {
    expectInvalid(
      () => regionalApi({ disableExecuteApiEndpoint: true, cloudFront: {} }),
      'disableExecuteApiEndpoint',
      'true',
      "The distribution calls the API's execute-api endpoint",
    );
  });

  test('the API has more than one stage', () => {
    expectInvalid(
      () => regionalApi({ stages: [{ stageName: 'dev' }, { stageName: 'prod' }], cloudFront: {} }),
      'stages',
      '["dev","prod"]',
      'other stages would be unreachable',
    );
  });

  test("the API's authorization is IAM, by default or explicitly", () => {
    expectInvalid(
      () => new RegionalApi(new Stack(new App(), 'Stack'), 'Api', { cloudFront: {} }),
      'authorization',
      '"IAM authorization (the default)"',
      'CloudFront sends the execute-api host name instead of the one the caller signed',
    );
    expectInvalid(
      () => regionalApi({ authorization: ApiAuthorization.iam(), cloudFront: {} }),
      'authorization',
      '"IAM authorization"',
      'Behind cloudFront use ApiAuthorization.cognito(), lambdaToken(), lambdaRequest() or none().',
    );
  });

  test('a route uses IAM authorization, and the route leaves no trace', () => {
    const api = regionalApi({ cloudFront: {} });
    expectInvalid(
      () => api.addRoute('get', '/items', RouteIntegration.mock(), { authorization: ApiAuthorization.iam() }),
      'authorization of GET /items',
      '"IAM authorization"',
      'A SigV4 signature covers the Host header',
    );
    api.addRoute('GET', '/other', RouteIntegration.mock());
    expect(Object.keys(api.openApi().paths)).toEqual(['/other']);
  });

  test("a route's timeout is longer than CloudFront waits", () => {
    const api = regionalApi({ longIntegrationTimeouts: true, cloudFront: {} });
    expectInvalid(
      () => api.addRoute('POST', '/reports', RouteIntegration.mock(), { timeout: Duration.seconds(45) }),
      'timeout of POST /reports',
      '"45 seconds"',
      'CloudFront waits 30 seconds for the API (cloudFront.originReadTimeout)',
    );
    const short = regionalApi({ cloudFront: { originReadTimeout: Duration.seconds(20) } });
    expectInvalid(
      () => short.addRoute('GET', '/items', RouteIntegration.mock()),
      'timeout of GET /items',
      '"29 seconds (the default)"',
      'raise cloudFront.originReadTimeout or shorten the timeout',
    );
  });

  test('a streamed route may run longer than CloudFront waits between packets, with a warning', () => {
    const { stack, authorization } = stackWithAuthorizer();
    const report = new lambda.Function(stack, 'Report', {
      runtime: lambda.Runtime.NODEJS_LATEST,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = awslambda.streamifyResponse(async () => {});'),
    });
    const api = new RegionalApi(stack, 'Api', {
      authorization,
      cloudFront: { originReadTimeout: Duration.seconds(45) },
    });
    api.addRoute('GET', '/report', RouteIntegration.lambdaFunction(report, { streaming: true }), {
      timeout: Duration.minutes(10),
    });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning(
      '/Stack/Api/Routes/report/GET',
      Match.stringLikeRegexp(
        'GET /report streams through the CloudFront distribution, which ends a response when no data comes ' +
          'for 45 seconds \\(cloudFront.originReadTimeout\\), before the first byte too.*streaming-idle-timeout',
      ),
    );
    // A buffered route is refused for the same timeout; a streamed route elsewhere gets no such warning.
    expectInvalid(
      () => api.addRoute('GET', '/export', RouteIntegration.mock(), { timeout: Duration.minutes(10) }),
      'timeout of GET /export',
      '"600 seconds"',
      'CloudFront waits 45 seconds for the API',
    );
    const direct = new RegionalApi(stack, 'Direct', { authorization });
    direct.addRoute('GET', '/report', RouteIntegration.lambdaFunction(report, { streaming: true }));
    Annotations.fromStack(stack).hasNoWarning('/Stack/Direct/Routes/report/GET', Match.anyValue());
  });

  test('domain names come without a certificate, or a certificate without domain names', () => {
    expectInvalid(
      () => regionalApi({ cloudFront: { domainNames: ['api.example.com'] } }),
      'cloudFront.certificate',
      'undefined',
      'Give domainNames and a certificate for them together',
    );
    expectInvalid(
      () =>
        regionalApi({
          cloudFront: {
            certificate: acm.Certificate.fromCertificateArn(new Stack(), 'C', US_EAST_1_CERTIFICATE),
          },
        }),
      'cloudFront.domainNames',
      'undefined',
      'Give domainNames and a certificate for them together',
    );
  });

  test('domain names are empty, not host names, or repeated', () => {
    const certificate = acm.Certificate.fromCertificateArn(new Stack(), 'C', US_EAST_1_CERTIFICATE);
    expectInvalid(
      () => regionalApi({ cloudFront: { domainNames: [], certificate } }),
      'cloudFront.domainNames',
      '[]',
      'List at least one domain name',
    );
    for (const name of [
      'https://api.example.com',
      'API.example.com',
      'api.example.com/v1',
      'api.example.com:443',
    ]) {
      expectInvalid(
        () => regionalApi({ cloudFront: { domainNames: [name], certificate } }),
        'cloudFront.domainNames',
        JSON.stringify(name),
        'A domain name is a lower-case host name',
      );
    }
    expectInvalid(
      () => regionalApi({ cloudFront: { domainNames: ['api.example.com', 'api.example.com'], certificate } }),
      'cloudFront.domainNames',
      '"api.example.com"',
      'List each domain name once.',
    );
  });

  test('the certificate is not in us-east-1', () => {
    const arn = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
    expectInvalid(
      () =>
        regionalApi({
          cloudFront: {
            domainNames: ['api.example.com'],
            certificate: acm.Certificate.fromCertificateArn(new Stack(), 'C', arn),
          },
        }),
      'cloudFront.certificate',
      JSON.stringify(arn),
      'The certificate is in eu-west-1; CloudFront uses certificates from us-east-1 only.',
    );
  });

  test('a security policy is given without a certificate, or allows less than TLS 1.2', () => {
    expectInvalid(
      () =>
        regionalApi({
          cloudFront: { minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 },
        }),
      'cloudFront.minimumProtocolVersion',
      '"TLSv1.2_2021"',
      'It applies only with a certificate',
    );
    expectInvalid(
      () =>
        regionalApi({
          cloudFront: {
            domainNames: ['api.example.com'],
            certificate: acm.Certificate.fromCertificateArn(new Stack(), 'C', US_EAST_1_CERTIFICATE),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_1_2016,
          },
        }),
      'cloudFront.minimumProtocolVersion',
      '"TLSv1.1_2016"',
      'Viewers must use TLS 1.2 or later: one of TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025.',
    );
  });

  test('the web ACL ARN is not a CLOUDFRONT-scope web ACL in us-east-1', () => {
    const regional =
      'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/api/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    expectInvalid(
      () => regionalApi({ cloudFront: { webAclArn: regional } }),
      'cloudFront.webAclArn',
      JSON.stringify(regional),
      'A distribution takes a web ACL with CLOUDFRONT scope, which exists only in us-east-1',
    );
  });

  test('log settings contradict each other or are out of range', () => {
    const logBucket = s3.Bucket.fromBucketName(new Stack(), 'Logs', 'my-logs');
    expectInvalid(
      () => regionalApi({ cloudFront: { logBucket, logRetention: Duration.days(30) } }),
      'cloudFront.logRetention',
      '"30 days"',
      'a given logBucket keeps its own lifecycle',
    );
    expectInvalid(
      () => regionalApi({ cloudFront: { logRetention: Duration.hours(36) } }),
      'cloudFront.logRetention',
      '"1 day 12 hours"',
      'A whole number of days, at least 1.',
    );
    expectInvalid(
      () => regionalApi({ cloudFront: { logFilePrefix: '/logs' } }),
      'cloudFront.logFilePrefix',
      '"/logs"',
      "not starting with '/'",
    );
  });

  test('the origin read timeout is not a whole number of seconds of at least 1', () => {
    expectInvalid(
      () => regionalApi({ cloudFront: { originReadTimeout: Duration.millis(1500) } }),
      'cloudFront.originReadTimeout',
      '"1 second 500 millis"',
      'A whole number of seconds, at least 1.',
    );
  });

  test('cache TTLs are out of range', () => {
    expectInvalid(
      () => regionalApi({ cloudFront: { cache: { defaultTtl: Duration.days(400) } } }),
      'cloudFront.cache.defaultTtl',
      '"400 days"',
      'A whole number of seconds from 0 to 31,536,000.',
    );
    expectInvalid(
      () =>
        regionalApi({
          cloudFront: { cache: { defaultTtl: Duration.minutes(5), maxTtl: Duration.minutes(1) } },
        }),
      'cloudFront.cache.maxTtl',
      '"1 minute"',
      'A whole number of seconds from 300 to 31,536,000.',
    );
  });

  test("cache key headers are not header names, are CloudFront's own, repeated, or too many", () => {
    const cache = (keyHeaders: string[]) => ({ cache: { defaultTtl: Duration.seconds(30), keyHeaders } });
    expectInvalid(
      () => regionalApi({ cloudFront: cache(['X Token']) }),
      'cloudFront.cache.keyHeaders',
      '"X Token"',
      'A header name is letters, digits',
    );
    expectInvalid(
      () => regionalApi({ cloudFront: cache(['Host']) }),
      'cloudFront.cache.keyHeaders',
      '"Host"',
      'Leave it out: the execute-api endpoint answers only to its own host name',
    );
    expectInvalid(
      () => regionalApi({ cloudFront: cache(['X-Tenant', 'x-tenant']) }),
      'cloudFront.cache.keyHeaders',
      '"x-tenant"',
      'List each header once.',
    );
    const token = Token.asString({ Ref: 'Header' });
    expectInvalid(
      () => regionalApi({ cloudFront: cache([token]) }),
      'cloudFront.cache.keyHeaders',
      JSON.stringify(token),
      'Header names must be known at synth',
    );
    const ten = Array.from({ length: 10 }, (_, i) => `X-Key-${i}`);
    expectInvalid(
      () => regionalApi({ cloudFront: cache(ten) }),
      'cloudFront.cache.keyHeaders',
      JSON.stringify(['Authorization', ...ten]),
      'A CloudFront cache policy holds at most 10 headers',
    );
  });

  test('with a cache, a credential of the API or of a route is not in the cache key', () => {
    const { stack } = stackWithAuthorizer();
    const fn = lambda.Function.fromFunctionArn(
      stack,
      'Fn',
      'arn:aws:lambda:eu-west-1:111111111111:function:auth',
    );
    const xToken = ApiAuthorization.lambdaToken(fn, { identitySource: 'method.request.header.X-Token' });
    const cache = { defaultTtl: Duration.seconds(30) };
    expectInvalid(
      () => new RegionalApi(stack, 'Api', { authorization: xToken, cloudFront: { cache } }),
      'authorization',
      '"method.request.header.X-Token"',
      "Add 'X-Token' to cloudFront.cache.keyHeaders.",
    );
    // Adding the header to the key makes it valid.
    new RegionalApi(new Stack(new App(), 'Ok'), 'Api', {
      authorization: ApiAuthorization.lambdaToken(
        lambda.Function.fromFunctionArn(
          new Stack(),
          'Fn',
          'arn:aws:lambda:eu-west-1:111111111111:function:auth',
        ),
        { identitySource: 'method.request.header.X-Token' },
      ),
      cloudFront: { cache: { ...cache, keyHeaders: ['X-Token'] } },
    });

    const api = regionalApi({ cloudFront: { cache } });
    expectInvalid(
      () =>
        api.addRoute('GET', '/mine', RouteIntegration.mock(), {
          authorization: ApiAuthorization.lambdaRequest(fn, {
            identitySources: ['context.identity.sourceIp'],
          }),
        }),
      'authorization of GET /mine',
      '"context.identity.sourceIp"',
      'CloudFront cannot key its cache by the request context',
    );
  });
});
