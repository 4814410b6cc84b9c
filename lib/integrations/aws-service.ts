import { createHash } from 'node:crypto';
import { Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PresetValidationError } from '../private/errors';
import { checkContentTypes, renderAwsResponses, ServiceErrorRule, THROTTLED } from './aws-integration';
import { integrationRole } from './integration-role';
import type { IntegrationContext, IntegrationRendering } from './integration-context';

/**
 * What the role of an `awsService` route may do: exact IAM actions on exact resources.
 */
export interface AwsServicePermission {
  /**
   * IAM actions, e.g. `['events:PutEvents']`: exact names (no wildcard) of the route's service, or `kms:`
   * actions for the key its data is encrypted with.
   */
  readonly actions: string[];

  /**
   * The ARNs the actions apply to, e.g. `[bus.eventBusArn]`. No `*`, no wildcard in the partition,
   * service, Region or account; a trailing `/*` reaches what is under one resource (e.g. a table's
   * indexes).
   */
  readonly resources: string[];
}

/**
 * What the client receives when the AWS service answers with an error (a 4XX status).
 */
export interface AwsServiceErrorResponse {
  /**
   * The service's error code, e.g. `ConditionalCheckFailedException`. It is the `type` of the error body.
   */
  readonly errorCode: string;

  /**
   * The status code the client receives, 400-599.
   */
  readonly statusCode: number;

  /**
   * The `message` of the error body: the service's own message is never sent.
   * @default 'The request could not be completed.'
   */
  readonly message?: string;
}

/**
 * Options for `RouteIntegration.awsService()`.
 */
export interface AwsServiceRouteIntegrationOptions {
  /**
   * The service, as API Gateway names it: the subdomain of its endpoint, e.g. `events` (EventBridge),
   * `dynamodb`, `sns`, `kinesis`, `firehose`.
   */
  readonly service: string;

  /**
   * The service's API action, e.g. `PutEvents`, `PutItem`.
   */
  readonly action: string;

  /**
   * What the role API Gateway assumes may do: exact actions of this service (or KMS) on exact resources.
   * Required unless `credentialsRole` is given.
   * @default - none (then `credentialsRole` is required)
   */
  readonly allow?: AwsServicePermission[];

  /**
   * The request mapping template: the body of the call to the action, in the service's format (JSON for
   * most services). Escape what comes from the request, e.g.
   * `"$util.escapeJavaScript($input.body).replaceAll("\\'","'")"` for a JSON string. Method request
   * parameters it reads (`$input.params('x')`) must be declared with the route's `requestParameters`.
   */
  readonly requestTemplate: string;

  /**
   * Static headers of the call, e.g. `{ 'X-Amz-Target': 'AWSEvents.PutEvents', 'Content-Type':
   * 'application/x-amz-json-1.1' }` for an action of a JSON-protocol service that needs them.
   * @default - none
   */
  readonly requestHeaders?: { [name: string]: string };

  /**
   * The request content types the template applies to; a request of any other type is refused with 415.
   * @default ['application/json']
   */
  readonly contentTypes?: string[];

  /**
   * The response mapping template of a successful call.
   * @default - the service's response body, unchanged
   */
  readonly responseTemplate?: string;

  /**
   * The status code of a successful call, 200-299.
   * @default 200
   */
  readonly successStatusCode?: number;

  /**
   * Service errors (4XX) to answer with their own status code, tried in order. Throttling errors are
   * answered 503, and any other error 500, with a JSON body that carries no service message.
   * @default - none
   */
  readonly errors?: AwsServiceErrorResponse[];

  /**
   * The role API Gateway assumes to call the service, used as given (then `allow` must be left out).
   * @default - a role with exactly the `allow` permissions
   */
  readonly credentialsRole?: iam.IRole;
}

const SERVICE = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const ACTION = /^[A-Za-z][A-Za-z0-9]{0,127}$/;
const IAM_ACTION = /^([a-z0-9-]+):([A-Za-z0-9]+)$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,128}$/;
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;
/** An ARN with no wildcard but an optional trailing `/*`. */
const ARN = /^arn:([^:*?]+):([^:*?]+):([^:*?]*):([^:*?]*):([^*?]+?)(\/\*)?$/;
/** API Gateway service names whose IAM service prefix differs. */
const IAM_PREFIXES: Record<string, string> = {
  monitoring: 'cloudwatch',
  email: 'ses',
  'runtime.sagemaker': 'sagemaker',
  'bedrock-runtime': 'bedrock',
  'sync-states': 'states',
  'streams.dynamodb': 'dynamodb',
};
/** Services whose permissions a call to another service may need: the KMS key its data is encrypted with. */
const COMPANION_PREFIXES = ['kms'];

/**
 * The request and response mapping of a route that calls an AWS service's API action with a template
 * the user writes, and the role API Gateway assumes to do it, allowed exactly what `allow` says.
 */
export function renderAwsServiceIntegration(
  options: AwsServiceRouteIntegrationOptions,
  ctx: IntegrationContext,
): IntegrationRendering {
  const scope = ctx.scope;
  const { service, action } = options;
  if (Token.isUnresolved(service) || !SERVICE.test(service)) {
    throw new PresetValidationError(
      scope,
      'integration.service',
      service,
      "A service is named as API Gateway names it, the subdomain of its endpoint in lower case, e.g. 'events' or 'dynamodb'.",
    );
  }
  if (Token.isUnresolved(action) || !ACTION.test(action)) {
    throw new PresetValidationError(
      scope,
      'integration.action',
      action,
      "An action is the service's API action, e.g. 'PutEvents': letters and digits, starting with a letter.",
    );
  }
  const prefix = IAM_PREFIXES[service] ?? service;
  const allow = checkPermissions(ctx, options, prefix);
  checkTemplate(ctx, 'integration.requestTemplate', options.requestTemplate);
  if (options.responseTemplate !== undefined) {
    checkTemplate(ctx, 'integration.responseTemplate', options.responseTemplate);
  }
  const contentTypes = checkContentTypes(scope, options.contentTypes);
  const requestParameters = requestHeaderParameters(ctx, options.requestHeaders ?? {});
  const successStatusCode = options.successStatusCode ?? 200;
  if (!Number.isInteger(successStatusCode) || successStatusCode < 200 || successStatusCode > 299) {
    throw new PresetValidationError(
      scope,
      'integration.successStatusCode',
      successStatusCode,
      'A successful call is answered with a 2XX status code, 200-299.',
    );
  }
  const errorRules = (options.errors ?? []).map((error, index) => errorRule(ctx, error, index));

  // Everything is checked: from here on, resources may be created.
  const calls = `${prefix}:${action}`;
  if (allow && !allow.some((permission) => permission.actions.includes(calls))) {
    ctx.warn(
      'cdk-apigateway-presets:aws-service-action-not-allowed',
      `The ${service} ${action} integration's role is not allowed ${calls}: every call fails unless the action ` +
        'is authorized by another IAM action of that name. Add it to allow, or acknowledge this warning.',
    );
  }
  const role =
    options.credentialsRole ??
    integrationRole(
      scope,
      `AwsService${permissionsHash(ctx, service, allow!)}`,
      `Lets API Gateway call ${service} with exactly the permissions of its routes`,
      () =>
        allow!.map(
          (permission) =>
            new iam.PolicyStatement({ actions: permission.actions, resources: permission.resources }),
        ),
    );
  const responses = renderAwsResponses(
    {
      successStatusCode,
      successDescription: `The ${service} ${action} call succeeded`,
      successTemplate: options.responseTemplate ?? '$input.body',
      errorRules: [...errorRules, THROTTLED],
    },
    ctx.cors,
  );
  return {
    integration: {
      type: 'aws',
      httpMethod: 'POST',
      uri: Fn.sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}:${service}:action/${action}`),
      credentials: role.roleArn,
      passthroughBehavior: 'never',
      ...(Object.keys(requestParameters).length > 0 ? { requestParameters } : {}),
      requestTemplates: Object.fromEntries(contentTypes.map((type) => [type, options.requestTemplate])),
      responses: responses.integrationResponses,
    },
    responses: responses.methodResponses,
    responseBodies: responses.responseBodies,
  };
}

/** Checks `allow` against the service and `credentialsRole`; returns it, or undefined with a given role. */
function checkPermissions(
  ctx: IntegrationContext,
  options: AwsServiceRouteIntegrationOptions,
  prefix: string,
): AwsServicePermission[] | undefined {
  const scope = ctx.scope;
  if (options.credentialsRole) {
    if (options.allow !== undefined) {
      throw new PresetValidationError(
        scope,
        'integration.allow',
        `${options.allow.length} permissions`,
        'A given credentialsRole is used as it is: grant it what it needs and leave allow out, or leave credentialsRole out.',
      );
    }
    return undefined;
  }
  const allow = options.allow ?? [];
  if (allow.length === 0) {
    throw new PresetValidationError(
      scope,
      'integration.allow',
      allow,
      `Say what the role may do, e.g. [{ actions: ['${prefix}:${options.action}'], resources: [<ARN>] }], or give a credentialsRole.`,
    );
  }
  const prefixes = [prefix, ...COMPANION_PREFIXES];
  allow.forEach((permission, index) => {
    const at = `integration.allow[${index}]`;
    if (permission.actions.length === 0 || permission.resources.length === 0) {
      throw new PresetValidationError(
        scope,
        at,
        permission,
        'A permission names at least one action and one resource.',
      );
    }
    for (const action of permission.actions) {
      const match = IAM_ACTION.exec(action);
      if (!match || !prefixes.includes(match[1])) {
        throw new PresetValidationError(
          scope,
          `${at}.actions`,
          action,
          `An action is one exact IAM action, '<service>:<Action>' without wildcards, of ${prefixes.map((p) => `'${p}:'`).join(' or ')}.`,
        );
      }
    }
    const services = new Set(permission.actions.map((a) => a.split(':')[0]));
    if (services.size > 1) {
      throw new PresetValidationError(
        scope,
        `${at}.actions`,
        permission.actions,
        "A permission's actions are of one service, so its resources can be checked against it: give each service its own permission.",
      );
    }
    const [actionService] = services;
    for (const resource of permission.resources) {
      if (Token.isUnresolved(resource)) {
        // An ARN known at deploy time (a table's, a bus's) is what it is: only its literal parts are known.
        continue;
      }
      const arn = ARN.exec(resource);
      if (!arn || arn[2] !== actionService) {
        throw new PresetValidationError(
          scope,
          `${at}.resources`,
          resource,
          `A resource is the ARN of one ${actionService} resource, the service of the permission's actions, with no wildcard but a trailing '/*'.`,
        );
      }
    }
  });
  return allow;
}

/** Static integration request headers: `integration.request.header.NAME` = `'value'`. */
function requestHeaderParameters(
  ctx: IntegrationContext,
  headers: Record<string, string>,
): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || value.length === 0 || value.includes("'")) {
      throw new PresetValidationError(
        ctx.scope,
        `integration.requestHeaders.${name}`,
        value,
        "A request header is named by letters, digits and '-', with a non-empty value without apostrophes.",
      );
    }
    parameters[`integration.request.header.${name}`] = `'${value}'`;
  }
  return parameters;
}

function checkTemplate(ctx: IntegrationContext, prop: string, template: string): void {
  if (typeof template !== 'string' || template.trim().length === 0) {
    throw new PresetValidationError(
      ctx.scope,
      prop,
      template,
      'A mapping template is non-empty Velocity (VTL) text, e.g. \'{"TableName":"orders","Item":{"id":{"S":"$context.requestId"}}}\'.',
    );
  }
}

function errorRule(ctx: IntegrationContext, error: AwsServiceErrorResponse, index: number): ServiceErrorRule {
  const at = `integration.errors[${index}]`;
  if (!ERROR_CODE.test(error.errorCode)) {
    throw new PresetValidationError(
      ctx.scope,
      `${at}.errorCode`,
      error.errorCode,
      "An error code is the service's name for the error: letters, digits, '_' and '.', e.g. 'ConditionalCheckFailedException'.",
    );
  }
  if (!Number.isInteger(error.statusCode) || error.statusCode < 400 || error.statusCode > 599) {
    throw new PresetValidationError(
      ctx.scope,
      `${at}.statusCode`,
      error.statusCode,
      'An error is answered with a status code of 400-599.',
    );
  }
  const message = error.message ?? 'The request could not be completed.';
  if (
    Token.isUnresolved(message) ||
    message.length === 0 ||
    message.length > 256 ||
    /[$#\p{Cc}]/u.test(message)
  ) {
    throw new PresetValidationError(
      ctx.scope,
      `${at}.message`,
      message,
      'A message is 1-256 characters known at synth, without $, # or control characters (it is part of a mapping template).',
    );
  }
  return { codes: [error.errorCode], statusCode: error.statusCode, type: error.errorCode, message };
}

/** A stable id for the role of these permissions: routes that allow the same share one role. */
function permissionsHash(ctx: IntegrationContext, service: string, allow: AwsServicePermission[]): string {
  const resolved = Stack.of(ctx.scope).resolve(
    allow.map((p) => ({ actions: [...p.actions].sort(), resources: p.resources })),
  );
  return createHash('sha256')
    .update(JSON.stringify({ service, allow: resolved }))
    .digest('hex')
    .slice(0, 12);
}
