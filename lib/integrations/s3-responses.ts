import { OpenApiObject, responseHeaders } from '../private/openapi';
import { errorBody, responseBodySchemas } from './aws-integration';
import type { IntegrationContext } from './integration-context';

/*
 * What S3 routes answer: the integration responses that pick a client status for each status S3 answers
 * with, the headers passed on, and the library's JSON bodies (errors, the upload's confirmation).
 */

/** Response headers of a read that S3 answers with and the client receives. */
const OBJECT_RESPONSE_HEADERS = [
  'Content-Type',
  'Content-Length',
  'ETag',
  'Last-Modified',
  'Cache-Control',
  'Content-Disposition',
  'Accept-Ranges',
];

/** One integration response: the status it answers with, when the S3 status matches its pattern. */
export interface S3Response {
  readonly pattern: string;
  readonly statusCode: number;
  readonly description: string;
  /** S3 response headers passed on. */
  readonly headers?: string[];
  /** A JSON body (mapping template) instead of S3's body. */
  readonly template?: string;
  /** The JSON Schema of a success body the template writes, for the contract. */
  readonly schema?: OpenApiObject;
}

/** Responses that end in a JSON error body, without anything of S3's (no bucket, no request id, no XML). */
function errorResponse(pattern: string, statusCode: number, message: string, type: string): S3Response {
  return {
    pattern,
    statusCode,
    description: message,
    template: errorBody(type, message),
  };
}

const NOT_FOUND = errorResponse('403|404', 404, 'Not Found', 'NOT_FOUND');
const SLOW_DOWN = errorResponse('503', 503, 'Service Unavailable', 'STORAGE_BUSY');
const STORAGE_ERROR = errorResponse('default', 502, 'Bad Gateway', 'STORAGE_ERROR');
const badRequest = (others: string): S3Response =>
  errorResponse(`4(?!${others})\\d{2}`, 400, 'Bad Request', 'BAD_REQUEST');

/**
 * What each kind of S3 route answers, by the status S3 answers with. The patterns match whole status codes
 * and never overlap; `default` takes everything else (other 2XX and 3XX, and 5XX but 503).
 */
export const S3_RESPONSES: Record<string, S3Response[]> = {
  read: [
    { pattern: '200', statusCode: 200, description: 'The object', headers: OBJECT_RESPONSE_HEADERS },
    {
      pattern: '206',
      statusCode: 206,
      description: 'Part of the object (Range)',
      headers: [...OBJECT_RESPONSE_HEADERS, 'Content-Range'],
    },
    {
      pattern: '304',
      statusCode: 304,
      description: 'Not modified since the ETag or date given',
      headers: ['ETag', 'Last-Modified', 'Cache-Control'],
    },
    NOT_FOUND,
    errorResponse('412', 412, 'Precondition Failed', 'PRECONDITION_FAILED'),
    errorResponse('416', 416, 'Range Not Satisfiable', 'RANGE_NOT_SATISFIABLE'),
    badRequest('0[34]|1[26]'),
    SLOW_DOWN,
    STORAGE_ERROR,
  ],
  put: [
    {
      pattern: '200',
      statusCode: 200,
      description: 'The object was stored',
      headers: ['ETag'],
      template: '{"message":"Stored"}',
      schema: {
        type: 'object',
        required: ['message'],
        properties: { message: { type: 'string', enum: ['Stored'] } },
      },
    },
    NOT_FOUND,
    errorResponse('409', 409, 'Conflict', 'CONFLICT'),
    errorResponse('412', 412, 'Precondition Failed', 'PRECONDITION_FAILED'),
    badRequest('0[349]|12'),
    SLOW_DOWN,
    STORAGE_ERROR,
  ],
  delete: [
    { pattern: '20[04]', statusCode: 204, description: 'The object is gone (or was never there)' },
    NOT_FOUND,
    badRequest('0[34]'),
    SLOW_DOWN,
    STORAGE_ERROR,
  ],
  // A 403 or 404 of a listing is the API's own fault (a bucket or key policy): 502 by default.
  list: [
    { pattern: '200', statusCode: 200, description: 'The objects under the prefix' },
    badRequest('0[34]'),
    SLOW_DOWN,
    STORAGE_ERROR,
  ],
};

/** Integration responses (by pattern) and the method responses they need (by status code). */
export function renderResponses(
  ctx: IntegrationContext,
  responses: S3Response[],
  success?: { readonly template: string; readonly schema: OpenApiObject },
): {
  integrationResponses: OpenApiObject;
  methodResponses: Record<string, OpenApiObject>;
  responseBodies: Record<string, OpenApiObject>;
} {
  const cors = ctx.cors;
  const integrationResponses: OpenApiObject = {};
  const methodResponses: Record<string, OpenApiObject> = {};
  for (const response of responses) {
    const template = response.statusCode === 200 && success ? success.template : response.template;
    const responseParameters: Record<string, string> = { ...cors?.responseParameters };
    const declared: Record<string, boolean> = { ...cors?.methodResponseParameters };
    for (const header of response.headers ?? []) {
      responseParameters[`method.response.header.${header}`] = `integration.response.header.${header}`;
      declared[`method.response.header.${header}`] = true;
    }
    integrationResponses[response.pattern] = {
      statusCode: `${response.statusCode}`,
      ...(Object.keys(responseParameters).length > 0 ? { responseParameters } : {}),
      ...(template
        ? {
            // S3's body (XML, binary under the API's binary media types) becomes text for the template.
            contentHandling: 'CONVERT_TO_TEXT',
            responseTemplates: { 'application/json': `${cors?.templatePrefix ?? ''}${template}` },
          }
        : {}),
    };
    const status = `${response.statusCode}`;
    methodResponses[status] = {
      description: methodResponses[status]?.description ?? response.description,
      ...(Object.keys(declared).length > 0 ? { headers: responseHeaders(declared) } : {}),
    };
  }
  const responseBodies = responseBodySchemas(
    Object.keys(methodResponses),
    success && { statusCode: 200, schema: success.schema },
  );
  for (const response of responses) {
    if (response.schema) {
      responseBodies[`${response.statusCode}`] = response.schema;
    }
  }
  return { integrationResponses, methodResponses, responseBodies };
}
