import { Duration, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PresetValidationError } from '../private/errors';

/**
 * One of the recommended alarms of each stage: whether it is created, and what it compares. Unset values
 * are AWS's recommendation for the alarm.
 */
export interface StageAlarmOptions {
  /**
   * Whether the alarm is created.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The value the statistic is compared with: a ratio from 0 to 1 for the error rates (0.05 is 5 % of
   * requests), milliseconds for latency.
   * @default - AWS's recommended threshold for the alarm
   */
  readonly threshold?: number;

  /**
   * The length of one period: whole minutes (API Gateway sends its metrics every minute).
   * @default - AWS's recommended period for the alarm (1 minute)
   */
  readonly period?: Duration;

  /**
   * How many of the latest periods are evaluated.
   * @default - AWS's recommended number for the alarm
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach for the alarm to go off: 1 to `evaluationPeriods`.
   * @default - `evaluationPeriods` (each of AWS's recommended alarms goes off when every evaluated period breaches)
   */
  readonly datapointsToAlarm?: number;
}

/**
 * A cache hit rate alarm for each stage with a cache cluster: it goes off when the share of requests
 * served from the cache falls below `threshold`.
 */
export interface CacheHitRateAlarmOptions {
  /**
   * The lowest acceptable share of a stage's requests answered from its cache, from 0 to 1. Requests to
   * routes that do not cache count too (API Gateway's `CacheHitCount` Average divides by every request).
   */
  readonly threshold: number;

  /**
   * The length of one period: whole minutes.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * How many of the latest periods are evaluated.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach for the alarm to go off: 1 to `evaluationPeriods`.
   * @default - `evaluationPeriods`
   */
  readonly datapointsToAlarm?: number;
}

/**
 * The alarms of each stage. With no options, each stage gets the alarms AWS recommends for REST APIs, with
 * AWS's thresholds, periods and datapoints ("Recommended alarms", Amazon CloudWatch User Guide, Amazon API
 * Gateway): 4XXError and 5XXError rates (Average over 0.05) and p90 Latency (2500 ms or more).
 */
export interface ApiAlarmsOptions {
  /**
   * The SNS topic every alarm notifies when it goes off and when it recovers. A topic encrypted with KMS
   * needs a customer managed key whose policy lets `cloudwatch.amazonaws.com` use `kms:Decrypt` and
   * `kms:GenerateDataKey*`.
   * @default - a topic the preset creates, TLS-only and encrypted with a customer managed key it creates
   * (yearly rotation) whose policy lets CloudWatch publish
   */
  readonly topic?: sns.ITopic;

  /**
   * The 4XXError rate alarm (`4XXError` Average, above the threshold).
   * @default - threshold 0.05, period 1 minute, 5 of 5 periods
   */
  readonly clientErrorRate?: StageAlarmOptions;

  /**
   * The 5XXError rate alarm (`5XXError` Average, above the threshold).
   * @default - threshold 0.05, period 1 minute, 3 of 3 periods
   */
  readonly serverErrorRate?: StageAlarmOptions;

  /**
   * The p90 latency alarm (`Latency` p90, at or above the threshold in milliseconds).
   * @default - threshold 2500 ms, period 1 minute, 5 of 5 periods
   */
  readonly latencyP90?: StageAlarmOptions;

  /**
   * A cache hit rate alarm on each stage with a cache cluster. AWS recommends no cache alarm for REST
   * APIs, so it has no default threshold; give one to create it.
   * @default - no cache hit rate alarm
   */
  readonly cacheHitRate?: CacheHitRateAlarmOptions;
}

/** A recommended alarm, as AWS documents it. */
interface AlarmDefinition {
  /** The construct id (followed by `.<stage>`) and the options prop. */
  readonly id: string;
  readonly prop: 'clientErrorRate' | 'serverErrorRate' | 'latencyP90' | 'cacheHitRate';
  readonly metric: (stage: apigw.Stage, period: Duration) => cloudwatch.IMetric;
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** What the threshold is, for the error message: a ratio, or milliseconds. */
  readonly unit: 'ratio' | 'milliseconds';
  readonly describe: (stageName: string, threshold: number) => string;
}

/**
 * AWS's recommended alarms for a REST API stage ("Recommended alarms", Amazon CloudWatch User Guide,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html,
 * Amazon API Gateway: dimensions ApiName and Stage).
 */
export function recommendedAlarms(): AlarmDefinition[] {
  return [
    {
      id: 'ClientErrorRate',
      prop: 'clientErrorRate',
      metric: (stage, period) => stage.metricClientError({ statistic: cloudwatch.Stats.AVERAGE, period }),
      threshold: 0.05,
      period: Duration.minutes(1),
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      unit: 'ratio',
      describe: (stageName, threshold) =>
        `More than ${percent(threshold)} of the requests to stage ${stageName} end in a 4XX error ` +
        '(authorization, bad requests, missing resources, throttling).',
    },
    {
      id: 'ServerErrorRate',
      prop: 'serverErrorRate',
      metric: (stage, period) => stage.metricServerError({ statistic: cloudwatch.Stats.AVERAGE, period }),
      threshold: 0.05,
      period: Duration.minutes(1),
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      unit: 'ratio',
      describe: (stageName, threshold) =>
        `More than ${percent(threshold)} of the requests to stage ${stageName} end in a 5XX error ` +
        '(the integration, the network between, or API Gateway).',
    },
    {
      id: 'LatencyP90',
      prop: 'latencyP90',
      metric: (stage, period) => stage.metricLatency({ statistic: cloudwatch.Stats.p(90), period }),
      threshold: 2500,
      period: Duration.minutes(1),
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      unit: 'milliseconds',
      describe: (stageName, threshold) =>
        `One request in ten to stage ${stageName} takes ${threshold} ms or more; compare IntegrationLatency ` +
        'to tell the integration from API Gateway.',
    },
  ];
}

/** The cache hit rate alarm, on the stages with a cache cluster: not one of AWS's recommended alarms. */
function cacheHitRateAlarm(options: CacheHitRateAlarmOptions): AlarmDefinition {
  return {
    id: 'CacheHitRate',
    prop: 'cacheHitRate',
    metric: (stage, period) => stage.metricCacheHitCount({ statistic: cloudwatch.Stats.AVERAGE, period }),
    threshold: options.threshold,
    period: Duration.minutes(5),
    evaluationPeriods: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    unit: 'ratio',
    describe: (stageName, threshold) =>
      `Less than ${percent(threshold)} of the requests to stage ${stageName} are answered from its cache.`,
  };
}

function percent(ratio: number): string {
  return Token.isUnresolved(ratio) ? 'the threshold' : `${Math.round(ratio * 10000) / 100} %`;
}

/** What the alarms are made for: each stage, and whether it has a cache cluster. */
export interface AlarmedStage {
  // The stage's metric helpers are on the class; IStage has none.
  readonly stage: apigw.Stage; // eslint-disable-line awscdk/no-construct-in-interface
  readonly stageName: string;
  readonly cached: boolean;
}

/** What `createAlarms` made. */
export interface ApiAlarms {
  readonly topic: sns.ITopic;
  readonly alarms: cloudwatch.Alarm[]; // eslint-disable-line awscdk/no-construct-in-interface -- what the preset exposes
}

/**
 * Creates scope/Alarms: the topic (`Topic`, with its key `TopicKey`) unless one is given, and per stage
 * `<Alarm>.<stageName>` for each enabled alarm, notifying the topic when it goes off and when it
 * recovers. A period without requests has no data point and counts as not breaching: no traffic is no
 * errors.
 */
export function createAlarms(scope: Construct, options: ApiAlarmsOptions, stages: AlarmedStage[]): ApiAlarms {
  const definitions = [
    ...recommendedAlarms(),
    ...(options.cacheHitRate ? [cacheHitRateAlarm(options.cacheHitRate)] : []),
  ];
  // Everything is checked before anything is created.
  const resolved = definitions
    .map((definition) => resolveAlarm(scope, definition, options[definition.prop]))
    .filter((alarm): alarm is ResolvedAlarm => alarm !== undefined);
  if (options.cacheHitRate && !stages.some((s) => s.cached)) {
    throw new PresetValidationError(
      scope,
      'alarms.cacheHitRate',
      'a cache hit rate alarm without a cached stage',
      'The cache hit rate alarm watches the stages with a cache cluster, and this API has none: give the API or a ' +
        'stage `caching`, or leave cacheHitRate out.',
    );
  }

  // eslint-disable-next-line awscdk/require-passing-this -- created under the preset that asked for alarms
  const container = new Construct(scope, 'Alarms');
  const topic = options.topic ?? createTopic(container, scope.node.path);
  const action = new actions.SnsAction(topic);
  const alarms: cloudwatch.Alarm[] = [];
  for (const { stage, stageName, cached } of stages) {
    for (const alarm of resolved) {
      if (alarm.definition.prop === 'cacheHitRate' && !cached) {
        continue;
      }
      const created = new cloudwatch.Alarm(container, `${alarm.definition.id}.${stageName}`, {
        metric: alarm.definition.metric(stage, alarm.period),
        threshold: alarm.threshold,
        evaluationPeriods: alarm.evaluationPeriods,
        datapointsToAlarm: alarm.datapointsToAlarm,
        comparisonOperator: alarm.definition.comparisonOperator,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${scope.node.path}: ${alarm.definition.describe(stageName, alarm.threshold)}`,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      alarms.push(created);
    }
  }
  return { topic, alarms };
}

interface ResolvedAlarm {
  readonly definition: AlarmDefinition;
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The alarm's settings (given > AWS's recommendation), checked; undefined when it is turned off. */
function resolveAlarm(
  scope: Construct,
  definition: AlarmDefinition,
  given: (StageAlarmOptions & Partial<CacheHitRateAlarmOptions>) | undefined,
): ResolvedAlarm | undefined {
  if (given?.enabled === false) {
    return undefined;
  }
  const prop = `alarms.${definition.prop}`;
  const threshold = given?.threshold ?? definition.threshold;
  const period = given?.period ?? definition.period;
  const evaluationPeriods = given?.evaluationPeriods ?? definition.evaluationPeriods;
  // AWS's recommendations are all N of N, so the datapoints follow the evaluation periods given.
  const datapoints = given?.datapointsToAlarm ?? evaluationPeriods;
  if (!Token.isUnresolved(threshold)) {
    if (definition.unit === 'ratio' && !(threshold > 0 && threshold <= 1)) {
      throw new PresetValidationError(
        scope,
        `${prop}.threshold`,
        threshold,
        'This threshold is a ratio of requests, greater than 0 and at most 1: 0.05 is 5 % (the Average of the ' +
          'metric divides by the number of requests).',
      );
    }
    if (definition.unit === 'milliseconds' && !(threshold > 0)) {
      throw new PresetValidationError(
        scope,
        `${prop}.threshold`,
        threshold,
        'This threshold is a latency in milliseconds, greater than 0.',
      );
    }
  }
  const seconds = period.toSeconds();
  if (!Token.isUnresolved(seconds) && (seconds < 60 || seconds % 60 !== 0)) {
    throw new PresetValidationError(
      scope,
      `${prop}.period`,
      period.toHumanString(),
      'API Gateway sends its metrics once a minute: give a whole number of minutes, e.g. Duration.minutes(1).',
    );
  }
  for (const [name, value] of [
    ['evaluationPeriods', evaluationPeriods],
    ['datapointsToAlarm', datapoints],
  ] as const) {
    if (!Token.isUnresolved(value) && !(Number.isInteger(value) && value >= 1)) {
      throw new PresetValidationError(scope, `${prop}.${name}`, value, 'Give a whole number, at least 1.');
    }
  }
  if (
    !Token.isUnresolved(datapoints) &&
    !Token.isUnresolved(evaluationPeriods) &&
    datapoints > evaluationPeriods
  ) {
    throw new PresetValidationError(
      scope,
      `${prop}.datapointsToAlarm`,
      datapoints,
      `An alarm goes off when datapointsToAlarm of the last evaluationPeriods (${evaluationPeriods}) breach: give at most ${evaluationPeriods}.`,
    );
  }
  if (!Token.isUnresolved(seconds) && !Token.isUnresolved(evaluationPeriods)) {
    // CloudWatch PutMetricAlarm: Period × EvaluationPeriods at most 7 days, and 1 day when the period is under an hour.
    const limit = seconds < 3600 ? 86400 : 604800;
    if (seconds * evaluationPeriods > limit) {
      throw new PresetValidationError(
        scope,
        `${prop}.evaluationPeriods`,
        evaluationPeriods,
        `CloudWatch evaluates at most ${limit === 86400 ? 'one day' : 'seven days'} of data for a period ` +
          `${limit === 86400 ? 'under an hour' : 'of an hour or more'}: with a period of ${period.toHumanString()}, ` +
          `give at most ${Math.floor(limit / seconds)} evaluation periods.`,
      );
    }
  }
  return { definition, threshold, period, evaluationPeriods, datapointsToAlarm: datapoints };
}

/**
 * Creates the alarm topic: TLS-only (`enforceSSL`), encrypted with a customer managed key that CloudWatch
 * may use. CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key for SNS
 * (`alias/aws/sns`), whose policy cannot be changed to let the CloudWatch service principal use it
 * (Amazon SNS Developer Guide, "Key management", compatibility between event sources from AWS services
 * and encrypted topics).
 */
function createTopic(scope: Construct, presetPath: string): sns.ITopic {
  // eslint-disable-next-line awscdk/require-passing-this -- created under the preset's Alarms
  const key = new kms.Key(scope, 'TopicKey', {
    description: `Encrypts the alarm notifications of ${presetPath}`,
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  // eslint-disable-next-line awscdk/require-passing-this -- created under the preset's Alarms
  return new sns.Topic(scope, 'Topic', {
    displayName: `Alarms of ${presetPath}`.slice(0, 100),
    masterKey: key,
    enforceSSL: true,
  });
}
