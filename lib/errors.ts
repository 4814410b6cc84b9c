import { isPresetValidationError, VALIDATION_ERROR_NAME } from './private/errors';

/**
 * Recognises the error the library raises for wrong input (a `PresetValidationError`), so tests and
 * tools can tell it from other failures. Its message names the construct path, the prop, the value
 * given and what is allowed: `[<construct path>] Invalid <prop>: <value>. <what is allowed>`.
 */
export class PresetErrors {
  /**
   * Whether `caught` is the library's validation error.
   *
   * In TypeScript and JavaScript, pass the caught error. In Python, Java and .NET the error arrives as
   * the language's runtime exception (`RuntimeError` in Python) whose message starts with
   * `PresetValidationError: `; pass that message, e.g. `PresetErrors.is_validation_error(str(e))`.
   *
   * @param caught a caught error, or the message of a caught exception
   */
  public static isValidationError(caught: unknown): boolean {
    if (typeof caught === 'string') {
      return caught.startsWith(`${VALIDATION_ERROR_NAME}: [`);
    }
    return isPresetValidationError(caught);
  }

  private constructor() {}
}
