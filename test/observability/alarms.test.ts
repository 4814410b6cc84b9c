import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { ApiAlarmsOptions, CacheSize, RegionalApi, RestApiPresetProps, RouteIntegration } from '../../lib';
import { expectInvalid } from '../support/expect-invalid';

/** A RegionalApi at Stack/Api, named `orders`, with one route. */
function api(props: RestApiPresetProps): RegionalApi {
  const stack = new Stack(new App(), 'Stack');
  const a = new RegionalApi(stack, 'Api', { apiName: 'orders', ...props });
  a.addRoute('GET', '/orders', RouteIntegration.mock());
  return a;
}

type AlarmProps = Record<string, unknown>;

/** The alarms of the template, by the construct path of each under the preset's Alarms. */
function alarmsByPath(a: RegionalApi): Record<string, AlarmProps> {
  const template = Template.fromStack(Stack.of(a));
  const resources = template.findResources('AWS::CloudWatch::Alarm');
  return Object.fromEntries(
    a.alarms.map((alarm) => {
      const id = Stack.of(a).getLogicalId(alarm.node.defaultChild as CfnElement);
      return [alarm.node.path.replace('Stack/Api/Alarms/', ''), resources[id].Properties as AlarmProps];
    }),
  );
}

const TOPIC_REF = (a: RegionalApi): unknown => ({
  Ref: Stack.of(a).getLogicalId(a.alarmTopic!.node.defaultChild as CfnElement),
});

describe('alarms', () => {
  test('none unless asked for', () => {
    const a = api({});
    expect(a.alarms).toEqual([]);
    expect(a.alarmTopic).toBeUndefined();
    const template = Template.fromStack(Stack.of(a));
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test("alarms: {} creates AWS's recommended alarms for each stage, with AWS's thresholds, periods and datapoints", () => {
    const a = api({ stages: [{ stageName: 'prod' }, { stageName: 'beta' }], alarms: {} });
    const alarms = alarmsByPath(a);
    expect(Object.keys(alarms).sort()).toEqual([
      'ClientErrorRate.beta',
      'ClientErrorRate.prod',
      'LatencyP90.beta',
      'LatencyP90.prod',
      'ServerErrorRate.beta',
      'ServerErrorRate.prod',
    ]);
    const topic = TOPIC_REF(a);
    const stageRef = (name: string): unknown => ({
      Ref: Stack.of(a).getLogicalId(a.stage(name).node.defaultChild as CfnElement),
    });
    for (const stageName of ['prod', 'beta']) {
      const dimensions = [
        { Name: 'ApiName', Value: 'orders' },
        { Name: 'Stage', Value: stageRef(stageName) },
      ];
      const common = {
        Namespace: 'AWS/ApiGateway',
        Dimensions: dimensions,
        Period: 60,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
        OKActions: [topic],
      };
      expect(alarms[`ClientErrorRate.${stageName}`]).toMatchObject({
        ...common,
        MetricName: '4XXError',
        Statistic: 'Average',
        Threshold: 0.05,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarms[`ServerErrorRate.${stageName}`]).toMatchObject({
        ...common,
        MetricName: '5XXError',
        Statistic: 'Average',
        Threshold: 0.05,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarms[`LatencyP90.${stageName}`]).toMatchObject({
        ...common,
        MetricName: 'Latency',
        ExtendedStatistic: 'p90',
        Threshold: 2500,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(alarms[`LatencyP90.${stageName}`].AlarmDescription).toContain(`stage ${stageName}`);
    }
  });

  test('overrides: threshold, period, evaluation periods and datapoints; an alarm turned off', () => {
    const a = api({
      alarms: {
        clientErrorRate: { enabled: false },
        serverErrorRate: {
          threshold: 0.01,
          period: Duration.minutes(5),
          evaluationPeriods: 4,
          datapointsToAlarm: 2,
        },
        latencyP90: { threshold: 1000, evaluationPeriods: 10 },
      },
    });
    const alarms = alarmsByPath(a);
    expect(Object.keys(alarms).sort()).toEqual(['LatencyP90.prod', 'ServerErrorRate.prod']);
    expect(alarms['ServerErrorRate.prod']).toMatchObject({
      Threshold: 0.01,
      Period: 300,
      EvaluationPeriods: 4,
      DatapointsToAlarm: 2,
    });
    // The datapoints follow the evaluation periods given: AWS's recommendations are N of N.
    expect(alarms['LatencyP90.prod']).toMatchObject({
      Threshold: 1000,
      Period: 60,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
    });
  });

  test('a cache hit rate alarm on the stages with a cache cluster only', () => {
    const a = api({
      stages: [{ stageName: 'prod', caching: { size: CacheSize.GB_0_5 } }, { stageName: 'dev' }],
      alarms: { cacheHitRate: { threshold: 0.5 } },
    });
    const alarms = alarmsByPath(a);
    expect(Object.keys(alarms).filter((k) => k.startsWith('CacheHitRate'))).toEqual(['CacheHitRate.prod']);
    expect(alarms['CacheHitRate.prod']).toMatchObject({
      MetricName: 'CacheHitCount',
      Statistic: 'Average',
      Threshold: 0.5,
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  test('the topic the preset creates: encrypted with a rotated customer managed key CloudWatch may use, TLS-only', () => {
    const a = api({ alarms: {} });
    expect(a.alarmTopic?.node.path).toBe('Stack/Api/Alarms/Topic');
    const template = Template.fromStack(Stack.of(a));
    const keyId = Stack.of(a).getLogicalId(
      a.node.findChild('Alarms').node.findChild('TopicKey').node.defaultChild as CfnElement,
    );
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('a topic given is notified, and no topic or key is created', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Given', { enforceSSL: true });
    const a = new RegionalApi(stack, 'Api', { alarms: { topic } });
    a.addRoute('GET', '/orders', RouteIntegration.mock());
    expect(a.alarmTopic).toBe(topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    for (const alarm of Object.values(alarmsByPath(a))) {
      expect(alarm.AlarmActions).toEqual([
        { Ref: stack.getLogicalId(topic.node.defaultChild as CfnElement) },
      ]);
    }
  });

  test('finds nothing in AwsSolutions, Serverless and NIST 800-53 R5 alarm and topic rules', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new RegionalApi(stack, 'Api', {
      alarms: { cacheHitRate: { threshold: 0.2 } },
      caching: { size: CacheSize.GB_0_5 },
    }).addRoute('GET', '/ping', RouteIntegration.mock());
    app.synth();
    for (const Pack of [AwsSolutionsChecks, ServerlessChecks]) {
      expect(new Pack().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
    }
    const nist = new NIST80053R5Checks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(nist.filter((rule) => /CloudWatchAlarm|SNS|KMS/.test(rule))).toEqual([]);
  });
});

describe('alarms: fails when', () => {
  const cases: Array<[string, ApiAlarmsOptions, string, string, string]> = [
    [
      'an error-rate threshold is a percentage',
      { clientErrorRate: { threshold: 5 } },
      'alarms.clientErrorRate.threshold',
      '5',
      'greater than 0 and at most 1: 0.05 is 5 %',
    ],
    [
      'an error-rate threshold is 0',
      { serverErrorRate: { threshold: 0 } },
      'alarms.serverErrorRate.threshold',
      '0',
      'greater than 0 and at most 1',
    ],
    [
      'a latency threshold is not positive',
      { latencyP90: { threshold: -1 } },
      'alarms.latencyP90.threshold',
      '-1',
      'a latency in milliseconds, greater than 0',
    ],
    [
      'a period is not whole minutes',
      { latencyP90: { period: Duration.seconds(90) } },
      'alarms.latencyP90.period',
      '"1 minute 30 seconds"',
      'API Gateway sends its metrics once a minute',
    ],
    [
      'evaluationPeriods is not a whole number',
      { clientErrorRate: { evaluationPeriods: 2.5 } },
      'alarms.clientErrorRate.evaluationPeriods',
      '2.5',
      'Give a whole number, at least 1.',
    ],
    [
      'datapointsToAlarm is 0',
      { clientErrorRate: { datapointsToAlarm: 0 } },
      'alarms.clientErrorRate.datapointsToAlarm',
      '0',
      'Give a whole number, at least 1.',
    ],
    [
      'datapointsToAlarm exceeds evaluationPeriods',
      { serverErrorRate: { evaluationPeriods: 3, datapointsToAlarm: 4 } },
      'alarms.serverErrorRate.datapointsToAlarm',
      '4',
      'give at most 3',
    ],
    [
      'the evaluated range exceeds a day with a period under an hour',
      { latencyP90: { period: Duration.minutes(30), evaluationPeriods: 49 } },
      'alarms.latencyP90.evaluationPeriods',
      '49',
      'at most one day of data for a period under an hour: with a period of 30 minutes, give at most 48',
    ],
    [
      'the evaluated range exceeds seven days',
      { latencyP90: { period: Duration.hours(1), evaluationPeriods: 169 } },
      'alarms.latencyP90.evaluationPeriods',
      '169',
      'at most seven days of data',
    ],
    [
      'a cache hit rate threshold is above 1',
      { cacheHitRate: { threshold: 50 } },
      'alarms.cacheHitRate.threshold',
      '50',
      'greater than 0 and at most 1',
    ],
  ];
  test.each(cases)('%s', (_, alarms, prop, value, allowed) => {
    expectInvalid(() => api({ alarms, caching: { size: CacheSize.GB_0_5 } }), prop, value, allowed);
  });

  test('a cache hit rate alarm is asked for and no stage caches', () => {
    expectInvalid(
      () => api({ alarms: { cacheHitRate: { threshold: 0.5 } } }),
      'alarms.cacheHitRate',
      '"a cache hit rate alarm without a cached stage"',
      'give the API or a stage `caching`',
    );
  });
});
