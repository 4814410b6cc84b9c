import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EdgeApi, RequestValue, RouteIntegration } from '../lib';

/**
 * An EdgeApi in front of two state machines, with no function in between. `POST /checkout` runs an
 * EXPRESS workflow and answers with its output, or with 400 for an empty cart or more than 100 items and
 * 402 for a declined payment; the caller's identity is part of its input. `POST /orders/{orderId}/fulfilment`
 * starts a STANDARD workflow and answers 202 at once, started once per idempotency key (a key used before
 * is answered 200 with the ARN of its execution). Both workflows log every event and are traced with X-Ray.
 */
export class StepFunctionsCheckoutApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A stand-in for a real checkout: checks the cart, "charges" it, and answers with an order.
    const emptyCart = new sfn.Fail(this, 'EmptyCart', { error: 'EmptyCart', cause: 'The cart has no items' });
    const tooMany = new sfn.Fail(this, 'TooManyItems', {
      error: 'TooManyItems',
      cause: 'A cart holds at most 100 items',
    });
    const declined = new sfn.Fail(this, 'PaymentDeclined', {
      error: 'PaymentDeclined',
      cause: 'The total is over the card limit',
    });
    const placed = new sfn.Pass(this, 'OrderPlaced', {
      parameters: {
        'orderId.$': '$$.Execution.Name',
        'customer.$': '$.caller.userArn',
        'total.$': '$.body.total',
        status: 'PLACED',
      },
    });
    const checkout = this.workflow('Checkout', sfn.StateMachineType.EXPRESS, {
      chain: new sfn.Choice(this, 'HasItems')
        .when(sfn.Condition.isNotPresent('$.body.items[0]'), emptyCart)
        .when(sfn.Condition.isPresent('$.body.items[100]'), tooMany)
        .when(sfn.Condition.numberGreaterThan('$.body.total', 1000), declined)
        .otherwise(placed),
      timeout: Duration.seconds(20),
    });

    // Fulfilment takes its time: the API answers as soon as it has started.
    const fulfilment = this.workflow('Fulfilment', sfn.StateMachineType.STANDARD, {
      chain: new sfn.Wait(this, 'AwaitPicking', { time: sfn.WaitTime.duration(Duration.minutes(1)) }).next(
        new sfn.Succeed(this, 'Shipped'),
      ),
      timeout: Duration.hours(1),
    });

    const api = new EdgeApi(this, 'Api', { apiName: 'checkout' });
    api.addRoute(
      'POST',
      '/checkout',
      RouteIntegration.stepFunctions(checkout, {
        includeCaller: true,
        errorStatusCodes: { EmptyCart: 400, TooManyItems: 400, PaymentDeclined: 402 },
      }),
      {
        operationId: 'checkout',
        summary: 'Places the order of a cart',
        requestSchemas: {
          'application/json': {
            type: apigw.JsonSchemaType.OBJECT,
            required: ['items', 'total'],
            properties: {
              items: {
                type: apigw.JsonSchemaType.ARRAY,
                // API Gateway's validator does not check maxItems: the workflow answers TooManyItems (400).
                description: 'At most 100 items',
                items: { type: apigw.JsonSchemaType.STRING, maxLength: 64 },
              },
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
      { operationId: 'fulfilOrder', summary: 'Starts fulfilling an order' },
    );
  }

  /** A state machine that logs every event to its own log group, kept a year, and is traced with X-Ray. */
  private workflow(
    id: string,
    stateMachineType: sfn.StateMachineType,
    props: { chain: sfn.IChainable; timeout: Duration },
  ): sfn.StateMachine {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stateMachine = new sfn.StateMachine(this, id, {
      stateMachineType,
      definitionBody: sfn.DefinitionBody.fromChainable(props.chain),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'aws-cdk-lib gives the role what Step Functions logging and X-Ray tracing need: the CloudWatch Logs ' +
        'delivery actions (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ' +
        'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and xray:PutTraceSegments, ' +
        'PutTelemetryRecords, GetSamplingRules and GetSamplingTargets, which take no resource narrower than *.',
    });
    return stateMachine;
  }
}
