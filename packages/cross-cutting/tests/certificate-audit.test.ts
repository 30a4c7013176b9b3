import { describe, expect, it } from 'vitest';
import { auditDeviceCertificates } from '../src/core/index.js';

const now = new Date('2026-12-04T00:00:00Z');
const inDays = (days: number) => new Date(now.getTime() + days * 24 * 60 * 60 * 1000);

describe('auditDeviceCertificates (Device Defender DEVICE_CERTIFICATE_EXPIRING_CHECK)', () => {
  it('flags ACTIVE certificates expiring within 30 days or already expired, and only those', () => {
    const findings = auditDeviceCertificates(
      [
        { certificateId: 'fine', status: 'ACTIVE', notAfter: inDays(365) },
        { certificateId: 'soon', status: 'ACTIVE', notAfter: inDays(10) },
        { certificateId: 'gone', status: 'ACTIVE', notAfter: inDays(-2) },
        { certificateId: 'revoked-soon', status: 'REVOKED', notAfter: inDays(10) },
        { certificateId: 'inactive-gone', status: 'INACTIVE', notAfter: inDays(-2) },
      ],
      now,
    );
    expect(findings.map((f) => f.certificateId)).toEqual(['soon', 'gone']);
    expect(findings[0]?.message).toMatch(/in 10 days/);
    expect(findings[1]?.message).toMatch(/expired on 2026-12-02/);
    expect(findings.every((f) => f.check === 'DEVICE_CERTIFICATE_EXPIRING_CHECK')).toBe(true);
  });

  it('does not flag a certificate 31 days from expiry', () => {
    expect(
      auditDeviceCertificates([{ certificateId: 'c', status: 'ACTIVE', notAfter: inDays(31) }], now),
    ).toEqual([]);
  });
});
