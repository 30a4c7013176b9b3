// What the running platform says about its pipeline on GET /api/status, as far as the crash test asks.

export interface PipelineStatus {
  /** Records durable in the stream but not yet checkpointed, plus rows buffered in the lake writer. */
  readonly recordsInFlight: number;
  /** Rows the lake writer dropped as copies of rows it already holds, since this process started. */
  readonly duplicatesSkipped: number;
}

export async function pipelineStatusOf(dashboardUrl: string): Promise<PipelineStatus> {
  const status = (await (await fetch(`${dashboardUrl}/api/status`)).json()) as {
    streamDepth: number;
    lake: { bufferedRows: number; duplicatesSkipped: number };
  };
  return {
    recordsInFlight: status.streamDepth + status.lake.bufferedRows,
    duplicatesSkipped: status.lake.duplicatesSkipped,
  };
}

/**
 * The lake writer's duplicate count over every incarnation of the platform: each SIGKILL wipes the
 * counter, so it is sampled while the platform runs and banked at each kill (a lower bound: copies
 * dropped in the last sample interval before a kill are missed).
 */
export class DuplicatesSkippedTally {
  private banked = 0;
  private current = 0;
  /** Bumped at each bank(), so a sample of the dead platform that answers late is not counted twice. */
  private incarnation = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly dashboardUrl: string) {
    this.sampler = setInterval(() => this.sample(), 250);
  }

  /** Call when the platform dies: what it counted is kept, and the next one starts from 0. */
  bank(): void {
    this.banked += this.current;
    this.current = 0;
    this.incarnation += 1;
  }

  /** Takes a last sample and stops sampling. */
  async total(): Promise<number> {
    this.stop();
    await this.sample();
    return this.banked + this.current;
  }

  stop(): void {
    clearInterval(this.sampler);
  }

  private async sample(): Promise<void> {
    const incarnation = this.incarnation;
    try {
      const { duplicatesSkipped } = await pipelineStatusOf(this.dashboardUrl);
      if (incarnation === this.incarnation) this.current = duplicatesSkipped;
    } catch {
      // Down or starting: nothing to read, and the last sample stands until bank().
    }
  }
}
