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
