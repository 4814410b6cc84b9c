import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AccessLogs, CloudWatchAccessLogsOptions, EdgeApi } from '../../lib';
import { PresetValidationError } from '../../lib/private/errors';

/** An EdgeApi at the path Stack/Api whose access logs go to CloudWatch with these options. */
function api(options: (stack: Stack) => CloudWatchAccessLogsOptions): EdgeApi {
  const stack = new Stack(new App(), 'Stack');
  return new EdgeApi(stack, 'Api', { accessLogs: AccessLogs.cloudWatch(options(stack)) });
}

function existingLogGroup(stack: Stack): logs.ILogGroup {
  return logs.LogGroup.fromLogGroupName(stack, 'Existing', 'existing-access-logs');
}

describe('AccessLogs.cloudWatch', () => {
  test.each([
    ['retention', (): Partial<CloudWatchAccessLogsOptions> => ({ retention: logs.RetentionDays.ONE_MONTH })],
    ['removalPolicy', (): Partial<CloudWatchAccessLogsOptions> => ({ removalPolicy: RemovalPolicy.DESTROY })],
    [
      'encryptionKey',
      (stack: Stack): Partial<CloudWatchAccessLogsOptions> => ({ encryptionKey: new kms.Key(stack, 'Key') }),
    ],
  ])('fails when an existing logGroup is given with %s', (name, settings) => {
    let thrown: unknown;
    try {
      api((stack) => ({ logGroup: existingLogGroup(stack), ...settings(stack) }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PresetValidationError);
    expect((thrown as PresetValidationError).prop).toBe('accessLogs');
    expect((thrown as Error).message).toBe(
      `[Stack/Api] Invalid accessLogs: "logGroup with ${name}". ` +
        'Give either an existing logGroup or the settings of the log group the preset creates, not both.',
    );
  });

  test('accepts an existing logGroup alone, and writes to it', () => {
    let given: logs.ILogGroup | undefined;
    const a = api((stack) => ({ logGroup: (given = existingLogGroup(stack)) }));
    expect(a.accessLogGroup).toBe(given);
  });

  test('accepts the settings of the log group it creates', () => {
    const a = api(() => ({ retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }));
    expect(a.accessLogGroup?.node.path).toBe('Stack/Api/AccessLogs');
  });
});
