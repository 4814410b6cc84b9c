import { Annotations, Fn, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';
import { checkMediaTypes } from '../private/limits';
import { refuseResponseSchema } from './aws-integration';
import type { IntegrationContext, IntegrationRendering } from './integration-context';
import { bucketRegion, s3IntegrationAccess } from './s3-access';
import { LISTING_SCHEMA, listRequestTemplate, listResponseTemplate, listRoot } from './s3-listing';
import { renderResponses, S3_RESPONSES } from './s3-responses';

/**
 * Options for `RouteIntegration.s3()`.
 */
export interface S3RouteIntegrationOptions {
  /**
   * Serve only the objects under this folder, e.g. `public/`: the route's key is appended to it, and the
   * role reaches no other key. Letters, digits and `. _ - /`, not starting with `/` and ending with `/`
   * (`'public'` fails synth: it would also reach `public-internal/…`).
   * @default '' (every key of the bucket)
   */
  readonly keyPrefix?: string;

  /**
   * Allow a PUT route to upload objects (PutObject) and a DELETE route to delete them (DeleteObject).
   * Without it, only GET and HEAD routes are accepted.
   * @default false
   */
  readonly allowWrites?: boolean;

  /**
   * Make this GET route list the objects under the key prefix (ListObjectsV2) instead of reading one,
   * as JSON: `{ objects: [{ key, size, lastModified, etag }], prefixes, cursor }`. The route's path
   * variables, if any, are folders under the prefix (`/tenants/{tenant}/files` lists `<prefix><tenant>/`).
   * @default false
   */
  readonly listObjects?: boolean;

  /**
   * Media types the API passes through unchanged, as binary, in requests and responses. With `*\/*`
   * every object round-trips byte for byte whatever the client's `Accept` header; it also makes every
   * other route of the API binary (Lambda proxy functions get base64 bodies), which leaves the warning
   * `cdk-apigateway-presets:s3-binary-api`. With a narrower list, an object reaches the client unchanged
   * only when the first type of its `Accept` header is in the list.
   * @default ['*\/*']
   */
  readonly binaryMediaTypes?: string[];
}

const OBJECT_METHODS: Record<string, string> = {
  GET: 's3:GetObject',
  // HeadObject needs the s3:GetObject permission (there is no s3:HeadObject action).
  HEAD: 's3:GetObject',
  PUT: 's3:PutObject',
  DELETE: 's3:DeleteObject',
};
const WRITE_METHODS = ['PUT', 'DELETE'];
const KEY_PREFIX = /^(?!\/)[A-Za-z0-9._/-]{1,512}$/;

/** Request headers of a read that S3 answers from: byte ranges and conditional requests. */
const READ_REQUEST_HEADERS = [
  'Range',
  'If-Match',
  'If-None-Match',
  'If-Modified-Since',
  'If-Unmodified-Since',
];
/** Request headers of an upload that S3 stores with the object, and conditional writes. */
const WRITE_REQUEST_HEADERS = ['Cache-Control', 'Content-Disposition', 'If-Match', 'If-None-Match'];
/** The query parameters of a listing route. */
const LIST_PARAMETERS = ['prefix', 'cursor', 'limit', 'delimiter'];

/**
 * Renders an S3 route: an AWS integration with S3 (path-style, `arn:aws:apigateway:<region>:s3:path/...`)
 * through a role that holds exactly what the route does.
 */
export function renderS3Route(
  ctx: IntegrationContext,
  bucket: s3.IBucket,
  options: S3RouteIntegrationOptions,
): IntegrationRendering {
  const keyPrefix = checkKeyPrefix(ctx.scope, 'integration.keyPrefix', options.keyPrefix ?? '');
  const binaryMediaTypes = options.binaryMediaTypes ?? ['*/*'];
  checkMediaTypes(ctx.scope, 'integration.binaryMediaTypes', binaryMediaTypes);
  if (binaryMediaTypes.length === 0) {
    throw new PresetValidationError(
      ctx.scope,
      'integration.binaryMediaTypes',
      binaryMediaTypes,
      "List at least one media type, e.g. '*/*': objects that are not binary to API Gateway are re-encoded as UTF-8 text.",
    );
  }
  if (options.listObjects) {
    if (options.allowWrites) {
      throw new PresetValidationError(
        ctx.scope,
        'integration.allowWrites',
        true,
        'A listing route only reads; allowWrites applies to PUT and DELETE object routes. Use separate integrations.',
      );
    }
    return renderList(ctx, bucket, keyPrefix);
  }
  return renderObject(ctx, bucket, keyPrefix, options, binaryMediaTypes);
}

function renderObject(
  ctx: IntegrationContext,
  bucket: s3.IBucket,
  keyPrefix: string,
  options: S3RouteIntegrationOptions,
  binaryMediaTypes: string[],
): IntegrationRendering {
  const action = OBJECT_METHODS[ctx.method];
  if (!action) {
    throw new PresetValidationError(
      ctx.scope,
      'method',
      ctx.method,
      'An S3 object route is GET or HEAD (read the object), PUT (upload) or DELETE, each a route of its own; set listObjects for a GET that lists.',
    );
  }
  const write = WRITE_METHODS.includes(ctx.method);
  if (write && !options.allowWrites) {
    throw new PresetValidationError(
      ctx.scope,
      'integration.allowWrites',
      options.allowWrites,
      `A ${ctx.method} route changes objects: set allowWrites: true on the integration to upload and delete; without it S3 routes only read.`,
    );
  }
  if (ctx.pathVariables.length === 0) {
    throw new PresetValidationError(
      ctx.scope,
      'path',
      'no path variable',
      'An S3 object route names the object with its path variables, e.g. /files/{key+} (the key may contain /); set listObjects for a route that lists.',
    );
  }
  if (write && ctx.cacheKeyParameters) {
    throw new PresetValidationError(
      ctx.scope,
      'cache',
      `a cached ${ctx.method} route`,
      'Only S3 reads can be cached: a cached PUT or DELETE would answer without reaching S3.',
    );
  }
  if (ctx.cors) {
    // Several origins are echoed by a template prefix; one origin (or '*') is a static header.
    checkS3Cors(ctx.scope, ctx.cors.templatePrefix !== '');
  }
  const kind = ctx.method === 'PUT' ? 'put' : ctx.method === 'DELETE' ? 'delete' : 'read';
  if (S3_RESPONSES[kind].some((response) => response.schema)) {
    refuseResponseSchema(ctx, 'the confirmation');
  }
  warnAboutBinaryApi(ctx.scope, binaryMediaTypes);

  const access = s3IntegrationAccess(ctx.scope, bucket);
  access.permissions.allowObjects([action], keyPrefix);
  addBucketNameToDeploymentHash(ctx, bucket);

  const requestHeaders = write ? (ctx.method === 'PUT' ? WRITE_REQUEST_HEADERS : []) : READ_REQUEST_HEADERS;
  const requestParameters: Record<string, string> = {};
  const methodParameters: Record<string, boolean> = {};
  for (const variable of ctx.pathVariables) {
    requestParameters[`integration.request.path.${variable}`] = `method.request.path.${variable}`;
  }
  for (const header of requestHeaders) {
    requestParameters[`integration.request.header.${header}`] = `method.request.header.${header}`;
    methodParameters[`method.request.header.${header}`] = false;
  }
  if (ctx.method === 'PUT') {
    // Required: S3 stores the object with it, and it decides whether API Gateway passes the body as binary.
    requestParameters['integration.request.header.Content-Type'] = 'method.request.header.Content-Type';
    methodParameters['method.request.header.Content-Type'] = true;
  }
  // A cached read varies by its byte range and conditions: never a partial or 304 answer to a plain GET.
  const cacheKeyParameters = ctx.cacheKeyParameters
    ? unique([...ctx.cacheKeyParameters, ...requestHeaders.map((h) => `method.request.header.${h}`)])
    : undefined;

  const key = ctx.pathVariables.map((v) => `{${v}}`).join('/');
  const rendered = renderResponses(ctx, S3_RESPONSES[kind]);
  return {
    integration: {
      type: 'aws',
      httpMethod: ctx.method,
      uri: s3Uri(ctx.scope, bucket, `/${keyPrefix}${key}`),
      credentials: access.role.roleArn,
      requestParameters,
      // No templates: the body passes through as it came, byte for byte under the binary media types.
      passthroughBehavior: 'when_no_templates',
      responses: rendered.integrationResponses,
      ...(ctx.timeout ? { timeoutInMillis: ctx.timeout.toMilliseconds() } : {}),
      ...(cacheKeyParameters ? { cacheKeyParameters } : {}),
    },
    responses: rendered.methodResponses,
    responseBodies: rendered.responseBodies,
    // The object's bytes both ways; a HEAD answer has no body (RFC 9110, 9.3.2).
    binaryBodies: {
      request: ctx.method === 'PUT',
      responses: ctx.method === 'GET' ? ['200', '206'] : [],
      mediaTypes: binaryMediaTypes,
    },
    requestParameters: methodParameters,
    binaryMediaTypes,
  };
}

function renderList(ctx: IntegrationContext, bucket: s3.IBucket, keyPrefix: string): IntegrationRendering {
  if (ctx.method !== 'GET') {
    throw new PresetValidationError(
      ctx.scope,
      'method',
      ctx.method,
      'A listing route (listObjects) is a GET route.',
    );
  }
  refuseResponseSchema(ctx, 'the listing');
  const access = s3IntegrationAccess(ctx.scope, bucket);
  access.permissions.allowList(keyPrefix);
  addBucketNameToDeploymentHash(ctx, bucket);

  const methodParameters: Record<string, boolean> = {};
  for (const name of LIST_PARAMETERS) {
    methodParameters[`method.request.querystring.${name}`] = false;
  }
  const cacheKeyParameters = ctx.cacheKeyParameters
    ? unique([...ctx.cacheKeyParameters, ...LIST_PARAMETERS.map((n) => `method.request.querystring.${n}`)])
    : undefined;
  const root = listRoot(keyPrefix, ctx.pathVariables);
  const rendered = renderResponses(ctx, S3_RESPONSES.list, {
    template: listResponseTemplate(root),
    schema: LISTING_SCHEMA,
  });
  return {
    integration: {
      type: 'aws',
      httpMethod: 'GET',
      uri: s3Uri(ctx.scope, bucket, ''),
      credentials: access.role.roleArn,
      requestParameters: {
        'integration.request.querystring.list-type': "'2'",
        // Keys come back URL-encoded: no XML entities to undo, whatever characters they hold.
        'integration.request.querystring.encoding-type': "'url'",
        'integration.request.querystring.max-keys': 'method.request.querystring.limit',
        'integration.request.querystring.delimiter': 'method.request.querystring.delimiter',
      },
      requestTemplates: { 'application/json': listRequestTemplate(root) },
      passthroughBehavior: 'never',
      // The request has no body, but under '*/*' API Gateway would treat it as binary and refuse the template.
      contentHandling: 'CONVERT_TO_TEXT',
      responses: rendered.integrationResponses,
      ...(ctx.timeout ? { timeoutInMillis: ctx.timeout.toMilliseconds() } : {}),
      ...(cacheKeyParameters ? { cacheKeyParameters } : {}),
    },
    responses: rendered.methodResponses,
    responseBodies: rendered.responseBodies,
    requestParameters: methodParameters,
  };
}

/**
 * The integration URI, path-style: `arn:<partition>:apigateway:<region>:s3:path/<bucket><path>`. A bucket
 * of this stack is named by its logical id in one `Fn::Sub`, so the URI stays short on every route.
 */
function s3Uri(scope: IConstruct, bucket: s3.IBucket, path: string): string {
  const region = bucketRegion(bucket);
  const prefix = `arn:\${AWS::Partition}:apigateway:${Token.isUnresolved(region) ? '${AWS::Region}' : region}:s3:path/`;
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket && Stack.of(cfn) === Stack.of(scope)) {
    return Fn.sub(`${prefix}\${${Stack.of(cfn).getLogicalId(cfn)}}${path}`);
  }
  if (!Token.isUnresolved(bucket.bucketName)) {
    return Fn.sub(`${prefix}${bucket.bucketName}${path}`);
  }
  return Fn.sub(`${prefix}\${Bucket}${path}`, { Bucket: bucket.bucketName });
}

/**
 * A bucket whose name is set in code is replaced when the name changes, and the stage must move to a new
 * deployment to reach it; the definition, which holds the name as a reference, does not change.
 */
function addBucketNameToDeploymentHash(ctx: IntegrationContext, bucket: s3.IBucket): void {
  const name =
    bucket instanceof s3.Bucket ? (bucket.node.defaultChild as s3.CfnBucket).bucketName : undefined;
  if (name && !Token.isUnresolved(name)) {
    ctx.addToDeploymentHash({ s3BucketName: name });
  }
}

/** Checks a key prefix (`prop` names it in the error); returns it. */
export function checkKeyPrefix(scope: IConstruct, prop: string, keyPrefix: string): string {
  if (Token.isUnresolved(keyPrefix)) {
    throw new PresetValidationError(
      scope,
      prop,
      keyPrefix,
      'The key prefix must be known at synth: it is part of the integration URI, the role and the listing templates.',
    );
  }
  if (
    keyPrefix !== '' &&
    (!KEY_PREFIX.test(keyPrefix) ||
      keyPrefix.includes('//') ||
      keyPrefix.split('/').some((s) => s === '.' || s === '..'))
  ) {
    throw new PresetValidationError(
      scope,
      prop,
      keyPrefix,
      "A key prefix is 1-512 letters, digits and . _ - /, not starting with '/', without '//' or '.' and '..' segments, e.g. 'public/'.",
    );
  }
  if (keyPrefix !== '' && !keyPrefix.endsWith('/')) {
    // The key is appended to the prefix as is: 'public' would also serve (and grant) 'public-internal/…'.
    throw new PresetValidationError(
      scope,
      prop,
      keyPrefix,
      `A key prefix is a folder and ends with '/': use '${keyPrefix}/'. The object's key is appended to the prefix, so without the '/' the routes and their role would also reach every key that merely starts with '${keyPrefix}' (e.g. '${keyPrefix}-internal/…').`,
    );
  }
  return keyPrefix;
}

/**
 * Checks what an API with CORS can do on S3 object routes: one origin, since an object passes through
 * unchanged and no template can answer each of several origins. (The CORS preflight is converted to
 * text, so binary media types such as `*\/*` do not break it.)
 */
export function checkS3Cors(scope: IConstruct, severalOrigins: boolean): void {
  if (severalOrigins) {
    throw new PresetValidationError(
      scope,
      'cors.allowOrigins',
      'several origins',
      'An S3 object route returns the object unchanged, so API Gateway cannot answer each listed origin on it: give one origin, or "*".',
    );
  }
}

const warned = new WeakSet<IConstruct>();

/** `*\/*` makes every body of the API binary, which changes what other routes receive: said once per API. */
function warnAboutBinaryApi(api: IConstruct, binaryMediaTypes: string[]): void {
  if (!binaryMediaTypes.includes('*/*') || warned.has(api)) {
    return;
  }
  warned.add(api);
  Annotations.of(api).addWarningV2(
    'cdk-apigateway-presets:s3-binary-api',
    "An S3 route makes '*/*' a binary media type of this API, so that objects round-trip unchanged: every other " +
      'route of the API gets binary bodies too (a Lambda proxy function receives them base64-encoded, with ' +
      'isBase64Encoded: true). Acknowledge this if the API serves S3 objects only or its functions decode ' +
      'base64 bodies; or give the S3 integration binaryMediaTypes for the object types it serves.',
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
