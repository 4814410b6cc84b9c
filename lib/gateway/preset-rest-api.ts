import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** A RestApi whose `latestDeployment` is the preset's own retained deployment. */
export class PresetRestApi extends apigw.RestApi {
  private presetDeployment?: apigw.Deployment;

  // Methods, resources, models, validators and gateway responses fold themselves into the
  // latest deployment's logical id, so any change to the API yields a new deployment.
  public get latestDeployment(): apigw.Deployment | undefined {
    return this.presetDeployment;
  }

  public useDeployment(deployment: apigw.Deployment): void {
    this.presetDeployment = deployment;
  }
}
