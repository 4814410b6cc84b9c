import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * A saved CloudWatch Logs Insights query over the access log the library writes (`accessLogFormat()`):
 * its construct id under the preset's `AccessLogQueries`, the title it is saved under, and its parts.
 */
export interface AccessLogQuery {
  readonly id: string;
  readonly title: string;
  readonly query: logs.QueryStringProps;
}

/**
 * The queries, each reading only fields of the access-log line. Fields API Gateway writes as JSON strings
 * (status, latencies) compare and aggregate as numbers in Logs Insights, as AWS's own API Gateway
 * snippets do (aws-samples/serverless-snippets, `cloudwatch-insight-apigw-*`).
 */
export function accessLogQueries(): AccessLogQuery[] {
  return [
    {
      id: 'SlowestRoutes',
      title: 'Slowest routes',
      query: {
        statsStatements: [
          'count(*) as requests, avg(responseLatency) as avgLatency, pct(responseLatency, 90) as p90Latency, ' +
            'pct(responseLatency, 99) as p99Latency, max(responseLatency) as maxLatency, ' +
            'avg(integrationLatency) as avgIntegrationLatency by stage, httpMethod, resourcePath',
        ],
        sort: 'p99Latency desc',
        limit: 25,
      },
    },
    {
      id: 'ErrorsByRoute',
      title: 'Errors by route',
      query: {
        filterStatements: ['status >= 400'],
        statsStatements: ['count(*) as errors by stage, httpMethod, resourcePath, status, errorResponseType'],
        sort: 'errors desc',
        limit: 50,
      },
    },
    {
      // API Gateway answers 429 when a stage's, method's or usage plan's throttling or quota refuses a request.
      id: 'ThrottledCallers',
      title: 'Throttled callers (429)',
      query: {
        filterStatements: ['status = 429'],
        statsStatements: [
          'count(*) as throttled by stage, ip, caller, principalId, errorResponseType, httpMethod, resourcePath',
        ],
        sort: 'throttled desc',
        limit: 50,
      },
    },
    {
      // `$context.wafResponseCode` is WAF_ALLOW or WAF_BLOCK when the stage has a web ACL (API Gateway
      // "Variables for access logging"); a blocked request is still logged, with WAF's status.
      id: 'WafBlocks',
      title: 'WAF blocks',
      query: {
        filterStatements: ['wafResponseCode = "WAF_BLOCK"'],
        statsStatements: ['count(*) as blocked by stage, ip, httpMethod, path, wafStatus, webAclArn'],
        sort: 'blocked desc',
        limit: 50,
      },
    },
  ];
}

/**
 * Creates scope/AccessLogQueries with one saved Logs Insights query (`logs.QueryDefinition`) per entry of
 * `accessLogQueries()`, each scoped to the access-log group and saved in the console under a folder named
 * after the preset's construct path.
 */
export function createAccessLogQueries(scope: Construct, logGroup: logs.ILogGroup): logs.QueryDefinition[] {
  // eslint-disable-next-line awscdk/require-passing-this -- created under the preset that binds the access logs
  const container = new Construct(scope, 'AccessLogQueries');
  return accessLogQueries().map(
    ({ id, title, query }) =>
      new logs.QueryDefinition(container, id, {
        queryDefinitionName: `${scope.node.path}/${title}`,
        queryString: new logs.QueryString(query),
        logGroups: [logGroup],
      }),
  );
}
