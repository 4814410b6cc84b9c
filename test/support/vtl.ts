import { JSONPath } from 'jsonpath-plus';
import { render } from 'velocityjs';

/**
 * Evaluates API Gateway mapping templates with a real Velocity engine (velocityjs) and the variables
 * API Gateway gives a template: `$input`, `$util`, `$context` and `$stageVariables`, as its developer
 * guide describes them ("Variables for data transformations").
 *
 * What API Gateway does where the guide is silent, assumed here: a missing JSONPath selects nothing
 * and `$input.json` then gives `""` (an empty JSON string is not written, so `$input.json` is wrapped
 * by templates that may meet it); an empty body is `{}` to `$input.json('$')`; a missing parameter is
 * an empty string.
 */
export interface MappingRequest {
  /** The raw request body. */
  readonly body?: string;
  readonly path?: Record<string, string>;
  readonly querystring?: Record<string, string>;
  readonly header?: Record<string, string>;
  readonly context?: Record<string, unknown>;
  readonly stageVariables?: Record<string, string>;
}

/** A Java-like map, as templates use them: `get`, `keySet`, `containsKey`, `size`, and plain keys. */
class VelocityMap {
  [key: string]: unknown;

  constructor(entries: Record<string, unknown>) {
    Object.assign(this, entries);
  }

  public get(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this, key) ? this[key] : '';
  }

  public keySet(): string[] {
    return Object.keys(this);
  }

  public containsKey(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this, key);
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
    urlEncode: (text: string): string => encodeURIComponent(text).replace(/%20/g, '+'),
    urlDecode: (text: string): string => decodeURIComponent(text.replace(/\+/g, ' ')),
    base64Encode: (text: string): string => Buffer.from(text, 'utf8').toString('base64'),
    base64Decode: (text: string): string => Buffer.from(text, 'base64').toString('utf8'),
  };
  return render(template, {
    input,
    util,
    context: request.context ?? {},
    stageVariables: new VelocityMap(request.stageVariables ?? {}),
  });
}
