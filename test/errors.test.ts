import { inspect } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { EdgeApi, PresetErrors, RouteIntegration } from '../lib';
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

  test('recognises the message other jsii languages receive, with or without the error name', () => {
    const error = invalidStage() as Error;
    // jsii hands Python, Java and .NET the message (some runtimes prefix the error name to it).
    expect(error.message).toMatch(/^\[Stack\/Api\] Invalid stages\[0\]\.stageName: "bad name"\. /);
    expect(PresetErrors.isValidationError(error.message)).toBe(true);
    expect(PresetErrors.isValidationError(String(error))).toBe(true);
  });

  test('does not recognise a message the library did not raise, however alike', () => {
    const raised = (invalidStage() as Error).message;
    expect(PresetErrors.isValidationError(raised.replace('bad name', 'other name'))).toBe(false);
    expect(PresetErrors.isValidationError(`Error: ${raised}`)).toBe(false);
    expect(PresetErrors.isValidationError('')).toBe(false);
  });

  test("does not take aws-cdk-lib's own errors, plain errors or other values for it", () => {
    const cdkError = caught(() => {
      const stack = new Stack(new App(), 'Stack');
      new Stack(stack.node.root as App, 'Stack');
    });
    expect(PresetErrors.isValidationError(cdkError)).toBe(false);
    expect(PresetErrors.isValidationError(new Error('[Stack/Api] Invalid stages: 0 stages.'))).toBe(false);
    expect(PresetErrors.isValidationError(String(cdkError))).toBe(false);
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

  test('an integration error names its route, and is recognised by its new message only', () => {
    const api = new EdgeApi(new Stack(new App(), 'Stack'), 'Api');
    const error = caught(() =>
      api.addRoute('GET', '/orders/{id}', RouteIntegration.http('ftp://legacy.example.com/{id}')),
    ) as PresetValidationError;
    expect(error.prop).toBe('integration.url of GET /orders/{id}');
    expect(error.message).toBe(
      '[Stack/Api] Invalid integration.url of GET /orders/{id}: "ftp://legacy.example.com/{id}". ' +
        'An HTTP integration URL starts with https:// or http://.',
    );
    expect(PresetErrors.isValidationError(error.message)).toBe(true);
    expect(PresetErrors.isValidationError(error.message.replace(' of GET /orders/{id}', ''))).toBe(false);
  });
});

describe('PresetValidationError as Node prints it', () => {
  test('an uncaught error shows its message and path, not the construct tree', () => {
    const error = invalidStage() as PresetValidationError;
    // Node prints an uncaught error with util.inspect: the stack, then every enumerable own field.
    const printed = inspect(error);
    expect(printed).toContain(error.message);
    expect(printed).toContain("constructPath: 'Stack/Api'");
    expect(printed).toContain("prop: 'stages[0].stageName'");
    expect(printed).not.toContain('scope');
    expect(printed.split('\n').length).toBeLessThan(40);
    expect(printed.length).toBeLessThan(4000);
  });

  test('keeps what it knows for inRoute while not showing it', () => {
    const error = invalidStage() as PresetValidationError;
    expect(Object.keys(error).sort()).toEqual(['constructPath', 'name', 'prop'].sort());
    const placed = error.inRoute('GET /x');
    expect(placed.constructPath).toBe('Stack/Api');
    expect(placed.message).toBe(
      error.message.replace('stages[0].stageName:', 'stages[0].stageName of GET /x:'),
    );
    expect(PresetErrors.isValidationError(placed)).toBe(true);
  });
});
