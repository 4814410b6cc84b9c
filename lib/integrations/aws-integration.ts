import { IConstruct } from 'constructs';
import { IntegrationResponseCors } from '../cors/cors';
import { PresetValidationError } from '../private/errors';
import { checkMediaTypes } from '../private/limits';
import { OpenApiObject, responseHeaders } from '../private/openapi';

/*
 * Responses of AWS service integrations. API Gateway chooses an integration response by matching its
 * selection pattern against the status code the service answered with; its mapping template then writes
 * what the client receives, and may change the status with `$context.responseOverride.status`.
 *
 * Errors reach the client as JSON in the shape of the API's own gateway responses,
 * `{"message", "type", "requestId"}`: never the service's error text, which names accounts, ARNs and
 * internal settings. Which service error it was is read from the error code in the service's body, in
 * JSON or XML alike (`"Code":"Throttling"`, `#ThrottlingException"`, `<Code>Throttling</Code>`).
 */

/** A class of service errors and what the client receives for them. */
export interface ServiceErrorRule {
  /** Error codes, as the service names them, e.g. `ThrottlingException`. */
  readonly codes: string[];
  readonly statusCode: number;
  /** The `type` of the error body. */
  readonly type: string;
  /** The `message` of the error body; JSON-safe text without `$` or `#`. */
  readonly message: string;
}

/**
 * A service error that answers the request rather than failing it (e.g. "it already exists"): the client
 * receives `statusCode` and what `template` writes.
 */
export interface ServiceErrorAnswer {
  /** Error codes, as the service names them. */
  readonly codes: string[];
  readonly statusCode: number;
  /** The method response's description. */
  readonly description: string;
  /** Template text that writes the body; it may read the request's parameters and `$context`. */
  readonly template: string;
  /** The JSON Schema of the body, for the contract. */
  readonly schema: OpenApiObject;
}

/** Error codes AWS services answer with when they throttle the caller: the client may try again. */
export const THROTTLING_CODES = [
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'KmsThrottled',
  'KMS.ThrottlingException',
];

/** Throttled by the service: worth trying again later. */
export const THROTTLED: ServiceErrorRule = {
  codes: THROTTLING_CODES,
  statusCode: 503,
  type: 'INTEGRATION_THROTTLED',
  message: 'The backend is busy; try again later.',
};

/** What the client receives for a service error no rule names: the integration is misconfigured. */
const UNMAPPED_CLIENT_ERROR = {
  statusCode: 500,
  type: 'INTEGRATION_ERROR',
  message: 'The request could not be completed.',
};

/** A 5XX from the service: its own failure, worth trying again. */
const SERVICE_FAILURE = {
  statusCode: 503,
  type: 'INTEGRATION_UNAVAILABLE',
  message: 'The backend is unavailable; try again later.',
};

const DESCRIPTIONS: Record<string, string> = {
  '400': 'The backend refused the request as given',
  '409': 'The request conflicts with one already made',
  '500': 'The integration failed; the request id identifies it in the logs',
  '502': 'The backend answered with something unexpected',
  '503': 'The backend is busy or unavailable; try again later',
  '504': 'The backend did not finish in time',
};

/** The JSON Schema of an error body, for the contract. */
export const ERROR_BODY_SCHEMA: OpenApiObject = {
  type: 'object',
  required: ['message', 'type', 'requestId'],
  properties: {
    message: { type: 'string', description: 'What went wrong, for people' },
    type: { type: 'string', description: 'What went wrong, for programs, e.g. INTEGRATION_THROTTLED' },
    requestId: {
      type: 'string',
      description: "API Gateway's request id, which finds the request in the logs",
    },
  },
};

/**
 * The schemas of the JSON bodies of `statusCodes`: every error (4XX, 5XX) answers with an error body, and
 * the success status with `successSchema` when the body is known.
 */
export function responseBodySchemas(
  statusCodes: string[],
  success?: { readonly statusCode: number; readonly schema: OpenApiObject },
): Record<string, OpenApiObject> {
  const bodies: Record<string, OpenApiObject> = {};
  for (const statusCode of statusCodes) {
    if (Number(statusCode) >= 400) {
      bodies[statusCode] = ERROR_BODY_SCHEMA;
    }
  }
  if (success) {
    bodies[`${success.statusCode}`] = success.schema;
  }
  return bodies;
}

/**
 * Throws when the route gives `responseSchema` for a success body the integration writes itself (`body`
 * says which): the contract already gives that body's schema.
 */
export function refuseResponseSchema(
  ctx: { scope: IConstruct; responseSchemaGiven: boolean },
  body: string,
): void {
  if (ctx.responseSchemaGiven) {
    throw new PresetValidationError(
      ctx.scope,
      'responseSchema',
      'a schema',
      `The integration writes the success body (${body}) itself, and the contract already gives its schema.`,
    );
  }
}

/** The body of an error response: the API's gateway-response shape. */
export function errorBody(type: string, message: string): string {
  return `{"message":${JSON.stringify(message)},"type":${JSON.stringify(type)},"requestId":"$context.requestId"}`;
}

/** Template lines that set the response's status code. */
export function overrideStatus(statusCode: number): string {
  return `#set($context.responseOverride.status = ${statusCode})`;
}

/**
 * A template condition that holds when the backend's body names one of `codes` as a whole word (so
 * `ValidationException` does not match `InvalidationException`), in a JSON or an XML body.
 */
export function bodyNamesErrorCode(codes: string[]): string {
  const alternatives = codes.map((code) => code.replace(/\./g, '\\.')).join('|');
  // A Java regular expression, in a single-quoted template string: no interpolation, no escapes.
  return `$input.body.matches('[\\s\\S]*(^|[^A-Za-z0-9])(${alternatives})([^A-Za-z0-9]|$)[\\s\\S]*')`;
}

/** What an AWS integration answers: on success, and for the service's errors. */
export interface AwsResponseMapping {
  /** The status code of a successful response. */
  readonly successStatusCode: number;
  readonly successDescription: string;
  /** The template that writes a successful response; it may override the status to one of `otherStatusCodes`. */
  readonly successTemplate: string;
  /** The JSON Schema of the success body, when the template writes a known shape. */
  readonly successSchema?: OpenApiObject;
  /** Service 4XX errors that are answers, tried before `errorRules`. */
  readonly errorAnswers?: ServiceErrorAnswer[];
  /** Rules for the service's 4XX errors, tried in order; an error none names is a 500. */
  readonly errorRules: ServiceErrorRule[];
  /** Status codes the templates may set besides those above, with their descriptions. */
  readonly otherStatusCodes?: Record<string, string>;
}

/** The integration responses (by selection pattern) and the operation's responses of an AWS integration. */
export interface RenderedAwsResponses {
  readonly integrationResponses: OpenApiObject;
  readonly methodResponses: Record<string, OpenApiObject>;
  /** The JSON bodies of the method responses, for the contract. */
  readonly responseBodies: Record<string, OpenApiObject>;
}

/**
 * Renders an AWS integration's responses: the success template for 2XX answers, the error rules for
 * 4XX answers, and a retryable 503 for 5XX answers. With `cors`, every response carries the API's CORS
 * headers.
 */
export function renderAwsResponses(
  mapping: AwsResponseMapping,
  cors: IntegrationResponseCors | undefined,
): RenderedAwsResponses {
  const prefix = cors?.templatePrefix ?? '';
  const response = (statusCode: number, template: string): OpenApiObject => ({
    statusCode: `${statusCode}`,
    ...(cors ? { responseParameters: cors.responseParameters } : {}),
    responseTemplates: { 'application/json': `${prefix}${template}` },
  });

  const answers = mapping.errorAnswers ?? [];
  const branches = [
    ...answers.map((answer) => ({
      codes: answer.codes,
      then: `${overrideStatus(answer.statusCode)}${answer.template}`,
    })),
    ...mapping.errorRules.map((rule) => ({
      codes: rule.codes,
      then: `${overrideStatus(rule.statusCode)}${errorBody(rule.type, rule.message)}`,
    })),
  ];
  const clientErrors =
    branches
      .map(
        ({ codes, then }, index) => `#${index === 0 ? 'if' : 'elseif'}(${bodyNamesErrorCode(codes)})${then}`,
      )
      .join('') +
    (branches.length > 0 ? '#{else}' : '') +
    errorBody(UNMAPPED_CLIENT_ERROR.type, UNMAPPED_CLIENT_ERROR.message) +
    (branches.length > 0 ? '#{end}' : '');

  const integrationResponses: OpenApiObject = {
    default: response(mapping.successStatusCode, mapping.successTemplate),
    '4\\d{2}': response(UNMAPPED_CLIENT_ERROR.statusCode, clientErrors),
    '5\\d{2}': response(SERVICE_FAILURE.statusCode, errorBody(SERVICE_FAILURE.type, SERVICE_FAILURE.message)),
  };

  const statuses: Record<string, string> = {
    [`${mapping.successStatusCode}`]: mapping.successDescription,
    ...Object.fromEntries(answers.map((answer) => [`${answer.statusCode}`, answer.description])),
    ...Object.fromEntries(
      mapping.errorRules.map((rule) => [
        `${rule.statusCode}`,
        DESCRIPTIONS[`${rule.statusCode}`] ?? 'The backend refused the request',
      ]),
    ),
    '500': DESCRIPTIONS['500'],
    '503': DESCRIPTIONS['503'],
    ...mapping.otherStatusCodes,
  };
  const headers = cors ? { headers: responseHeaders(cors.methodResponseParameters) } : {};
  const methodResponses = Object.fromEntries(
    Object.entries(statuses)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([statusCode, description]) => [statusCode, { description, ...headers }]),
  );
  const responseBodies = {
    ...responseBodySchemas(
      Object.keys(methodResponses),
      mapping.successSchema && { statusCode: mapping.successStatusCode, schema: mapping.successSchema },
    ),
    ...Object.fromEntries(answers.map((answer) => [`${answer.statusCode}`, answer.schema])),
  };
  return { integrationResponses, methodResponses, responseBodies };
}

/** A description of a status code the templates may set. */
export function statusDescription(statusCode: number): string {
  return DESCRIPTIONS[`${statusCode}`] ?? 'The backend refused the request';
}

/**
 * The request content types an AWS integration has a request template for. With passthrough `never`, a
 * request of any other type is refused with 415, so none reaches the service unmapped.
 */
export function checkContentTypes(scope: IConstruct, contentTypes: string[] | undefined): string[] {
  const types = checkMediaTypes(scope, 'integration.contentTypes', contentTypes ?? ['application/json']);
  if (types.length === 0 || types.some((t) => t.includes('*'))) {
    throw new PresetValidationError(
      scope,
      'integration.contentTypes',
      types,
      "List at least one content type, each exact ('text/plain', not 'text/*'): API Gateway chooses a request template by the request's exact type.",
    );
  }
  return types;
}
