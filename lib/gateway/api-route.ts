import { Construct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { HTTP_METHODS } from '../private/limits';
import { OpenApiObject, setAtPath } from '../private/openapi';

/** Keys of an operation that come from the route's options and cannot be overridden. */
const OWNED_KEYS: Record<string, string> = {
  security: "a route's security comes from its authorization option; use ApiAuthorization",
};

/**
 * A route of an API, as `addRoute` returns it: a construct at `<preset>/Routes/<path segments>/<METHOD>`,
 * where the route's warnings are reported and can be acknowledged. Its operation in the API definition
 * can be changed for what the route options do not cover, as `CfnResource.addOverride` changes a resource.
 */
export class ApiRoute extends Construct {
  /** @internal */
  public static _create(api: Construct, method: string, path: string, changed: () => void): ApiRoute {
    let parent: Construct =
      (api.node.tryFindChild('Routes') as Construct | undefined) ?? new Construct(api, 'Routes');
    for (const segment of path === '/' ? [] : path.slice(1).split('/')) {
      // A path segment named like a method must not take the place of the route of its parent path.
      const id = HTTP_METHODS.includes(segment) ? `${segment} (path)` : segment;
      parent = (parent.node.tryFindChild(id) as Construct | undefined) ?? new Construct(parent, id);
    }
    return new ApiRoute(parent, method, { api, path, changed });
  }

  /** The route's method: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or ANY. */
  public readonly method: string;

  /** The route's path, e.g. `/orders/{id}`. */
  public readonly path: string;

  private readonly api: Construct;
  private readonly overrides: Array<{ path: string[]; value: unknown }> = [];
  private readonly changed: () => void;

  private constructor(
    scope: Construct,
    id: string,
    props: { readonly api: Construct; readonly path: string; readonly changed: () => void },
  ) {
    super(scope, id);
    this.method = id;
    this.path = props.path;
    this.api = props.api;
    this.changed = props.changed;
  }

  /**
   * Sets a value in this route's operation of the API definition, at a path of keys separated by
   * dots, e.g. `x-amazon-apigateway-integration.contentHandling` or `externalDocs.url`. Values set here
   * win over what the library renders; objects on the way are created. API Gateway extensions
   * (`x-amazon-apigateway-*`) reach the definition only, the rest also the OpenAPI contract.
   *
   * @param path keys separated by dots
   * @param value a JSON value
   */
  public addOperationOverride(path: string, value: unknown): void {
    this.overrides.push({ path: this.parsePath(path), value });
    this.changed();
  }

  /**
   * Removes a value from this route's operation of the API definition.
   *
   * @param path keys separated by dots
   */
  public addOperationDeletionOverride(path: string): void {
    this.overrides.push({ path: this.parsePath(path), value: undefined });
    this.changed();
  }

  /** @internal */
  public _applyOverrides(operation: OpenApiObject): void {
    for (const override of this.overrides) {
      setAtPath(operation, override.path, override.value);
    }
  }

  private parsePath(path: string): string[] {
    const keys = typeof path === 'string' ? path.split('.') : [];
    if (keys.length === 0 || keys.some((key) => key === '')) {
      throw new PresetValidationError(
        this.api,
        `operation override of ${this.method} ${this.path}`,
        path,
        "Give keys separated by dots, e.g. 'x-amazon-apigateway-integration.contentHandling'.",
      );
    }
    if (OWNED_KEYS[keys[0]]) {
      throw new PresetValidationError(
        this.api,
        `operation override of ${this.method} ${this.path}`,
        path,
        `The key '${keys[0]}' cannot be overridden: ${OWNED_KEYS[keys[0]]}.`,
      );
    }
    return keys;
  }
}
