import { isPresetValidationError, isPresetValidationErrorMessage } from './private/errors';

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
   * the language's runtime exception (`RuntimeError` in Python) carrying only the message; pass that
   * message, e.g. `PresetErrors.is_validation_error(str(e))`. A message is recognised when it is the
   * message of a validation error the library raised in this app.
   *
   * @param caught a caught error, or the message of a caught exception
   */
  public static isValidationError(caught: unknown): boolean {
    if (typeof caught === 'string') {
      return isPresetValidationErrorMessage(caught);
    }
    return isPresetValidationError(caught);
  }

  private constructor() {}
}
