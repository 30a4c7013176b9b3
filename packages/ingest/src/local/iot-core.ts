// The Ingest stage on this machine, composed: what AWS IoT Core is to a device — the MQTT broker over mutual
// TLS (8883) with IoT policies, the plain development listener (1883), device shadows over MQTT and HTTP,
// lifecycle events, and the control plane that @aws-sdk/client-iot talks to (registry, certificates,
// policies). Everything it keeps lives under one directory and survives a restart.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@tributary/contracts';
import { lifecycleTopicOf, type AwsLocation } from '../core/index.js';
import { startBroker, type BrokerOptions, type BrokerProfile, type LocalBroker } from './broker.js';
import { securityRoutes, startControlPlane, type ControlPlane } from './control-plane/index.js';
import { startFleetProvisioning } from './fleet-provisioning/index.js';
import { LocalCertificateAuthority } from './pki/certificate-authority.js';
import { CertificateRegistry } from './pki/certificate-registry.js';
import { keepRevocationListCurrent } from './pki/revocation-list.js';
import { policyAuthorizer } from './policy-authorizer.js';
import { LocalPolicyStore } from './policy-store.js';
import type { LocalRegistry } from './registry.js';
import { publishAsService } from './broker/service-publish.js';
import { publishRegistryEvents } from './registry-event-publisher.js';
import { createShadowHttpHandler, isShadowHttpPath } from './shadow-http.js';
import { LocalShadowService } from './shadow-service.js';
import { LocalShadowStore } from './shadow-store.js';
import { attachShadowTopics } from './shadow-topics.js';
import { startTlsListener, type TlsListener } from './tls-listener.js';

export interface LocalIotCoreOptions {
  /** Where the CA, certificates, policies, shadows and broker sessions are kept. */
  readonly dataDir: string;
  /** The thing registry (the caller shares it with enrichment). */
  readonly registry: LocalRegistry;
  readonly logger: Logger;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The mutual-TLS MQTT listener. 0 picks a free port. @default 8883 */
  readonly mqttsPort?: number;
  /** The plain MQTT development listener (no certificate, no policies); `null` turns it off. @default 1883 */
  readonly mqttPort?: number | null;
  /** The control plane (registry, certificates, policies) and Device Shadow REST API. @default 0 */
  readonly controlPlanePort?: number;
  /** The region and account resource ARNs name. */
  readonly location: AwsLocation;
  /** @default 'aws' */
  readonly profile?: BrokerProfile;
  /** Overrides of the profile's broker limits (e.g. a load test lifting the per-connection publish quota). */
  readonly limits?: BrokerOptions['limits'];
  readonly beforeAcknowledge?: BrokerOptions['beforeAcknowledge'];
  readonly onLifecycleEvent?: BrokerOptions['onLifecycleEvent'];
  /**
   * Messages IoT Core publishes itself — lifecycle events and shadow responses (`…/update/accepted`,
   * `…/delta`, `…/documents`) — which AWS topic rules see like device messages; typically the rules engine.
   */
  readonly onServiceMessage?: (topic: string, payload: Buffer) => Promise<unknown>;
}

export interface LocalIotCore {
  readonly broker: LocalBroker;
  readonly ca: LocalCertificateAuthority;
  readonly certificates: CertificateRegistry;
  readonly policies: LocalPolicyStore;
  readonly shadows: LocalShadowService;
  /** `mqtts://127.0.0.1:8883` */
  readonly mqttsUrl: string;
  /** The plain development listener, unless turned off. */
  readonly mqttUrl: string | undefined;
  /** The endpoint for IoTClient and IoTDataPlaneClient. */
  readonly controlPlaneUrl: string;
  /**
   * Publishes at QoS 1 as IoT Core itself (no client, no policy, no rules): how the platform hands its own
   * events (e.g. anomaly alarms) to MQTT subscribers.
   */
  publish(topic: string, payload: Buffer | string): Promise<void>;
  close(): Promise<void>;
}

/** The Device Shadow service's store in a local IoT Core's data directory (what `tributary import` reads). */
export const shadowStoreFileOf = (iotCoreDataDir: string): string => join(iotCoreDataDir, 'shadows.duckdb');

export async function startLocalIotCore(options: LocalIotCoreOptions): Promise<LocalIotCore> {
  const { dataDir, registry, logger, location } = options;
  const toRules = (topic: string, payload: Buffer): Promise<unknown> =>
    (options.onServiceMessage?.(topic, payload) ?? Promise.resolve()).catch((error: unknown) =>
      logger.error('a rule on an IoT Core message failed', { topic, error }),
    );
  const host = options.host ?? '127.0.0.1';
  await mkdir(dataDir, { recursive: true });
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne();
  };
  try {
    const ca = await LocalCertificateAuthority.loadOrCreate(join(dataDir, 'pki'));
    const certificates = await CertificateRegistry.open(join(dataDir, 'certificates.duckdb'));
    closers.push(() => certificates.close());
    // The platform's own CA is a registered CA like any other (ListCACertificates shows it; INACTIVE blocks it).
    await certificates.caCertificates.ensureRegistered(ca.caCertificatePem);
    closers.push(await keepRevocationListCurrent(ca, certificates, logger.child({ component: 'pki' })));
    const policies = await LocalPolicyStore.open(join(dataDir, 'policies.json'), location);
    const shadowStore = await LocalShadowStore.open(shadowStoreFileOf(dataDir));
    closers.push(() => shadowStore.close());
    const shadows = new LocalShadowService(shadowStore);

    const broker = await startBroker({
      host,
      port: options.mqttPort ?? 1883,
      listen: options.mqttPort !== null,
      logger: logger.child({ component: 'broker' }),
      profile: options.profile,
      limits: options.limits,
      persistenceDir: join(dataDir, 'broker'),
      authorizer: policyAuthorizer({ policies, certificates, things: registry, location, logger }),
      beforeAcknowledge: options.beforeAcknowledge,
      onLifecycleEvent: (event) => {
        options.onLifecycleEvent?.(event);
        void toRules(lifecycleTopicOf(event), Buffer.from(JSON.stringify(event)));
      },
    });
    closers.push(() => broker.close());
    // Registry events, once enabled with UpdateEventConfigurations, reach subscribers and rules as on AWS.
    closers.push(
      publishRegistryEvents({
        registry,
        aedes: broker.aedes,
        accountId: location.account,
        onServiceMessage: toRules,
        logger,
      }),
    );
    const shadowTopics = attachShadowTopics(broker.aedes, shadows, {
      logger,
      onResponse: (message) => toRules(message.topic, Buffer.from(message.payload)),
    });
    closers.push(async () => {
      shadowTopics.detach();
      await shadowTopics.idle();
    });
    // Fleet provisioning by claim: the device provisioning MQTT API and the provisioning templates.
    const fleetProvisioning = await startFleetProvisioning({
      dataDir,
      aedes: broker.aedes,
      ca,
      certificates,
      registry,
      policies,
      location,
      logger: logger.child({ component: 'fleet-provisioning' }),
    });
    closers.push(() => fleetProvisioning.close());

    const tls: TlsListener = await startTlsListener({
      host,
      port: options.mqttsPort ?? 8883,
      ca,
      certificates,
      logger: logger.child({ component: 'mqtts' }),
      connectionGate: broker.connectionGate,
      onConnection: (socket, principal) =>
        broker.handleConnection(socket, principal, principal.certificateId),
    });
    closers.push(() => tls.close());

    const shadowHttp = createShadowHttpHandler(shadows, {
      logger,
      publish: async (message) => {
        await toRules(message.topic, Buffer.from(message.payload));
        await publishAsService(broker.aedes, message.topic, message.payload);
      },
    });
    const controlPlane: ControlPlane = await startControlPlane({
      registry,
      logger,
      host,
      port: options.controlPlanePort ?? 0,
      additionalRoutes: [
        ...securityRoutes({ ca, certificates, policies, location }),
        ...fleetProvisioning.routes,
      ],
      dataPlane: { matches: isShadowHttpPath, handle: shadowHttp },
    });
    closers.push(() => controlPlane.close());

    return {
      broker,
      ca,
      certificates,
      policies,
      shadows,
      mqttsUrl: `mqtts://${host}:${tls.port}`,
      mqttUrl: options.mqttPort === null ? undefined : broker.url,
      controlPlaneUrl: controlPlane.url,
      publish: (topic, payload) => publishAsService(broker.aedes, topic, payload),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
