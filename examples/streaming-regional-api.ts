import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RegionalApi, RouteIntegration } from '../lib';
import { ExampleFunction } from './support/example-function';

/**
 * A RegionalApi with a streamed Lambda route: the report is sent as it is written, past API
 * Gateway's 10 MB response limit and 29-second timeout, for up to 15 minutes. A regional endpoint
 * closes a stream only after 5 minutes without data (an edge-optimized one after 30 seconds).
 */
export class StreamingRegionalApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // API Gateway's streaming format: the response metadata as JSON, 8 null bytes, then the body.
    const report = new ExampleFunction(this, 'Report', {
      description: 'Streams a report line by line',
      code: `exports.handler = awslambda.streamifyResponse(async (event, stream) => {
  stream.write(JSON.stringify({ statusCode: 200, headers: { 'content-type': 'text/plain' } }));
  stream.write(new Uint8Array(8));
  for (let line = 1; line <= 3; line++) {
    stream.write('line ' + line + '\\n');
  }
  stream.end();
});`,
    });

    const api = new RegionalApi(this, 'Api', { apiName: 'reports' });
    api.addRoute('GET', '/report', RouteIntegration.lambdaFunction(report.function, { streaming: true }), {
      timeout: Duration.minutes(15),
    });
  }
}
