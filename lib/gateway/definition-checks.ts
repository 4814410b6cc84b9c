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
): string[] {
  if (records.length === 0) {
    return [
      `Invalid routes: none. API Gateway cannot deploy an API without methods; add one with addRoute().`,
    ];
  }
  const errors = addedBesideTheDefinition(restApi);
  const resources = resourceCount(records);
  if (resources > limits.MAX_RESOURCES_PER_API) {
    Annotations.of(scope).addWarningV2(
      'cdk-apigateway-presets:quota-resources',
      `The API has ${resources} resources (its paths and their parent paths); API Gateway's default quota is ` +
        `${limits.MAX_RESOURCES_PER_API} per API. Ask for an increase ("Resources per API" in Service Quotas) before deploying.`,
    );
  }
  const stack = Stack.of(restApi);
  const bytes = Buffer.byteLength(
    JSON.stringify(stack.resolve((restApi.node.defaultChild as apigw.CfnRestApi).body)),
  );
  if (bytes > limits.MAX_TEMPLATE_BYTES) {
    errors.push(
      `Invalid API definition: ${bytes} bytes. A CloudFormation template is at most ${limits.MAX_TEMPLATE_BYTES} bytes, ` +
        'and the definition is part of it: split the API into several, e.g. one per group of paths, or move routes to another preset.',
    );
  }
  return errors;
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
