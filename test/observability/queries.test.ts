import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AccessLogs, EdgeApi, RegionalApi, RouteIntegration } from '../../lib';
import { accessLogFormat } from '../../lib/observability/access-logs';
import { accessLogQueries } from '../../lib/observability/queries';

/** The fields of the access-log line, as its format names them. */
const FORMAT = accessLogFormat().toString();
const LINE_FIELDS = new Set(Object.keys(JSON.parse(FORMAT.replace(/:\$context\.[A-Za-z.]+/g, ':null'))));

/** Logs Insights words that are not fields: commands, keywords and the functions the queries call. */
const KEYWORDS = new Set(
  'fields filter stats sort limit by as asc desc and or not count avg pct max min sum bin like in'.split(' '),
);

/** The fields a query string reads: its words, less keywords, numbers, string literals and its own aliases. */
function fieldsRead(query: string): string[] {
  const withoutStrings = query.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const aliases = new Set([...withoutStrings.matchAll(/\bas\s+([A-Za-z_]\w*)/g)].map((m) => m[1]));
  const words = withoutStrings.match(/@?[A-Za-z_]\w*/g) ?? [];
  return [...new Set(words.filter((w) => !KEYWORDS.has(w) && !aliases.has(w)))];
}

/**
 * Whether a line passes a query's filters, compared as Logs Insights compares a JSON field: a number
 * literal against the field's value as a number (API Gateway writes statuses as JSON strings), a string
 * literal as text. Conditions are joined by `and`.
 */
function passesFilters(line: Record<string, string>, filters: readonly string[]): boolean {
  return filters.every((filter) =>
    filter.split(/\s+and\s+/).every((condition) => {
      const [, field, op, literal] = /^(\w+)\s*(>=|<=|!=|=|>|<)\s*(.+)$/.exec(condition.trim())!;
      const value = line[field];
      if (literal.startsWith('"')) {
        const text = JSON.parse(literal) as string;
        return op === '=' ? value === text : value !== text;
      }
      const [a, b] = [Number(value), Number(literal)];
      return { '>=': a >= b, '<=': a <= b, '=': a === b, '!=': a !== b, '>': a > b, '<': a < b }[op]!;
    }),
  );
}

/** An access-log line as API Gateway writes it, with these values and a placeholder for every other field. */
function line(values: Record<string, string>): Record<string, string> {
  return { ...Object.fromEntries([...LINE_FIELDS].map((f) => [f, '-'])), ...values };
}

describe('access-log queries', () => {
  test('saved with the log group the preset creates, under its construct path', () => {
    const stack = new Stack(new App(), 'Stack');
    const a = new EdgeApi(stack, 'Api');
    a.addRoute('GET', '/ping', RouteIntegration.mock());
    const template = Template.fromStack(stack);
    const logGroup = stack.getLogicalId(a.accessLogGroup!.node.defaultChild as CfnElement);
    const definitions = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map(
      (r) => r.Properties,
    );
    expect(definitions.map((d) => d.Name)).toEqual([
      'Stack/Api/Slowest routes',
      'Stack/Api/Errors by route',
      'Stack/Api/Throttled callers (429)',
      'Stack/Api/WAF blocks',
    ]);
    for (const definition of definitions) {
      expect(definition.LogGroupNames).toEqual([{ Ref: logGroup }]);
    }
    expect(a.accessLogQueries.map((q) => q.node.path)).toEqual([
      'Stack/Api/AccessLogQueries/SlowestRoutes',
      'Stack/Api/AccessLogQueries/ErrorsByRoute',
      'Stack/Api/AccessLogQueries/ThrottledCallers',
      'Stack/Api/AccessLogQueries/WafBlocks',
    ]);
    expect(definitions[2].QueryString).toBe(
      'filter status = 429\n' +
        '| stats count(*) as throttled by stage, ip, caller, principalId, errorResponseType, httpMethod, resourcePath\n' +
        '| sort throttled desc\n' +
        '| limit 50',
    );
  });

  test('saved with a log group given, and not with queries: false or Firehose access logs', () => {
    const stack = new Stack(new App(), 'Stack');
    const given = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'access-logs');
    const withGiven = new RegionalApi(stack, 'Given', {
      accessLogs: AccessLogs.cloudWatch({ logGroup: given }),
    });
    const off = new RegionalApi(stack, 'Off', { accessLogs: AccessLogs.cloudWatch({ queries: false }) });
    const firehose = new RegionalApi(stack, 'Firehose', { accessLogs: AccessLogs.firehose() });
    for (const a of [withGiven, off, firehose]) {
      a.addRoute('GET', '/ping', RouteIntegration.mock());
    }
    expect(withGiven.accessLogQueries).toHaveLength(4);
    expect(off.accessLogQueries).toEqual([]);
    expect(firehose.accessLogQueries).toEqual([]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::QueryDefinition', 4);
    template.allResourcesProperties('AWS::Logs::QueryDefinition', { LogGroupNames: ['access-logs'] });
  });

  test.each(accessLogQueries().map((q) => [q.title, q] as const))(
    '%s reads only fields of the access-log line',
    (_, { query }) => {
      const text = new logs.QueryString(query).toString();
      const read = fieldsRead(text);
      expect(read.length).toBeGreaterThan(0);
      expect(read.filter((field) => !LINE_FIELDS.has(field))).toEqual([]);
    },
  );

  test('the filters pick the lines they are named for', () => {
    const byId = Object.fromEntries(accessLogQueries().map((q) => [q.id, q.query.filterStatements ?? []]));
    const ok = line({ status: '200', wafResponseCode: 'WAF_ALLOW' });
    const notFound = line({ status: '404', wafResponseCode: 'WAF_ALLOW' });
    const throttled = line({ status: '429', errorResponseType: 'THROTTLED' });
    const failed = line({ status: '502', errorResponseType: 'INTEGRATION_FAILURE' });
    const blocked = line({ status: '403', wafResponseCode: 'WAF_BLOCK', wafStatus: '403' });
    const all = [ok, notFound, throttled, failed, blocked];
    expect(all.filter((l) => passesFilters(l, byId.SlowestRoutes))).toEqual(all);
    expect(all.filter((l) => passesFilters(l, byId.ErrorsByRoute))).toEqual([
      notFound,
      throttled,
      failed,
      blocked,
    ]);
    expect(all.filter((l) => passesFilters(l, byId.ThrottledCallers))).toEqual([throttled]);
    expect(all.filter((l) => passesFilters(l, byId.WafBlocks))).toEqual([blocked]);
  });
});
