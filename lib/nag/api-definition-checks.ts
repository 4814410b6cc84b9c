import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  authorizationOf,
  bodyValidated,
  CachedOperation,
  cachedOperations,
  Definition,
  definitionOf,
  isObject,
  mapsBinaryBodies,
  Operation,
  operationsOf,
  readBody,
  renderedProperties,
  sharesResponses,
} from './definition-reader';

/**
 * A cdk-nag rule pack that reads the OpenAPI definition (`Body`) of every
 * `AWS::ApiGateway::RestApi`, whether a preset of this library or any other (a hand-written
 * `SpecRestApi`, a `CfnRestApi`), and reports its operations.
 *
 * cdk-nag's own method rules look for `AWS::ApiGateway::Method` resources, which an API defined by a
 * definition does not have. Each finding names its operation (`METHOD /path`), so it can be
 * acknowledged one operation at a time: `ApiDefinition-DeclaredPublic[GET /health]` (aws-cdk-lib
 * records the space as `-`, and the finding is `GET-/health`).
 *
 * Rules (each id starts with `ApiDefinition-`):
 * - `NoAuthorization` (error): an operation anyone can call: no security requirement (its own or the
 *   definition's), an empty list, an alternative without a scheme, or only API keys, and no
 *   `x-amazon-apigateway-auth` of type `AWS_IAM`. A CORS preflight (`OPTIONS` answered by a mock) is
 *   left out: browsers send it without credentials.
 * - `DeclaredPublic` (warning): an operation that declares itself open with
 *   `x-amazon-apigateway-auth: { type: NONE }` (the presets write it for `ApiAuthorization.none()`).
 *   Acknowledge each one you mean.
 * - `BodyNotValidated` (error): an operation that takes a body (POST, PUT, PATCH, ANY, or a declared
 *   request body) whose request validator does not validate bodies.
 * - `CacheSharedAcrossCallers` (error, on the stage): an authorized operation cached by a stage whose
 *   cache key leaves out the caller's identity (the authorizer's identity sources); an IAM-authorized
 *   operation has none to key by.
 * - `StreamedOperationCached` (error, on the stage): an operation whose response is streamed is cached;
 *   API Gateway caches buffered responses only.
 * - `BinaryBodyMappedByTemplate` (error): an operation maps request bodies with a template for a
 *   content type the API's binary media types make binary, which a template cannot read.
 * - `DefinitionUnreadable` (warning): the definition is in S3 (`BodyS3Location`) or cannot be resolved
 *   at synth (for example built with `Fn::Join`), so the other rules could not check it.
 */
export class ApiDefinitionChecks extends NagPack {
  public readonly name: string;

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.name = 'ApiDefinition';
    this.packName = 'ApiDefinition';
  }

  protected checkResource(node: CfnResource): void {
    if (node.cfnResourceType === 'AWS::ApiGateway::RestApi') {
      this.checkRestApi(node);
    } else if (node.cfnResourceType === 'AWS::ApiGateway::Stage') {
      this.checkStage(node);
    }
  }

  private checkRestApi(node: CfnResource): void {
    this.rule(
      node,
      'DefinitionUnreadable',
      NagMessageLevel.WARN,
      'The REST API definition could not be read at synth (in S3, or made of unresolved tokens), so its operations were not checked.',
      'The ApiDefinition rules read the OpenAPI definition in the template. A definition in S3 or built with intrinsic functions (Fn::Join, Fn::Sub) cannot be read until deploy time; check it another way.',
      () => {
        const body = readBody(node);
        return body.kind === 'unreadable'
          ? NagRuleCompliance.NON_COMPLIANT
          : NagRuleCompliance.NOT_APPLICABLE;
      },
    );
    this.rule(
      node,
      'NoAuthorization',
      NagMessageLevel.ERROR,
      'The API definition has an operation that anyone can call: it requires no authorization.',
      'An operation without a security requirement (or with an empty one, or with API keys only) and without x-amazon-apigateway-auth AWS_IAM accepts calls from anyone on the internet or network that reaches the API. Require IAM, a Cognito user pool or a Lambda authorizer, or declare the operation public with x-amazon-apigateway-auth { type: NONE } and acknowledge ApiDefinition-DeclaredPublic.',
      () => this.operationFindings(node, (def, op) => authorizationOf(def, op).kind === 'none'),
    );
    this.rule(
      node,
      'DeclaredPublic',
      NagMessageLevel.WARN,
      'The API definition has an operation declared open to anyone (x-amazon-apigateway-auth type NONE).',
      'A public operation accepts calls from anyone. Acknowledge each operation that is meant to be public, with the reason, so that an audit sees the decision.',
      () => this.operationFindings(node, (def, op) => authorizationOf(def, op).kind === 'public'),
    );
    this.rule(
      node,
      'BodyNotValidated',
      NagMessageLevel.ERROR,
      'The API definition has an operation that takes a request body without validating it.',
      "API Gateway validates a request body against the operation's model only when the operation's request validator (its own x-amazon-apigateway-request-validator, else the definition's) has validateRequestBody true. Without it, any body reaches the integration.",
      () => this.operationFindings(node, (def, op) => !bodyValidated(def, op)),
    );
    this.rule(
      node,
      'BinaryBodyMappedByTemplate',
      NagMessageLevel.ERROR,
      "The API definition has an operation that maps request bodies with a template for a content type the API's binary media types make binary.",
      'A body whose content type matches x-amazon-apigateway-binary-media-types reaches the integration as binary, which a mapping template cannot read, unless the integration converts it to text (contentHandling CONVERT_TO_TEXT). Narrow the binary media types.',
      () => this.operationFindings(node, (def, op) => mapsBinaryBodies(def, op)),
    );
  }

  private checkStage(node: CfnResource): void {
    this.rule(
      node,
      'CacheSharedAcrossCallers',
      NagMessageLevel.ERROR,
      "The stage caches an authorized operation under a cache key without the caller's identity.",
      "An authorized operation whose cache key leaves out the caller's credentials (its authorizer's identity sources) serves one caller's cached response to every other caller. IAM-authorized operations cannot be keyed by caller. Add the identity sources to the integration's cacheKeyParameters, or turn caching off for the operation.",
      () => this.cachedFindings(node, (def, cached) => sharesResponses(def, cached.operation)),
    );
    this.rule(
      node,
      'StreamedOperationCached',
      NagMessageLevel.ERROR,
      'The stage caches an operation whose response is streamed.',
      'API Gateway caches buffered responses only; a streamed response (responseTransferMode STREAM) cannot be cached. Turn caching off for the operation, or buffer its response.',
      () =>
        this.cachedFindings(
          node,
          (_, cached) => cached.operation.integration?.responseTransferMode === 'STREAM',
        ),
    );
  }

  private rule(
    node: CfnResource,
    id: string,
    level: NagMessageLevel,
    info: string,
    explanation: string,
    check: () => NagRuleResult,
  ): void {
    this.applyRule({ ruleSuffixOverride: id, info, explanation, level, node, rule: () => check() });
  }

  /** The operations of the REST API's definition for which `failing` holds, as findings. */
  private operationFindings(
    node: CfnResource,
    failing: (definition: Definition, op: Operation) => boolean,
  ): NagRuleResult {
    const body = readBody(node);
    if (body.kind !== 'read') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const definition = definitionOf(body.body);
    const found = operationsOf(definition)
      .filter((op) => failing(definition, op))
      .map((op) => findingOf(op));
    return found.length > 0 ? found : NagRuleCompliance.COMPLIANT;
  }

  /** The operations the stage caches for which `failing` holds, as findings. */
  private cachedFindings(
    node: CfnResource,
    failing: (definition: Definition, cached: CachedOperation) => boolean,
  ): NagRuleResult {
    const restApi = restApiOfStage(node);
    if (!restApi) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const body = readBody(restApi);
    if (body.kind !== 'read') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const definition = definitionOf(body.body);
    const found = cachedOperations(definition, renderedProperties(node))
      .filter((cached) => failing(definition, cached))
      .map((cached) => findingOf(cached.operation));
    return found.length > 0 ? [...new Set(found)] : NagRuleCompliance.COMPLIANT;
  }
}

/**
 * The finding of an operation, `METHOD-/path`: aws-cdk-lib writes an acknowledged id with each space
 * as '-', so `[GET /health]` and `[GET-/health]` acknowledge the same finding.
 */
function findingOf(op: { readonly method: string; readonly path: string }): string {
  return `${op.method}-${op.path}`;
}

/** The REST API of the same stack that a stage's `RestApiId` refers to, if it can be found. */
function restApiOfStage(stage: CfnResource): CfnResource | undefined {
  const stack = Stack.of(stage);
  const restApiId = renderedProperties(stage).RestApiId;
  const logicalId = isObject(restApiId) ? restApiId.Ref : undefined;
  if (typeof logicalId !== 'string') {
    return undefined;
  }
  return stack.node
    .findAll()
    .find(
      (c): c is CfnResource =>
        CfnResource.isCfnResource(c) &&
        c.cfnResourceType === 'AWS::ApiGateway::RestApi' &&
        stack.resolve(c.logicalId) === logicalId,
    );
}
