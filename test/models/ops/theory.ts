/** Queueing and statistics formulas the operations tests compare simulations against. */

/** Erlang C: probability an arrival waits, with `n` agents and `a` erlangs offered (a < n). */
export function erlangCWait(n: number, a: number): number {
  // Σ_{k<n} a^k/k! and a^n/n! built up term by term (no factorials overflow for n ≤ 170).
  let term = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = (term * n) / (n - a);
  return top / (sum + top);
}

/** Erlang C service level: share of calls answered within `t`, given the handle time `aht`. */
export function erlangCServiceLevel(n: number, a: number, t: number, aht: number): number {
  return 1 - erlangCWait(n, a) * Math.exp((-(n - a) * t) / aht);
}

/** Mean, standard error and 95 % interval of replication values (t with n − 1 df, tabled to 30). */
export function meanCi(xs: readonly number[]): { mean: number; se: number; lo: number; hi: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const t = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086][n - 2] ?? 2.05;
  return { mean, se, lo: mean - t * se, hi: mean + t * se };
}
