import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  ApiAuthorization,
  ApiKeyValue,
  EdgeApi,
  PrivateApi,
  RegionalApi,
  RequestValue,
  RouteIntegration,
  S3ProxyApi,
} from '../../lib';

// Stacks made for the emulator from the shapes of examples/: the same presets and integrations, with no
// Lambda function (LocalStack runs functions only in containers) and no account-wide custom resource.
// Every stack outputs what the tests call and read (the API's id, queue URLs, ARNs).

/** What every deploy stack turns off because the emulator cannot run it: the account-role custom resource. */
const EMULATOR_LOGGING = { manageAccountRole: false } as const;

/** Options of the edge deploy stack: the address of the HTTP backend the tests start. */
export interface DeployEdgeStackProps extends StackProps {
  /** The base URL of the test's HTTP backend (test/deploy/backend.py), e.g. `http://127.0.0.1:8990`. */
  readonly backendUrl: string;
}

/**
 * EdgeApi, from the shapes of examples/minimal-edge-api.ts and examples/step-functions-checkout-api.ts:
 * a mock health check, an HTTP proxy to a backend on 127.0.0.1 (binary bodies included), an EXPRESS
 * checkout answered with its output, a STANDARD fulfilment started once per idempotency key, CORS, and
 * a route under the default IAM authorization.
 */
export class DeployEdgeStack extends Stack {
  constructor(scope: Construct, id: string, props: DeployEdgeStackProps) {
    super(scope, id, props);

    const emptyCart = new sfn.Fail(this, 'EmptyCart', { error: 'EmptyCart', cause: 'The cart has no items' });
    const declined = new sfn.Fail(this, 'PaymentDeclined', {
      error: 'PaymentDeclined',
      cause: 'The total is over the card limit',
    });
    const placed = new sfn.Pass(this, 'OrderPlaced', {
      parameters: { 'total.$': '$.body.total', 'caller.$': '$.caller', status: 'PLACED' },
    });
    const checkout = new sfn.StateMachine(this, 'Checkout', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(
        new sfn.Choice(this, 'HasItems')
          .when(sfn.Condition.isNotPresent('$.body.items[0]'), emptyCart)
          .when(sfn.Condition.numberGreaterThan('$.body.total', 1000), declined)
          .otherwise(placed),
      ),
      timeout: Duration.seconds(20),
    });
    const fulfilment = new sfn.StateMachine(this, 'Fulfilment', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        new sfn.Wait(this, 'AwaitPicking', { time: sfn.WaitTime.duration(Duration.minutes(5)) }).next(
          new sfn.Succeed(this, 'Shipped'),
        ),
      ),
      timeout: Duration.hours(1),
    });

    const api = new EdgeApi(this, 'Api', {
      apiName: 'deploy-edge',
      cors: {
        allowOrigins: ['https://app.example.com', 'https://admin.example.com'],
        allowHeaders: ['Content-Type', 'Idempotency-Key'],
      },
      binaryMediaTypes: ['application/octet-stream'],
      executionLogging: EMULATOR_LOGGING,
    });
    const none = { authorization: ApiAuthorization.none() };
    api.addRoute(
      'GET',
      '/health',
      RouteIntegration.mock({ statusCode: 200, body: '{"status": "ok"}' }),
      none,
    );
    api.addRoute('GET', '/signed', RouteIntegration.mock({ statusCode: 200, body: '{"signed": true}' }));
    const backend = props.backendUrl;
    api.addRoute('ANY', '/legacy/{proxy+}', RouteIntegration.http(`${backend}/legacy/{proxy}`), none);
    api.addRoute('POST', '/echo', RouteIntegration.http(`${backend}/echo`), none);
    api.addRoute(
      'POST',
      '/checkout',
      RouteIntegration.stepFunctions(checkout, {
        includeCaller: true,
        errorStatusCodes: { EmptyCart: 400, PaymentDeclined: 402 },
      }),
      {
        ...none,
        requestSchemas: {
          'application/json': {
            type: apigw.JsonSchemaType.OBJECT,
            required: ['items', 'total'],
            properties: {
              items: { type: apigw.JsonSchemaType.ARRAY, items: { type: apigw.JsonSchemaType.STRING } },
              total: { type: apigw.JsonSchemaType.NUMBER, minimum: 0 },
            },
          },
        },
      },
    );
    api.addRoute(
      'POST',
      '/orders/{orderId}/fulfilment',
      RouteIntegration.stepFunctions(fulfilment, {
        includeBody: false,
        executionName: RequestValue.header('Idempotency-Key'),
      }),
      none,
    );

    output(this, 'ApiId', api.restApi.restApiId);
    output(this, 'FulfilmentArn', fulfilment.stateMachineArn);
  }
}

/**
 * RegionalApi, from the shape of examples/sqs-ingestion-api.ts: a standard and a FIFO queue encrypted
 * with a customer managed key, a validated body, a message attribute from a header, a message group per
 * customer and deduplication by idempotency key; and an `awsService` route, EventBridge PutEvents, whose
 * events a rule forwards to a queue the tests read.
 */
export class DeployRegionalStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const key = new kms.Key(this, 'QueueKey', { removalPolicy: RemovalPolicy.DESTROY });
    const eventsQueue = new sqs.Queue(this, 'Events', { encryptionMasterKey: key, enforceSSL: true });
    const orders = new sqs.Queue(this, 'Orders', { encryptionMasterKey: key, enforceSSL: true, fifo: true });
    const bus = new events.EventBus(this, 'Bus');
    const forwarded = new sqs.Queue(this, 'Forwarded');
    new events.Rule(this, 'ForwardOrders', {
      eventBus: bus,
      eventPattern: { source: ['deploy.orders'] },
      targets: [new targets.SqsQueue(forwarded)],
    });

    const api = new RegionalApi(this, 'Api', {
      apiName: 'deploy-regional',
      authorization: ApiAuthorization.none(),
      executionLogging: EMULATOR_LOGGING,
    });
    api.addRoute(
      'POST',
      '/events',
      RouteIntegration.sqs(eventsQueue, {
        messageAttributes: { tenant: RequestValue.header('X-Tenant-Id') },
      }),
      {
        requestSchemas: {
          'application/json': {
            type: apigw.JsonSchemaType.OBJECT,
            required: ['type'],
            properties: {
              type: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 64 },
              data: { type: apigw.JsonSchemaType.OBJECT },
            },
          },
        },
      },
    );
    api.addRoute(
      'POST',
      '/customers/{customerId}/orders',
      RouteIntegration.sqs(orders, {
        messageGroupId: RequestValue.pathVariable('customerId'),
        deduplicationId: RequestValue.header('Idempotency-Key'),
      }),
    );
    api.addRoute(
      'POST',
      '/bus',
      RouteIntegration.awsService({
        service: 'events',
        action: 'PutEvents',
        allow: [{ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }],
        requestHeaders: {
          'X-Amz-Target': 'AWSEvents.PutEvents',
          'Content-Type': 'application/x-amz-json-1.1',
        },
        requestTemplate:
          `{"Entries": [{"EventBusName": "${bus.eventBusName}", "Source": "deploy.orders", ` +
          '"DetailType": "OrderPlaced", "Detail": "$util.escapeJavaScript($input.body).replaceAll("\\\\\'","\'")"}]}',
        responseTemplate: '{"failed": $input.json(\'$.FailedEntryCount\')}',
      }),
    );

    output(this, 'ApiId', api.restApi.restApiId);
    output(this, 'EventsQueueUrl', eventsQueue.queueUrl);
    output(this, 'OrdersQueueUrl', orders.queueUrl);
    output(this, 'ForwardedQueueUrl', forwarded.queueUrl);
  }
}

/**
 * S3ProxyApi, from the shapes of examples/s3-assets-api.ts and examples/s3-upload-api.ts: reads with
 * ranges and conditions, listing, uploads and deletes under a key prefix of a bucket the preset creates
 * (presigned URLs need a Lambda function and are left out).
 */
export class DeployS3Stack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Bucket', {
      removalPolicy: RemovalPolicy.DESTROY,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    const api = new S3ProxyApi(this, 'Files', {
      apiName: 'deploy-files',
      bucket,
      objectsPath: '/files',
      keyPrefix: 'public/',
      listObjects: true,
      allowPut: true,
      allowDelete: true,
      authorization: ApiAuthorization.none(),
      executionLogging: EMULATOR_LOGGING,
    });
    // The preset's default binary media type, '*/*', is never binary on LocalStack (docs/DEPLOY-TESTS.md):
    // a second API on the same bucket names the type, so the emulator passes bytes as API Gateway does.
    const binary = new S3ProxyApi(this, 'BinaryFiles', {
      apiName: 'deploy-binary-files',
      bucket,
      objectsPath: '/files',
      keyPrefix: 'public/',
      allowPut: true,
      authorization: ApiAuthorization.none(),
      executionLogging: EMULATOR_LOGGING,
      binaryMediaTypes: ['application/octet-stream'],
    });

    output(this, 'ApiId', api.restApi.restApiId);
    output(this, 'BinaryApiId', binary.restApi.restApiId);
    output(this, 'BucketName', bucket.bucketName);
  }
}

/**
 * PrivateApi, from the shape of examples/private-vpc-api.ts, reachable only through an existing VPC
 * endpoint (imported: the emulator has no VPC to call from).
 */
export class DeployPrivateStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(this, 'Endpoint', {
      vpcEndpointId: 'vpce-0123456789abcdef0',
      port: 443,
    });
    const api = new PrivateApi(this, 'Api', {
      apiName: 'deploy-private',
      vpcEndpoints: [endpoint],
      authorization: ApiAuthorization.none(),
      executionLogging: EMULATOR_LOGGING,
    });
    api.addRoute('GET', '/items', RouteIntegration.mock({ statusCode: 200, body: '{"items": []}' }));

    output(this, 'ApiId', api.restApi.restApiId);
  }
}

/**
 * RegionalApi, from the shape of examples/api-keys-regional-api.ts: a route that requires an API key and
 * one that does not, a usage plan on the stage, and a key whose value the emulator's Secrets Manager
 * generates and CloudFormation reads through a dynamic reference (the tests read the secret to call).
 */
export class DeployKeysStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const keyValue = new secretsmanager.Secret(this, 'KeyValue', {
      description: 'Value of the deploy test API key',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RegionalApi(this, 'Api', {
      apiName: 'deploy-keys',
      authorization: ApiAuthorization.none(),
      apiKeyRequired: true,
      executionLogging: EMULATOR_LOGGING,
    });
    api.addRoute('GET', '/keyed', RouteIntegration.mock({ statusCode: 200, body: '{"keyed": true}' }));
    api.addRoute('GET', '/free', RouteIntegration.mock({ statusCode: 200, body: '{"free": true}' }), {
      apiKeyRequired: false,
    });
    const key = api.addApiKey('Client', { value: ApiKeyValue.fromSecret(keyValue) });
    api.addUsagePlan('Basic', {
      throttling: { rateLimit: 10, burstLimit: 5 },
      quota: { limit: 1000, period: apigw.Period.DAY },
      apiKeys: [key],
    });

    output(this, 'ApiId', api.restApi.restApiId);
    output(this, 'ApiKeyId', key.keyId);
    output(this, 'KeyValueSecretArn', keyValue.secretArn);
  }
}

/** Which version of DeployUpdateStack: the second removes `/old` and changes `/greeting`. */
export interface DeployUpdateStackProps extends StackProps {
  readonly version: 1 | 2;
}

/** A RegionalApi deployed twice: the route table's update replaces the whole API at once. */
export class DeployUpdateStack extends Stack {
  constructor(scope: Construct, id: string, props: DeployUpdateStackProps) {
    super(scope, id, props);

    const api = new RegionalApi(this, 'Api', {
      apiName: 'deploy-update',
      authorization: ApiAuthorization.none(),
      executionLogging: EMULATOR_LOGGING,
    });
    api.addRoute('GET', '/kept', RouteIntegration.mock({ body: '{"route": "kept"}' }));
    if (props.version === 1) {
      api.addRoute('GET', '/old', RouteIntegration.mock({ body: '{"route": "old"}' }));
      api.addRoute('GET', '/greeting', RouteIntegration.mock({ body: '{"greeting": "hello"}' }));
    } else {
      api.addRoute(
        'GET',
        '/greeting',
        RouteIntegration.mock({ statusCode: 201, body: '{"greeting": "bonjour"}' }),
      );
    }

    output(this, 'ApiId', api.restApi.restApiId);
  }
}

function output(scope: Construct, id: string, value: string): void {
  new CfnOutput(scope, id, { value });
}
