import { Annotations, AspectPriority, Aspects, Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { PresetValidationError } from '../private/errors';

/** The construct id of the key a regulated preset encrypts its log groups and buckets with. */
const KEY_ID = 'ComplianceKey';

/**
 * scope/ComplianceKey, created on first use: a customer managed KMS key with yearly rotation, retained
 * with the logs and objects it encrypts. Its policy lets the account's IAM policies use it (the
 * default key policy) and CloudWatch Logs use it for this account's log groups in this Region only
 * ("Encrypt log data in CloudWatch Logs using AWS Key Management Service", Amazon CloudWatch Logs user
 * guide: the `logs.<region>.amazonaws.com` principal, conditioned on the
 * `kms:EncryptionContext:aws:logs:arn` of the log group).
 */
export function complianceKey(scope: Construct): kms.Key {
  const existing = scope.node.tryFindChild(KEY_ID);
  if (existing) {
    return existing as kms.Key;
  }
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const key = new kms.Key(scope, KEY_ID, {
    description: `Encrypts the log groups and buckets of ${scope.node.path} (cdk-apigateway-presets, ComplianceProfile.REGULATED)`,
    enableKeyRotation: true,
    // Logs and objects encrypted with a deleted key can never be read again.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
        },
      },
    }),
  );
  return key;
}

/**
 * Lets a log-delivery service principal of this account write objects encrypted with the key to a
 * bucket (S3 server access logs, CloudFront standard logs): it generates data keys and decrypts them
 * for multipart uploads, for requests from this account only unless `fromThisAccountOnly` is false.
 */
export function allowLogDelivery(
  key: kms.Key,
  sid: string,
  servicePrincipal: string,
  fromThisAccountOnly: boolean = true,
): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(servicePrincipal)],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: fromThisAccountOnly ? { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } : undefined,
    }),
  );
}

/**
 * Encrypts every log group created under `scope` that has no key of its own with `key`, when the app
 * synthesizes (so log groups a preset adds after its constructor, such as a large-object function's,
 * are encrypted too).
 */
export function encryptLogGroupsUnder(scope: Construct, key: kms.IKey): void {
  Aspects.of(scope).add(
    {
      visit: (node: IConstruct) => {
        if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined) {
          node.kmsKeyId = key.keyArn;
        }
      },
    },
    { priority: AspectPriority.MUTATING },
  );
}

/**
 * Checks a log group given to a regulated preset (not created by it): one defined in the app without
 * a KMS key fails; an imported one, whose key synth cannot see, leaves a warning.
 */
export function checkGivenLogGroup(scope: Construct, prop: string, logGroup: logs.ILogGroup): void {
  const cfn = logGroup.node.defaultChild;
  if (cfn instanceof logs.CfnLogGroup) {
    if (cfn.kmsKeyId === undefined) {
      throw new PresetValidationError(
        scope,
        prop,
        `log group ${logGroup.node.path} without a KMS key`,
        'ComplianceProfile.REGULATED requires log groups encrypted with a customer managed KMS key (HIPAA.Security, ' +
          'NIST.800.53.R5 and PCI.DSS.321 CloudWatchLogGroupEncrypted): give the log group an encryptionKey, or leave ' +
          'the log group out to have the preset create one.',
      );
    }
    return;
  }
  Annotations.of(scope).addWarningV2(
    'cdk-apigateway-presets:regulated-log-group-unchecked',
    `${prop} is an imported log group: ComplianceProfile.REGULATED requires it to be encrypted with a customer ` +
      'managed KMS key, which synth cannot check. Make sure it has one.',
  );
}

/**
 * Creates scope/ClientCertificate and has every stage present it to HTTP backends, so a backend can
 * tell requests from API Gateway apart ("Generate and configure an SSL certificate for backend
 * authentication in API Gateway", API Gateway developer guide). API Gateway generates it; it expires
 * and must then be rotated ("Rotate an expiring client certificate", same page).
 */
export function attachClientCertificate(scope: Construct, stages: apigw.Stage[]): apigw.CfnClientCertificate {
  // eslint-disable-next-line awscdk/require-passing-this -- a building block: the preset passes `this`
  const certificate = new apigw.CfnClientCertificate(scope, 'ClientCertificate', {
    description: `Presented by the stages of ${scope.node.path} to HTTP backends`,
  });
  for (const stage of stages) {
    (stage.node.defaultChild as apigw.CfnStage).clientCertificateId = certificate.ref;
  }
  return certificate;
}

/** Refuses `waf.enabled: false` under REGULATED: every API of a regulated app has a web ACL. */
export function checkWafKept(scope: Construct, wafEnabled: boolean | undefined): void {
  if (wafEnabled === false) {
    throw new PresetValidationError(
      scope,
      'waf.enabled',
      false,
      'ComplianceProfile.REGULATED puts a web ACL with logging in front of every API (NIST.800.53.R5 and PCI.DSS.321 ' +
        'APIGWAssociatedWithWAF, WAFv2LoggingEnabled): remove enabled: false, or use ComplianceProfile.BASELINE.',
    );
  }
}
