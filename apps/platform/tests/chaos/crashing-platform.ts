// The platform under test as a series of incarnations: `tributary start` on one data directory and one
// set of ports, SIGKILLed at seeded random moments and started again. A kill lands either while the
// platform serves, or while it starts and recovers from the previous kill.
import type { UniformRandom } from '@tributary/ingest';
import { spawnKillablePlatform, type KillablePlatform } from '../platform-process.js';

/** How often a kill lands in start-up and recovery rather than while serving. */
const killWhileStartingShare = 0.25;
/** A kill while serving comes this long after the platform said it runs. */
const servingMs = { least: 500, most: 6_000 };
/** A kill while starting comes this long after the spawn (start-up takes 5–15 s on two busy cores). */
const startingMs = { least: 0, most: 5_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (random: UniformRandom, range: { least: number; most: number }) =>
  range.least + random() * (range.most - range.least);

export class CrashingPlatform {
  private current: KillablePlatform | undefined;
  kills = 0;
  /** Kills that came before the platform said it runs. */
  killsWhileStarting = 0;

  constructor(
    private readonly startArgs: readonly string[],
    private readonly random: UniformRandom,
    /** Called after each kill, once the process is gone. */
    private readonly onKilled: () => void,
  ) {}

  /** Starts an incarnation and resolves once it runs; rejects with its output if it does not come up. */
  async start(): Promise<void> {
    this.current = spawnKillablePlatform([...this.startArgs]);
    await this.current.started;
  }

  /** Kills and restarts while `goOn()` says so, then waits for the last incarnation to run. */
  async killRepeatedly(goOn: () => boolean): Promise<void> {
    while (goOn()) {
      const platform = this.incarnation();
      // The first kill is always under load, so that there is something to lose before any recovery.
      if (this.kills > 0 && this.random() < killWhileStartingShare) {
        await sleep(between(this.random, startingMs));
      } else {
        await platform.started;
        await sleep(between(this.random, servingMs));
      }
      // A platform that died by itself while starting rejects here, with its output.
      const serving = await Promise.race([platform.started.then(() => true), sleep(0).then(() => false)]);
      await platform.kill();
      this.kills += 1;
      if (!serving) this.killsWhileStarting += 1;
      this.onKilled();
      this.current = spawnKillablePlatform([...this.startArgs]);
    }
    await this.incarnation().started;
  }

  /** SIGTERM, as Ctrl-C: the exit code of a clean stop (0). */
  stop(): Promise<number | null> {
    return this.incarnation().stop();
  }

  output(): string {
    return this.current?.output() ?? '';
  }

  /** Ends whatever incarnation still runs, e.g. after a failed assertion. */
  async killIfRunning(): Promise<void> {
    await this.current?.kill();
  }

  private incarnation(): KillablePlatform {
    if (!this.current) throw new Error('The platform was never started: call start() first.');
    return this.current;
  }
}
