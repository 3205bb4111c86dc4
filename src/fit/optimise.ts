/**
 * Numerical maximisation of a log-likelihood: Nelder–Mead on unconstrained parameters and a
 * finite-difference Hessian for the observed information (Wald intervals).
 *
 * Hand-written on purpose: the only Nelder–Mead on npm with any use (fmin) ships 0.0.4 as a
 * UMD bundle under "type": "module" that exports nothing on Node 20, and 0.0.2 lists rollup,
 * uglify-js and tape as runtime dependencies. The special functions the likelihoods need come
 * from @stdlib (see families.ts).
 */

/** Result of a minimisation. */
export interface Minimum {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

/** Minimises f from x0 by Nelder–Mead (standard coefficients 1, 2, 0.5, 0.5). */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], opts: { step?: number; tol?: number; maxIterations?: number } = {}): Minimum {
  const n = x0.length;
  const step = opts.step ?? 0.5;
  const tol = opts.tol ?? 1e-10;
  const maxIt = opts.maxIterations ?? 2000 * n;
  const safe = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex: { x: number[]; fx: number }[] = [{ x: [...x0], fx: safe([...x0]) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] = x[i]! + (x[i] !== 0 ? step * Math.max(1, Math.abs(x[i]!)) : step);
    simplex.push({ x, fx: safe(x) });
  }
  let it = 0;
  let converged = false;
  const comb = (a: number[], b: number[], t: number): number[] => a.map((ai, i) => ai + t * (b[i]! - ai));
  for (; it < maxIt; it++) {
    simplex.sort((a, b) => a.fx - b.fx);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.fx - best.fx) <= tol * (Math.abs(best.fx) + tol) && it > 0) {
      const spread = Math.max(...simplex.map((s) => Math.max(...s.x.map((v, i) => Math.abs(v - best.x[i]!)))));
      if (spread < 1e-7) {
        converged = true;
        break;
      }
    }
    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i]! += simplex[j]!.x[i]! / n;
    const xr = comb(centroid, worst.x, -1);
    const fr = safe(xr);
    if (fr < best.fx) {
      const xe = comb(centroid, worst.x, -2);
      const fe = safe(xe);
      simplex[n] = fe < fr ? { x: xe, fx: fe } : { x: xr, fx: fr };
    } else if (fr < simplex[n - 1]!.fx) {
      simplex[n] = { x: xr, fx: fr };
    } else {
      const outside = fr < worst.fx;
      const xc = outside ? comb(centroid, xr, 0.5) : comb(centroid, worst.x, 0.5);
      const fc = safe(xc);
      if (fc < (outside ? fr : worst.fx)) simplex[n] = { x: xc, fx: fc };
      else simplex = simplex.map((s, j) => (j === 0 ? s : { x: comb(best.x, s.x, 0.5), fx: safe(comb(best.x, s.x, 0.5)) }));
    }
  }
  simplex.sort((a, b) => a.fx - b.fx);
  return { x: simplex[0]!.x, fx: simplex[0]!.fx, iterations: it, converged };
}

/** Central finite-difference Hessian of f at x. */
export function hessian(f: (x: number[]) => number, x: readonly number[]): number[][] {
  const n = x.length;
  const h = x.map((v) => 1e-4 * Math.max(1, Math.abs(v)));
  const at = (d: [number, number][]): number => {
    const y = [...x];
    for (const [i, s] of d) y[i] = y[i]! + s;
    return f(y);
  };
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const f0 = f([...x]);
  for (let i = 0; i < n; i++) {
    const hi = h[i]!;
    H[i]![i] = (at([[i, hi]]) - 2 * f0 + at([[i, -hi]])) / (hi * hi);
    for (let j = i + 1; j < n; j++) {
      const hj = h[j]!;
      const v = (at([[i, hi], [j, hj]]) - at([[i, hi], [j, -hj]]) - at([[i, -hi], [j, hj]]) + at([[i, -hi], [j, -hj]])) / (4 * hi * hj);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

/** Inverse of a 1×1 or 2×2 matrix (the families here have at most two parameters); null if singular. */
export function invertSmall(m: number[][]): number[][] | null {
  if (m.length === 1) return m[0]![0]! > 0 ? [[1 / m[0]![0]!]] : null;
  if (m.length !== 2) throw new Error('invertSmall: only 1×1 and 2×2');
  const [[a, b], [c, d]] = m as [[number, number], [number, number]];
  const det = a * d - b * c;
  if (!(det > 0) || !(a > 0)) return null;
  return [
    [d / det, -b / det],
    [-c / det, a / det],
  ];
}

/** Numerical gradient of g at x. */
export function gradient(g: (x: number[]) => number, x: readonly number[]): number[] {
  return x.map((v, i) => {
    const h = 1e-5 * Math.max(1, Math.abs(v));
    const up = [...x];
    const dn = [...x];
    up[i] = v + h;
    dn[i] = v - h;
    return (g(up) - g(dn)) / (2 * h);
  });
}
