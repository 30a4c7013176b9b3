// Reads what Linux says of a process under /proc/<pid>/: the e2e bench measures other processes' memory and
// CPU there.
import { readFileSync } from 'node:fs';

/** /proc/<pid>/<file> as text; a clear error off Linux or once the process is gone. */
export function readProcFile(pid: number, file: 'stat' | 'status'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read /proc/${pid}/${file} (${String(error)}): the e2e bench reads processes' memory and CPU ` +
        'from Linux procfs; run it on Linux.',
    );
  }
}
