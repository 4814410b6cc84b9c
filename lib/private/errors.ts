import { IConstruct } from 'constructs';

/** Marks the library's errors across copies of the library in one process (hence Symbol.for). */
const VALIDATION_ERROR = Symbol.for('cdk-apigateway-presets.PresetValidationError');

/** The error's name: other jsii languages receive it as the start of the message, `PresetValidationError: `. */
export const VALIDATION_ERROR_NAME = 'PresetValidationError';

/**
 * The one error the library raises for wrong input. It names the construct path, the prop,
 * the value given and what is allowed, so a failed synth says exactly what to change.
 */
export class PresetValidationError extends Error {
  public readonly constructPath: string;
  public readonly prop: string;

  constructor(scope: IConstruct, prop: string, value: unknown, allowed: string) {
    const path = scope.node.path || '<root>';
    super(`[${path}] Invalid ${prop}: ${describe(value)}. ${allowed}`);
    this.name = VALIDATION_ERROR_NAME;
    this.constructPath = path;
    this.prop = prop;
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
  }
}

/** Whether `x` is a PresetValidationError, from this or any other copy of the library. */
export function isPresetValidationError(x: unknown): x is PresetValidationError {
  return typeof x === 'object' && x !== null && VALIDATION_ERROR in x;
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
