/**
 * Argument checks shared by the engine. Bad numbers must fail loudly at the call that made
 * them: a NaN that reaches the clock silently corrupts a whole run.
 */

/** Throws unless `value` is a finite number. */
export function checkFinite(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number ≥ 0. */
export function checkDelay(value: number, name: string): void {
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
    throw new RangeError(`${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function checkPositive(value: number, name: string): void {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
}

/** Throws unless `value` is an integer ≥ 0. */
export function checkCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer ≥ 0, got ${String(value)}`);
  }
}

/** Throws unless 0 ≤ value ≤ 1. */
export function checkProbability(value: number, name: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a probability in [0, 1], got ${String(value)}`);
  }
}
