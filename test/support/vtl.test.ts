import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeApi, RouteIntegration } from '../../lib';
import { integrationOf } from './definition';
import { escapeJavaScript, JavaString, renderMappingTemplate } from './vtl';

describe('the mapping-template harness', () => {
  test('gives templates the body, JSONPath selections and parameters, as API Gateway does', () => {
    const template = [
      '{"body":"$util.escapeJavaScript($input.body)",',
      '"item":$input.json(\'$.item\'),',
      '"first":"$input.path(\'$.tags[0]\')",',
      '"id":"$input.params(\'id\')",',
      '"trace":"$input.params().header.get(\'X-Trace\')",',
      '"stage":"$context.stage"}',
    ].join('');
    const out = renderMappingTemplate(template, {
      body: '{"item":{"name":"x"},"tags":["a","b"]}',
      path: { id: '42' },
      header: { 'X-Trace': 't-1' },
      context: { stage: 'prod' },
    });
    expect(JSON.parse(out)).toEqual({
      body: '{"item":{"name":"x"},"tags":["a","b"]}',
      item: { name: 'x' },
      first: 'a',
      id: '42',
      trace: 't-1',
      stage: 'prod',
    });
  });

  test('escapes as JavaScript, so awkward input stays one JSON string', () => {
    const awkward = 'quote " apostrophe \' backslash \\ slash / newline \n tab \t é ✓ 😀';
    const escaped = escapeJavaScript(awkward);
    // Apostrophes come out as \' (not valid JSON); templates turn them back.
    expect(escaped).toContain("\\'");
    expect(JSON.parse(`"${escaped.replace(/\\'/g, "'")}"`)).toBe(awkward);
  });

  test("evaluates the library's own CORS mock template: a listed origin is echoed, others are not", () => {
    const stack = new Stack(new App(), 'Stack');
    new EdgeApi(stack, 'Api', {
      cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
    }).addRoute('GET', '/health', RouteIntegration.mock({ body: '{"ok":true}' }));
    const template = integrationOf(Template.fromStack(stack), 'GET', '/health').responses.default
      .responseTemplates['application/json'] as string;
    for (const [origin, echoed] of [
      ['https://b.example.com', 'https://b.example.com'],
      ['https://evil.example.com', undefined],
    ] as const) {
      const context: { responseOverride: { header: Record<string, string> } } = {
        responseOverride: { header: {} },
      };
      const out = renderMappingTemplate(template, { header: { Origin: origin }, context });
      expect(JSON.parse(out)).toEqual({ ok: true });
      expect(context.responseOverride.header['Access-Control-Allow-Origin']).toBe(echoed);
    }
  });

  test("gives templates Java's strings: regex replaceAll, literal replace, split, length() and substring", () => {
    const template = [
      '#set($b = $input.body)',
      '{"n":$b.length(),',
      '"quote":"$util.escapeJavaScript($b).replaceAll("\\\\\'","\'")",',
      '"each":"$b.replace(\'a\', \'o\')",',
      '"parts":#foreach($p in $b.split(\',\'))#set($count = $foreach.count)#end$count,',
      // As in Java Velocity, arithmetic is not allowed in method arguments: #set it first.
      '#set($from = $b.indexOf(\',\') + 1)"tail":"$b.substring($from)",',
      '"empty":#if($input.params(\'missing\') == "")true#{else}false#end,',
      // String literals are Java strings too.
      '#set($literal = "a/b/")"literal":$literal.length()}',
    ].join('');
    const out = renderMappingTemplate(template, { body: "a'a,b,," });
    expect(JSON.parse(out)).toEqual({
      n: 7,
      quote: "a'a,b,,",
      each: "o'o,b,,",
      // Java drops trailing empty strings: two parts, not four.
      parts: 2,
      tail: 'b,,',
      empty: true,
      literal: 4,
    });
    expect(() => new JavaString('abc').substring(2, 4)).toThrow(/StringIndexOutOfBounds/);
    expect(new JavaString('a.b.c').replaceAll('\\.', '\\$')).toEqual(new JavaString('a$b$c'));
  });
});
