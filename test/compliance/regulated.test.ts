import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  AccessLogs,
  ApiAuthorization,
  ComplianceProfile,
  DefinitionLocation,
  EdgeApi,
  PrivateApi,
  RegionalApi,
  RouteIntegration,
  S3ProxyApi,
} from '../../lib';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { applicableRules } from '../support/applicable-rules';
import { expectInvalid } from '../support/expect-invalid';

const PACKS = [AwsSolutionsChecks, ServerlessChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks];
const REGULATED = ComplianceProfile.REGULATED;

/** One line per finding on a resource under `container` (what the library created), rule id and path. */
function findingsUnder(Pack: (typeof PACKS)[number], stack: Stack, container: IConstruct): string[] {
  const { violations } = new Pack().validateScope(stack);
  return violations.flatMap((v) =>
    v.violatingResources
      .filter((r) => r.constructPath?.startsWith(`${container.node.path}/`))
      .map((r) => `${v.ruleName} @ ${r.constructPath}`),
  );
}

// GIVEN each preset with compliance: REGULATED and nothing else it does not require
const app = new App({
  context: {
    '@aws-cdk/core:validateAgainstDefaultRules': true,
    '@aws-cdk/core:strictCfnValidateErrors': true,
  },
});
function presetStack(name: string, build: (stack: Stack) => IConstruct): [Stack, IConstruct] {
  const stack = new Stack(app, name);
  return [stack, build(stack)];
}
const ping = (api: RegionalApi | EdgeApi | PrivateApi): RegionalApi | EdgeApi | PrivateApi => {
  api.addRoute('GET', '/ping', RouteIntegration.mock());
  return api;
};
const presets: Array<[Stack, IConstruct]> = [
  presetStack('RegulatedRegionalApi', (s) => ping(new RegionalApi(s, 'Api', { compliance: REGULATED }))),
  presetStack('RegulatedEdgeApi', (s) => ping(new EdgeApi(s, 'Api', { compliance: REGULATED }))),
  presetStack('RegulatedPrivateApiVpc', (s) =>
    ping(new PrivateApi(s, 'Api', { vpc: new ec2.Vpc(s, 'Vpc'), compliance: REGULATED })),
  ),
  presetStack('RegulatedPrivateApiEndpoints', (s) => {
    const vpc = new ec2.Vpc(s, 'Vpc');
    const endpoint = vpc.addInterfaceEndpoint('ExecuteApi', {
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
    });
    return ping(new PrivateApi(s, 'Api', { vpcEndpoints: [endpoint], compliance: REGULATED }));
  }),
  presetStack('RegulatedS3ProxyApi', (s) => new S3ProxyApi(s, 'Api', { compliance: REGULATED })),
  // Beyond the defaults: access logs through a Firehose stream and bucket the preset creates.
  presetStack('RegulatedFirehoseLogsApi', (s) =>
    ping(new RegionalApi(s, 'Api', { compliance: REGULATED, accessLogs: AccessLogs.firehose() })),
  ),
  // Beyond the defaults: the definition in an S3 asset, imported by the preset's custom resource.
  presetStack('RegulatedAssetDefinitionApi', (s) =>
    ping(new RegionalApi(s, 'Api', { compliance: REGULATED, definitionLocation: DefinitionLocation.ASSET })),
  ),
  presetStack('RegulatedCloudFrontApi', (s) =>
    // Behind CloudFront a preset requires a credential CloudFront leaves intact (not IAM).
    ping(
      new RegionalApi(s, 'Api', {
        compliance: REGULATED,
        authorization: ApiAuthorization.cognito({ userPools: [new cognito.UserPool(s, 'Users')] }),
        cloudFront: {},
      }),
    ),
  ),
];

beforeAll(() => {
  app.synth();
});

describe.each(PACKS.map((Pack) => [Pack.name, Pack] as const))('%s', (_, Pack) => {
  test.each(presets.map(([stack, api]) => [stack.stackName, stack, api] as const))(
    'finds nothing on what %s creates',
    (_name, stack, api) => {
      expect(findingsUnder(Pack, stack, api)).toEqual([]);
    },
  );
});

test('the filter sees the library: without REGULATED the HIPAA pack reports the baseline preset (the tests can fail)', () => {
  const baselineApp = new App();
  const stack = new Stack(baselineApp, 'Baseline');
  const api = ping(new RegionalApi(stack, 'Api'));
  baselineApp.synth();
  const rules = findingsUnder(HIPAASecurityChecks, stack, api).map((f) => f.split(' @ ')[0]);
  expect(rules).toEqual(
    expect.arrayContaining([
      'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      'HIPAA.Security-APIGWSSLEnabled',
      'HIPAA.Security-CloudWatchLogGroupEncrypted',
      'HIPAA.Security-WAFv2LoggingEnabled',
    ]),
  );
});

describe('AWS Control Tower proactive controls', () => {
  test.each(presets.map(([stack]) => [stack.stackName, stack] as const))(
    'CT.CLOUDWATCH.PR.3: every log group of %s is encrypted with a KMS key',
    (_, stack) => {
      const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
      expect(Object.keys(groups).length).toBeGreaterThan(0);
      for (const group of Object.values(groups)) {
        expect(group.Properties.KmsKeyId).toBeDefined();
      }
    },
  );

  test.each(presets.map(([stack]) => [stack.stackName, stack] as const))(
    'CT.S3.PR.10: every bucket of %s is encrypted with SSE-KMS',
    (_, stack) => {
      const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
      for (const bucket of Object.values(buckets)) {
        const rules = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration;
        for (const rule of rules) {
          expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
          expect(rule.ServerSideEncryptionByDefault.KMSMasterKeyID).toBeDefined();
        }
      }
    },
  );
});

describe('what REGULATED adds', () => {
  const regional = Template.fromStack(presets[0][0]);

  test('a rotated, retained key that CloudWatch Logs may use for this account and Region only', () => {
    regional.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
              Principal: {
                Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              },
              Condition: {
                ArnLike: {
                  'kms:EncryptionContext:aws:logs:arn': {
                    'Fn::Join': [
                      '',
                      Match.arrayWith([
                        ':logs:',
                        { Ref: 'AWS::Region' },
                        ':',
                        { Ref: 'AWS::AccountId' },
                        ':log-group:*',
                      ]),
                    ],
                  },
                },
              },
            }),
          ]),
        },
      },
    });
  });

  test('every stage presents the client certificate and has an encrypted cache that caches only what routes ask', () => {
    const certificates = regional.findResources('AWS::ApiGateway::ClientCertificate');
    expect(Object.keys(certificates)).toHaveLength(1);
    regional.hasResourceProperties('AWS::ApiGateway::Stage', {
      ClientCertificateId: { Ref: Object.keys(certificates)[0] },
      CacheClusterEnabled: true,
      CacheClusterSize: '0.5',
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          CachingEnabled: true,
          CacheDataEncrypted: true,
          CacheTtlInSeconds: 0,
        }),
      ]),
    });
  });

  test('a cached route keeps its own TTL and is keyed by caller', () => {
    const stack = new Stack(new App(), 'Stack');
    const api = new RegionalApi(stack, 'Api', {
      compliance: REGULATED,
      authorization: ApiAuthorization.cognito({ userPools: [new cognito.UserPool(stack, 'Users')] }),
    });
    api.addRoute('GET', '/items/{id}', RouteIntegration.mock(), { cache: {} });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: 'GET',
          ResourcePath: '/~1items~1{id}',
          CachingEnabled: true,
          CacheTtlInSeconds: 300,
        }),
      ]),
    });
    const body = Object.values(template.findResources('AWS::ApiGateway::RestApi'))[0].Properties.Body;
    expect(body.paths['/items/{id}'].get['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.path.id',
      'method.request.header.Authorization',
    ]);
  });

  test('the web ACL logs to an aws-waf-logs- log group, by an ARN WAF accepts, without the Authorization header', () => {
    const groups = regional.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-') },
    });
    expect(Object.keys(groups)).toHaveLength(1);
    const [id] = Object.keys(groups);
    regional.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiWebAcl'), 'Arn'] },
      LogDestinationConfigs: [
        {
          'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: id }])],
        },
      ],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
    });
  });

  test("behind CloudFront, the web ACL's logs leave out the origin-verify secret too", () => {
    const template = Template.fromStack(presets.find(([s]) => s.stackName === 'RegulatedCloudFrontApi')![0]);
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'x-origin-verify' } },
      ],
    });
  });

  test('a private API gets a web ACL too', () => {
    const template = Template.fromStack(presets[2][0]);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('BASELINE adds none of it', () => {
    const stack = new Stack(new App(), 'Stack');
    ping(new RegionalApi(stack, 'Api', { compliance: ComplianceProfile.BASELINE }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::ApiGateway::ClientCertificate', 0);
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { CacheClusterEnabled: false });
  });
});

describe('REGULATED against props that contradict it', () => {
  test('fails when waf.enabled is false', () => {
    const stack = new Stack(new App(), 'Stack');
    expectInvalid(
      () => new RegionalApi(stack, 'Api', { compliance: REGULATED, waf: { enabled: false } }),
      'waf.enabled',
      'false',
      'ComplianceProfile.REGULATED puts a web ACL with logging in front of every API',
    );
  });

  test('fails when the cache is not encrypted', () => {
    const stack = new Stack(new App(), 'Stack');
    expectInvalid(
      () => new RegionalApi(stack, 'Api', { compliance: REGULATED, caching: { encrypted: false } }),
      'caching.encrypted',
      'false',
      'ComplianceProfile.REGULATED encrypts every cache cluster',
    );
  });

  test("fails when a stage's cache is not encrypted", () => {
    const stack = new Stack(new App(), 'Stack');
    expectInvalid(
      () =>
        new RegionalApi(stack, 'Api', {
          compliance: REGULATED,
          stages: [{ stageName: 'prod', caching: { encrypted: false } }],
        }),
      'stages[0].caching.encrypted',
      'false',
      'ComplianceProfile.REGULATED encrypts every cache cluster',
    );
  });

  test('fails when the access-log group given has no KMS key', () => {
    const stack = new Stack(new App(), 'Stack');
    const logGroup = new logs.LogGroup(stack, 'Logs');
    expectInvalid(
      () =>
        new RegionalApi(stack, 'Api', {
          compliance: REGULATED,
          accessLogs: AccessLogs.cloudWatch({ logGroup }),
        }),
      'accessLogs',
      '"log group Stack/Logs without a KMS key"',
      'give the log group an encryptionKey',
    );
  });

  test('warns when the access-log group given is imported (its key cannot be checked)', () => {
    const stack = new Stack(new App(), 'Stack');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Logs', 'existing');
    ping(
      new RegionalApi(stack, 'Api', {
        compliance: REGULATED,
        accessLogs: AccessLogs.cloudWatch({ logGroup }),
      }),
    );
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Api',
      Match.stringLikeRegexp(
        'accessLogs is an imported log group.*cdk-apigateway-presets:regulated-log-group-unchecked',
      ),
    );
  });
});

const COMPLIANCE_MD = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'COMPLIANCE.md'), 'utf8');

test('docs/COMPLIANCE.md lists every acknowledgement REGULATED presets make, each with a reason', () => {
  const missing = new Set<string>();
  for (const [, api] of presets) {
    for (const [entry, reason] of Object.entries(acknowledgementsUnder(api))) {
      expect(reason.length).toBeGreaterThan(20);
      const id = entry.slice(entry.indexOf(' ') + 1);
      // An id naming a resource ([Resource::...]) is listed by its pattern, e.g. `AwsSolutions-IAM5[Resource::<bucket ARN>/...`.
      const listed = id.includes('[') ? `\`${id.slice(0, id.indexOf('['))}[` : `\`${id}\``;
      if (!COMPLIANCE_MD.includes(listed)) {
        missing.add(id);
      }
    }
  }
  expect([...missing]).toEqual([]);
});

test('docs/COMPLIANCE.md names every rule the five packs apply to what the presets create', () => {
  const missing = new Set<string>();
  for (const Pack of PACKS) {
    for (const [stack, api] of presets) {
      for (const id of applicableRules(Pack, stack, api)) {
        const [pack] = id.split('-', 1);
        const rule = id.slice(pack.length + 1);
        // The regulated packs' rules by their full id; the baseline's as the doc has always listed them
        // (`AwsSolutions-S2, S10`).
        const named = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].includes(pack)
          ? COMPLIANCE_MD.includes(`\`${id}\``)
          : new RegExp(`\\b${rule.replace(/\./g, '\\.')}\\b`).test(COMPLIANCE_MD);
        if (!named) {
          missing.add(id);
        }
      }
    }
  }
  expect([...missing].sort()).toEqual([]);
});
