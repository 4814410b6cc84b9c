import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';

/** Header, query string and path variable names API Gateway declares as method request parameters. */
const PARAMETER_NAME = /^[A-Za-z0-9._-]{1,128}$/;
/** A JSONPath to one field: `$.customer.id`, `$.items[0].sku`. */
const FIELD_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])+$/;
/** A `$context` variable: `requestId`, `identity.sourceIp`, `authorizer.claims.sub`. */
const CONTEXT_VARIABLE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

type Source =
  | { readonly kind: 'header' | 'querystring' | 'path'; readonly name: string }
  | { readonly kind: 'body'; readonly path: string }
  | { readonly kind: 'context'; readonly variable: string }
  | { readonly kind: 'constant'; readonly value: string };

/** A request value as a mapping template uses it. */
export interface BoundRequestValue {
  /** Template lines that set the variable; none for a constant. */
  readonly setup: string;
  /** The variable holding the value (`$name`), an empty string when the request lacks it. */
  readonly reference: string;
  /** The value, when it is a constant known at synth. */
  readonly constant?: string;
  /** Method request parameters the value is read from, and whether each is required. */
  readonly requestParameters: Record<string, boolean>;
}

/**
 * A value an integration takes from each request (a header, a query string, a path variable, a field of
 * the JSON body, a request context variable such as the caller's identity) or a constant.
 */
export class RequestValue {
  /**
   * The value of a request header. A header an integration needs (a FIFO queue's message group id) is
   * declared required, so a request without it is refused with 400 before it reaches the backend.
   *
   * @param name the header's name, e.g. `X-Tenant-Id`
   */
  public static header(name: string): RequestValue {
    return new RequestValue({ kind: 'header', name });
  }

  /**
   * The value of a query string parameter.
   *
   * @param name the parameter's name
   */
  public static queryString(name: string): RequestValue {
    return new RequestValue({ kind: 'querystring', name });
  }

  /**
   * The value of one of the route's path variables.
   *
   * @param name the variable's name, e.g. `customerId` for `/customers/{customerId}/orders`
   */
  public static pathVariable(name: string): RequestValue {
    return new RequestValue({ kind: 'path', name });
  }

  /**
   * A field of the JSON request body, e.g. `$.customerId`. An absent field is an empty value.
   *
   * @param path a JSONPath to one field: `$` followed by `.name` and `[index]` steps
   */
  public static bodyJsonPath(path: string): RequestValue {
    return new RequestValue({ kind: 'body', path });
  }

  /**
   * A request context variable, without `$context.`: `requestId`, `identity.sourceIp`,
   * `authorizer.principalId` (a Lambda authorizer's principal), `authorizer.claims.sub` (a Cognito user).
   *
   * @param name the variable's name
   */
  public static contextVariable(name: string): RequestValue {
    return new RequestValue({ kind: 'context', variable: name });
  }

  /**
   * The same value for every request.
   *
   * @param value the value
   */
  public static constant(value: string): RequestValue {
    return new RequestValue({ kind: 'constant', value });
  }

  private constructor(private readonly source: Source) {}

  /** @internal A description for error messages, e.g. `header X-Tenant`. */
  public get _description(): string {
    const source = this.source;
    switch (source.kind) {
      case 'body':
        return `body field ${source.path}`;
      case 'context':
        return `$context.${source.variable}`;
      case 'constant':
        return `constant ${JSON.stringify(source.value)}`;
      default:
        return `${source.kind === 'path' ? 'path variable' : source.kind} ${source.name}`;
    }
  }

  /** @internal Whether the value is read from the request body, which a response template cannot read. */
  public get _readsBody(): boolean {
    return this.source.kind === 'body';
  }

  /** @internal Whether the value is the same for every request. */
  public get _isConstant(): boolean {
    return this.source.kind === 'constant';
  }

  /**
   * @internal
   * Checks the value and returns the template lines that read it into `$<variable>`.
   *
   * @param prop the option, for errors
   * @param variable a template variable name unique in the template
   * @param pathVariables the route's path variables
   * @param required whether a header or query string must be present
   */
  public _bind(
    scope: IConstruct,
    prop: string,
    variable: string,
    pathVariables: string[],
    required: boolean,
  ): BoundRequestValue {
    const source = this.source;
    const reference = `$${variable}`;
    switch (source.kind) {
      case 'constant':
        if (Token.isUnresolved(source.value) || source.value.length === 0) {
          throw new PresetValidationError(
            scope,
            prop,
            source.value,
            'A constant is a non-empty string known at synth.',
          );
        }
        return { setup: '', reference, constant: source.value, requestParameters: {} };
      case 'body':
        if (!FIELD_PATH.test(source.path)) {
          throw new PresetValidationError(
            scope,
            prop,
            source.path,
            "A body field is a JSONPath to one field: '$' followed by .name and [index] steps, e.g. '$.customer.id'.",
          );
        }
        return {
          setup: `#set(${reference} = "")#set(${reference} = $input.path('${source.path}'))`,
          reference,
          requestParameters: {},
        };
      case 'context':
        if (!CONTEXT_VARIABLE.test(source.variable)) {
          throw new PresetValidationError(
            scope,
            prop,
            source.variable,
            "A context variable is named without '$context.', in dotted letters and digits, e.g. 'requestId' or 'identity.sourceIp'.",
          );
        }
        return {
          setup: `#set(${reference} = "$!context.${source.variable}")`,
          reference,
          requestParameters: {},
        };
      default:
        return this.bindParameter(scope, prop, source, reference, pathVariables, required);
    }
  }

  private bindParameter(
    scope: IConstruct,
    prop: string,
    source: { readonly kind: 'header' | 'querystring' | 'path'; readonly name: string },
    reference: string,
    pathVariables: string[],
    required: boolean,
  ): BoundRequestValue {
    const { kind, name } = source;
    if (!PARAMETER_NAME.test(name)) {
      throw new PresetValidationError(
        scope,
        prop,
        name,
        'A header, query string or path variable name is 1-128 letters, digits and . _ -.',
      );
    }
    if (kind === 'path' && !pathVariables.includes(name)) {
      throw new PresetValidationError(
        scope,
        prop,
        name,
        `The route's path variables are ${pathVariables.map((v) => `{${v}}`).join(', ') || 'none'}.`,
      );
    }
    const read = (key: string) => `#set(${reference} = $input.params().${kind}.get('${key}'))`;
    let setup = `#set(${reference} = "")${read(name)}`;
    if (kind === 'header') {
      // API Gateway passes header names as the client sent them (HTTP/2 clients send them in lower case), and
      // a map's get is case-sensitive: without the name as given, take the header whose name matches in any case.
      setup +=
        `#if("$!${reference.slice(1)}" == "")#foreach($headerName in $input.params().header.keySet())` +
        `#if($headerName.toLowerCase() == "${name.toLowerCase()}")#set(${reference} = $input.params().header.get($headerName))#{end}#{end}#{end}`;
    }
    return {
      setup,
      reference,
      requestParameters: { [`method.request.${kind}.${name}`]: kind === 'path' || required },
    };
  }
}
