import { JSONPath } from 'jsonpath-plus';
import { Compile, Helper, parse } from 'velocityjs';

/**
 * Evaluates API Gateway mapping templates with a real Velocity engine (velocityjs) and the variables
 * API Gateway gives a template: `$input`, `$util`, `$context` and `$stageVariables`, as its developer
 * guide describes them ("Variables for data transformations").
 *
 * Nulls behave as in Apache Velocity 1.7, the Java engine API Gateway runs, with its default settings
 * (a Java null is `undefined` here, which is what velocityjs treats as a missing reference):
 * - `$map.get(missing)` (`$input.params().header`, `.path`, `.querystring`, `$stageVariables`) is null,
 *   not `''`; header names keep the case the client sent (HTTP/2 clients send them in lowercase), so
 *   `get("Origin")` does not find `origin`;
 * - a null reference renders as its own text (`$x` prints `$x`) unless it is quiet (`$!x`);
 * - `#set($x = expr)` with a null right side leaves `$x` as it was: `directive.set.null.allowed` is
 *   false by default in 1.7 (Velocity user guide 1.7, "#set": "If the RHS is a property or method
 *   reference that evaluates to null, it will not be assigned to the LHS");
 * - `null == ""` is false.
 *
 * What API Gateway does where the guide is silent, assumed here: a missing JSONPath selects nothing
 * and `$input.json` then gives `""` (an empty JSON string is not written, so `$input.json` is wrapped
 * by templates that may meet it); an empty body is `{}` to `$input.json('$')`; `$input.params(name)`
 * of a missing parameter is an empty string.
 */
export interface MappingRequest {
  /** The raw request body (or, in a response template, the integration response body). */
  readonly body?: string;
  readonly path?: Record<string, string>;
  readonly querystring?: Record<string, string>;
  readonly header?: Record<string, string>;
  readonly context?: Record<string, unknown>;
  readonly stageVariables?: Record<string, string>;
}

/** The keys of each map, kept apart from its properties: velocityjs adds an `eval` property to objects it calls. */
const MAP_KEYS = new WeakMap<object, string[]>();

/** A Java-like map, as templates use them: `get`, `keySet`, `containsKey`, `size`, and plain keys. */
class VelocityMap {
  [key: string]: unknown;

  constructor(entries: Record<string, unknown>) {
    Object.assign(this, entries);
    MAP_KEYS.set(this, Object.keys(entries));
  }

  /** Java's `Map.get`: null (here `undefined`) for a key the map does not hold. */
  public get(key: string): unknown {
    return this.containsKey(key) ? this[key] : undefined;
  }

  public keySet(): string[] {
    return [...MAP_KEYS.get(this)!];
  }

  public containsKey(key: string): boolean {
    return MAP_KEYS.get(this)!.includes(key);
  }

  public size(): number {
    return MAP_KEYS.get(this)!.length;
  }

  public isEmpty(): boolean {
    return this.size() === 0;
  }
}

/** JavaScript string escaping as API Gateway's `$util.escapeJavaScript` (Apache Commons escapeEcmaScript). */
export function escapeJavaScript(value: unknown): string {
  let out = '';
  for (const char of String(value ?? '')) {
    const code = char.codePointAt(0)!;
    const escaped: Record<string, string> = {
      "'": "\\'",
      '"': '\\"',
      '\\': '\\\\',
      '/': '\\/',
      '\b': '\\b',
      '\n': '\\n',
      '\t': '\\t',
      '\f': '\\f',
      '\r': '\\r',
    };
    if (escaped[char] !== undefined) {
      out += escaped[char];
    } else if (code < 0x20 || code > 0x7e) {
      // Outside printable ASCII: \uXXXX, as UTF-16 code units.
      for (const unit of char.split('')) {
        out += `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      }
    } else {
      out += char;
    }
  }
  return out;
}

function parsedBody(body: string | undefined): unknown {
  if (body === undefined || body.trim() === '') {
    return {};
  }
  return JSON.parse(body);
}

function select(body: string | undefined, path: string): { found: boolean; value?: unknown } {
  const results = JSONPath({ path, json: parsedBody(body) as object, wrap: true }) as unknown[];
  return results.length === 0 ? { found: false } : { found: true, value: results[0] };
}

/** `java.net.URLEncoder.encode(text, "UTF-8")`, which `$util.urlEncode` is: form encoding, `*` kept. */
export function urlEncode(text: unknown): string {
  return encodeURIComponent(String(text ?? ''))
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * A Java regular expression as a JavaScript one. Templates use the subset both languages read alike
 * (classes, groups, alternation, `^`, `$`); inline flags such as `(?s)` are refused rather than misread.
 */
function javaRegex(pattern: string, flags = ''): RegExp {
  if (/\(\?[a-z]/i.test(pattern)) {
    throw new Error(`the harness does not translate inline flags: ${pattern}`);
  }
  return new RegExp(pattern, flags);
}

/** A Java `replaceAll` replacement: `$n` is a group, a backslash quotes the next character. */
function javaReplacement(replacement: string): (match: string, ...groups: unknown[]) => string {
  return (match, ...groups) =>
    replacement.replace(/\\(.)|\$(\d)/g, (_, quoted: string | undefined, group: string | undefined) =>
      quoted !== undefined ? quoted : String(group === '0' ? match : (groups[Number(group) - 1] ?? '')),
    );
}

/** Java's `substring`: an index out of range throws, so a template's off-by-one is found. */
function javaSubstring(text: string, begin: unknown, end: unknown = text.length): string {
  const [from, to] = [Number(begin), Number(end)];
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > text.length || from > to) {
    throw new Error(`StringIndexOutOfBoundsException: begin ${from}, end ${to}, length ${text.length}`);
  }
  return text.substring(from, to);
}

/** Java's `split(regex)`: trailing empty strings are removed. */
function javaSplit(text: string, pattern: unknown): string[] {
  const parts = text.split(javaRegex(String(pattern)));
  while (parts.length > 1 && parts[parts.length - 1] === '') {
    parts.pop();
  }
  return parts;
}

/**
 * What a template may call on a string (a value from the request, what `$util` returns, or a literal),
 * as `java.lang.String` behaves, where JavaScript's methods of the same name differ or are missing:
 * `replaceAll` takes a regular expression, `replace` replaces every occurrence, `matches` must match the
 * whole string, `split` drops trailing empty strings, `substring` throws out of range, `length()` is a
 * method.
 */
const JAVA_STRING_METHODS: Record<string, (text: string, ...args: unknown[]) => unknown> = {
  contains: (text, part) => text.includes(String(part)),
  endsWith: (text, suffix) => text.endsWith(String(suffix)),
  equals: (text, other) => text === other,
  indexOf: (text, part, from) => text.indexOf(String(part), from === undefined ? 0 : Number(from)),
  isEmpty: (text) => text.length === 0,
  lastIndexOf: (text, part) => text.lastIndexOf(String(part)),
  length: (text) => text.length,
  matches: (text, pattern) => javaRegex(`^(?:${String(pattern)})$`).test(text),
  replace: (text, target, replacement) => text.split(String(target)).join(String(replacement)),
  replaceAll: (text, pattern, replacement) =>
    text.replace(javaRegex(String(pattern), 'g'), javaReplacement(String(replacement))),
  split: javaSplit,
  startsWith: (text, prefix) => text.startsWith(String(prefix)),
  substring: javaSubstring,
  toLowerCase: (text) => text.toLowerCase(),
  toString: (text: string) => text,
  toUpperCase: (text) => text.toUpperCase(),
  trim: (text) => text.trim(),
};

const JAVA_STRING_HANDLERS = Object.entries(JAVA_STRING_METHODS).map(([name, method]) => ({
  uid: `java.lang.String.${name}`,
  match: ({ property, context }: { property: string; context: unknown }) =>
    property === name && typeof context === 'string',
  resolve: ({ context, params }: { context: unknown; params: unknown[] }) =>
    method(context as string, ...params),
}));

/**
 * velocityjs with Velocity 1.7's nulls: a `#set` whose right side is null assigns nothing, and a null
 * value renders as the reference's text, as a missing one does. velocityjs itself assigns a null right
 * side and renders a null value as `null`, and none of its options (`valueMapper`, `env`, `escape`)
 * changes either.
 */
type VelocityAst = ReturnType<typeof parse>[number];
type SetAst = Extract<VelocityAst, { type: 'set' }>;
type ReferenceAst = Extract<VelocityAst, { type: 'references' }>;

class JavaVelocity extends Compile {
  protected setValue(ast: SetAst): void {
    const right = ast.equal[1];
    const value: unknown = right.type === 'math' ? this.getExpression(right) : this.getLiteral(right);
    if (value === undefined || value === null) {
      return;
    }
    // Let velocityjs assign (it resolves paths such as $a.b.c) without evaluating the right side twice.
    const mapper = this.config.valueMapper;
    ast.equal[1] = { type: 'integer', value: '0' } as unknown as VelocityAst;
    this.config.valueMapper = () => value;
    try {
      super.setValue(ast);
    } finally {
      ast.equal[1] = right;
      this.config.valueMapper = mapper;
    }
  }

  protected getReferences(ast: VelocityAst, isVal?: boolean): string {
    const value = super.getReferences(ast, isVal) as unknown;
    if (isVal && value === null) {
      const reference = ast as ReferenceAst;
      return this.silence || reference.leader === '$!' ? '' : Helper.getRefText(reference);
    }
    return value as string;
  }
}

/** Renders `template` for a request, as API Gateway would. */
export function renderMappingTemplate(template: string, request: MappingRequest = {}): string {
  const path = new VelocityMap(request.path ?? {});
  const querystring = new VelocityMap(request.querystring ?? {});
  const header = new VelocityMap(request.header ?? {});
  const input = {
    body: request.body ?? '',
    json: (jsonPath: string): string => {
      const selected = select(request.body, jsonPath);
      return selected.found ? JSON.stringify(selected.value) : '""';
    },
    path: (jsonPath: string): unknown => select(request.body, jsonPath).value ?? '',
    params: (name?: string): unknown => {
      if (name === undefined) {
        return new VelocityMap({ path, querystring, header });
      }
      for (const map of [path, querystring, header]) {
        if (map.containsKey(name)) {
          return map.get(name);
        }
      }
      return '';
    },
  };
  const util = {
    escapeJavaScript,
    parseJson: (text: string): unknown => JSON.parse(text),
    urlEncode,
    urlDecode: (text: string): string => decodeURIComponent(text.replace(/\+/g, ' ')),
    base64Encode: (text: string): string => Buffer.from(text, 'utf8').toString('base64'),
    base64Decode: (text: string): string => Buffer.from(text, 'base64').toString('utf8'),
  };
  return new JavaVelocity(parse(template), { customMethodHandlers: JAVA_STRING_HANDLERS }).render({
    input,
    util,
    context: request.context ?? {},
    stageVariables: new VelocityMap(request.stageVariables ?? {}),
  });
}

/** What an integration response's mapping template makes of a backend's response. */
export interface MappedResponse {
  /** The response body the client receives. */
  readonly body: string;
  /** The status code the template set with `$context.responseOverride.status`, if it did. */
  readonly statusOverride?: number;
  /** Headers the template set with `$context.responseOverride.header`. */
  readonly headerOverrides: Record<string, string>;
}

/**
 * Renders an integration response's template for the backend's response `body`, with
 * `$context.responseOverride` to write to, as API Gateway gives one to response templates.
 */
export function renderResponseTemplate(
  template: string,
  body: string,
  request: Omit<MappingRequest, 'body'> = {},
): MappedResponse {
  const responseOverride: { status?: number; header: Record<string, string> } = { header: {} };
  const rendered = renderMappingTemplate(template, {
    ...request,
    body,
    context: { requestId: 'request-1', ...request.context, responseOverride },
  });
  return {
    body: rendered,
    ...(responseOverride.status !== undefined ? { statusOverride: Number(responseOverride.status) } : {}),
    headerOverrides: responseOverride.header,
  };
}
