// `tributary audit [--templates DIR]`: Device Defender-style checks over the synthesized templates
// (`nx run-many -t synth` writes them to packages/*/cdk.out). `tributary audit iot`: Device
// Defender-style checks over the running platform's IoT configuration (certificates, CAs, attachments,
// policies), through its IoT API.
// Exit 1 on any finding, so CI can gate on it.
import {
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  GetPolicyCommand,
  paginateListCACertificates,
  paginateListCertificates,
  paginateListPolicies,
  paginateListThingPrincipals,
  paginateListThings,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  auditIotConfiguration,
  auditTemplate,
  type AuditedCertificate,
  type IotConfigurationSnapshot,
} from '@tributary/cross-cutting';
import { endpointsFileOf, logFileOf, parseConfig } from '../config.js';
import { clientIdTakenOverMessage, logLinesMentioning } from '../log-file.js';
import { localIotClient, runningPlatformEndpoints } from './local-iot-api.js';

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

/**
 * `tributary audit iot` (alias `audit certificates`): Device Defender-style checks over the running
 * platform's IoT configuration, read through its IoT API as they would be from an AWS account.
 */
export async function runIotAuditCommand(options: { dataDir?: string; now?: Date }): Promise<number> {
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  const endpoints = await runningPlatformEndpoints(endpointsFileOf(config));
  if (!endpoints) {
    process.stderr.write(
      `No platform is running on ${config.dataDir}: start it with \`tributary start\` (its IoT API holds the certificates and policies).\n`,
    );
    return 2;
  }
  const now = options.now ?? new Date();
  const snapshot = {
    ...(await iotConfigurationOf(localIotClient(endpoints))),
    clientIdTakeovers: clientIdTakeoversSince(logFileOf(config), now.getTime() - auditPeriodMs),
  };
  const findings = auditIotConfiguration(snapshot, now);
  for (const f of findings) process.stdout.write(`${f.check}  ${f.resource}: ${f.message}\n`);
  process.stdout.write(
    `${snapshot.certificates.length} device certificates, ${snapshot.caCertificates.length} CA certificates, ` +
      `${snapshot.thingsByCertificate.size} attached certificates, ${snapshot.policies.length} policies and ` +
      `${snapshot.clientIdTakeovers.size} contested client ids audited: ` +
      `${findings.length} finding(s).\n`,
  );
  return findings.length === 0 ? 0 : 1;
}

/** Device Defender's connection checks look at the last day. */
const auditPeriodMs = 24 * 60 * 60 * 1000;

/** Takeovers per client id since `since`, from the platform's log (the broker's DUPLICATE_CLIENTID disconnects). */
function clientIdTakeoversSince(logFile: string, since: number): Map<string, number> {
  const takeovers = new Map<string, number>();
  for (const line of logLinesMentioning(logFile, clientIdTakenOverMessage)) {
    const clientId = line['clientId'];
    if (line['message'] !== clientIdTakenOverMessage || typeof clientId !== 'string') continue;
    if (Date.parse(String(line['timestamp'])) < since) continue;
    takeovers.set(clientId, (takeovers.get(clientId) ?? 0) + 1);
  }
  return takeovers;
}

async function iotConfigurationOf(client: IoTClient): Promise<IotConfigurationSnapshot> {
  const certificates: AuditedCertificate[] = [];
  for await (const page of paginateListCertificates({ client }, {})) {
    for (const { certificateId } of page.certificates ?? []) {
      const { certificateDescription } = await client.send(new DescribeCertificateCommand({ certificateId }));
      const notAfter = certificateDescription?.validity?.notAfter;
      if (!certificateId || !notAfter) continue;
      certificates.push({
        certificateId,
        status: certificateDescription?.status ?? 'UNKNOWN',
        notAfter,
        ...(certificateDescription?.caCertificateId
          ? { caCertificateId: certificateDescription.caCertificateId }
          : {}),
      });
    }
  }
  const caCertificates: AuditedCertificate[] = [];
  for await (const page of paginateListCACertificates({ client }, {})) {
    for (const { certificateId } of page.certificates ?? []) {
      const { certificateDescription } = await client.send(
        new DescribeCACertificateCommand({ certificateId }),
      );
      const notAfter = certificateDescription?.validity?.notAfter;
      if (!certificateId || !notAfter) continue;
      caCertificates.push({ certificateId, status: certificateDescription?.status ?? 'UNKNOWN', notAfter });
    }
  }
  const thingsByCertificate = new Map<string, string[]>();
  for await (const page of paginateListThings({ client }, {})) {
    for (const { thingName } of page.things ?? []) {
      for await (const principals of paginateListThingPrincipals({ client }, { thingName })) {
        for (const principal of principals.principals ?? []) {
          const certificateId = /:cert\/([0-9a-f]+)$/.exec(principal)?.[1];
          if (!certificateId || !thingName) continue;
          thingsByCertificate.set(certificateId, [
            ...(thingsByCertificate.get(certificateId) ?? []),
            thingName,
          ]);
        }
      }
    }
  }
  const policies = [];
  for await (const page of paginateListPolicies({ client }, {})) {
    for (const { policyName } of page.policies ?? []) {
      const policy = await client.send(new GetPolicyCommand({ policyName }));
      if (policyName && policy.policyDocument)
        policies.push({ policyName, policyDocument: policy.policyDocument });
    }
  }
  return { certificates, caCertificates, thingsByCertificate, policies };
}
