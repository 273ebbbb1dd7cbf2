/**
 * What the masking benchmarks share: a seeded generator (every run reads the same bytes) and the median CPU time
 * of a function after a long warm-up.
 */

/** xorshift32 from a seed: numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) console.error('run with node --expose-gc: without it, one case\'s garbage may be collected in the rounds of the next');

/**
 * Median CPU time (user + system) in ms of fn over `rounds` runs, after at least warmupRuns runs and warmupMs
 * milliseconds of them. CPU time, not wall time: the machine is shared, and the work is single-threaded, so CPU
 * time is the cost per core. The long warm-up because a gateway masks response after response (the optimised
 * code's figure is the one that matters), and because the process's CPU clock also counts V8's compiler
 * threads, which optimise in the background for a while after a code path is first taken. The garbage of the
 * case before is collected first, so its collection is not billed to this one.
 */
export async function cpuTime(fn: () => unknown, rounds: number, warmupRuns: number, warmupMs: number): Promise<number> {
  gc?.();
  const warmUntil = performance.now() + warmupMs;
  for (let i = 0; i < warmupRuns || performance.now() < warmUntil; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const s = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(s);
    t.push((d.user + d.system) / 1e3);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}
