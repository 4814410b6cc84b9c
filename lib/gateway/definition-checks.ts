import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
import * as limits from '../private/limits';
import { RouteRecord } from './routes';

/** Resource types that live in the API definition: one created beside it is wiped by the next deploy. */
const DEFINED_BY_THE_DEFINITION = new Set([
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::DocumentationPart',
]);

/**
 * What is checked when the app synthesizes, once every route is in: the API has routes, nothing
 * the definition would wipe was added to the REST API directly, and the definition fits what
 * CloudFormation and API Gateway accept. Warns when the API passes an adjustable API Gateway quota.
 *
 * @returns the errors, as aws-cdk-lib validations report them
 */
export function checkDefinition(
  scope: IConstruct,
  restApi: apigw.SpecRestApi,
  records: RouteRecord[],
  binaryMediaTypes: string[],
): string[] {
  if (records.length === 0) {
    return [
      `Invalid routes: none. API Gateway cannot deploy an API without methods; add one with addRoute().`,
    ];
  }
  const errors = addedBesideTheDefinition(restApi);
  errors.push(...templatesOfBinaryBodies(records, binaryMediaTypes));
  const resources = resourceCount(records);
  if (resources > limits.MAX_RESOURCES_PER_API) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:quota-resources',
      `The API has ${resources} resources (its paths and their parent paths); API Gateway's default quota is ` +
        `${limits.MAX_RESOURCES_PER_API} per API. Ask for an increase ("Resources per API" in Service Quotas) before deploying.`,
    );
  }
  errors.push(...definitionSizeErrors(restApi));
  return errors;
}

/**
 * A route that maps request bodies with a template (SQS, Step Functions, an AWS service) needs them as
 * text. A body whose content type is one of the API's binary media types reaches the integration as
 * binary, which no template reads, so the route would not work with any request of that type.
 */
function templatesOfBinaryBodies(records: RouteRecord[], binaryMediaTypes: string[]): string[] {
  const errors: string[] = [];
  for (const { key, integration } of records) {
    const settings = integration.integration;
    if (settings.contentHandling === 'CONVERT_TO_TEXT' || settings.requestTemplates === undefined) {
      continue;
    }
    for (const contentType of Object.keys(settings.requestTemplates as object)) {
      const binary = binaryMediaTypes.find((type) => mediaTypeMatches(type, contentType));
      if (binary) {
        errors.push(
          `Invalid binaryMediaTypes: ${JSON.stringify(binaryMediaTypes)}. ${key.method} ${key.path} maps ` +
            `${contentType} request bodies with a mapping template, but '${binary}' makes them binary to the API, ` +
            'and a template cannot read a binary body. Narrow the binary media types to what is really binary ' +
            "(e.g. binaryMediaTypes: ['image/*', 'application/pdf'] on the S3 routes or the S3ProxyApi that add '*/*').",
        );
      }
    }
  }
  return errors;
}

/** Whether `pattern` (e.g. `image/*`, `*\/*`) covers the media type `type`, as API Gateway matches them. */
function mediaTypeMatches(pattern: string, type: string): boolean {
  const [patternType, patternSubtype] = pattern.toLowerCase().split('/');
  const [typeType, typeSubtype] = type.toLowerCase().split(';')[0].trim().split('/');
  return (
    (patternType === '*' || patternType === typeType) &&
    (patternSubtype === '*' || patternSubtype === typeSubtype)
  );
}

/** Where the definition sits in the template: Resources > <logical id> > Properties > Body. */
const BODY_DEPTH = 4;
const SUPPRESS_INDENTATION = '@aws-cdk/core:suppressTemplateIndentation';

/**
 * The definition is part of the stack's template, which CloudFormation takes up to 1 MB. What it adds,
 * as aws-cdk-lib writes it: indented by default, one space a level, or compact when the stack suppresses
 * indentation. A definition too large either way cannot deploy; one too large only indented fails with
 * the way past it.
 */
function definitionSizeErrors(restApi: apigw.SpecRestApi): string[] {
  const stack = Stack.of(restApi);
  const body = stack.resolve((restApi.node.defaultChild as apigw.CfnRestApi).body);
  const compact = Buffer.byteLength(JSON.stringify(body));
  const limit = limits.MAX_TEMPLATE_BYTES;
  if (compact > limit) {
    return [
      `Invalid API definition: ${compact} bytes. A CloudFormation template is at most ${limit} bytes, and the ` +
        'definition is part of it: split the API into several, e.g. one per group of paths.',
    ];
  }
  const suppressed = suppressesIndentation(stack);
  if (suppressed === true) {
    return [];
  }
  const pretty = JSON.stringify(body, undefined, 1);
  const indented = Buffer.byteLength(pretty) + BODY_DEPTH * (pretty.split('\n').length - 1);
  if (indented <= limit) {
    return [];
  }
  const message =
    `The API definition takes ${indented} bytes of the template as aws-cdk-lib writes it, indented, and a ` +
    `CloudFormation template is at most ${limit} bytes; without indentation it takes ${compact}. Set ` +
    `suppressTemplateIndentation: true on the stack (or the context key ${SUPPRESS_INDENTATION}).`;
  if (suppressed === false) {
    return [`Invalid template size: ${message}`];
  }
  // The stack's own setting could not be read: it may already be set, so this is only a warning.
  Annotations.of(restApi).addWarningV2('cdk-apigateway-presets:template-size', message);
  return [];
}

/**
 * Whether the stack writes its template without indentation: its `suppressTemplateIndentation` prop, or
 * the context key. Undefined when aws-cdk-lib no longer keeps the prop where it is read from.
 */
function suppressesIndentation(stack: Stack): boolean | undefined {
  const setting = (stack as unknown as { _suppressTemplateIndentation?: unknown })
    ._suppressTemplateIndentation;
  if (typeof setting === 'boolean') {
    return setting;
  }
  return stack.node.tryGetContext(SUPPRESS_INDENTATION) === true ? true : undefined;
}

/** Messages for each resource of the REST API that was created beside its definition. */
function addedBesideTheDefinition(restApi: apigw.SpecRestApi): string[] {
  const stack = Stack.of(restApi);
  const api = JSON.stringify(stack.resolve(restApi.restApiId));
  const errors: string[] = [];
  for (const construct of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(construct) || !DEFINED_BY_THE_DEFINITION.has(construct.cfnResourceType)) {
      continue;
    }
    const restApiId = (construct as unknown as { restApiId?: unknown }).restApiId;
    if (JSON.stringify(stack.resolve(restApiId)) === api) {
      errors.push(
        `Invalid ${construct.cfnResourceType} at ${construct.node.path}: the preset's API is defined by one OpenAPI ` +
          'definition that replaces the whole API on every deploy, so this resource would be wiped. Add routes with ' +
          'addRoute() and change their operations with the ApiRoute it returns.',
      );
    }
  }
  return errors;
}

/** API Gateway resources: every path of a route and every parent path, and the root. */
function resourceCount(records: RouteRecord[]): number {
  const paths = new Set<string>(['/']);
  for (const { key } of records) {
    let parent = '';
    for (const segment of key.segments) {
      parent = `${parent}/${segment.text}`;
      paths.add(parent);
    }
  }
  return paths.size;
}

/**
 * Writes the contract to `file` when the app synthesizes (after every route is in), relative to the
 * directory the app runs in.
 */
export function writeContractAtSynth(scope: IConstruct, file: string, contract: () => unknown): void {
  scope.node.addValidation({
    validate: () => {
      const target = path.resolve(file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, `${JSON.stringify(contract(), undefined, 2)}\n`);
      return [];
    },
  });
}
