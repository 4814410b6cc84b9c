import { App, Stack } from 'aws-cdk-lib';
import { EdgeApi, PresetErrors } from '../lib';
import { PresetValidationError } from '../lib/private/errors';

function caught(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const invalidStage = (): unknown =>
  caught(() => new EdgeApi(new Stack(new App(), 'Stack'), 'Api', { stages: [{ stageName: 'bad name' }] }));

describe('PresetErrors.isValidationError', () => {
  test('recognises the error the library throws for wrong input', () => {
    expect(PresetErrors.isValidationError(invalidStage())).toBe(true);
  });

  test("recognises the message other jsii languages receive: the kernel's `${name}: ${message}`", () => {
    const error = invalidStage() as Error;
    // jsii's kernel wraps a thrown error as `new RuntimeError(err)`, whose message is String(err).
    const message = String(error);
    expect(message).toMatch(
      /^PresetValidationError: \[Stack\/Api\] Invalid stages\[0\]\.stageName: "bad name"\. /,
    );
    expect(PresetErrors.isValidationError(message)).toBe(true);
  });

  test("does not take aws-cdk-lib's own errors, plain errors or other values for it", () => {
    const cdkError = caught(() => {
      const stack = new Stack(new App(), 'Stack');
      new Stack(stack.node.root as App, 'Stack');
    });
    expect(PresetErrors.isValidationError(cdkError)).toBe(false);
    expect(PresetErrors.isValidationError(new Error('[Stack/Api] Invalid stages: 0 stages.'))).toBe(false);
    expect(PresetErrors.isValidationError('Error: [Stack/Api] Invalid stages')).toBe(false);
    expect(PresetErrors.isValidationError('[Stack/Api] Invalid stages: 0 stages.')).toBe(false);
    for (const value of [undefined, null, 42, {}]) {
      expect(PresetErrors.isValidationError(value)).toBe(false);
    }
  });

  test('recognises the error thrown by another copy of the library in the same process', () => {
    let otherCopy: typeof import('../lib') | undefined;
    jest.isolateModules(() => {
      otherCopy = jest.requireActual('../lib');
    });
    const error = caught(() => new otherCopy!.EdgeApi(new Stack(new App(), 'Stack'), 'Api', { stages: [] }));
    // Not an instance of this copy's class: the mark, not the prototype chain, recognises it.
    expect(error).not.toBeInstanceOf(PresetValidationError);
    expect(PresetErrors.isValidationError(error)).toBe(true);
  });
});
