import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
import * as limits from '../private/limits';
import { definitionMarker, freezeDefinitions, markerId, measureWithMarkers } from './definition-cache';
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
 * the definition would wipe was added to the REST API directly, and the definition fits what API
 * Gateway accepts (the template that holds it is checked by `checkTemplateSize`). Warns when the API
 * passes an adjustable API Gateway quota.
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
      const binary = binaryMediaTypes.find((type) => limits.mediaTypeMatches(type, contentType));
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

const SUPPRESS_INDENTATION = '@aws-cdk/core:suppressTemplateIndentation';

/** What a stack's template holds, as the template file is written. */
interface TemplateMeasure {
  /** The template as aws-cdk-lib writes it: compact when the stack suppresses indentation, else indented. */
  readonly bytes: number;
  /** The same template without indentation. */
  readonly compactBytes: number;
  readonly indented: boolean;
  /** Whether the stack's indentation setting could be read (when not, the template is taken as indented). */
  readonly layoutKnown: boolean;
  readonly resources: number;
  /** The parts that grow with routes, largest first, each in the template's own layout. */
  readonly parts: Array<{ readonly name: string; readonly bytes: number }>;
}

/**
 * Checks, once every route is in, that the whole template of `stack` fits what CloudFormation accepts:
 * at most 1,000,000 bytes as aws-cdk-lib writes it and 500 resources. Everything counts: every API
 * definition, every stage's method settings, and all the other resources of the stack.
 *
 * @returns the errors, as aws-cdk-lib validations report them
 */
export function checkTemplateSize(stack: Stack): string[] {
  // Validations run once aws-cdk-lib has prepared the app: every definition of the stack is final.
  freezeDefinitions(stack);
  const measure = measureTemplate(stack);
  if (measure === undefined) {
    Annotations.of(stack).addWarningV2(
      'cdk-apigateway-presets:template-size',
      "The stack's template could not be measured with this version of aws-cdk-lib, so its size " +
        `(at most ${limits.MAX_TEMPLATE_BYTES} bytes) and resources (at most ${limits.MAX_RESOURCES_PER_STACK}) are not checked at synth.`,
    );
    return [];
  }
  const errors: string[] = [];
  if (measure.resources > limits.MAX_RESOURCES_PER_STACK) {
    errors.push(
      `Invalid template of ${stack.node.path}: ${measure.resources} resources. A CloudFormation stack holds at most ` +
        `${limits.MAX_RESOURCES_PER_STACK}; move resources to another stack.`,
    );
  }
  const limit = limits.MAX_TEMPLATE_BYTES;
  if (measure.bytes <= limit) {
    return errors;
  }
  const message = sizeMessage(measure, limit);
  if (measure.layoutKnown || measure.compactBytes > limit) {
    errors.push(`Invalid template size of ${stack.node.path}: ${message}`);
  } else {
    // The stack's own indentation setting could not be read: it may already be set, so only a warning.
    Annotations.of(stack).addWarningV2(
      'cdk-apigateway-presets:template-size',
      `The template of ${stack.node.path}: ${message}`,
    );
  }
  return errors;
}

/** The bytes `value` takes as a resource property in the template of `stack`, as aws-cdk-lib will write it. */
export function propertyBytes(stack: Stack, value: unknown): number {
  return partBytes(value, suppressesIndentation(stack) !== true);
}

function sizeMessage(measure: TemplateMeasure, limit: number): string {
  const layout = measure.indented ? 'indented, as aws-cdk-lib writes it by default' : 'without indentation';
  const named = measure.parts.reduce((sum, part) => sum + part.bytes, 0);
  const parts = [
    ...measure.parts.map((part) => `${part.name} ${part.bytes}`),
    `everything else (with up to ${SYNTHESIZER_ALLOWANCE_BYTES} the stack synthesizer adds) ${measure.bytes - named}`,
  ].join(', ');
  const fix =
    measure.indented && measure.compactBytes <= limit
      ? `Without indentation it takes ${measure.compactBytes} bytes: set suppressTemplateIndentation: true on the stack ` +
        `(or the context key ${SUPPRESS_INDENTATION}).`
      : 'Shrink what takes the room: a route with its own throttling, or cached in a stage with a cache cluster, adds ' +
        'a method setting to each stage, and an ANY route one for each method it serves; or split the API into ' +
        'several, each in its own stack.' +
        (measure.parts.some((part) => part.name.startsWith('the API definition'))
          ? ' An API definition can also leave the template: definitionLocation: DefinitionLocation.ASSET.'
          : '') +
        (measure.indented ? ` Without indentation it would take ${measure.compactBytes} bytes.` : '');
  return (
    `${measure.bytes} bytes ${layout}; a CloudFormation template is at most ${limit} bytes. In bytes: ${parts}. ` +
    fix
  );
}

/**
 * What the stack synthesizer adds to the template after the app's validations run: the
 * `DefaultStackSynthesizer` writes a `BootstrapVersion` parameter and a `CheckBootstrapVersion` rule,
 * about 530 bytes compact and 750 indented. Counted whenever the template has no such parameter yet.
 */
const SYNTHESIZER_ALLOWANCE_BYTES = 1024;

/** Where a definition and a stage's method settings sit in the template: Resources > id > Properties > key. */
const PROPERTY_DEPTH = 4;

/**
 * The stack's template as aws-cdk-lib renders it when it writes the template file (`JSON.stringify`,
 * indented one space a level unless the stack suppresses indentation). Undefined when aws-cdk-lib no
 * longer renders it where it is read from.
 *
 * Each API definition already resolved for this synth (see `DefinitionCache`) is counted from that one
 * resolution: the template is rendered with a short marker in its place, and the marker's bytes are
 * replaced by the definition's.
 */
function measureTemplate(stack: Stack): TemplateMeasure | undefined {
  const render = (stack as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
  if (typeof render !== 'function') {
    return undefined;
  }
  const marked = measureWithMarkers(stack, () => render.call(stack));
  const template = marked.value as {
    Resources?: Record<string, CfnResourceJson>;
    Parameters?: Record<string, unknown>;
  };
  for (const marker of marked.definitions.keys()) {
    const quoted = JSON.stringify(definitionMarker(marker));
    const at = marked.json.indexOf(quoted);
    if (at < 0 || marked.json.indexOf(quoted, at + quoted.length) >= 0) {
      // An override merged something into a definition's place: measure the template as it is.
      return measureRendered(stack, render.call(stack) as typeof template, new Map());
    }
  }
  return measureRendered(stack, template, marked.definitions, marked.json);
}

/** Measures a rendered template whose definitions may stand as markers (`definitions`). */
function measureRendered(
  stack: Stack,
  template: { Resources?: Record<string, CfnResourceJson>; Parameters?: Record<string, unknown> },
  definitions: ReadonlyMap<string, { readonly value: unknown; readonly json: string }>,
  compactJson?: string,
): TemplateMeasure {
  const suppressed = suppressesIndentation(stack);
  const indented = suppressed !== true;
  const allowance = template.Parameters?.BootstrapVersion === undefined ? SYNTHESIZER_ALLOWANCE_BYTES : 0;
  // The bytes of each definition in place of its marker.
  let compactExtra = 0;
  let indentedExtra = 0;
  const definitionBytes = new Map<string, number>();
  for (const [marker, definition] of definitions) {
    const compact = Buffer.byteLength(definition.json);
    compactExtra += compact - partBytes(definitionMarker(marker), false);
    const own = indented ? partBytes(definition.value, true) : compact;
    indentedExtra += own - partBytes(definitionMarker(marker), true);
    definitionBytes.set(marker, own);
  }
  const compactBytes = Buffer.byteLength(compactJson ?? JSON.stringify(template)) + compactExtra + allowance;
  const bytes = indented
    ? Buffer.byteLength(JSON.stringify(template, undefined, 1)) + indentedExtra + allowance
    : compactBytes;
  const resources = template.Resources ?? {};
  const paths = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) {
      const parent = construct.node.scope;
      const owner = construct.node.id === 'Resource' && parent ? parent : construct;
      paths.set(stack.resolve(construct.logicalId) as string, owner.node.path);
    }
  }
  const parts: TemplateMeasure['parts'] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const name = paths.get(logicalId) ?? logicalId;
    const body = resource.Properties?.Body;
    if (resource.Type === 'AWS::ApiGateway::RestApi' && body !== undefined) {
      parts.push({
        name: `the API definition of ${name}`,
        bytes: definitionBytes.get(markerId(body) ?? '') ?? partBytes(body, indented),
      });
    }
    const settings = resource.Properties?.MethodSettings;
    if (resource.Type === 'AWS::ApiGateway::Stage' && Array.isArray(settings)) {
      parts.push({
        name: `the method settings of ${name} (${settings.length} ${settings.length === 1 ? 'entry' : 'entries'})`,
        bytes: partBytes(settings, indented),
      });
    }
  }
  parts.sort((a, b) => b.bytes - a.bytes);
  return {
    bytes,
    compactBytes,
    indented,
    layoutKnown: suppressed !== undefined,
    resources: Object.keys(resources).length,
    parts,
  };
}

interface CfnResourceJson {
  readonly Type?: string;
  readonly Properties?: { readonly Body?: unknown; readonly MethodSettings?: unknown };
}

/** The bytes a property value takes in the template, indented as deep as it sits, or compact. */
function partBytes(value: unknown, indented: boolean): number {
  if (!indented) {
    return Buffer.byteLength(JSON.stringify(value));
  }
  const pretty = JSON.stringify(value, undefined, 1);
  return Buffer.byteLength(pretty) + PROPERTY_DEPTH * (pretty.split('\n').length - 1);
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
