// Who a TLS client is: its certificate id and the certificate's subject and issuer fields under the names AWS
// IoT policy variables use (`${iot:Certificate.Subject.CommonName}` etc.,
// https://docs.aws.amazon.com/iot/latest/developerguide/cert-policy-variables.html), plus the things it is attached to
// (its policies are read as the connection is authorized: policy-authorizer.ts).
import type { CertificateNames } from '../../core/iot-policy/index.js';

export interface DevicePrincipal {
  /** SHA-256 of the DER certificate, hex: what IoT SQL `principal()` returns. */
  readonly certificateId: string;
  readonly subject: CertificateNames;
  readonly issuer: CertificateNames;
  /** Things the certificate is attached to when the connection was admitted (AttachThingPrincipal). */
  readonly thingNames: readonly string[];
}
