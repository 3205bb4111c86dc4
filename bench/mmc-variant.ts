/**
 * One M/M/c variant in a process of its own: `node dist/bench/mmc-variant.js <variant> n c λ μ seed`
 * prints the best of five runs (by CPU time) as JSON. The M/M/c section starts one process
 * per variant, as SimPy runs in its own: code shared by the variants (calendar, resource,
 * run loop) is then optimised for the variant being timed, as it would be in a simulation
 * that uses only that style, and not for whichever variant happened to run before.
 */
import { kieferWolfowitz, type MmcResult } from './kiefer-wolfowitz.js';
import { mmcFastPath, mmcProcess } from './mmc.js';
import { minimalLoop } from './minimal-loop.js';

/** The variants a child process can run. */
export const MMC_VARIANTS = {
  recursion: kieferWolfowitz,
  minimal: minimalLoop,
  fast: mmcFastPath,
  process: mmcProcess,
} as const;

/** Name of one M/M/c variant. */
export type MmcVariant = keyof typeof MMC_VARIANTS;

/** Warms the JIT on a small run, then returns the best of five timed runs by CPU time. */
export function bestOfFive(variant: MmcVariant, n: number, c: number, lambda: number, mu: number, seed: number): MmcResult {
  const run = MMC_VARIANTS[variant];
  run(Math.min(n, 100_000), c, lambda, mu, 1);
  // A shared machine's caches and clock make single runs swing by 20 %.
  let best = run(n, c, lambda, mu, seed);
  for (let i = 1; i < 5; i++) {
    const r = run(n, c, lambda, mu, seed);
    if (r.cpuSeconds < best.cpuSeconds) best = r;
  }
  return best;
}

const [variant, ...args] = process.argv.slice(2);
if (variant !== undefined && variant in MMC_VARIANTS) {
  const [n, c, lambda, mu, seed] = args.map(Number) as [number, number, number, number, number];
  console.log(JSON.stringify(bestOfFive(variant as MmcVariant, n, c, lambda, mu, seed)));
}
