import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The rule-id prefixes of the cdk-nag packs ComplianceProfile.REGULATED is built to pass on top of the baseline. */
export const REGULATED_PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'] as const;

/** One of the packs of REGULATED_PACKS. */
export type RegulatedPack = (typeof REGULATED_PACKS)[number];

/**
 * Acknowledges one rule, in each of the given packs that has it, on one construct, with one reason:
 * `<pack>-<rule>`, e.g. `HIPAA.Security-LambdaDLQ`.
 */
export function acknowledgeInPacks(
  construct: IConstruct,
  rule: string,
  packs: readonly RegulatedPack[],
  reason: string,
): void {
  for (const pack of packs) {
    Validations.of(construct).acknowledge({ id: `${pack}-${rule}`, reason });
  }
}

/** Why a bucket the library creates has no replication rule (S3BucketReplicationEnabled). */
export const NO_REPLICATION_REASON =
  'Replication needs a destination bucket, usually in another Region or account, with its own key and ' +
  'retention, which only the owner can choose; the library does not create buckets outside the stack. The ' +
  'bucket is versioned, encrypted with KMS and retained, so a replication rule can be added to it ' +
  '(docs/COMPLIANCE.md).';

/**
 * Acknowledges, in the regulated packs, the Lambda rules a custom resource's handler does not meet and the
 * inline policy of its role. `calls` names the AWS APIs the handler calls, e.g. `'API Gateway UpdateStage'`.
 */
export function acknowledgeDeployTimeHandler(handler: IConstruct, role: IConstruct, calls: string): void {
  acknowledgeInPacks(
    role,
    'IAMNoInlinePolicy',
    REGULATED_PACKS,
    'Inline on the role so that the function, and so the custom resource, cannot run before its permissions ' +
      'exist (a separate policy is a separate resource CloudFormation may create later). It serves this one ' +
      'role, names exact actions on exact resources, and is deleted with it.',
  );
  acknowledgeInPacks(
    handler,
    'LambdaDLQ',
    ['HIPAA.Security', 'NIST.800.53.R5'],
    'CloudFormation invokes this handler once per stack operation and fails the deployment when it fails or ' +
      'does not answer; a dead-letter queue would only hold events nobody acts on.',
  );
  acknowledgeInPacks(
    handler,
    'LambdaConcurrency',
    ['HIPAA.Security', 'NIST.800.53.R5'],
    'CloudFormation invokes this handler once per stack operation, so it never runs more than a few times at ' +
      'once. Reserved concurrency is taken from the account: Lambda keeps at least 100 of it unreserved ' +
      '("Configuring reserved concurrency for a function", AWS Lambda developer guide), so in an account whose ' +
      'concurrency quota is at its minimum the reservation, and the deployment, would fail.',
  );
  acknowledgeInPacks(
    handler,
    'LambdaInsideVPC',
    REGULATED_PACKS,
    `The handler receives no network traffic and calls only AWS APIs (${calls}). A public API has no VPC; in ` +
      'one, the handler would need a NAT gateway or interface endpoints the library would have to create, and ' +
      'would reach the same AWS endpoints.',
  );
}
