// The platform's log lines kept on disk as well as printed, so `tributary trace <id>` can show what was
// logged about a message after the fact. JSON lines, appended; past `maxBytes` the file is rotated to
// `<file>.1` (one generation kept), so the logs never take more than twice that.
import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';

/** Logged when a connection is dropped because another one connected with its client id. */
export const clientIdTakenOverMessage = 'client id taken over by a new connection';

export class LogFile {
  private bytes: number;

  constructor(
    readonly path: string,
    private readonly maxBytes = 20 * 1024 * 1024,
  ) {
    this.bytes = existsSync(path) ? statSync(path).size : 0;
  }

  /** Appends one line; synchronous, like console output, so no line is lost to a crash that follows it. */
  write(line: string): void {
    if (this.bytes + line.length + 1 > this.maxBytes && this.bytes > 0) {
      renameSync(this.path, `${this.path}.1`);
      this.bytes = 0;
    }
    appendFileSync(this.path, line + '\n');
    this.bytes += Buffer.byteLength(line) + 1;
  }
}

/** The lines of the log file and its rotated generation that mention `text`, oldest first. */
export function logLinesMentioning(path: string, text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const file of [`${path}.1`, path]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes(text)) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line cut short by a crash: skip it
      }
    }
  }
  return lines;
}
