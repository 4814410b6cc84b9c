import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { HTTP_METHODS } from '../private/limits';

// API Gateway imports path segments of letters, digits and _ - . , : (its OpenAPI import rules).
const LITERAL_SEGMENT = /^[A-Za-z0-9:._,-]+$/;
const VARIABLE_SEGMENT = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

/** One parsed path segment. */
export interface PathSegment {
  readonly text: string;
  readonly variable?: string;
  readonly greedy: boolean;
}

/** A validated route key. */
export interface RouteKey {
  readonly method: string;
  readonly path: string;
  readonly segments: PathSegment[];
  readonly pathVariables: string[];
}

/**
 * Every route of one API. It owns the rules API Gateway applies to resource paths, so a
 * bad route fails at synth with a message instead of at deploy.
 */
export class RouteTable<T> {
  private readonly routes = new Map<string, { key: RouteKey; value: T }>();
  /** Per parent path: the name of its variable child, if any. */
  private readonly variableChildren = new Map<string, string>();
  /** Per parent path: whether its variable child is greedy. */
  private readonly greedyChildren = new Set<string>();

  constructor(private readonly scope: IConstruct) {}

  /** Number of routes. */
  public get size(): number {
    return this.routes.size;
  }

  /** All routes, in the order they were added. */
  public entries(): Array<{ key: RouteKey; value: T }> {
    return [...this.routes.values()];
  }

  /**
   * Validates a method and path, alone and against every route in the table; throws on anything
   * API Gateway would reject. Changes nothing.
   */
  public parse(method: string, path: string): RouteKey {
    // The route table is rendered at construction into one definition, so its keys are plain strings.
    if (Token.isUnresolved(method)) {
      throw new PresetValidationError(
        this.scope,
        'method',
        method,
        `A route method must be known at synth, not a token (e.g. a Lazy value or a CfnParameter): use one of ${HTTP_METHODS.join(', ')}.`,
      );
    }
    if (Token.isUnresolved(path)) {
      throw new PresetValidationError(
        this.scope,
        'path',
        path,
        "A route path must be known at synth, not a token (e.g. a Lazy value or a CfnParameter): give the path itself, e.g. '/orders/{id}'.",
      );
    }
    const upper = typeof method === 'string' ? method.toUpperCase() : method;
    if (!HTTP_METHODS.includes(upper)) {
      throw new PresetValidationError(this.scope, 'method', method, `Use one of ${HTTP_METHODS.join(', ')}.`);
    }
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new PresetValidationError(
        this.scope,
        'path',
        path,
        "A route path starts with '/', e.g. '/orders/{id}'.",
      );
    }
    if (path !== '/' && path.endsWith('/')) {
      throw new PresetValidationError(this.scope, 'path', path, "A route path has no trailing '/'.");
    }
    const parts = path === '/' ? [] : path.slice(1).split('/');
    const segments: PathSegment[] = parts.map((text, index) => {
      if (text === '') {
        throw new PresetValidationError(
          this.scope,
          'path',
          path,
          "A route path has no empty segments ('//').",
        );
      }
      const variable = VARIABLE_SEGMENT.exec(text);
      if (variable) {
        const greedy = variable[2] === '+';
        if (greedy && index !== parts.length - 1) {
          throw new PresetValidationError(
            this.scope,
            'path',
            path,
            `The greedy variable ${text} must be the last segment of the path.`,
          );
        }
        return { text, variable: variable[1], greedy };
      }
      if (!LITERAL_SEGMENT.test(text)) {
        throw new PresetValidationError(
          this.scope,
          'path',
          path,
          `Segment '${text}' is not allowed: segments are letters, digits and : . _ - , or a variable such as {id} or {proxy+}.`,
        );
      }
      return { text, greedy: false };
    });
    const pathVariables = segments.filter((s) => s.variable).map((s) => s.variable!);
    const seen = new Set<string>();
    for (const name of pathVariables) {
      if (seen.has(name)) {
        throw new PresetValidationError(
          this.scope,
          'path',
          path,
          `The path variable {${name}} appears twice; each variable name may appear once in a path.`,
        );
      }
      seen.add(name);
    }
    const key = { method: upper, path, segments, pathVariables };
    this.checkConflicts(key);
    return key;
  }

  /** Records a route returned by `parse`, which has checked it against every route in the table. */
  public add(key: RouteKey, value: T): void {
    let parent = '';
    for (const segment of key.segments) {
      if (segment.variable) {
        this.variableChildren.set(parent, segment.variable);
        if (segment.greedy) {
          this.greedyChildren.add(parent);
        }
      }
      parent = `${parent}/${segment.text}`;
    }
    this.routes.set(routeId(key), { key, value });
  }

  private checkConflicts(key: RouteKey): void {
    const id = routeId(key);
    if (this.routes.has(id)) {
      throw new PresetValidationError(
        this.scope,
        'route',
        id,
        'Each method and path pair may be added once.',
      );
    }
    // API Gateway allows one variable child per resource, so siblings must agree on its name.
    let parent = '';
    for (const segment of key.segments) {
      if (segment.variable) {
        const existing = this.variableChildren.get(parent);
        const greedy = this.greedyChildren.has(parent);
        if (existing !== undefined && (existing !== segment.variable || greedy !== segment.greedy)) {
          const other = `{${existing}${greedy ? '+' : ''}}`;
          throw new PresetValidationError(
            this.scope,
            'path',
            key.path,
            `'${parent || '/'}' already has the path variable ${other}; API Gateway allows one variable per level, so sibling routes must use ${other} too.`,
          );
        }
      }
      parent = `${parent}/${segment.text}`;
    }
  }
}

function routeId(key: RouteKey): string {
  return `${key.method} ${key.path}`;
}
