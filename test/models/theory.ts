/** Statistics the operations tests compare simulations with (the queueing formulas are in src/theory/queueing.ts). */
import { tQuantile } from '../../src/experiment/stats.js';

/** Mean, standard error and 95 % interval of replication values (t with n − 1 df, src/experiment/stats.ts). */
export function meanCi(xs: readonly number[]): { mean: number; se: number; lo: number; hi: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const t = tQuantile(0.975, n - 1);
  return { mean, se, lo: mean - t * se, hi: mean + t * se };
}
