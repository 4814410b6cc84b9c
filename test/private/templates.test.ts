import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { EdgeApi, RouteIntegration } from '../../lib';
import { velocityError } from '../../lib/private/templates';
import { expectInvalid } from '../support/expect-invalid';

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
});
