import { Aws, Fn, Names, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PresetValidationError } from '../private/errors';
import { OpenApiObject } from '../private/openapi';
import {
  checkContentTypes,
  errorBody,
  overrideStatus,
  refuseResponseSchema,
  renderAwsResponses,
  statusDescription,
  THROTTLED,
} from './aws-integration';
import { integrationRole } from './integration-role';
import { BoundRequestValue, RequestValue } from './request-value';
import type { IntegrationContext, IntegrationRendering } from './integration-context';

/**
 * Options for `RouteIntegration.sqs()`.
 */
export interface SqsRouteIntegrationOptions {
  /**
   * The message group of each message: required for a FIFO queue (messages of one group are delivered
   * in order), optional for a standard queue (where it identifies the tenant of a fair queue). A header
   * is then required of every request.
   * @default - none (refused for a FIFO queue)
   */
  readonly messageGroupId?: RequestValue;

  /**
   * The deduplication id of each message, for a FIFO queue: a message with the id of one sent in the
   * last 5 minutes is accepted but not delivered again, e.g. `RequestValue.header('Idempotency-Key')`.
   * @default - none: the queue must deduplicate by content (`contentBasedDeduplication`)
   */
  readonly deduplicationId?: RequestValue;

  /**
   * Message attributes (String) by name, at most 10, e.g. `{ tenant: RequestValue.header('X-Tenant') }`.
   * An attribute whose value is absent or empty in a request is left out of that message.
   * @default - none
   */
  readonly messageAttributes?: { [name: string]: RequestValue };

  /**
   * The request content types sent as messages; the body is the message, unchanged. A request of any
   * other type is refused with 415.
   * @default ['application/json']
   */
  readonly contentTypes?: string[];

  /**
   * The role API Gateway assumes to send the messages, used as given: it must allow `sqs:SendMessage` on
   * the queue (and the queue's KMS key). The library adds nothing to it.
   * @default - a role that may send messages to this queue only
   */
  readonly credentialsRole?: iam.IRole;
}

/** SQS message attribute names (SendMessage reference, MessageAttributeValue). */
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const MAX_MESSAGE_ATTRIBUTES = 10;
/** MessageGroupId and MessageDeduplicationId: 1-128 letters, digits and punctuation. */
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/** The caller can fix these: a body or header SQS does not accept, or no body at all. */
const MESSAGE_REJECTED = {
  codes: ['InvalidMessageContents', 'InvalidParameterValue', 'MissingParameter', 'InvalidAttributeValue'],
  statusCode: 400,
  type: 'MESSAGE_REJECTED',
  message:
    "The queue did not accept the message: its body must be non-empty, within the queue's size limit and in characters SQS allows, and the values taken from the request valid.",
};

/**
 * The request and response mapping of a route that sends its request body to an SQS queue (SendMessage,
 * in SQS's query protocol), and the role API Gateway assumes to do it.
 */
export function renderSqsIntegration(
  queue: sqs.IQueue,
  options: SqsRouteIntegrationOptions,
  ctx: IntegrationContext,
): IntegrationRendering {
  const scope = ctx.scope;
  const contentTypes = checkContentTypes(scope, options.contentTypes);
  checkFifoOptions(ctx, queue, options);

  const bind = (value: RequestValue, prop: string, variable: string, required: boolean) =>
    value._bind(scope, `integration.${prop}`, variable, ctx.pathVariables, required);
  const values: Array<{ parameter: string; value: BoundRequestValue }> = [];
  if (options.messageGroupId) {
    checkFifoIdConstant(ctx, 'messageGroupId', options.messageGroupId);
    values.push({
      parameter: 'MessageGroupId',
      value: bind(options.messageGroupId, 'messageGroupId', 'messageGroupId', true),
    });
  }
  if (options.deduplicationId) {
    checkFifoIdConstant(ctx, 'deduplicationId', options.deduplicationId);
    values.push({
      parameter: 'MessageDeduplicationId',
      value: bind(options.deduplicationId, 'deduplicationId', 'deduplicationId', true),
    });
  }
  const attributes = Object.entries(options.messageAttributes ?? {});
  if (attributes.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new PresetValidationError(
      scope,
      'integration.messageAttributes',
      attributes.map(([name]) => name),
      `A message has at most ${MAX_MESSAGE_ATTRIBUTES} attributes.`,
    );
  }
  const boundAttributes = attributes.map(([name, value], index) => {
    checkAttributeName(ctx, name);
    return { name, value: bind(value, `messageAttributes.${name}`, `attribute${index + 1}`, false) };
  });

  const requestTemplate = sendMessageTemplate(values, boundAttributes);
  const requestParameters: Record<string, boolean> = {};
  for (const { value } of [...values, ...boundAttributes]) {
    Object.assign(requestParameters, value.requestParameters);
  }

  refuseResponseSchema(ctx, 'the message id');
  // Everything is checked: from here on, resources may be created.
  const queueName =
    queue instanceof sqs.Queue ? (queue.node.defaultChild as sqs.CfnQueue).queueName : undefined;
  if (queueName && !Token.isUnresolved(queueName)) {
    // A queue named in code is replaced under the same name; the stage must then see the new one.
    ctx.addToDeploymentHash({ sqsQueueName: queueName });
  }
  const role =
    options.credentialsRole ??
    integrationRole(
      scope,
      `SendMessage${Names.nodeUniqueId(queue.node)}`,
      'Lets API Gateway send messages to one SQS queue',
      () => sendMessageStatements(queue),
    );
  const responses = renderAwsResponses(
    {
      successStatusCode: 200,
      successDescription: 'The message is in the queue: its id',
      successTemplate: sendMessageResponseTemplate(queue.fifo),
      successSchema: sendMessageResponseSchema(queue.fifo),
      errorRules: [MESSAGE_REJECTED, THROTTLED],
      otherStatusCodes: { '502': statusDescription(502) },
    },
    ctx.cors,
  );
  return {
    integration: {
      type: 'aws',
      httpMethod: 'POST',
      uri: Fn.sub('arn:${AWS::Partition}:apigateway:${Region}:sqs:path/${Account}/${QueueName}', {
        Region: queue.env.region,
        Account: queue.env.account,
        QueueName: queue.queueName,
      }),
      credentials: role.roleArn,
      passthroughBehavior: 'never',
      requestParameters: {
        'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'",
      },
      requestTemplates: Object.fromEntries(contentTypes.map((type) => [type, requestTemplate])),
      responses: responses.integrationResponses,
    },
    responses: responses.methodResponses,
    responseBodies: responses.responseBodies,
    requestParameters,
  };
}

/**
 * What the role may do: send to this queue, and, when the queue is encrypted with a customer managed KMS
 * key, have SQS use that key (producers need kms:GenerateDataKey and kms:Decrypt) and nothing else with
 * it. A queue encrypted with SQS's own key (SSE-SQS) or the AWS managed key needs no KMS permission.
 */
function sendMessageStatements(queue: sqs.IQueue): iam.PolicyStatement[] {
  const statements = [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] })];
  const key = queue.encryptionMasterKey;
  if (key) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `sqs.${queue.env.region}.${Aws.URL_SUFFIX}` },
        },
      }),
    );
  }
  return statements;
}

/**
 * The form SendMessage takes, on one line (a line break would become part of a value):
 * `Action=SendMessage&MessageBody=…&MessageGroupId=…&MessageAttribute.1.Name=…`.
 */
function sendMessageTemplate(
  values: Array<{ parameter: string; value: BoundRequestValue }>,
  attributes: Array<{ name: string; value: BoundRequestValue }>,
): string {
  const encoded = (value: BoundRequestValue) =>
    value.constant !== undefined ? formEncode(value.constant) : `$util.urlEncode(${value.reference})`;
  let template = [...values, ...attributes].map(({ value }) => value.setup).join('');
  template += 'Action=SendMessage&MessageBody=$util.urlEncode($input.body)';
  for (const { parameter, value } of values) {
    template += `&${parameter}=${encoded(value)}`;
  }
  if (attributes.length > 0) {
    // Attributes are numbered from 1 without gaps; one absent from the request is left out.
    template += '#set($attributeCount = 0)';
    for (const { name, value } of attributes) {
      const fields =
        '#set($attributeCount = $attributeCount + 1)' +
        `&MessageAttribute.\${attributeCount}.Name=${formEncode(name)}` +
        '&MessageAttribute.${attributeCount}.Value.DataType=String' +
        `&MessageAttribute.\${attributeCount}.Value.StringValue=${encoded(value)}`;
      template +=
        value.constant !== undefined ? fields : `#if("$!${value.reference.slice(1)}" != "")${fields}#{end}`;
    }
  }
  return template;
}

/**
 * The client's answer: `{"messageId": "…"}` (and the sequence number on a FIFO queue), from SQS's JSON
 * answer to the query protocol. An answer without a message id is a 502, not a success.
 */
function sendMessageResponseTemplate(fifo: boolean): string {
  const result = '$.SendMessageResponse.SendMessageResult';
  return [
    `#set($messageId = "")#set($messageId = $input.path('${result}.MessageId'))`,
    `#if("$!messageId" == "")${overrideStatus(502)}${errorBody('INTEGRATION_RESPONSE_INVALID', 'The queue answered without a message id.')}`,
    fifo
      ? `#{else}{"messageId":"$util.escapeJavaScript($messageId)","sequenceNumber":"$util.escapeJavaScript($input.path('${result}.SequenceNumber'))"}#{end}`
      : '#{else}{"messageId":"$util.escapeJavaScript($messageId)"}#{end}',
  ].join('');
}

/** The JSON Schema of what `sendMessageResponseTemplate` writes. */
function sendMessageResponseSchema(fifo: boolean): OpenApiObject {
  const id = (description: string): OpenApiObject => ({ type: 'string', description });
  return {
    type: 'object',
    required: fifo ? ['messageId', 'sequenceNumber'] : ['messageId'],
    properties: {
      messageId: id("The message's id in SQS"),
      ...(fifo ? { sequenceNumber: id("The message's place in its group") } : {}),
    },
  };
}

/** `application/x-www-form-urlencoded` encoding, as Java's URLEncoder (and `$util.urlEncode`) writes it. */
function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function checkFifoOptions(
  ctx: IntegrationContext,
  queue: sqs.IQueue,
  options: SqsRouteIntegrationOptions,
): void {
  const scope = ctx.scope;
  if (!queue.fifo) {
    if (options.deduplicationId) {
      throw new PresetValidationError(
        scope,
        'integration.deduplicationId',
        options.deduplicationId._description,
        'Only a FIFO queue deduplicates messages: remove deduplicationId, or use a FIFO queue.',
      );
    }
    return;
  }
  if (!options.messageGroupId) {
    throw new PresetValidationError(
      scope,
      'integration.messageGroupId',
      undefined,
      "A FIFO queue needs a message group id for every message: set messageGroupId, e.g. RequestValue.header('X-Group-Id') or RequestValue.constant('orders') (one group: strict order, lower throughput).",
    );
  }
  if (options.deduplicationId) {
    return;
  }
  const contentBased =
    queue instanceof sqs.Queue
      ? (queue.node.defaultChild as sqs.CfnQueue).contentBasedDeduplication
      : undefined;
  if (queue instanceof sqs.Queue && contentBased !== true && !Token.isUnresolved(contentBased)) {
    throw new PresetValidationError(
      scope,
      'integration.deduplicationId',
      undefined,
      "This FIFO queue does not deduplicate by content, so SQS refuses messages without a deduplication id: set deduplicationId (e.g. RequestValue.header('Idempotency-Key')), or contentBasedDeduplication: true on the queue.",
    );
  }
  if (!(queue instanceof sqs.Queue)) {
    ctx.warn(
      'cdk-apigateway-presets:sqs-fifo-deduplication',
      `The imported FIFO queue ${queue.node.path} gets messages without a deduplication id: SQS refuses them unless ` +
        'the queue deduplicates by content. Set deduplicationId, or acknowledge this warning if it does.',
    );
  }
}

function checkFifoIdConstant(ctx: IntegrationContext, prop: string, value: RequestValue): void {
  // Values from the request are checked by SQS, and refused with 400; a constant can be checked now.
  const constant = value._isConstant
    ? value._bind(ctx.scope, `integration.${prop}`, 'v', [], false).constant
    : undefined;
  if (constant !== undefined && !FIFO_ID.test(constant)) {
    throw new PresetValidationError(
      ctx.scope,
      `integration.${prop}`,
      constant,
      'A message group or deduplication id is 1-128 letters, digits and punctuation (no spaces).',
    );
  }
}

function checkAttributeName(ctx: IntegrationContext, name: string): void {
  const reserved = /^(aws|amazon)\./i.test(name);
  if (
    !ATTRIBUTE_NAME.test(name) ||
    reserved ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..')
  ) {
    throw new PresetValidationError(
      ctx.scope,
      'integration.messageAttributes',
      name,
      "An attribute name is 1-256 letters, digits and _ - ., not starting or ending with '.', without '..', and not starting with 'AWS.' or 'Amazon.'.",
    );
  }
}
