import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Aws,
  CustomResource,
  DefaultTokenResolver,
  Duration,
  IPostProcessor,
  IResolvable,
  IResolveContext,
  Names,
  Reference,
  Stack,
  Stage,
  StringConcat,
  Token,
  Tokenization,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { createDeployTimeHandler } from '../private/deploy-time-handler';
import * as limits from '../private/limits';

/** How the handler recognises a deploy-time value in the stored definition: `@@cdk-apigateway-presets:<index>@@`. */
const PLACEHOLDER_PREFIX = '@@cdk-apigateway-presets:';
const PLACEHOLDER_SUFFIX = '@@';
const PLACEHOLDER = /@@cdk-apigateway-presets:(\d+)@@/g;

const RESOURCE_TYPE = 'Custom::ApiGatewayDefinitionImport';

/**
 * The longest each pseudo parameter can resolve to, for the size the definition will have at deploy
 * time. Any other deploy-time value (an ARN, an id) is taken as `OTHER_VALUE_BYTES`.
 */
const PSEUDO_PARAMETER_BYTES: Record<string, number> = {
  'AWS::AccountId': 12,
  'AWS::Partition': 16,
  'AWS::Region': 20,
  'AWS::URLSuffix': 32,
};
const OTHER_VALUE_BYTES = 256;

/** An API definition with each deploy-time value replaced by a placeholder. */
export interface DefinitionWithPlaceholders {
  /** The definition as JSON, each deploy-time value written as `@@cdk-apigateway-presets:<index>@@`. */
  readonly json: string;
  /** The deploy-time values, by placeholder index, as tokens (a reference to another stack stays one). */
  readonly values: unknown[];
  /** The values as resolved in the definition's own stack, by placeholder index. */
  readonly resolvedValues: unknown[];
  /** How many placeholders were written (a value used twice counts twice). */
  readonly placeholders: number;
}

/**
 * Resolves `definition` in `stack` with every deploy-time value (a reference, a pseudo parameter, an
 * intrinsic function) written as a placeholder. A string built from literal text and values (an
 * `Fn::Join`) stays one string, with a placeholder for each value in it; equal values share one
 * placeholder.
 */
export function renderWithPlaceholders(stack: Stack, definition: unknown): DefinitionWithPlaceholders {
  const resolver = new PlaceholderResolver();
  const resolved = resolver.rawIntrinsics(Tokenization.resolve(definition, { scope: stack, resolver }));
  return {
    json: JSON.stringify(resolved),
    values: resolver.values,
    resolvedValues: resolver.resolvedValues,
    placeholders: resolver.written,
  };
}

/** Writes a placeholder for each token that resolves to a CloudFormation intrinsic. */
class PlaceholderResolver extends DefaultTokenResolver {
  public readonly values: unknown[] = [];
  public readonly resolvedValues: unknown[] = [];
  public written = 0;
  private readonly indexes = new Map<string, number>();

  constructor() {
    super(new StringConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    const resolved = super.resolveToken(t, context, postProcessor);
    if (!isIntrinsic(resolved)) {
      return resolved;
    }
    // Two stacks may hold resources of the same logical id: a reference is also told apart by its stack.
    const owner = t instanceof Reference ? Stack.of(t.target).node.path : undefined;
    return joinedText(resolved) ?? this.placeholder(t, resolved, owner);
  }

  /** Replaces intrinsics written as plain objects (not tokens) in an already resolved value. */
  public rawIntrinsics(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.rawIntrinsics(item));
    }
    if (typeof value !== 'object' || value === null) {
      return value;
    }
    if (isIntrinsic(value)) {
      return joinedText(value) ?? this.placeholder(value, value);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = this.rawIntrinsics(item);
    }
    return result;
  }

  private placeholder(source: unknown, resolved: unknown, owner?: string): string {
    this.written++;
    const key = owner === undefined ? JSON.stringify(resolved) : `${owner} ${JSON.stringify(resolved)}`;
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(source);
      this.resolvedValues.push(resolved);
      this.indexes.set(key, index);
    }
    return `${PLACEHOLDER_PREFIX}${index}${PLACEHOLDER_SUFFIX}`;
  }
}

/** An object CloudFormation reads as an intrinsic function: one key, `Ref` or `Fn::...`. */
function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** The text of an `Fn::Join` whose parts are all text by now (placeholders included), else undefined. */
function joinedText(value: Record<string, unknown>): string | undefined {
  const join = value['Fn::Join'];
  if (!Array.isArray(join) || join.length !== 2 || typeof join[0] !== 'string' || !Array.isArray(join[1])) {
    return undefined;
  }
  const parts = join[1] as unknown[];
  return parts.every((part) => typeof part === 'string') ? (parts as string[]).join(join[0]) : undefined;
}

/** The bytes of the definition once CloudFormation has put its values in place: at least, and at most. */
export function definitionBytes(definition: DefinitionWithPlaceholders): { atLeast: number; atMost: number } {
  let atLeast = Buffer.byteLength(definition.json);
  let atMost = atLeast;
  for (const match of definition.json.matchAll(PLACEHOLDER)) {
    const own = Buffer.byteLength(match[0]);
    atLeast -= own - 1;
    atMost += valueBytes(definition.resolvedValues[Number(match[1])]) - own;
  }
  return { atLeast, atMost };
}

function valueBytes(resolved: unknown): number {
  const ref = isIntrinsic(resolved) ? resolved.Ref : undefined;
  return typeof ref === 'string' && PSEUDO_PARAMETER_BYTES[ref] !== undefined
    ? PSEUDO_PARAMETER_BYTES[ref]
    : OTHER_VALUE_BYTES;
}

/**
 * Checks the definition against what PutRestApi imports: at most 6 MB with its values in place.
 *
 * @returns the errors, as aws-cdk-lib validations report them, and a warning when the size depends on
 * values only known at deploy time
 */
export function checkImportSize(
  path: string,
  definition: DefinitionWithPlaceholders,
): { errors: string[]; warning?: string } {
  const { atLeast, atMost } = definitionBytes(definition);
  const limit = limits.MAX_IMPORTED_DEFINITION_BYTES;
  if (atLeast > limit) {
    return {
      errors: [
        `Invalid API definition of ${path}: at least ${atLeast} bytes; PutRestApi imports a definition of at most ${limit} ` +
          'bytes. Split the API into several, each with its own preset.',
      ],
    };
  }
  if (atMost > limit) {
    return {
      errors: [],
      warning:
        `The API definition of ${path} takes between ${atLeast} and about ${atMost} bytes once its deploy-time values ` +
        `(ARNs, ids) are in place, and PutRestApi imports at most ${limit}: the deploy fails if it passes that. ` +
        'Split the API into several to be sure.',
    };
  }
  return { errors: [] };
}

/**
 * Checks that every placeholder of the definition is one the library wrote: text of the definition's own
 * that looks like one (in a description, a mapping template) would be replaced by a value at deploy time.
 *
 * @returns the errors, as aws-cdk-lib validations report them
 */
export function checkPlaceholders(path: string, definition: DefinitionWithPlaceholders): string[] {
  const found = [...definition.json.matchAll(PLACEHOLDER)].length;
  if (found <= definition.placeholders) {
    return [];
  }
  return [
    `Invalid API definition of ${path}: its own text contains '${PLACEHOLDER_PREFIX}<n>${PLACEHOLDER_SUFFIX}', ` +
      'which the import of a definition from its asset replaces with a deploy-time value. Remove that text ' +
      '(from a description, a summary or a mapping template), or keep the definition in the template ' +
      '(definitionLocation: DefinitionLocation.TEMPLATE).',
  ];
}

/** What the custom resource imports into which REST API. */
export interface DefinitionImportProps {
  /** The id of the REST API the definition is imported into. */
  readonly restApiId: string;
  /** The definition, with a placeholder for each deploy-time value. */
  readonly definition: DefinitionWithPlaceholders;
}

/**
 * scope/DefinitionImport: the definition as an S3 asset, and the custom resource (its handler, role and
 * retained log group) that imports it into the REST API with PutRestApi, mode overwrite, failing on
 * warnings.
 */
export class DefinitionImport extends Construct {
  /** The custom resource: the deployment must depend on it. */
  public readonly resource: CustomResource;
  /** The definition with placeholders, as an S3 asset. */
  public readonly asset: s3assets.Asset;

  constructor(scope: Construct, id: string, props: DefinitionImportProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Written into the cloud assembly's directory, from which the asset is staged.
    const outdir = Stage.of(this)?.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'definition-'));
    fs.mkdirSync(outdir, { recursive: true });
    const file = path.join(outdir, `${stack.artifactId}.${Names.uniqueId(this)}.json`);
    fs.writeFileSync(file, props.definition.json);
    this.asset = new s3assets.Asset(this, 'Definition', { path: file });

    const restApiArn = `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${props.restApiId}`;
    const objectArn = `arn:${Aws.PARTITION}:s3:::${this.asset.s3BucketName}/${this.asset.s3ObjectKey}`;
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadDefinition',
        actions: ['s3:GetObject'],
        resources: [objectArn],
      }),
      new iam.PolicyStatement({
        sid: 'ImportDefinition',
        actions: ['apigateway:PUT'],
        resources: [restApiArn],
      }),
    ];
    const passedRoles = credentialRoles(props.definition);
    if (passedRoles.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'PassIntegrationRoles',
          actions: ['iam:PassRole'],
          resources: passedRoles,
          conditions: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } },
        }),
      );
    }
    const { handler } = createDeployTimeHandler(this, {
      entry: 'gateway/handler/put-rest-api',
      name: 'definition-import handler',
      roleDescription:
        'Imports the API definition with PutRestApi (cdk-apigateway-presets custom resource handler)',
      policyName: 'ImportDefinition',
      statements,
      description: 'Imports the API definition from its S3 asset with PutRestApi (mode overwrite)',
      // A definition of up to 6 MB is read, substituted and sent in memory.
      memorySize: 512,
      timeout: Duration.minutes(5),
      calls: 'API Gateway PutRestApi and S3 GetObject',
      records: 'every import and error',
    });
    this.resource = new CustomResource(this, 'Import', {
      serviceToken: handler.functionArn,
      resourceType: RESOURCE_TYPE,
      properties: {
        RestApiId: props.restApiId,
        DefinitionBucket: this.asset.s3BucketName,
        DefinitionKey: this.asset.s3ObjectKey,
        Values: props.definition.values,
      },
      serviceTimeout: Duration.minutes(10),
    });
  }
}

/**
 * The roles API Gateway assumes for the definition's integrations and authorizers, which the import
 * passes to it.
 */
function credentialRoles(definition: DefinitionWithPlaceholders): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== 'object' || value === null) {
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if ((key === 'credentials' || key === 'authorizerCredentials') && typeof item === 'string') {
        found.add(item);
      } else {
        visit(item);
      }
    }
  };
  visit(JSON.parse(definition.json));
  const roles: string[] = [];
  for (const text of found) {
    // A caller-identity pass-through (arn:aws:iam::*:user/*) is no role to pass.
    if (text.includes('*')) {
      continue;
    }
    roles.push(
      text.replace(PLACEHOLDER, (_match, index: string) => Token.asString(definition.values[Number(index)])),
    );
  }
  return roles;
}
