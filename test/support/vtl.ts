import { JSONPath } from 'jsonpath-plus';
import { render } from 'velocityjs';

/**
 * Evaluates API Gateway mapping templates with a real Velocity engine (velocityjs) and the variables
 * API Gateway gives a template: `$input`, `$util`, `$context` and `$stageVariables`, as its developer
 * guide describes them ("Variables for data transformations").
 *
 * API Gateway's template engine is Java Velocity: the strings a template gets (`$input.body`, parameters,
 * what `$util` returns) are `java.lang.String`s, with Java's methods (`replaceAll` takes a regular
 * expression, `replace` replaces every occurrence, `length()` is a method). They are `JavaString`s here,
 * so a template that relies on Java's behaviour is evaluated as API Gateway would.
 *
 * What API Gateway does where the guide is silent, assumed here: a missing JSONPath selects nothing
 * and `$input.json` then gives `""` (an empty JSON string is not written, so `$input.json` is wrapped
 * by templates that may meet it); an empty body is `{}` to `$input.json('$')`; a missing parameter is
 * an empty string.
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

/**
 * A `java.lang.String` as a template sees it: Java's methods with Java's semantics. Interpolated and
 * compared (`==`) as its text.
 */
export class JavaString {
  constructor(private readonly text: string) {}

  public toString(): string {
    return this.text;
  }

  public valueOf(): string {
    return this.text;
  }

  public length(): number {
    return this.text.length;
  }

  public isEmpty(): boolean {
    return this.text.length === 0;
  }

  public equals(other: unknown): boolean {
    return other instanceof JavaString ? other.text === this.text : other === this.text;
  }

  public contains(part: unknown): boolean {
    return this.text.includes(String(part));
  }

  public startsWith(prefix: unknown): boolean {
    return this.text.startsWith(String(prefix));
  }

  public endsWith(suffix: unknown): boolean {
    return this.text.endsWith(String(suffix));
  }

  public indexOf(part: unknown, from = 0): number {
    return this.text.indexOf(String(part), from);
  }

  public lastIndexOf(part: unknown): number {
    return this.text.lastIndexOf(String(part));
  }

  /** Java throws on indices out of range; so does this, so a template's off-by-one is found. */
  public substring(begin: number, end = this.text.length): JavaString {
    if (
      !Number.isInteger(begin) ||
      !Number.isInteger(end) ||
      begin < 0 ||
      end > this.text.length ||
      begin > end
    ) {
      throw new Error(
        `StringIndexOutOfBoundsException: begin ${begin}, end ${end}, length ${this.text.length}`,
      );
    }
    return new JavaString(this.text.substring(begin, end));
  }

  /** Every occurrence, literally (Java's `replace(CharSequence, CharSequence)`). */
  public replace(target: unknown, replacement: unknown): JavaString {
    return new JavaString(this.text.split(String(target)).join(String(replacement)));
  }

  /** A regular expression, and Java's replacement syntax (`$1`, `\` quoting the next character). */
  public replaceAll(regex: unknown, replacement: unknown): JavaString {
    const expanded = String(replacement);
    return new JavaString(
      this.text.replace(new RegExp(String(regex), 'g'), (...match: unknown[]) => {
        let out = '';
        for (let i = 0; i < expanded.length; i++) {
          const char = expanded[i];
          if (char === '\\') {
            out += expanded[++i] ?? '';
          } else if (char === '$') {
            const group = /^\d+/.exec(expanded.slice(i + 1))![0];
            out += String(match[Number(group)] ?? '');
            i += group.length;
          } else {
            out += char;
          }
        }
        return out;
      }),
    );
  }

  public matches(regex: unknown): boolean {
    return new RegExp(`^(?:${String(regex)})$`).test(this.text);
  }

  /** Java's `split(regex)`: trailing empty strings are removed. */
  public split(regex: unknown): JavaString[] {
    const parts = this.text.split(new RegExp(String(regex)));
    while (parts.length > 1 && parts[parts.length - 1] === '') {
      parts.pop();
    }
    return parts.map((part) => new JavaString(part));
  }

  public trim(): JavaString {
    return new JavaString(this.text.trim());
  }

  public toLowerCase(): JavaString {
    return new JavaString(this.text.toLowerCase());
  }

  public toUpperCase(): JavaString {
    return new JavaString(this.text.toUpperCase());
  }
}

/** A Java-like map, as templates use them: `get`, `keySet`, `containsKey`, `size`, and plain keys. */
class VelocityMap {
  [key: string]: unknown;

  constructor(entries: Record<string, unknown>) {
    for (const [key, value] of Object.entries(entries)) {
      this[key] = typeof value === 'string' ? new JavaString(value) : value;
    }
  }

  public get(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this, String(key)) ? this[String(key)] : new JavaString('');
  }

  public keySet(): string[] {
    return Object.keys(this);
  }

  public containsKey(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this, String(key));
  }

  public size(): number {
    return Object.keys(this).length;
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

/** `java.net.URLEncoder.encode(text, "UTF-8")`: letters, digits and `. - * _` stay, a space is `+`. */
function urlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(char)) {
      out += char;
    } else if (char === ' ') {
      out += '+';
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** `java.net.URLDecoder.decode(text, "UTF-8")`: `+` is a space, `%XX` are UTF-8 bytes. */
function urlDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
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

/** What a template set in `$context.requestOverride` / `responseOverride`, as the plain strings API Gateway sends. */
function plainOverrides(context: Record<string, unknown>): void {
  const plain = (value: unknown): unknown => {
    if (value instanceof JavaString) {
      return value.toString();
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) {
        (value as Record<string, unknown>)[key] = plain(child);
      }
    }
    return value;
  };
  for (const key of ['requestOverride', 'responseOverride']) {
    if (context[key] !== undefined) {
      plain(context[key]);
    }
  }
}

/** String literals of a template (`#set($a = "...")`) are Java strings too: their methods are Java's. */
const JAVA_STRING_LITERALS = {
  uid: 'java.lang.String',
  match: ({ context, property }: { context: unknown; property: string }): boolean =>
    typeof context === 'string' && property in JavaString.prototype,
  resolve: ({
    context,
    property,
    params,
  }: {
    context: unknown;
    property: string;
    params: unknown[];
  }): unknown =>
    (new JavaString(String(context)) as unknown as Record<string, (...args: unknown[]) => unknown>)[property](
      ...params,
    ),
};

/** Renders `template` for a request, as API Gateway would. */
export function renderMappingTemplate(template: string, request: MappingRequest = {}): string {
  const path = new VelocityMap(request.path ?? {});
  const querystring = new VelocityMap(request.querystring ?? {});
  const header = new VelocityMap(request.header ?? {});
  const input = {
    body: new JavaString(request.body ?? ''),
    json: (jsonPath: unknown): JavaString => {
      const selected = select(request.body, String(jsonPath));
      return new JavaString(selected.found ? JSON.stringify(selected.value) : '""');
    },
    path: (jsonPath: unknown): unknown => {
      const value = select(request.body, String(jsonPath)).value ?? '';
      return typeof value === 'string' ? new JavaString(value) : value;
    },
    params: (name?: unknown): unknown => {
      if (name === undefined) {
        return new VelocityMap({ path, querystring, header });
      }
      for (const map of [path, querystring, header]) {
        if (map.containsKey(String(name))) {
          return map.get(String(name));
        }
      }
      return new JavaString('');
    },
  };
  const util = {
    escapeJavaScript: (text: unknown): JavaString => new JavaString(escapeJavaScript(String(text ?? ''))),
    parseJson: (text: unknown): unknown => JSON.parse(String(text)),
    urlEncode: (text: unknown): JavaString => new JavaString(urlEncode(String(text ?? ''))),
    urlDecode: (text: unknown): JavaString => new JavaString(urlDecode(String(text ?? ''))),
    base64Encode: (text: unknown): JavaString =>
      new JavaString(Buffer.from(String(text ?? ''), 'utf8').toString('base64')),
    base64Decode: (text: unknown): JavaString =>
      new JavaString(Buffer.from(String(text ?? ''), 'base64').toString('utf8')),
  };
  const context = request.context ?? {};
  const out = render(
    template,
    { input, util, context, stageVariables: new VelocityMap(request.stageVariables ?? {}) },
    undefined,
    { customMethodHandlers: [JAVA_STRING_LITERALS] },
  );
  plainOverrides(context);
  return out;
}
