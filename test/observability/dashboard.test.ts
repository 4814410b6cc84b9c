import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccessLogs, CacheSize, EdgeApi, RegionalApi, RestApiPresetProps, RouteIntegration } from '../../lib';
import { expectInvalid } from '../support/expect-invalid';

interface Widget {
  readonly type: string;
  readonly width: number;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
    readonly query?: string;
  };
}

/**
 * The dashboard's widgets, its body resolved with every reference written as `<LogicalId>` (a Ref) or
 * `<LogicalId.Attr>` (a GetAtt), and the stack's Region as `<region>`.
 */
function widgetsOf(stack: Stack): Widget[] {
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((part) => {
            if (typeof part === 'string') {
              return part;
            }
            const ref = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
            if (ref.Ref === 'AWS::Region') {
              return '<region>';
            }
            return ref.Ref ? `<${ref.Ref}>` : `<${ref['Fn::GetAtt']!.join('.')}>`;
          })
          .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

function titles(widgets: Widget[]): string[] {
  return widgets.map((w) => w.properties.title ?? w.properties.markdown!);
}

function preset(
  props: RestApiPresetProps,
  Preset: typeof RegionalApi | typeof EdgeApi = RegionalApi,
): RegionalApi {
  const stack = new Stack(new App(), 'Stack');
  const a = new Preset(stack, 'Api', { apiName: 'orders', ...props });
  a.addRoute('GET', '/orders', RouteIntegration.mock());
  return a;
}

describe('dashboard', () => {
  test('none unless asked for', () => {
    const a = preset({});
    expect(a.dashboard).toBeUndefined();
    Template.fromStack(Stack.of(a)).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('per stage: requests, 4XX and 5XX, latency and integration latency percentiles, cache where it caches, throttles; WAF once', () => {
    const a = preset({
      stages: [{ stageName: 'prod', caching: { size: CacheSize.GB_0_5 } }, { stageName: 'beta' }],
      dashboard: {},
    });
    expect(a.dashboard?.node.path).toBe('Stack/Api/Dashboard');
    const widgets = widgetsOf(Stack.of(a));
    expect(titles(widgets)).toEqual([
      '# orders',
      'WAF requests (every stage)',
      '## Stage prod',
      'prod: requests',
      'prod: 4XX and 5XX errors',
      'prod: latency (ms)',
      'prod: integration latency (ms)',
      'prod: cache hits and misses',
      'prod: throttled requests (429)',
      '## Stage beta',
      'beta: requests',
      'beta: 4XX and 5XX errors',
      'beta: latency (ms)',
      'beta: integration latency (ms)',
      'beta: throttled requests (429)',
    ]);
    const byTitle = Object.fromEntries(widgets.map((w) => [w.properties.title ?? w.properties.markdown, w]));
    const stageRef = (name: string): string =>
      `<${Stack.of(a).getLogicalId(a.stage(name).node.defaultChild as never)}>`;
    const apiMetric = (name: string, stat: string, label: string, stage = 'prod'): unknown[] => [
      'AWS/ApiGateway',
      name,
      'ApiName',
      'orders',
      'Stage',
      stageRef(stage),
      { label, stat },
    ];
    expect(byTitle['prod: requests'].properties.metrics).toEqual([
      apiMetric('Count', 'SampleCount', 'Requests'),
    ]);
    expect(byTitle['beta: 4XX and 5XX errors'].properties.metrics).toEqual([
      apiMetric('4XXError', 'Sum', '4XX', 'beta'),
      apiMetric('5XXError', 'Sum', '5XX', 'beta'),
    ]);
    expect(byTitle['prod: latency (ms)'].properties.metrics).toEqual([
      apiMetric('Latency', 'p50', 'p50'),
      apiMetric('Latency', 'p90', 'p90'),
      apiMetric('Latency', 'p99', 'p99'),
    ]);
    expect(byTitle['prod: integration latency (ms)'].properties.metrics).toEqual([
      apiMetric('IntegrationLatency', 'p50', 'p50'),
      apiMetric('IntegrationLatency', 'p90', 'p90'),
      apiMetric('IntegrationLatency', 'p99', 'p99'),
    ]);
    expect(byTitle['prod: cache hits and misses'].properties.metrics).toEqual([
      apiMetric('CacheHitCount', 'Sum', 'Hits'),
      apiMetric('CacheMissCount', 'Sum', 'Misses'),
    ]);
    // The web ACL's metrics: its metric name is the WebACL dimension, over every rule, in the API's Region.
    const webAclMetricName = (a.webAcl!.visibilityConfig as { metricName: string }).metricName;
    expect(byTitle['WAF requests (every stage)'].properties.metrics).toEqual([
      [
        'AWS/WAFV2',
        'AllowedRequests',
        'Region',
        '<region>',
        'Rule',
        'ALL',
        'WebACL',
        Stack.of(a).resolve(webAclMetricName),
        { label: 'Allowed', stat: 'Sum' },
      ],
      [
        'AWS/WAFV2',
        'BlockedRequests',
        'Region',
        '<region>',
        'Rule',
        'ALL',
        'WebACL',
        Stack.of(a).resolve(webAclMetricName),
        { label: 'Blocked', stat: 'Sum' },
      ],
    ]);
    // API Gateway has no throttle metric for REST APIs: throttles come from the access log.
    const logGroup = Stack.of(a).getLogicalId(a.accessLogGroup!.node.defaultChild as never);
    expect(byTitle['beta: throttled requests (429)'].properties.query).toBe(
      `SOURCE '<${logGroup}>' | filter stage = "beta" and status = 429\n| stats count(*) as throttled by bin(1m)`,
    );
  });

  test('no WAF widget without a web ACL, and no throttle widget with Firehose access logs', () => {
    const stack = new Stack(new App(), 'Stack');
    const a = new RegionalApi(stack, 'Api', {
      waf: { enabled: false },
      accessLogs: AccessLogs.firehose(),
      dashboard: { dashboardName: 'orders-private' },
    });
    a.addRoute('GET', '/orders', RouteIntegration.mock());
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'orders-private',
    });
    const names = titles(widgetsOf(stack));
    expect(names.filter((t) => t.startsWith('WAF') || t.includes('throttled'))).toEqual([]);
    expect(names).toContain('prod: latency (ms)');
  });

  test('fails when the dashboard name has characters CloudWatch refuses', () => {
    expectInvalid(
      () => preset({ dashboard: { dashboardName: 'orders dashboard' } }),
      'dashboard.dashboardName',
      '"orders dashboard"',
      'A dashboard name is 1 to 255 letters, digits, hyphens and underscores.',
    );
  });
});

describe('detailed metrics', () => {
  function methodSettings(a: RegionalApi, stageName = 'prod'): Array<Record<string, unknown>> {
    const stages = Template.fromStack(Stack.of(a)).findResources('AWS::ApiGateway::Stage');
    const stage = Object.values(stages).find((s) => s.Properties.StageName === stageName)!;
    return stage.Properties.MethodSettings as Array<Record<string, unknown>>;
  }

  test('off by default: the stage-wide entry says so', () => {
    expect(methodSettings(preset({}))[0]).toMatchObject({ HttpMethod: '*', MetricsEnabled: false });
  });

  test('on for the API, off for a stage that says so; per-method entries carry it too', () => {
    const stack = new Stack(new App(), 'Stack');
    const a = new RegionalApi(stack, 'Api', {
      detailedMetrics: true,
      stages: [{ stageName: 'prod' }, { stageName: 'dev', detailedMetrics: false }],
    });
    a.addRoute('GET', '/orders', RouteIntegration.mock(), { throttling: { rateLimit: 10, burstLimit: 5 } });
    expect(methodSettings(a, 'prod')).toEqual([
      expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', MetricsEnabled: true }),
      expect.objectContaining({ HttpMethod: 'GET', ResourcePath: '/~1orders', MetricsEnabled: true }),
    ]);
    const dev = methodSettings(a, 'dev');
    expect(dev[0]).toMatchObject({ HttpMethod: '*', MetricsEnabled: false });
    expect(dev[1]).toMatchObject({ HttpMethod: 'GET' });
    expect(dev[1]).not.toHaveProperty('MetricsEnabled');
  });
});
