import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeApi, RouteIntegration } from '../../lib';
import { integrationOf } from './definition';
import { escapeJavaScript, renderMappingTemplate, renderResponseTemplate, urlEncode } from './vtl';

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

  test("evaluates the library's own CORS mock template: a listed origin is echoed in any header-name case, others are not", () => {
    const stack = new Stack(new App(), 'Stack');
    new EdgeApi(stack, 'Api', {
      cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
    }).addRoute('GET', '/health', RouteIntegration.mock({ body: '{"ok":true}' }));
    const template = integrationOf(Template.fromStack(stack), 'GET', '/health').responses.default
      .responseTemplates['application/json'] as string;
    for (const [header, echoed] of [
      [{ Origin: 'https://b.example.com' }, 'https://b.example.com'],
      // HTTP/2 clients send header names in lowercase, and API Gateway passes them as sent.
      [{ origin: 'https://b.example.com' }, 'https://b.example.com'],
      [{ ORIGIN: 'https://b.example.com' }, 'https://b.example.com'],
      [{ Origin: 'https://evil.example.com' }, undefined],
      [{ origin: 'https://evil.example.com' }, undefined],
      [{}, undefined],
    ] as const) {
      const context: { responseOverride: { header: Record<string, string> } } = {
        responseOverride: { header: {} },
      };
      const out = renderMappingTemplate(template, { header, context });
      expect(JSON.parse(out)).toEqual({ ok: true });
      expect(context.responseOverride.header['Access-Control-Allow-Origin']).toBe(echoed);
    }
  });

  describe('nulls, as Velocity 1.7 with its default settings', () => {
    test("a missing key of a request map is null, not ''", () => {
      const template =
        '#if($input.params().header.get("X-Missing") == "")empty#elseif(!$input.params().header.get("X-Missing"))null#end';
      expect(renderMappingTemplate(template)).toBe('null');
      expect(renderMappingTemplate('#if($stageVariables.get("missing"))set#{else}null#end')).toBe('null');
    });

    test('a null reference renders as its own text unless it is quiet', () => {
      expect(renderMappingTemplate('[$input.params().header.get("X-Missing")]')).toBe(
        '[$input.params().header.get("X-Missing")]',
      );
      expect(renderMappingTemplate('[$!input.params().header.get("X-Missing")]')).toBe('[]');
      expect(renderMappingTemplate('[$undefined][$!undefined]')).toBe('[$undefined][]');
      // A JSON null is a Java null too.
      expect(
        renderMappingTemplate('#set($o = $util.parseJson($input.body))[$o.a][$!o.a]', { body: '{"a":null}' }),
      ).toBe('[$o.a][]');
    });

    test('#set with a null right side leaves the variable as it was', () => {
      expect(
        renderMappingTemplate('#set($x = "old")#set($x = $input.params().header.get("X-Missing"))$x'),
      ).toBe('old');
      expect(renderMappingTemplate('#set($x = $input.params().header.get("X-Missing"))$x')).toBe('$x');
      const { headerOverrides } = renderResponseTemplate(
        '#set($context.responseOverride.header.Vary = $input.params().header.get("X-Missing"))',
        '{}',
      );
      expect(headerOverrides).toEqual({});
      // A value that is not null is assigned.
      expect(
        renderMappingTemplate('#set($x = "old")#set($x = $input.params().header.get("X-Trace"))$x', {
          header: { 'X-Trace': 't-1' },
        }),
      ).toBe('t-1');
    });

    test('header names keep the case the client sent: get("Origin") does not find origin', () => {
      const template = '$!input.params().header.get("Origin")|$!input.params().header.get("origin")';
      expect(renderMappingTemplate(template, { header: { origin: 'https://a.example.com' } })).toBe(
        '|https://a.example.com',
      );
    });
  });

  test('calls on strings behave as java.lang.String: replaceAll takes a regex, replace replaces all', () => {
    const render = (template: string, text: string) => renderMappingTemplate(template, { body: text });
    // The template text "\\'" is the Java string \\' : a regex for a backslash and an apostrophe.
    expect(render(`$input.body.replaceAll("\\\\'","'")`, "a\\'b\\'c")).toBe("a'b'c");
    expect(render('$input.body.replace("a","b")', 'aaa')).toBe('bbb');
    expect(render("$input.body.matches('b')", 'abc')).toBe('false');
    expect(render("$input.body.matches('a.c')", 'abc')).toBe('true');
    expect(render('$input.body.length()', 'abc')).toBe('3');
    expect(render('$input.body.contains("bc")', 'abc')).toBe('true');
    expect(() => render("$input.body.matches('(?s).*')", 'a')).toThrow(/inline flags/);
  });

  test("urlEncode is Java's URLEncoder: form encoding with * kept and ! ' ( ) ~ encoded", () => {
    expect(urlEncode("a b*c!'()~é&=+")).toBe('a+b*c%21%27%28%29%7E%C3%A9%26%3D%2B');
    expect(new URLSearchParams(`v=${urlEncode("a b*c!'()~é&=+")}`).get('v')).toBe("a b*c!'()~é&=+");
  });

  test('a map has only its own keys, even after velocityjs calls a method on it', () => {
    const out = renderMappingTemplate(
      '$input.params().path.get("id")#foreach($k in $input.params().path.keySet())[$k]#end',
      { path: { id: '1' } },
    );
    expect(out).toBe('1[id]');
  });

  test('a response template can override the status and headers', () => {
    const template =
      '#set($context.responseOverride.status = 409)#set($context.responseOverride.header.Retry-After = "5"){"id":"$context.requestId"}';
    expect(renderResponseTemplate(template, '{}')).toEqual({
      body: '{"id":"request-1"}',
      statusOverride: 409,
      headerOverrides: { 'Retry-After': '5' },
    });
  });

  test('a directive followed by letters is not the directive, so templates write #{end} and #{else}', () => {
    expect(renderMappingTemplate('#if(true)a#{end}b')).toBe('ab');
    expect(renderMappingTemplate('#if(false)a#{else}b#{end}c')).toBe('bc');
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
    expect(() => renderMappingTemplate('$input.body.substring(2, 4)', { body: 'abc' })).toThrow(
      /StringIndexOutOfBounds/,
    );
    expect(renderMappingTemplate(`$input.body.replaceAll('\\.', '\\$')`, { body: 'a.b.c' })).toBe('a$b$c');
  });
});
