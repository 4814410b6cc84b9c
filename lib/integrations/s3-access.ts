import { Aws, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeInPacks, REGULATED_PACKS } from '../private/regulated-packs';

/** Why an API Gateway integration role keeps its policy inline (IAMNoInlinePolicy). */
export const INLINE_INTEGRATION_POLICY =
  'Inline so that the permissions exist as soon as the role does, before API Gateway first assumes it (a ' +
  'separate policy is a separate resource CloudFormation may create later). The policy serves this one role, ' +
  'which only API Gateway can assume, names exact actions on exact resources, and is deleted with it; a managed ' +
  'policy would hold the same statements and could be attached to other principals.';

/** Object actions that decrypt an SSE-KMS object, and those that encrypt one. */
const KMS_ACTIONS_FOR: Record<string, string> = {
  's3:GetObject': 'kms:Decrypt',
  's3:PutObject': 'kms:GenerateDataKey',
};

/**
 * Exact S3 permissions of one principal on one bucket: object actions on the keys under a prefix, listing
 * limited to a prefix, and the KMS actions an SSE-KMS bucket needs for them, each action once. The object
 * resources end in a wildcard (a route serves every key under its prefix); those findings of
 * `AwsSolutions-IAM5` are acknowledged one by one, with the actions they allow.
 */
export class BucketPermissions {
  private readonly statements = new Map<string, { statement: iam.PolicyStatement; actions: Set<string> }>();
  private readonly objectResources = new Map<string, { resource: string; actions: Set<string> }>();
  private readonly acknowledged = new Set<string>();

  /**
   * @param principal the construct the statements belong to (the role): acknowledgements are made on it
   * @param bucket the bucket
   * @param addStatement adds a new statement to the principal's policy
   */
  constructor(
    private readonly principal: IConstruct,
    private readonly bucket: s3.IBucket,
    private readonly addStatement: (statement: iam.PolicyStatement) => void,
  ) {
    // At synth, when references between stacks are settled: the finding names the resource as written.
    principal.node.addValidation({ validate: () => this.acknowledgeObjectWildcards() });
  }

  /** Allows object actions (e.g. `s3:GetObject`) on the keys that start with `keyPrefix`. */
  public allowObjects(actions: string[], keyPrefix: string): void {
    const resource = this.bucket.arnForObjects(`${keyPrefix}*`);
    this.allow(`objects ${keyPrefix}`, actions, [resource]);
    const entry = this.objectResources.get(keyPrefix) ?? { resource, actions: new Set<string>() };
    actions.forEach((a) => entry.actions.add(a));
    this.objectResources.set(keyPrefix, entry);
    const kmsActions = actions.map((a) => KMS_ACTIONS_FOR[a]).filter((a) => a !== undefined);
    const key = this.bucket.encryptionKey;
    if (key && kmsActions.length > 0) {
      // Only through S3 in the bucket's Region: the key cannot be used directly with these permissions.
      this.allow('kms', kmsActions, [key.keyArn], {
        StringEquals: { 'kms:ViaService': `s3.${bucketRegion(this.bucket)}.${Aws.URL_SUFFIX}` },
      });
    }
  }

  /** Allows listing the keys that start with `keyPrefix` (all keys for an empty prefix). */
  public allowList(keyPrefix: string): void {
    this.allow(
      `list ${keyPrefix}`,
      ['s3:ListBucket'],
      [this.bucket.bucketArn],
      // s3:prefix is the prefix a ListObjectsV2 request asks for; a request without one lists every key.
      keyPrefix === '' ? undefined : { StringLike: { 's3:prefix': `${keyPrefix}*` } },
    );
  }

  private allow(
    id: string,
    actions: string[],
    resources: string[],
    conditions?: Record<string, unknown>,
  ): void {
    let entry = this.statements.get(id);
    if (!entry) {
      entry = {
        statement: new iam.PolicyStatement({ actions: [], resources, conditions }),
        actions: new Set<string>(),
      };
      this.statements.set(id, entry);
      this.addStatement(entry.statement);
    }
    for (const action of actions) {
      if (!entry.actions.has(action)) {
        entry.actions.add(action);
        entry.statement.addActions(action);
      }
    }
  }

  private acknowledgeObjectWildcards(): string[] {
    const stack = Stack.of(this.principal);
    for (const [keyPrefix, { resource, actions }] of this.objectResources) {
      const id = `AwsSolutions-IAM5[Resource::${flattenReference(stack.resolve(resource))}]`;
      if (this.acknowledged.has(id)) {
        continue;
      }
      this.acknowledged.add(id);
      Validations.of(this.principal).acknowledge({
        id,
        reason:
          `Only ${[...actions].sort().join(', ')} on the objects of this one bucket ` +
          `${keyPrefix === '' ? '(every key)' : `whose keys start with '${keyPrefix}'`}: the route serves whatever ` +
          'key a caller names there (a path variable), so the resource ends in a wildcard. No bucket-level action ' +
          'and no other bucket is allowed.',
      });
    }
    return [];
  }
}

/**
 * A resolved CloudFormation value as cdk-nag names it in a finding: `Ref` is `<Id>`, `Fn::GetAtt` is
 * `<Id.Attr>`, `Fn::Join` is joined, `${X}` in `Fn::Sub` is `<X>`, and `Fn::ImportValue` is its name.
 */
export function flattenReference(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  }
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::Sub']) {
    const sub = node['Fn::Sub'];
    return flattenReference(Array.isArray(sub) ? sub[0] : sub);
  }
  if (node['Fn::GetAtt']) {
    const [id, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(id)}.${flattenReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flattenReference(node['Fn::ImportValue']);
  }
  if (node.Ref) {
    return `<${flattenReference(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/** The bucket's Region: its own when known (an imported bucket may live elsewhere), else the stack's. */
export function bucketRegion(bucket: s3.IBucket): string {
  const region = bucket.env.region;
  return Token.isUnresolved(region) ? Aws.REGION : region;
}

/** The role API Gateway assumes for the S3 routes of one API on one bucket, and its permissions (a type alias: it hands constructs over). */
export type S3IntegrationAccess = {
  readonly role: iam.Role;
  readonly permissions: BucketPermissions;
};

const accessByApi = new WeakMap<IConstruct, Map<string, S3IntegrationAccess>>();

/**
 * The credentials role of an API's S3 routes on `bucket`: one per API and bucket, created under the API
 * (`S3Access<bucket's unique id>`) the first time a route needs it. Its inline policy holds exactly what
 * the routes added so far do.
 */
export function s3IntegrationAccess(api: IConstruct, bucket: s3.IBucket): S3IntegrationAccess {
  const byBucket = accessByApi.get(api) ?? new Map<string, S3IntegrationAccess>();
  accessByApi.set(api, byBucket);
  const id = `S3Access${Names.nodeUniqueId(bucket.node)}`;
  let access = byBucket.get(id);
  if (!access) {
    const policy = new iam.PolicyDocument();
    const role = new iam.Role(api as Construct, id, {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `API Gateway S3 integration role of ${api.node.path} (cdk-apigateway-presets)`,
      // Inline: the permissions exist as soon as the role does, before the API is first called.
      inlinePolicies: { S3Access: policy },
    });
    acknowledgeInPacks(role, 'IAMNoInlinePolicy', REGULATED_PACKS, INLINE_INTEGRATION_POLICY);
    access = { role, permissions: new BucketPermissions(role, bucket, (s) => policy.addStatements(s)) };
    byBucket.set(id, access);
  }
  return access;
}
