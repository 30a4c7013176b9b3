// What every widget on the page does: load its data for a time range, and take the live events it shows.
import type { AnomalyEvent, EnrichedReading, QuarantineRecord } from '@tributary/contracts';
import type { DirectoryDevice } from '../core/device-directory.js';
import type { WidgetData } from '../core/widget-data.js';
import { el } from './dom.js';

export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The platform's counters from GET /api/status (apps/platform's start-platform.ts). */
export type PlatformStatus = Readonly<Record<string, unknown>>;

export interface WidgetView {
  load(range: TimeRange): Promise<void>;
  reading?(reading: EnrichedReading): void;
  anomaly?(event: AnomalyEvent): void;
  quarantine?(record: QuarantineRecord): void;
  /** A device connected, disconnected, or its shadow or registration changed. */
  device?(device: DirectoryDevice): void;
  status?(status: PlatformStatus): void;
}

/** The server's `{ error: { code, message } }` as a thrown Error whose message says both. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { cache: 'no-store', ...init });
  const body = (await response.json()) as T | { error?: { code: string; message: string } };
  const error = (body as { error?: { code: string; message: string } }).error;
  if (!response.ok || error) {
    throw new Error(error ? `${error.code}: ${error.message}` : `HTTP ${response.status} from ${url}`);
  }
  return body as T;
}

/** `more` are the widget's own parameters (e.g. the device list's `offset`). */
export const fetchWidgetData = <T extends WidgetData>(
  id: string,
  range: TimeRange,
  more: Readonly<Record<string, string>> = {},
): Promise<T> =>
  fetchJson<T>(
    `/api/widget?${new URLSearchParams({ id, from: String(range.fromMs), to: String(range.toMs), ...more })}`,
  );

/** A widget's box on the page: its title, a line for load errors, and the body its view fills. */
export function widgetSection(id: string, title: string, width: 'half' | 'full') {
  const section = el('section', undefined, `panel ${width}`);
  section.id = `widget-${id}`;
  section.dataset['widget'] = id;
  const error = el('p', '', 'widget-error');
  error.setAttribute('role', 'alert');
  const body = el('div', undefined, 'widget-body');
  section.append(el('h2', title), error, body);
  return { section, error, body };
}
