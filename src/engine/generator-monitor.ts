/**
 * Watches the load generator itself (this process): CPU use per interval and the shards'
 * event-loop delay, so a run where Redline, not the target, was the bottleneck is flagged.
 */
import type { ShardHealth } from './shard-report.js';

/** CPU share (of the cores the run may use) above which an interval counts as saturated. */
export const SATURATED_CPU_FRACTION = 0.9;
/** Event-loop delay p99 above which latencies include noticeable generator delay. */
export const SATURATED_LAG_MS = 20;

/** One interval of generator health. */
export interface GeneratorSample {
  cpuPercent: number;
  lagP99Ms: number;
  saturated: boolean;
}

/** Samples process CPU between intervals and folds in shard loop delays. */
export class GeneratorMonitor {
  readonly #cores: number;
  #lastCpu = process.cpuUsage();
  #lastAt = performance.now();
  readonly samples: GeneratorSample[] = [];

  /** `cores`: how many cores the generator may use (its worker count). */
  constructor(cores: number) {
    this.#cores = Math.max(1, cores);
  }

  /** Takes one sample (call once per merged interval). */
  sample(health: readonly ShardHealth[]): GeneratorSample {
    const cpu = process.cpuUsage(this.#lastCpu);
    const now = performance.now();
    const wallMs = Math.max(1, now - this.#lastAt);
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = now;
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs / this.#cores) * 100;
    const lagP99Ms = health.reduce((max, h) => Math.max(max, h.lagP99Ms), 0);
    const saturated = cpuPercent >= SATURATED_CPU_FRACTION * 100 || lagP99Ms >= SATURATED_LAG_MS;
    const sample = { cpuPercent, lagP99Ms, saturated };
    this.samples.push(sample);
    return sample;
  }

  /** Summary over the run: mean CPU, worst lag p99, saturated when most intervals were. */
  summary(): {
    cpuPercent: number;
    eventLoopLagP99Ms: number;
    saturated: boolean;
    warnings: string[];
  } {
    const n = this.samples.length;
    if (n === 0) return { cpuPercent: 0, eventLoopLagP99Ms: 0, saturated: false, warnings: [] };
    const cpuPercent = this.samples.reduce((s, x) => s + x.cpuPercent, 0) / n;
    const eventLoopLagP99Ms = Math.max(...this.samples.map((x) => x.lagP99Ms));
    const saturatedShare = this.samples.filter((x) => x.saturated).length / n;
    const saturated = saturatedShare >= 0.5;
    const warnings: string[] = [];
    if (cpuPercent >= SATURATED_CPU_FRACTION * 100) {
      warnings.push(
        `the load generator used ${cpuPercent.toFixed(0)}% of its ${this.#cores} core(s): throughput may be Redline's limit, not the target's (try --workers or less load)`,
      );
    }
    if (eventLoopLagP99Ms >= SATURATED_LAG_MS) {
      warnings.push(
        `the generator's event loop lagged up to ${eventLoopLagP99Ms.toFixed(1)} ms (p99): latencies include that delay`,
      );
    }
    return { cpuPercent, eventLoopLagP99Ms, saturated, warnings };
  }
}
