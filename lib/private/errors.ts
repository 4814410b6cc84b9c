import { IConstruct } from 'constructs';

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
    this.name = 'PresetValidationError';
    this.constructPath = path;
    this.prop = prop;
  }
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
