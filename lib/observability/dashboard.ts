import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PresetValidationError } from '../private/errors';

/**
 * The API's CloudWatch dashboard.
 */
export interface ApiDashboardOptions {
  /**
   * The dashboard's name: 1 to 255 letters, digits, `-` and `_`, unique in the account (dashboards are global,
   * not per Region).
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/** What the dashboard shows of one stage. */
export interface DashboardStage {
  // The stage's metric helpers are on the class; IStage has none.
  readonly stage: apigw.Stage; // eslint-disable-line awscdk/no-construct-in-interface
  readonly stageName: string;
  readonly cached: boolean;
}

/** What the dashboard is made from. */
export interface DashboardSources {
  readonly title: string;
  readonly stages: DashboardStage[];
  /** The web ACL's CloudWatch metric name (its `VisibilityConfig.MetricName`), when the API has one. */
  readonly webAclMetricName?: string;
  /** The access-log group, when access logs go to CloudWatch Logs: throttles are read from it. */
  readonly accessLogGroup?: logs.ILogGroup;
}

/** Dashboard name: alphanumerics, `-` and `_`, at most 255 characters (CloudWatch PutDashboard). */
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Widgets a row holds side by side: CloudWatch dashboards are 24 units wide. */
const GRAPH_WIDTH = 6;

/**
 * Creates scope/Dashboard: the web ACL's allowed and blocked requests (AWS/WAFV2, for every stage it
 * guards), then per stage its requests, 4XX and 5XX errors, latency and integration latency (p50, p90,
 * p99), cache hits and misses (a stage with a cache cluster), and throttled requests. API Gateway has no
 * throttle metric for REST APIs (a throttled request is a 429, counted in 4XXError), so throttles are read
 * from the access log when it goes to CloudWatch Logs.
 */
export function createDashboard(
  scope: Construct,
  options: ApiDashboardOptions,
  sources: DashboardSources,
): cloudwatch.Dashboard {
  const name = options.dashboardName;
  if (name !== undefined && !Token.isUnresolved(name) && !DASHBOARD_NAME.test(name)) {
    throw new PresetValidationError(
      scope,
      'dashboard.dashboardName',
      name,
      'A dashboard name is 1 to 255 letters, digits, hyphens and underscores.',
    );
  }
  // eslint-disable-next-line awscdk/require-passing-this -- created under the preset that asked for a dashboard
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: name,
    defaultInterval: Duration.hours(3),
  });
  dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `# ${sources.title}`, width: 24, height: 1 }));
  if (sources.webAclMetricName !== undefined) {
    dashboard.addWidgets(webAclWidget(Stack.of(scope).region, sources.webAclMetricName));
  }
  for (const stage of sources.stages) {
    dashboard.addWidgets(...stageWidgets(stage, sources.accessLogGroup));
  }
  return dashboard;
}

/** The web ACL's requests: its totals over every rule (`Rule` = `ALL`) in the API's Region. */
function webAclWidget(region: string, metricName: string): cloudwatch.GraphWidget {
  const metric = (name: string, label: string): cloudwatch.Metric =>
    new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: name,
      dimensionsMap: { WebACL: metricName, Region: region, Rule: 'ALL' },
      statistic: cloudwatch.Stats.SUM,
      label,
    });
  return new cloudwatch.GraphWidget({
    title: 'WAF requests (every stage)',
    left: [metric('AllowedRequests', 'Allowed'), metric('BlockedRequests', 'Blocked')],
    width: 24,
  });
}

/** One stage: a heading, then a row of traffic, errors and latencies, then cache and throttles. */
function stageWidgets(source: DashboardStage, accessLogGroup?: logs.ILogGroup): cloudwatch.IWidget[] {
  const { stage, stageName } = source;
  const percentiles = (metric: (props: cloudwatch.MetricOptions) => cloudwatch.Metric): cloudwatch.Metric[] =>
    [50, 90, 99].map((p) => metric({ statistic: cloudwatch.Stats.p(p), label: `p${p}` }));
  const widgets: cloudwatch.IWidget[] = [
    new cloudwatch.TextWidget({ markdown: `## Stage ${stageName}`, width: 24, height: 1 }),
    new cloudwatch.GraphWidget({
      title: `${stageName}: requests`,
      left: [stage.metricCount({ label: 'Requests' })],
      width: GRAPH_WIDTH,
    }),
    new cloudwatch.GraphWidget({
      title: `${stageName}: 4XX and 5XX errors`,
      left: [
        stage.metricClientError({ statistic: cloudwatch.Stats.SUM, label: '4XX' }),
        stage.metricServerError({ statistic: cloudwatch.Stats.SUM, label: '5XX' }),
      ],
      width: GRAPH_WIDTH,
    }),
    new cloudwatch.GraphWidget({
      title: `${stageName}: latency (ms)`,
      left: percentiles((props) => stage.metricLatency(props)),
      width: GRAPH_WIDTH,
    }),
    new cloudwatch.GraphWidget({
      title: `${stageName}: integration latency (ms)`,
      left: percentiles((props) => stage.metricIntegrationLatency(props)),
      width: GRAPH_WIDTH,
    }),
  ];
  if (source.cached) {
    widgets.push(
      new cloudwatch.GraphWidget({
        title: `${stageName}: cache hits and misses`,
        left: [
          stage.metricCacheHitCount({ statistic: cloudwatch.Stats.SUM, label: 'Hits' }),
          stage.metricCacheMissCount({ statistic: cloudwatch.Stats.SUM, label: 'Misses' }),
        ],
        width: 12,
      }),
    );
  }
  if (accessLogGroup) {
    widgets.push(
      new cloudwatch.LogQueryWidget({
        title: `${stageName}: throttled requests (429)`,
        logGroupNames: [accessLogGroup.logGroupName],
        queryLines: [
          `filter stage = ${JSON.stringify(stageName)} and status = 429`,
          'stats count(*) as throttled by bin(1m)',
        ],
        view: cloudwatch.LogQueryVisualizationType.LINE,
        width: 12,
      }),
    );
  }
  return widgets;
}
