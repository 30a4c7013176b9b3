// The CPU time a process has used so far, over all its threads (its worker threads, DuckDB's and libuv's),
// read from Linux's /proc/<pid>/stat: what a message costs the machine, not only its main thread.
import { readProcFile } from './procfs.js';

/** Linux reports utime and stime in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const ticksPerSecond = 100;

export function cpuSecondsOf(pid: number): number {
  const stat = readProcFile(pid, 'stat');
  // The command name (field 2) is in parentheses and may hold spaces: count the fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, so 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
