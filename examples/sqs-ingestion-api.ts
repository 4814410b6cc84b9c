import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RegionalApi, RequestValue, RouteIntegration } from '../lib';

/**
 * A RegionalApi that takes events straight into SQS, with no function in between: `POST /events` onto a
 * standard queue, the tenant header as a message attribute, and `POST /customers/{customerId}/orders`
 * onto a FIFO queue, in order per customer, deduplicated by the client's idempotency key. Both queues are
 * encrypted with a customer managed key, refuse anything but TLS, and have a dead-letter queue.
 */
export class SqsIngestionApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const key = new kms.Key(this, 'QueueKey', {
      description: 'Encrypts the ingestion queues',
      enableKeyRotation: true,
    });
    const events = this.queueWithDeadLetters('Events', key, false);
    const orders = this.queueWithDeadLetters('Orders', key, true);

    const api = new RegionalApi(this, 'Api', { apiName: 'ingestion' });

    // The body is validated before it becomes a message; the client receives {"messageId": "..."}.
    api.addRoute(
      'POST',
      '/events',
      RouteIntegration.sqs(events, {
        messageAttributes: { tenant: RequestValue.header('X-Tenant-Id') },
      }),
      {
        operationId: 'putEvent',
        summary: 'Queues one event',
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

    // One message group per customer: a customer's orders are processed in the order they came.
    api.addRoute(
      'POST',
      '/customers/{customerId}/orders',
      RouteIntegration.sqs(orders, {
        messageGroupId: RequestValue.pathVariable('customerId'),
        deduplicationId: RequestValue.header('Idempotency-Key'),
      }),
      { operationId: 'placeOrder', summary: 'Queues an order, once per idempotency key' },
    );
  }

  /** A queue encrypted with `key`, TLS only, whose failed messages go to a dead-letter queue after 5 tries. */
  private queueWithDeadLetters(id: string, key: kms.IKey, fifo: boolean): sqs.Queue {
    const common = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      fifo: fifo || undefined,
    };
    const deadLetters = new sqs.Queue(this, `${id}DeadLetters`, {
      ...common,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `This queue is the dead-letter queue of ${id}; a dead-letter queue has no queue of its own to redrive to.`,
    });
    return new sqs.Queue(this, id, {
      ...common,
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
  }
}
