// Who a TLS client is: its certificate id and the certificate's subject and issuer fields under the names AWS
// IoT policy variables use (`${iot:Certificate.Subject.CommonName}` etc.,
// https://docs.aws.amazon.com/iot/latest/developerguide/cert-policy-variables.html), plus what it is attached to.
import type { CertificateNames } from '../../core/iot-policy/index.js';

export interface DevicePrincipal {
  /** SHA-256 of the DER certificate, hex: what IoT SQL `principal()` returns. */
  readonly certificateId: string;
  readonly subject: CertificateNames;
  readonly issuer: CertificateNames;
  /** Things the certificate is attached to when the connection was admitted (AttachThingPrincipal). */
  readonly thingNames: readonly string[];
  /** Policies attached to the certificate when the connection was admitted (AttachPolicy). */
  readonly policyNames: readonly string[];
}
