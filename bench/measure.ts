/** Timing shared by every workload: warm up, then the median of repeats of a fixed step count. */

export interface Measurement {
  stepsPerSec: number;
  /** Each repeat's steps/s, for judging noise. */
  repeats: number[];
  /** Steps per second of process CPU time (all threads): steadier than wall time when other work shares the cores; equals steps/s for one busy thread. */
  stepsPerCpuSec: number;
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function measure(step: () => number, { repeats = 3, warmupSec = 0.4, repeatSec = 0.8 } = {}): Measurement {
  let steps = 0;
  const t0 = performance.now();
  while (steps < 3 || performance.now() - t0 < warmupSec * 1000) {
    step();
    steps++;
  }
  const perStep = (performance.now() - t0) / steps;
  const n = Math.max(1, Math.round((repeatSec * 1000) / perStep));
  const rates: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < repeats; r++) {
    const s = performance.now();
    for (let i = 0; i < n; i++) step();
    rates.push((n * 1000) / (performance.now() - s));
  }
  const cpu = process.cpuUsage(cpu0);
  return { stepsPerSec: median(rates), repeats: rates, stepsPerCpuSec: (n * repeats * 1e6) / (cpu.user + cpu.system) };
}
