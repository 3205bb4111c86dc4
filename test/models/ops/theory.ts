/** Statistics the operations tests compare simulations with (the queueing formulas are in src/theory/queueing.ts). */

/** Mean, standard error and 95 % interval of replication values (t with n − 1 df, tabled to 30). */
export function meanCi(xs: readonly number[]): { mean: number; se: number; lo: number; hi: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const t = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086][n - 2] ?? 2.05;
  return { mean, se, lo: mean - t * se, hi: mean + t * se };
}
