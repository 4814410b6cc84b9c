import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AssetHashType,
  DockerImage,
  Duration,
  ILocalBundling,
  RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeDeployTimeHandler } from './regulated-packs';
import { newestNodejsRuntime } from './runtimes';

/** lib/: handler folders are named relative to it. */
const LIB = path.join(__dirname, '..');
/** The module every handler shares (answering CloudFormation), relative to lib/. */
const SHARED = path.join('private', 'handler');

/** What differs between the library's custom resource handlers. */
export interface DeployTimeHandlerProps {
  /**
   * The handler's folder relative to lib/, e.g. `traffic/handler/stage-cache`: plain JavaScript whose
   * `index.js` exports `handler` and requires only Node.js core modules, the AWS SDK v3 of the runtime and
   * lib/private/handler/.
   */
  readonly entry: string;
  /** What the handler is, in the separate-policy error: `The <name> role must not ...`. */
  readonly name: string;
  /** The role's description. */
  readonly roleDescription: string;
  /** The name of the role's inline policy. */
  readonly policyName: string;
  /** What the handler calls, on what; writing to its own log group is added before them. */
  readonly statements: iam.PolicyStatement[];
  /** The function's description. */
  readonly description: string;
  /** @default 128 */
  readonly memorySize?: number;
  /** The function's timeout: longer than the handler's own deadline, which answers CloudFormation. */
  readonly timeout: Duration;
  /** The AWS APIs the handler calls, e.g. `'API Gateway PutRestApi and S3 GetObject'`, for LambdaInsideVPC. */
  readonly calls: string;
  /** What the handler's log group records, e.g. `'every import and error'`, for LambdaTracing. */
  readonly records: string;
}

/** What `createDeployTimeHandler` created under its scope. */
export interface DeployTimeHandler {
  /** scope/HandlerLogs. */
  readonly logGroup: logs.ILogGroup;
  /** scope/HandlerRole, with one inline policy. */
  readonly role: iam.IRole;
  /** scope/Handler, the custom resources' service token. */
  readonly handler: lambda.IFunction;
}

/**
 * Creates a custom resource handler under `scope`: its retained log group (HandlerLogs), its role with
 * exactly `statements` inline (HandlerRole) and the function (Handler) on the newest Node.js runtime,
 * with the acknowledgements of the rules a deploy-time handler does not meet.
 *
 * The role's permissions are inline so that the function, and so the custom resource, cannot run before
 * they exist: a grant that adds a separate policy fails synth. The log group is retained like every log
 * group of the library: after a failed deployment rolls the stack back, its logs say why.
 */
export function createDeployTimeHandler(scope: Construct, props: DeployTimeHandlerProps): DeployTimeHandler {
  // A function by design: the three parts keep their ids (and so their logical ids) directly under `scope`.
  /* eslint-disable awscdk/require-passing-this */
  const logGroup = new logs.LogGroup(scope, 'HandlerLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const role = new iam.Role(scope, 'HandlerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
    inlinePolicies: {
      [props.policyName]: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'WriteOwnLogs',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            // The log group's Arn attribute ends in :*, which covers its streams.
            resources: [logGroup.logGroupArn],
          }),
          ...props.statements,
        ],
      }),
    },
  });
  const message =
    `The ${props.name} role must not get a separate policy (e.g. from a grant): the custom resources it ` +
    'serves would not wait for it. Add statements to its inline policy instead.';
  role.node.addValidation({ validate: () => (role.node.tryFindChild('DefaultPolicy') ? [message] : []) });

  const handler = new lambda.Function(scope, 'Handler', {
    runtime: newestNodejsRuntime(),
    handler: 'index.handler',
    code: handlerCode(props.entry),
    description: props.description,
    memorySize: props.memorySize ?? 128,
    timeout: props.timeout,
    role,
    logGroup,
  });
  Validations.of(handler).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'CloudFormation invokes this handler once per stack operation and fails the deployment when it fails or ' +
      'does not answer; a dead-letter queue would only hold events nobody acts on.',
  });
  acknowledgeDeployTimeHandler(handler, role, props.calls);
  Validations.of(handler).acknowledge({
    id: 'Serverless-LambdaTracing',
    reason:
      'A deploy-time handler with no request path to trace; active tracing would add xray actions on ' +
      `Resource * to its role. Its log group records ${props.records}.`,
  });
  /* eslint-enable awscdk/require-passing-this */
  return { logGroup, role, handler };
}

/**
 * The function's code: the handler's folder and the shared module at their paths under lib/, and an
 * `index.js` at the root that is the handler's, so the function's handler is `index.handler`. Only
 * these files: no TypeScript sources, no other handler. The files are copied by Node.js at synth (no
 * Docker), and the asset hash is that of what was copied, so a change to the shared module changes the
 * code of every function that ships it.
 */
export function handlerCode(entry: string): lambda.Code {
  return lambda.Code.fromAsset(path.join(LIB, entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled, because the local bundling below always succeeds.
      image: DockerImage.fromRegistry('scratch'),
      local: new CopyHandlerFiles(entry),
    },
  });
}

/** Copies a handler's folder and lib/private/handler/ into the asset, with the root entry point. */
class CopyHandlerFiles implements ILocalBundling {
  constructor(private readonly entry: string) {}

  public tryBundle(outputDir: string): boolean {
    for (const folder of [this.entry, SHARED]) {
      fs.cpSync(path.join(LIB, folder), path.join(outputDir, folder), {
        recursive: true,
        filter: (source) => fs.statSync(source).isDirectory() || source.endsWith('.js'),
      });
    }
    const target = `./${this.entry}/index.js`;
    fs.writeFileSync(
      path.join(outputDir, 'index.js'),
      `'use strict';\n// The handler, at its path in the library next to the module it shares.\nmodule.exports = require(${JSON.stringify(target)});\n`,
    );
    return true;
  }
}
