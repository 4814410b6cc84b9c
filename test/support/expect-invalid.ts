import { PresetValidationError } from '../../lib/private/errors';

/**
 * Asserts that `act` throws the library's error naming the construct path, the prop, the value given
 * and what is allowed.
 */
export function expectInvalid(
  act: () => unknown,
  prop: string,
  value: string,
  allowed: string,
  constructPath = 'Stack/Api',
): void {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PresetValidationError);
  const error = thrown as PresetValidationError;
  expect(error.constructPath).toBe(constructPath);
  expect(error.prop).toBe(prop);
  expect(error.message).toContain(`[${constructPath}] Invalid ${prop}: ${value}. `);
  expect(error.message).toContain(allowed);
}
