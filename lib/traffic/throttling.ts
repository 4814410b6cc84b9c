/**
 * Request throttling: a steady-state rate and a burst, always set together.
 */
export interface ThrottlingOptions {
  /**
   * Steady-state requests per second.
   */
  readonly rateLimit: number;

  /**
   * Maximum requests in a burst (the token-bucket size).
   */
  readonly burstLimit: number;
}
