import { IConstruct } from 'constructs';

/** Marks the library's errors across copies of the library in one process (hence Symbol.for). */
const VALIDATION_ERROR = Symbol.for('cdk-apigateway-presets.PresetValidationError');

/** The error's name, which starts its stack and, from some jsii runtimes, the message other languages see. */
export const VALIDATION_ERROR_NAME = 'PresetValidationError';

/**
 * The messages of the errors raised in this process, shared by every copy of the library. jsii hands
 * other languages only an error's message, so a message is recognised by being one the library raised.
 */
const RAISED_MESSAGES = Symbol.for('cdk-apigateway-presets.PresetValidationError.messages');
/** Enough for every error one app can raise and catch; the oldest are forgotten first. */
const MAX_REMEMBERED_MESSAGES = 1000;

function raisedMessages(): Set<string> {
  const holder = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (holder[RAISED_MESSAGES] ??= new Set<string>());
}

/**
 * The one error the library raises for wrong input. It names the construct path, the prop,
 * the value given and what is allowed, so a failed synth says exactly what to change.
 */
export class PresetValidationError extends Error {
  public readonly constructPath: string;
  public readonly prop: string;
  // Not enumerable (see the constructor): Node prints an uncaught error's enumerable fields, and the
  // scope leads to the whole construct tree, thousands of lines that hide the message.
  declare private readonly scope: IConstruct;
  declare private readonly value: unknown;
  declare private readonly allowed: string;

  constructor(scope: IConstruct, prop: string, value: unknown, allowed: string) {
    const path = scope.node.path || '<root>';
    super(`[${path}] Invalid ${prop}: ${describe(value)}. ${allowed}`);
    this.name = VALIDATION_ERROR_NAME;
    this.constructPath = path;
    this.prop = prop;
    Object.defineProperties(this, {
      scope: { value: scope, enumerable: false },
      value: { value, enumerable: false },
      allowed: { value: allowed, enumerable: false },
      [VALIDATION_ERROR]: { value: true },
    });
    const messages = raisedMessages();
    messages.add(this.message);
    if (messages.size > MAX_REMEMBERED_MESSAGES) {
      messages.delete(messages.values().next().value!);
    }
  }

  /**
   * The same error with its prop placed in a route: `integration.url` becomes `integration.url of GET /x`,
   * so an app with many routes learns which one to fix.
   */
  public inRoute(route: string): PresetValidationError {
    raisedMessages().delete(this.message);
    return new PresetValidationError(this.scope, `${this.prop} of ${route}`, this.value, this.allowed);
  }
}

/** Whether `x` is a PresetValidationError, from this or any other copy of the library. */
export function isPresetValidationError(x: unknown): x is PresetValidationError {
  return typeof x === 'object' && x !== null && VALIDATION_ERROR in x;
}

/**
 * Whether `message` is the message of a PresetValidationError raised in this process, as other jsii
 * languages see it: the message itself, or (from some jsii runtimes) `PresetValidationError: <message>`.
 */
export function isPresetValidationErrorMessage(message: string): boolean {
  const prefix = `${VALIDATION_ERROR_NAME}: `;
  const bare = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return raisedMessages().has(bare);
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
