// The device list on the CloudWatch dashboard: CloudWatch holds the lifecycle events (connection status)
// but neither shadows nor readings, so the widget queries the one and says where the others are.
import { describe, expect, it } from 'vitest';
import { defaultDashboard } from '../../src/core/dashboard-definition.js';
import { cloudWatchRowsOf } from '../../src/infra/cloudwatch-widgets.js';

const sources = {
  telemetryStreamName: 'telemetry',
  enrichmentFunctionName: 'enrichment',
  enrichmentLogGroupName: '/aws/lambda/enrichment',
  deliveryStreams: [],
  anomalyEventsLogGroupName: '/aws/events/tributary/anomaly-events',
  devicePresenceLogGroupName: 'device-presence',
};

describe('the CloudWatch device list', () => {
  it('shows connection status from the presence log group and says where shadow state and readings are', () => {
    const widgets = cloudWatchRowsOf(defaultDashboard, sources)
      .flat()
      .flatMap((widget) => widget.toJson() as { type: string; properties: Record<string, unknown> }[]);
    const deviceList = widgets.find((w) => String(w.properties['title']).startsWith('Devices'));
    expect(deviceList?.type).toBe('log');
    expect(String(deviceList?.properties['query'])).toMatch(
      /^SOURCE 'device-presence' \| .*stats latest\(eventType\) as connection.*by clientId/s,
    );
    const title = String(deviceList?.properties['title']);
    expect(title).toMatch(/connection status/);
    expect(title).toMatch(/shadow state is not in CloudWatch: GetThingShadow/);
    expect(title).toMatch(/last reading: Athena latest_values/);
  });
});
