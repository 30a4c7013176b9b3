// The live events (GET /api/live, Server-Sent Events) handed to the widgets, and the connection state
// shown in the header.
import type { AnomalyEvent, EnrichedReading, QuarantineRecord } from '@tributary/contracts';
import type { DirectoryDevice } from '../core/device-directory.js';
import { byId } from './dom.js';

export interface LiveHandlers {
  reading(reading: EnrichedReading): void;
  anomaly(event: AnomalyEvent): void;
  quarantine(record: QuarantineRecord): void;
  device(device: DirectoryDevice): void;
  /** Events the server skipped because this page fell behind. */
  dropped(count: number): void;
}

export function connectLive(handlers: LiveHandlers): EventSource {
  const live = new EventSource('/api/live');
  const connection = byId('connection');
  live.onopen = () => {
    connection.textContent = 'live';
    connection.className = 'ok';
  };
  live.onerror = () => {
    connection.textContent = 'reconnecting…';
    connection.className = 'warn';
  };
  const on = <T>(type: string, handle: (data: T) => void) =>
    live.addEventListener(type, (message) => handle(JSON.parse((message as MessageEvent<string>).data) as T));
  on('reading', handlers.reading);
  on('anomaly', handlers.anomaly);
  on('quarantine', handlers.quarantine);
  on('device', handlers.device);
  on<{ count: number }>('dropped', (notice) => handlers.dropped(notice.count));
  return live;
}
