// The durable rename a lake file is published with: it runs on a worker thread, and a failure says whether the
// file had already become visible under its final name, which decides what the publisher must withdraw.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableRenameError, DurableRenamer } from '../src/local/durable-renamer.js';

let dir: string;
let renamer: DurableRenamer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-renamer-'));
  renamer = DurableRenamer.start();
});
afterEach(async () => {
  renamer.close();
  await rm(dir, { recursive: true, force: true });
});

describe('DurableRenamer', () => {
  it('renames the temp file into place, several at once, each with its own contents', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `file-${i}`);
    for (const name of names) await writeFile(join(dir, `${name}.tmp`), name);
    await Promise.all(
      names.map((name) => renamer.publish(join(dir, `${name}.tmp`), join(dir, name), dir, dir)),
    );
    for (const name of names) expect(await readFile(join(dir, name), 'utf8')).toBe(name);
  });

  it('fails with the error code and renamed = false when the temp file cannot be synced', async () => {
    const failed = renamer.publish(join(dir, 'missing.tmp'), join(dir, 'missing'), dir, dir);
    await expect(failed).rejects.toBeInstanceOf(DurableRenameError);
    await expect(failed).rejects.toMatchObject({ code: 'ENOENT', renamed: false });
  });

  it('fails with renamed = true when the file is in place but its directories could not be synced', async () => {
    await writeFile(join(dir, 'a.tmp'), 'a');
    const failed = renamer.publish(join(dir, 'a.tmp'), join(dir, 'a'), join(dir, 'no-such-dir'), dir);
    await expect(failed).rejects.toMatchObject({ code: 'ENOENT', renamed: true });
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('a');
  });

  it('refuses work once closed instead of leaving it pending', async () => {
    renamer.close();
    await writeFile(join(dir, 'b.tmp'), 'b');
    await expect(renamer.publish(join(dir, 'b.tmp'), join(dir, 'b'), dir, dir)).rejects.toThrow(/closed/);
  });
});
