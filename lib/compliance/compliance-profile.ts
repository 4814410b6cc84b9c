/**
 * The compliance rules a preset is built to pass.
 *
 * `BASELINE` passes cdk-nag's `AwsSolutions` and `Serverless` packs. `REGULATED` also passes the
 * `HIPAA.Security`, `NIST.800.53.R5` and `PCI.DSS.321` packs, and the AWS Control Tower proactive
 * controls that require log groups and buckets to be encrypted with KMS: it adds a customer managed
 * KMS key for every log group and bucket the preset creates, WAF (with logging) on every API,
 * a client certificate on every stage and an encrypted cache cluster (docs/COMPLIANCE.md lists
 * every rule and how it is met).
 */
export class ComplianceProfile {
  /** What every preset does by default: the `AwsSolutions` and `Serverless` packs pass. */
  public static readonly BASELINE = new ComplianceProfile('BASELINE');

  /** The baseline, plus what `HIPAA.Security`, `NIST.800.53.R5` and `PCI.DSS.321` require. */
  public static readonly REGULATED = new ComplianceProfile('REGULATED');

  /** The profile's name: `BASELINE` or `REGULATED`. */
  public readonly profileName: string;

  private constructor(profileName: string) {
    this.profileName = profileName;
  }
}

/** Whether the profile is `REGULATED`. */
export function isRegulated(profile: ComplianceProfile | undefined): boolean {
  return profile === ComplianceProfile.REGULATED;
}
