// Waiting room for the dashboard's own queries: a page opens with one query per widget, more than the
// query service runs at once (it refuses the excess as BUSY), so widget queries take turns here and leave
// the service's other slots to the SQL box and the CLI.

export class QuerySlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly slots: number) {}

  async run<T>(query: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await query();
    } finally {
      // The slot passes straight to the next waiter, so `running` never drops below the queue's demand.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
