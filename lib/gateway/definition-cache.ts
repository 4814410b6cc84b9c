import { createHash } from 'node:crypto';
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
import { OpenApiObject } from '../private/openapi';

/** The definition with its deploy-time values resolved, and what measuring and hashing it needs. */
interface ResolvedDefinition {
  readonly value: unknown;
  /** `JSON.stringify(value)`. */
  readonly json: string;
}

/**
 * Stands in for a frozen definition while its stack's template is measured: `{ [MARKER_KEY]: id }`, an
 * object (aws-cdk-lib checks that a `Body` is one) with a key no definition has, one id per definition.
 */
const MARKER_KEY = '@@cdk-apigateway-presets:definition';

/** The marker of the definition `id`. */
export function definitionMarker(id: string): { [MARKER_KEY]: string } {
  return { [MARKER_KEY]: id };
}

/** The id of the definition `value` stands in for, if it is a marker. */
export function markerId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const id = (value as Record<string, unknown>)[MARKER_KEY];
  return typeof id === 'string' && Object.keys(value).length === 1 ? id : undefined;
}

let nextMarker = 0;

/** The definitions of each stack. */
const DEFINITIONS = new WeakMap<Stack, DefinitionCache[]>();

/**
 * Freezes every definition of `stack` (see `DefinitionCache.freeze`). Called once aws-cdk-lib has prepared
 * the app, e.g. by a validation.
 */
export function freezeDefinitions(stack: Stack): void {
  for (const definition of DEFINITIONS.get(stack) ?? []) {
    definition.freeze();
  }
}

/** The stack whose template is being measured, with the definitions standing in for their markers. */
let measuring: { readonly stack: Stack; readonly definitions: Map<string, ResolvedDefinition> } | undefined;

/**
 * An API's definition, rendered once for each state of the route table and resolved once when the app
 * synthesizes.
 *
 * - While the app is built, the definition is rendered again after each change (a route added or an
 *   operation overridden), its deploy-time values stay tokens, and the deployment's logical id is
 *   computed as aws-cdk-lib computes it.
 * - From `prepare()` on (the app has started to synthesize: aspects run), the RestApi's `Body` still
 *   holds tokens, so aws-cdk-lib finds the references between stacks in it as usual, but the deployment's
 *   hash resolves the definition once instead of at every reference to the deployment.
 * - From `freeze()` on (the preset's first validation: aws-cdk-lib has prepared the app and its
 *   references), the definition is resolved once more, and the `Body`, the deployment's hash and the
 *   template's size all come from that one resolution.
 *
 * A change at any point renders (and, once synthesizing, resolves) the definition again.
 */
export class DefinitionCache {
  private revision = 0;
  private phase: 'building' | 'preparing' | 'frozen' = 'building';
  private rendered?: { readonly revision: number; readonly definition: OpenApiObject };
  private resolved?: { readonly revision: number; readonly definition: ResolvedDefinition };
  private readonly marker = `${nextMarker++}`;

  /**
   * @param scope the preset: its stack resolves the definition
   * @param render renders the definition from the route table as it is
   */
  constructor(
    private readonly scope: IConstruct,
    private readonly render: () => OpenApiObject,
  ) {
    const stack = Stack.of(scope);
    DEFINITIONS.set(stack, [...(DEFINITIONS.get(stack) ?? []), this]);
  }

  /** Something the definition is rendered from changed. */
  public changed(): void {
    this.revision++;
  }

  /** The state of what the definition is rendered from: a new number after each change. */
  public get version(): number {
    return this.revision;
  }

  /** The app has started to synthesize: the deployment's hash resolves the definition once for each change. */
  public prepare(): void {
    if (this.phase === 'building') {
      this.phase = 'preparing';
    }
  }

  /**
   * aws-cdk-lib has prepared the app: the definition is resolved once more, and from now on once for each
   * change, and the `Body` is that resolution.
   */
  public freeze(): void {
    if (this.phase !== 'frozen') {
      this.phase = 'frozen';
      // Resolved while preparing, before aws-cdk-lib replaced references to other stacks.
      this.resolved = undefined;
    }
  }

  /** The definition as rendered from the route table, with its deploy-time values as tokens. */
  public definition(): OpenApiObject {
    if (this.rendered?.revision !== this.revision) {
      this.rendered = { revision: this.revision, definition: this.render() };
    }
    return this.rendered.definition;
  }

  /** What the RestApi's `Body` resolves from. */
  public body(): unknown {
    if (this.phase === 'building') {
      return this.definition();
    }
    if (measuring?.stack === Stack.of(this.scope)) {
      measuring.definitions.set(this.marker, this.resolvedDefinition());
      return definitionMarker(this.marker);
    }
    return this.phase === 'frozen' ? this.resolvedDefinition().value : this.definition();
  }

  /** The definition resolved, once for each change. */
  private resolvedDefinition(): ResolvedDefinition {
    if (this.resolved?.revision !== this.revision) {
      const value = Stack.of(this.scope).resolve(this.definition());
      this.resolved = { revision: this.revision, definition: { value, json: JSON.stringify(value) } };
    }
    return this.resolved.definition;
  }

  /**
   * Makes the deployment's logical id take its hash of the RestApi from the definition resolved once:
   * the same hash aws-cdk-lib computes (the deployment's hash components and the RestApi's resolved
   * template, as JSON), without resolving the definition for each reference to the deployment. Left as
   * aws-cdk-lib has it when its deployment no longer has the shape this relies on.
   */
  public hashDeploymentOnce(deployment: apigw.Deployment, restApi: apigw.SpecRestApi): void {
    const resource = deployment.node.defaultChild as unknown as LatestDeploymentResource;
    const original = resource.calculateLogicalId;
    if (typeof original !== 'function' || typeof resource.originalLogicalId !== 'string') {
      return;
    }
    const stack = Stack.of(this.scope);
    const cfnRestApi = restApi.node.defaultChild as CfnResource;
    resource.calculateLogicalId = (components: unknown[]): string => {
      if (this.phase === 'building') {
        return original.call(resource, components);
      }
      const template = measureWithMarkers(stack, () =>
        stack.resolve((cfnRestApi as unknown as CfnResourceInternals)._toCloudFormation()),
      );
      const json = [...components.map((c) => JSON.stringify(stack.resolve(c))), template.json].join('');
      const expanded = template.expand(json);
      if (expanded === undefined) {
        return original.call(resource, components);
      }
      let hash: string;
      try {
        hash = createHash('md5').update(expanded).digest('hex');
      } catch {
        // No MD5 here (e.g. a FIPS build of Node.js): aws-cdk-lib has its own.
        return original.call(resource, components);
      }
      return `${resource.originalLogicalId}${hash}`;
    };
  }
}

/** What this module reads of aws-cdk-lib's `LatestDeploymentResource`. */
interface LatestDeploymentResource {
  calculateLogicalId: (components: unknown[]) => string;
  readonly originalLogicalId: unknown;
}

interface CfnResourceInternals {
  _toCloudFormation(): unknown;
}

/** A value resolved with every frozen definition of its stack replaced by its marker. */
export interface MarkedValue {
  /** The value as JSON, with markers in place of the definitions. */
  readonly json: string;
  /** The resolved value, with markers in place of the definitions. */
  readonly value: unknown;
  /** The definitions that markers stand in for, by marker id, with their JSON. */
  readonly definitions: ReadonlyMap<string, { readonly value: unknown; readonly json: string }>;
  /**
   * `text` with each marker (as compact JSON) replaced by its definition's JSON; undefined when a
   * marker is not there exactly once (an override merged something into the definition's place).
   */
  expand(text: string): string | undefined;
}

/**
 * Resolves what `produce` returns with every frozen definition of `stack` as a short marker, so a value
 * that holds definitions is resolved and written without resolving them again.
 */
export function measureWithMarkers(stack: Stack, produce: () => unknown): MarkedValue {
  const outer = measuring;
  const definitions = new Map<string, ResolvedDefinition>();
  measuring = { stack, definitions };
  let value: unknown;
  try {
    value = produce();
  } finally {
    measuring = outer;
  }
  if (outer?.stack === stack) {
    for (const [marker, definition] of definitions) {
      outer.definitions.set(marker, definition);
    }
  }
  return {
    json: JSON.stringify(value),
    value,
    definitions,
    expand: (text: string): string | undefined => {
      let result = text;
      for (const [marker, definition] of definitions) {
        const quoted = JSON.stringify(definitionMarker(marker));
        const at = result.indexOf(quoted);
        if (at < 0 || result.indexOf(quoted, at + quoted.length) >= 0) {
          return undefined;
        }
        result = `${result.slice(0, at)}${definition.json}${result.slice(at + quoted.length)}`;
      }
      return result;
    },
  };
}
