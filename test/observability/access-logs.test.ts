import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, CfnElement, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  AccessLogs,
  CloudWatchAccessLogsOptions,
  EdgeApi,
  FirehoseAccessLogsOptions,
  RegionalApi,
  RouteIntegration,
} from '../../lib';
import { PresetValidationError } from '../../lib/private/errors';
import { acknowledgementsUnder } from '../support/acknowledgements';
import { expectInvalid } from '../support/expect-invalid';

/** An EdgeApi at the path Stack/Api whose access logs go to CloudWatch with these options. */
function api(options: (stack: Stack) => CloudWatchAccessLogsOptions): EdgeApi {
  const stack = new Stack(new App(), 'Stack');
  return new EdgeApi(stack, 'Api', { accessLogs: AccessLogs.cloudWatch(options(stack)) });
}

function existingLogGroup(stack: Stack): logs.ILogGroup {
  return logs.LogGroup.fromLogGroupName(stack, 'Existing', 'existing-access-logs');
}

describe('AccessLogs.cloudWatch', () => {
  test.each([
    ['retention', (): Partial<CloudWatchAccessLogsOptions> => ({ retention: logs.RetentionDays.ONE_MONTH })],
    ['removalPolicy', (): Partial<CloudWatchAccessLogsOptions> => ({ removalPolicy: RemovalPolicy.DESTROY })],
    [
      'encryptionKey',
      (stack: Stack): Partial<CloudWatchAccessLogsOptions> => ({ encryptionKey: new kms.Key(stack, 'Key') }),
    ],
  ])('fails when an existing logGroup is given with %s', (name, settings) => {
    let thrown: unknown;
    try {
      api((stack) => ({ logGroup: existingLogGroup(stack), ...settings(stack) }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PresetValidationError);
    expect((thrown as PresetValidationError).prop).toBe('accessLogs');
    expect((thrown as Error).message).toBe(
      `[Stack/Api] Invalid accessLogs: "logGroup with ${name}". ` +
        'Give either an existing logGroup or the settings of the log group the preset creates, not both.',
    );
  });

  test('accepts an existing logGroup alone, and writes to it', () => {
    let given: logs.ILogGroup | undefined;
    const a = api((stack) => ({ logGroup: (given = existingLogGroup(stack)) }));
    expect(a.accessLogGroup).toBe(given);
  });

  test('accepts the settings of the log group it creates', () => {
    const a = api(() => ({ retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }));
    expect(a.accessLogGroup?.node.path).toBe('Stack/Api/AccessLogs');
  });
});

describe('AccessLogs.firehose', () => {
  /** An EdgeApi at the path Stack/Api whose access logs go to Firehose with these options. */
  function firehoseApi(options: (stack: Stack) => FirehoseAccessLogsOptions = () => ({})): EdgeApi {
    const stack = new Stack(new App(), 'Stack');
    const created = new EdgeApi(stack, 'Api', { accessLogs: AccessLogs.firehose(options(stack)) });
    created.addRoute('GET', '/ping', RouteIntegration.mock());
    return created;
  }

  function streamNamed(stack: Stack, name: string): firehose.IDeliveryStream {
    return firehose.DeliveryStream.fromDeliveryStreamName(stack, 'Existing', name);
  }

  test('fails when the existing stream is named without the amazon-apigateway- prefix', () => {
    expectInvalid(
      () => firehoseApi((stack) => ({ deliveryStream: streamNamed(stack, 'access-logs') })),
      'accessLogs.deliveryStream',
      '"access-logs"',
      'API Gateway writes access logs only to a Firehose stream whose name starts with "amazon-apigateway-": ' +
        'rename the stream (for example "amazon-apigateway-access-logs"), or leave deliveryStream out to have the preset create one.',
    );
  });

  test('fails when an existing stream ARN names a stream without the prefix', () => {
    expectInvalid(
      () =>
        firehoseApi((stack) => ({
          deliveryStream: firehose.DeliveryStream.fromDeliveryStreamArn(
            stack,
            'Existing',
            'arn:aws:firehose:eu-west-1:111122223333:deliverystream/logs',
          ),
        })),
      'accessLogs.deliveryStream',
      '"logs"',
      'starts with "amazon-apigateway-"',
    );
  });

  test.each([
    ['retention', (): Partial<FirehoseAccessLogsOptions> => ({ retention: Duration.days(30) })],
    [
      'encryptionKey',
      (stack: Stack): Partial<FirehoseAccessLogsOptions> => ({ encryptionKey: new kms.Key(stack, 'Key') }),
    ],
  ])('fails when an existing deliveryStream is given with %s', (name, settings) => {
    expectInvalid(
      () =>
        firehoseApi((stack) => ({
          deliveryStream: streamNamed(stack, 'amazon-apigateway-logs'),
          ...settings(stack),
        })),
      'accessLogs',
      `"deliveryStream with ${name}"`,
      'Give either an existing deliveryStream or the settings of the stream and bucket the preset creates, not both.',
    );
  });

  test.each([
    ['12 hours', Duration.hours(12)],
    ['1 day 12 hours', Duration.hours(36)],
    ['0 days', Duration.days(0)],
  ])('fails when the retention is not a whole number of days (%s)', (given, retention) => {
    expectInvalid(
      () => firehoseApi(() => ({ retention })),
      'accessLogs.retention',
      `"${given}"`,
      'S3 expires objects after a whole number of days, at least 1: give Duration.days(n).',
    );
  });

  test('writes to an existing stream with the prefix, and creates no stream or bucket', () => {
    let given: firehose.IDeliveryStream | undefined;
    const a = firehoseApi((stack) => ({
      deliveryStream: (given = streamNamed(stack, 'amazon-apigateway-orders')),
    }));
    expect(a.accessLogDeliveryStream).toBe(given);
    expect(a.accessLogGroup).toBeUndefined();
    expect(a.accessLogDestinationBucket).toBeUndefined();
    const template = Template.fromStack(Stack.of(a));
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: {
        DestinationArn: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([':deliverystream/amazon-apigateway-orders'])]),
        }),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });

  test('accepts a stream whose name is only known at deploy time', () => {
    const a = firehoseApi((stack) => ({
      deliveryStream: streamNamed(stack, new CfnParameter(stack, 'StreamName').valueAsString),
    }));
    expect(a.accessLogDeliveryStream).toBeDefined();
  });

  describe('the stream and bucket the preset creates', () => {
    const a = firehoseApi();
    const template = Template.fromStack(Stack.of(a));
    const ref = (construct: IConstruct): string =>
      Stack.of(a).getLogicalId(construct.node.defaultChild as CfnElement);

    test('a direct-put stream named amazon-apigateway-..., encrypted, that every stage logs to', () => {
      expect(a.accessLogDeliveryStream?.node.path).toBe('Stack/Api/AccessLogs/DeliveryStream');
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamName: Match.stringLikeRegexp('^amazon-apigateway-[A-Za-z0-9]+$'),
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
        ExtendedS3DestinationConfiguration: Match.objectLike({
          BucketARN: { 'Fn::GetAtt': [ref(a.accessLogDestinationBucket!), 'Arn'] },
          Prefix: 'access-logs/',
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [Match.objectLike({ Type: 'AppendDelimiterToRecord' })],
          },
        }),
      });
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        AccessLogSetting: Match.objectLike({
          DestinationArn: { 'Fn::GetAtt': [ref(a.accessLogDeliveryStream!), 'Arn'] },
        }),
      });
      const name = template.findResources('AWS::KinesisFirehose::DeliveryStream');
      const streamName = Object.values(name)[0].Properties.DeliveryStreamName as string;
      expect(streamName.length).toBeLessThanOrEqual(64);
    });

    test("the stream waits for its role's policy, and follows the role itself through its ARN", () => {
      const [stream] = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream'));
      const [policy] = Object.keys(
        template.findResources('AWS::IAM::Policy', {
          Properties: { PolicyName: Match.stringLikeRegexp('DeliveryRoleDefaultPolicy') },
        }),
      );
      expect(stream.DependsOn).toEqual([policy]);
    });

    test('a bucket encrypted with a rotated KMS key, TLS-only, private, retained, expiring logs after a year', () => {
      expect(a.accessLogDestinationBucket?.node.path).toBe('Stack/Api/AccessLogs/Bucket');
      const key = a.node.findChild('AccessLogs').node.findChild('Key') as kms.Key;
      template.hasResource('AWS::KMS::Key', {
        Properties: { EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                BucketKeyEnabled: true,
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': [ref(key), 'Arn'] },
                },
              },
            ],
          },
          PublicAccessBlockConfiguration: Match.objectLike({
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          }),
          LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
        }),
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      });
    });

    test('the delivery role names exact actions', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Action: [
                's3:AbortMultipartUpload',
                's3:GetBucketLocation',
                's3:GetObject',
                's3:ListBucket',
                's3:ListBucketMultipartUploads',
                's3:PutObject',
              ],
            }),
            Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
            Match.objectLike({ Action: 'logs:PutLogEvents' }),
          ],
        },
      });
    });

    test('the retention and key given', () => {
      let key: kms.IKey | undefined;
      const b = firehoseApi((stack) => ({
        retention: Duration.days(90),
        encryptionKey: (key = new kms.Key(stack, 'Key')),
      }));
      const t = Template.fromStack(Stack.of(b));
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({
                KMSMasterKeyID: {
                  'Fn::GetAtt': [Stack.of(b).getLogicalId(key!.node.defaultChild as CfnElement), 'Arn'],
                },
              }),
            }),
          ],
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      });
    });
  });
});

describe('AccessLogs.firehose under cdk-nag', () => {
  // aws-cdk-lib's imported streams (fromDeliveryStreamName) add a mapping nothing references, which the
  // built-in validation warns about, so only the stream the preset creates is held to it.
  test.each([
    ['a stream the preset creates', true, (): FirehoseAccessLogsOptions => ({})],
    [
      'an existing stream',
      false,
      (stack: Stack): FirehoseAccessLogsOptions => ({
        deliveryStream: firehose.DeliveryStream.fromDeliveryStreamName(
          stack,
          'Existing',
          'amazon-apigateway-logs',
        ),
      }),
    ],
  ])('finds nothing with %s, in AwsSolutions and Serverless', (_, strict, options) => {
    const app = new App({
      context: {
        '@aws-cdk/core:validateAgainstDefaultRules': true,
        '@aws-cdk/core:strictCfnValidateErrors': strict,
      },
    });
    const stack = new Stack(app, 'Stack');
    const a = new RegionalApi(stack, 'Api', { accessLogs: AccessLogs.firehose(options(stack)) });
    a.addRoute('GET', '/ping', RouteIntegration.mock());
    app.synth();
    for (const Pack of [AwsSolutionsChecks, ServerlessChecks]) {
      expect(new Pack().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
    }
  });

  test('two presets with created streams in one stack: each its own stream, nag-clean, no unreferenced mapping', () => {
    const app = new App({
      context: {
        '@aws-cdk/core:validateAgainstDefaultRules': true,
        '@aws-cdk/core:strictCfnValidateErrors': true,
      },
    });
    const stack = new Stack(app, 'Stack');
    const first = new RegionalApi(stack, 'First', { accessLogs: AccessLogs.firehose() });
    const second = new EdgeApi(stack, 'Second', { accessLogs: AccessLogs.firehose() });
    first.addRoute('GET', '/ping', RouteIntegration.mock());
    second.addRoute('GET', '/ping', RouteIntegration.mock());
    expect(() => app.synth()).not.toThrow();
    const names = Object.values(
      Template.fromStack(stack).findResources('AWS::KinesisFirehose::DeliveryStream'),
    ).map((r) => r.Properties.DeliveryStreamName as string);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    for (const Pack of [AwsSolutionsChecks, ServerlessChecks]) {
      expect(new Pack().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
    }

    // Each acknowledgement is one finding on one construct, with its reason, and listed in docs/COMPLIANCE.md.
    const found = acknowledgementsUnder(first);
    const bucketArn = `<${stack.getLogicalId(first.accessLogDestinationBucket!.node.defaultChild as CfnElement)}.Arn>`;
    expect(Object.keys(found).sort()).toEqual(
      [
        'AccessLogs/Bucket/Resource AwsSolutions-S1',
        `AccessLogs/DeliveryRole AwsSolutions-IAM5[Resource::${bucketArn}/access-logs*]`,
        // For ComplianceProfile.REGULATED's packs, made whatever the profile (docs/COMPLIANCE.md).
        ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
          `AccessLogs/Bucket/Resource ${pack}-S3BucketLoggingEnabled`,
          `AccessLogs/Bucket/Resource ${pack}-S3BucketReplicationEnabled`,
          `AccessLogs/DeliveryRole ${pack}-IAMNoInlinePolicy`,
        ]),
        // The account role, made by every preset (see test/nag.test.ts).
        ...Object.keys(found).filter((k) => k.startsWith('AccountLogging/')),
        // The REST API's request validator (see test/nag.test.ts).
        ...Object.keys(found).filter((k) => k.startsWith('Api/') || k.startsWith('Stage.')),
      ].sort(),
    );
    const compliance = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'COMPLIANCE.md'), 'utf8');
    expect(compliance).toMatch(/\|\s*`AwsSolutions-S1`\s*\|\s*`AccessLogs\/Bucket\/Resource`/);
    expect(compliance).toMatch(
      /\|\s*`AwsSolutions-IAM5\[Resource::<AccessLogs bucket ARN>\/access-logs\*\]`\s*\|\s*`AccessLogs\/DeliveryRole`/,
    );
  });
});
