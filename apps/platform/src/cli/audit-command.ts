// `tributary audit [--templates DIR]`: Device Defender-style checks over the synthesized templates
// (`nx run-many -t synth` writes them to packages/*/cdk.out). Exit 1 on any finding, so CI can gate on it.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { auditTemplate } from '@tributary/cross-cutting';

async function templateFilesIn(directory: string): Promise<string[]> {
  const files = await readdir(directory).catch(() => []);
  return files.filter((f) => f.endsWith('.template.json')).map((f) => join(directory, f));
}

async function defaultTemplateDirectories(): Promise<string[]> {
  const packages = await readdir('packages').catch(() => []);
  return packages.map((name) => join('packages', name, 'cdk.out'));
}

export async function runAuditCommand(options: { templates?: string }): Promise<number> {
  const directories = options.templates ? [options.templates] : await defaultTemplateDirectories();
  const files = (await Promise.all(directories.map(templateFilesIn))).flat();
  if (files.length === 0) {
    process.stderr.write(
      `No CloudFormation templates in ${directories.map((d) => resolve(d)).join(', ') || resolve('packages')}: ` +
        'synthesize first (npx -y pnpm@12.21.0 nx run-many -t synth) or pass --templates DIR.\n',
    );
    return 2;
  }
  const findings = [];
  for (const file of files) {
    const name = file.replace(/\.template\.json$/, '');
    findings.push(...auditTemplate(name, JSON.parse(await readFile(file, 'utf8'))));
  }
  if (findings.length === 0) {
    process.stdout.write(`${files.length} templates audited: no findings.\n`);
    return 0;
  }
  for (const f of findings) process.stdout.write(`${f.check}  ${f.template} ${f.resource}: ${f.message}\n`);
  process.stdout.write(`${findings.length} finding(s) in ${files.length} templates.\n`);
  return 1;
}
