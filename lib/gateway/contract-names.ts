import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ERROR_BODY_SCHEMA } from '../integrations/aws-integration';
import { PresetValidationError } from '../private/errors';
import { pascal, unique } from '../private/names';
import { OpenApiObject } from '../private/openapi';

/*
 * The names the contract gives what SDK generators turn into class and method names: operation ids, body
 * schemas, security schemes and the shared error body. The definition keeps its own names (a model's name
 * hashes its schema, an authorizer's its configuration), so renaming here changes nothing deployed.
 */

/** The component every error response of the contract refers to. */
export const ERROR_SCHEMA_NAME = 'Error';

/** The reference to the shared error body, in place of the body's schema. */
export const ERROR_SCHEMA_REF: OpenApiObject = { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` };

/** Whether `schema` is the library's error body, which the contract refers to instead of repeating. */
export function isErrorBody(schema: unknown): boolean {
  return schema === ERROR_BODY_SCHEMA;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SCHEMA_REF = '#/components/schemas/';

/** What names the contract, beside what the routes carry. */
export interface ContractNaming {
  /** Readable names of the definition's security schemes, by their name in the definition. */
  readonly securitySchemes: Record<string, string>;
  /** The contract's servers. */
  readonly servers: OpenApiObject[];
}

/**
 * The contract with an operation id and a summary on every operation (derived from the method and path
 * where the route gives none), body schemas named after the first operation that sends them, security
 * schemes named as `naming` says, the error body as one shared component, and `naming.servers`.
 */
export function nameContract(contract: OpenApiObject, naming: ContractNaming): OpenApiObject {
  const paths = contract.paths as Record<string, OpenApiObject>;
  const operations: Array<{ method: string; path: string; operation: OpenApiObject }> = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      if (item[method]) {
        operations.push({ method, path, operation: item[method] as OpenApiObject });
      }
    }
  }

  // Operation ids: the routes' own first, so a derived one never takes a name a route chose.
  const taken = new Set(
    operations.map((o) => o.operation.operationId).filter((id) => typeof id === 'string'),
  );
  for (const { method, path, operation } of operations) {
    if (typeof operation.operationId !== 'string') {
      operation.operationId = unique(derivedOperationId(method, path), taken);
      taken.add(operation.operationId as string);
    }
    if (typeof operation.summary !== 'string') {
      operation.summary = `${method.toUpperCase()} ${path}`;
    }
  }

  // Body schemas: named after the first operation that sends each.
  const components = { ...((contract.components as OpenApiObject | undefined) ?? {}) };
  const schemas = (components.schemas as OpenApiObject | undefined) ?? {};
  const schemaNames = new Map<string, string>();
  const usedSchemaNames = new Set<string>([ERROR_SCHEMA_NAME]);
  for (const { operation } of operations) {
    const content = ((operation.requestBody as OpenApiObject | undefined)?.content ?? {}) as OpenApiObject;
    const mediaTypes = Object.keys(content);
    for (const mediaType of mediaTypes) {
      const ref = ((content[mediaType] as OpenApiObject).schema as OpenApiObject | undefined)?.$ref;
      if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_REF)) {
        continue;
      }
      const model = ref.slice(SCHEMA_REF.length);
      if (!schemaNames.has(model)) {
        const suffix = mediaTypes.length > 1 ? pascal(mediaType.split('/').pop() ?? '') : '';
        const name = unique(`${pascal(operation.operationId as string)}${suffix}Body`, usedSchemaNames);
        schemaNames.set(model, name);
        usedSchemaNames.add(name);
      }
      content[mediaType] = {
        ...(content[mediaType] as OpenApiObject),
        schema: { $ref: `${SCHEMA_REF}${schemaNames.get(model)}` },
      };
    }
  }
  const renamedSchemas: OpenApiObject = {};
  for (const [model, schema] of Object.entries(schemas)) {
    renamedSchemas[schemaNames.get(model) ?? model] = schema;
  }
  if (JSON.stringify(paths).includes(JSON.stringify(ERROR_SCHEMA_REF.$ref))) {
    renamedSchemas[ERROR_SCHEMA_NAME] = ERROR_BODY_SCHEMA;
  }
  if (Object.keys(renamedSchemas).length > 0) {
    components.schemas = renamedSchemas;
  }

  // Security schemes.
  const rename = (scheme: string): string => naming.securitySchemes[scheme] ?? scheme;
  if (components.securitySchemes) {
    components.securitySchemes = Object.fromEntries(
      Object.entries(components.securitySchemes as OpenApiObject).map(([name, scheme]) => [
        rename(name),
        scheme,
      ]),
    );
  }
  for (const { operation } of operations) {
    if (Array.isArray(operation.security)) {
      operation.security = operation.security.map((requirement: OpenApiObject) =>
        Object.fromEntries(Object.entries(requirement).map(([name, scopes]) => [rename(name), scopes])),
      );
    }
  }

  const { openapi, info, ...rest } = contract;
  return {
    openapi,
    info,
    ...(naming.servers.length > 0 ? { servers: naming.servers } : {}),
    ...rest,
    ...(Object.keys(components).length > 0 ? { components } : {}),
  };
}

/**
 * An operation id from the method and path: `GET /orders/{id}` is `getOrdersById`, `PUT /files/{key}`
 * `putFilesByKey`, `GET /` `getRoot`.
 */
export function derivedOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const variable = /^\{([^}]+?)\+?\}$/.exec(segment);
      return variable ? `By${pascal(variable[1])}` : pascal(segment);
    });
  const id = `${method.toLowerCase()}${words.length > 0 ? words.join('') : 'Root'}`;
  return id.slice(0, 128);
}

/** What the contract's servers are made from. */
export interface ServerSources {
  /** The base URLs the user gave (`openApiServers`). */
  readonly given?: string[];
  /** The custom domain's URL, when there is one. */
  readonly customDomainUrl?: string;
  /** Whether the default execute-api endpoint is on. */
  readonly executeApiEndpoint: boolean;
  readonly stageNames: string[];
  /** The stack's Region, when known at synth. */
  readonly region?: string;
  /** Whether clients reach the API at its VPC endpoint's own name (a private API without private DNS). */
  readonly vpcEndpointUrl?: boolean;
}

/**
 * The contract's servers: the URLs given; else the custom domain's, when its name is known at synth; else
 * the default endpoint's, with the API id, Region and stage as server variables (none is known at synth), and
 * the VPC endpoint's id for a private API reached at its endpoint's own name.
 */
export function contractServers(sources: ServerSources): OpenApiObject[] {
  if (sources.given) {
    return sources.given.map((url) => ({ url }));
  }
  if (sources.customDomainUrl && !Token.isUnresolved(sources.customDomainUrl)) {
    return [{ url: sources.customDomainUrl.replace(/\/$/, ''), description: 'The custom domain' }];
  }
  if (!sources.executeApiEndpoint) {
    return [];
  }
  const region = sources.region && !Token.isUnresolved(sources.region) ? sources.region : undefined;
  return [
    {
      url: `https://{restApiId}${sources.vpcEndpointUrl ? '-{vpceId}' : ''}.execute-api.{region}.amazonaws.com/{stage}`,
      description: "The API's default endpoint: its stack outputs each stage's URL (Url.<stage>)",
      variables: {
        restApiId: { default: 'restApiId', description: "The REST API's id, known once deployed" },
        ...(sources.vpcEndpointUrl
          ? {
              vpceId: {
                default: 'vpceId',
                description: 'The id of the VPC endpoint the client connects through',
              },
            }
          : {}),
        region: { default: region ?? 'us-east-1', description: "The API's Region" },
        stage: { default: sources.stageNames[0], enum: sources.stageNames },
      },
    },
  ];
}

const SERVER_URL = /^(https:\/\/[^\s/?#{}]+|\/)[^\s?#]*$/;

/** Checks the `openApiServers` prop; returns it. */
export function checkServerUrls(scope: IConstruct, urls: string[] | undefined): string[] | undefined {
  for (const url of urls ?? []) {
    if (Token.isUnresolved(url) || !SERVER_URL.test(url) || (url.length > 1 && url.endsWith('/'))) {
      throw new PresetValidationError(
        scope,
        'openApiServers',
        url,
        "A base URL known at synth, https:// or a path starting with '/', without a query or a trailing '/', e.g. 'https://api.example.com/v1'.",
      );
    }
  }
  return urls;
}
