import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EdgeApi, RouteIntegration, S3ProxyApi } from '../../lib';
import { velocityError } from '../../lib/private/templates';
import { expectInvalid } from '../support/expect-invalid';

/** A template as the synthesized stack holds it: a string, or an `Fn::Join` of strings and values. */
function text(template: unknown): string {
  const join = (template as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (typeof template === 'string') {
    return template;
  }
  return join ? join[1].map((part) => (typeof part === 'string' ? part : 'token')).join(join[0]) : 'token';
}

/** Every mapping template in a definition, with where it is. */
function templatesIn(value: unknown, at = ''): [string, string][] {
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, child]) =>
    (key === 'requestTemplates' || key === 'responseTemplates') && typeof child === 'object'
      ? Object.entries(child as object).map(
          ([type, t]) => [`${at}.${key}.${type}`, text(t)] as [string, string],
        )
      : templatesIn(child, `${at}.${key}`),
  );
}

function api(): EdgeApi {
  return new EdgeApi(new Stack(new App(), 'Stack'), 'Api');
}

const ALLOWED =
  'A mapping template (a mock body, a requestTemplate or a responseTemplate) must be valid Velocity (VTL): ';

describe('mapping templates are checked at synth', () => {
  test.each([
    ['#if($input.body', /^Parse error on line 1/],
    ["$input.json('$'", /^Parse error on line 1/],
    ['#set($a = )', /^Parse error on line 1/],
    ['{"a":1}#if(true)a', /^#if on line 1 has no #end\.$/],
    ['#foreach($a in $b)x', /^#foreach on line 1 has no #end\.$/],
    ['#if(true)\n#foreach($a in $b)x#end', /^#if on line 1 has no #end\.$/],
    ['a\n#end', /^#end on line 2 closes no block\.$/],
    ['#if(true)a#end#end', /^#end on line 1 closes no block\.$/],
    ['#else', /^#else on line 1 is not inside an #if\.$/],
    ['#foreach($a in $b)#elseif(true)#end', /^#elseif on line 1 is not inside an #if\.$/],
  ])('rejects %j', (template, reason) => {
    expect(velocityError(template)).toMatch(reason);
  });

  test.each([
    '{"ok":true}',
    '#if(true)a#{else}b#{end}c',
    '#foreach($k in $input.params().header.keySet())#if($foreach.hasNext),#end#end',
    '#define($x)y#end$x',
    // A CDK token stands for a value, e.g. an ARN.
    '{"StateMachineArn":"${Token[TOKEN.123]}"}',
    // Text that is neither a directive nor a reference.
    'price: 5$ #1 # $',
  ])('accepts %j', (template) => {
    expect(velocityError(template)).toBeUndefined();
  });

  test('fails when a mock body is not valid Velocity, naming the route and the content type', () => {
    expectInvalid(
      () => api().addRoute('GET', '/health', RouteIntegration.mock({ body: '{"ok":#if($input.body}' })),
      'integration.responses["default"].responseTemplates["application/json"] of GET /health',
      '"{\\"ok\\":#if($input.body}"',
      `${ALLOWED}Parse error on line 1:`,
    );
  });

  test('fails when a requestTemplate leaves an #if open, naming the route and the content type', () => {
    const a = api();
    const bus = new events.EventBus(a, 'Bus');
    expectInvalid(
      () =>
        a.addRoute(
          'POST',
          '/events',
          RouteIntegration.awsService({
            service: 'events',
            action: 'PutEvents',
            allow: [{ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }],
            requestTemplate: '{"Entries":[#if($input.body != "")"x"]}',
            contentTypes: ['application/json', 'text/plain'],
          }),
        ),
      'integration.requestTemplates["application/json"] of POST /events',
      '"{\\"Entries\\":[#if($input.body != \\"\\")\\"x\\"]}"',
      `${ALLOWED}#if on line 1 has no #end.`,
    );
  });

  test('fails when a responseTemplate has an #end too many', () => {
    const a = api();
    const bus = new events.EventBus(a, 'Bus');
    expectInvalid(
      () =>
        a.addRoute(
          'POST',
          '/events',
          RouteIntegration.awsService({
            service: 'events',
            action: 'PutEvents',
            allow: [{ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }],
            requestTemplate: '{"Entries":[]}',
            responseTemplate: '{"id":"$context.requestId"}#end',
          }),
        ),
      'integration.responses["default"].responseTemplates["application/json"] of POST /events',
      '"{\\"id\\":\\"$context.requestId\\"}#end"',
      `${ALLOWED}#end on line 1 closes no block.`,
    );
  });

  test('quotes at most 200 characters of a long template', () => {
    const body = `${'x'.repeat(300)}#if(`;
    expect(() => api().addRoute('GET', '/long', RouteIntegration.mock({ body }))).toThrow(
      `: "${'x'.repeat(200)}…". `,
    );
  });

  test("the library's own templates parse: integrations, CORS preflights and echoes, gateway responses", () => {
    const stack = new Stack(new App(), 'Stack');
    const api = new EdgeApi(stack, 'Api', {
      cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
    });
    api.addRoute('GET', '/ping', RouteIntegration.mock());
    api.addRoute('POST', '/queue', RouteIntegration.sqs(new sqs.Queue(stack, 'Queue')));
    const machine = new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
    });
    api.addRoute('POST', '/start', RouteIntegration.stepFunctions(machine));
    new S3ProxyApi(stack, 'Files', { allowPut: true, cors: { allowOrigins: ['https://a.example.com'] } });
    const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
    const templates = Object.values(apis).flatMap((resource) => templatesIn(resource.Properties.Body));
    expect(templates.length).toBeGreaterThan(10);
    for (const [at, template] of templates) {
      expect([at, velocityError(template)]).toEqual([at, undefined]);
    }
  });
});
