import { fakeRequest, RequestFn } from '../support/fake-https';

/** The part of lib/private/handler/cfn-response.js (plain JavaScript, shared by every handler) tested here. */
interface CfnResponseModule {
  sendResponse(
    responseUrl: string,
    body: object,
    options: { sleep: (ms: number) => Promise<void>; request?: RequestFn },
  ): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shared = require('../../lib/private/handler/cfn-response') as CfnResponseModule;

const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3A?X-Amz-Signature=abc';

describe('sending the response to CloudFormation', () => {
  const body = {
    Status: 'SUCCESS',
    Reason: 'The account CloudWatch role in effect is ünïcode.',
    PhysicalResourceId: 'a1b2c3/prod',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/Main/1a2b',
    RequestId: 'req-1',
    LogicalResourceId: 'Resource',
    Data: {},
  };

  test('PUTs the JSON body to the pre-signed URL with an empty Content-Type', async () => {
    const fake = fakeRequest([200]);
    const sleeps: number[] = [];
    await shared.sendResponse(RESPONSE_URL, body, {
      sleep: async (ms) => void sleeps.push(ms),
      request: fake.request,
    });
    expect(fake.sent).toHaveLength(1);
    const [{ options, body: sentBody }] = fake.sent;
    expect(options).toEqual({
      hostname: 'cloudformation-custom-resource-response-useast1.s3.amazonaws.com',
      port: undefined,
      path: '/arn%3A?X-Amz-Signature=abc',
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(sentBody) },
    });
    expect(JSON.parse(sentBody)).toEqual(body);
    // Bytes, not characters: the body is not ASCII.
    expect(Buffer.byteLength(sentBody)).toBeGreaterThan(sentBody.length);
    expect(sleeps).toEqual([]);
  });

  test('retries after an HTTP error or a network error', async () => {
    const fake = fakeRequest([503, new Error('socket hang up'), 200]);
    const sleeps: number[] = [];
    await shared.sendResponse(RESPONSE_URL, body, {
      sleep: async (ms) => void sleeps.push(ms),
      request: fake.request,
    });
    expect(fake.sent).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  test('gives up after three attempts with the last error', async () => {
    const fake = fakeRequest([500, 500, 403]);
    await expect(
      shared.sendResponse(RESPONSE_URL, body, { sleep: async () => undefined, request: fake.request }),
    ).rejects.toThrow(/Could not send the SUCCESS response to CloudFormation: .*HTTP 403/);
    expect(fake.sent).toHaveLength(3);
  });
});
