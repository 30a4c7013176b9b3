// The resident memory of another process, read from Linux's /proc/<pid>/status: VmRSS now, and VmHWM,
// the kernel's own high-water mark, so a peak between two samples is not missed.
import type { MemorySample } from './memory-trend.js';
import { readProcFile } from './procfs.js';

export interface ProcessMemory {
  readonly rssBytes: number;
  /** The most the process has held resident since it started. */
  readonly peakRssBytes: number;
}

export function memoryOf(pid: number): ProcessMemory {
  const status = readProcFile(pid, 'status');
  const kibibytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssBytes: kibibytes('VmRSS') * 1024, peakRssBytes: kibibytes('VmHWM') * 1024 };
}

/** Samples a process's RSS every `everyMs` until stopped; `since` restarts the series (e.g. for a soak). */
export class MemorySampler {
  private samples: MemorySample[] = [];
  private startedAt = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs: number,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** Drops the samples so far: the series starts now. */
  restart(): void {
    this.samples = [];
    this.startedAt = performance.now();
    this.sample();
  }

  /** The series since the last restart, with one last sample. */
  series(): readonly MemorySample[] {
    this.sample();
    return [...this.samples];
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.samples.push({ atMs: performance.now() - this.startedAt, rssBytes: memoryOf(this.pid).rssBytes });
  }
}
