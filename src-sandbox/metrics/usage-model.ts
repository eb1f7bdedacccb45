/**
 * Resource usage of simulated containers as a pure function of (container identity, spec, start
 * time, now): the same question asked twice gives the same answer, so metrics.k8s.io, the kubelet
 * summary and tests agree without any stored state. Values move on the sandbox clock (a clock speed
 * of 10 makes a 5-minute wave last 30 real seconds).
 *
 * - Every container gets seeded baselines: memory 30–55% of its limit with a slow wave, CPU a few
 *   tens of millicores with a faster wave. Cumulative CPU is the exact integral of the rate, so a
 *   client deriving rates from usageCoreNanoSeconds gets back usageNanoCores.
 * - Leaking containers (scenario behaviour `oom`) grow linearly from 35% of their limit to the
 *   limit, reaching it when the kubelet simulation OOM-kills them; after the restart they start
 *   again from the bottom (usage is measured from the current container's startedAt).
 * - CPU-hungry apps (a seeded quarter of the app names) burn 1.2–2.7 cores, far above their request.
 */

export interface ContainerIdentity {
  namespace: string;
  pod: string;
  container: string;
  app: string;
  /** Epoch ms the current container instance started (state.running.startedAt). */
  startedAtMs: number;
  limitBytes?: number;
  requestBytes?: number;
  leaking: boolean;
  /** Simulated ms from start to the OOM kill (only for leaking containers). */
  leakMs: number;
}

export interface ContainerUsage {
  cores: number;
  /** Cumulative CPU since the container started, in core-nanoseconds. */
  coreNs: number;
  workingSetBytes: number;
  rssBytes: number;
  usageBytes: number;
  pageFaults: number;
  majorPageFaults: number;
}

const DEFAULT_REF_BYTES = 512 * 2 ** 20;

/** FNV-1a 32-bit: stable seeds from names. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Three independent uniform numbers in [0, 1) from one seed (mulberry32 steps). */
function seeds(seed: number): [number, number, number] {
  const out: number[] = [];
  let a = seed;
  for (let i = 0; i < 3; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out.push(((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out as [number, number, number];
}

export function isCpuHungryApp(app: string): boolean {
  return hash32(`cpu:${app}`) % 4 === 0;
}

/** Usage at `nowMs` (real epoch ms) with the sandbox clock running `speed` times real time. */
export function containerUsage(c: ContainerIdentity, nowMs: number, speed: number): ContainerUsage {
  const [r1, r2, r3] = seeds(hash32(`${c.namespace}/${c.pod}/${c.container}`));
  const t = Math.max(0, ((nowMs - c.startedAtMs) * speed) / 1000); // simulated seconds since start
  const ref = c.limitBytes ?? Math.max(c.requestBytes ?? 0, DEFAULT_REF_BYTES);

  // CPU: mean * (1 + a·sin(ωt + φ)); its integral is mean·t − mean·a/ω·(cos(ωt + φ) − cos φ).
  const mean = isCpuHungryApp(c.app) ? 1.2 + 1.5 * r2 : 0.02 + 0.15 * r2;
  const a = 0.35;
  const w = (2 * Math.PI) / (60 + 120 * r3);
  const phi = 2 * Math.PI * r1;
  const cores = mean * (1 + a * Math.sin(w * t + phi));
  const coreSeconds = mean * t - ((mean * a) / w) * (Math.cos(w * t + phi) - Math.cos(phi));

  let workingSet: number;
  if (c.leaking) {
    // Stop just short of the limit: the kill itself is the kubelet simulation's job.
    const f = Math.min(0.995, t / Math.max(1, c.leakMs / 1000));
    workingSet = ref * (0.35 + 0.65 * f);
  } else {
    const warm = Math.min(1, 0.6 + t / 150); // a JVM filling its heap after start
    const wave = 1 + 0.04 * Math.sin((2 * Math.PI * t) / (300 + 200 * r3) + phi);
    workingSet = ref * (0.3 + 0.25 * r1) * warm * wave;
  }
  workingSet = Math.round(workingSet);
  return {
    cores,
    coreNs: Math.max(0, Math.round(coreSeconds * 1e9)),
    workingSetBytes: workingSet,
    rssBytes: Math.round(workingSet * 0.92),
    usageBytes: workingSet + Math.round(ref * 0.08),
    pageFaults: Math.round(t * (50 + 100 * r1)),
    majorPageFaults: Math.round(t * 0.1),
  };
}
