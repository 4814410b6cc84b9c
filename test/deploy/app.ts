import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';
import {
  DeployEdgeStack,
  DeployKeysStack,
  DeployPrivateStack,
  DeployRegionalStack,
  DeployS3Stack,
  DeployUpdateStack,
} from './stacks';

// The deploy tests' CDK app (scripts/deploy-test.sh synthesizes it): templates CloudFormation on the
// emulator creates as they are, with no bootstrap stack (no version rule, no assets).
const outdir = process.env.DEPLOY_TEST_OUTDIR ?? '.deploy/cdk.out';
const backendPort = Number(process.env.DEPLOY_TEST_BACKEND_PORT ?? '8990');
// On an AWS account the backend must be reachable from API Gateway: DEPLOY_TEST_BACKEND_URL names it.
const backendUrl = process.env.DEPLOY_TEST_BACKEND_URL ?? `http://127.0.0.1:${backendPort}`;
const app = new App({ outdir });
const stackProps = () => ({
  synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
});

new DeployEdgeStack(app, 'DeployEdge', { ...stackProps(), backendUrl });
new DeployRegionalStack(app, 'DeployRegional', stackProps());
new DeployS3Stack(app, 'DeployS3', stackProps());
new DeployPrivateStack(app, 'DeployPrivate', stackProps());
new DeployKeysStack(app, 'DeployKeys', stackProps());
new DeployUpdateStack(app, 'DeployUpdateV1', { ...stackProps(), version: 1 });
new DeployUpdateStack(app, 'DeployUpdateV2', { ...stackProps(), version: 2 });
app.synth();
