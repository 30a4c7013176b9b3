// @tributary/insights/local — the Insights stage on a laptop: read-only SQL over the local lake, the live
// feed of the platform's events, and the web dashboard that shows both.
export type { LakeQueries, QueryColumn, QueryErrorCode, QueryResult } from '../core/index.js';
export { QueryError } from '../core/index.js';
export type { DeviceDirectory, DirectoryDevice } from '../core/index.js';
export {
  LocalDeviceDirectory,
  type LocalDeviceDirectoryOptions,
  type ShadowSource,
} from './local-device-directory.js';
export type { RegisteredThing, ThingSource } from './registered-things.js';
export { publishDeviceChanges } from './device-changes.js';
export { LakeQueryService, type LakeQueryServiceOptions } from './query-service.js';
export {
  LiveFeed,
  LiveFeedFullError,
  type LiveBatch,
  type LiveEvent,
  type LiveEventType,
  type LiveFeedOptions,
  type LiveSubscription,
} from './live-feed.js';
export {
  startDashboardServer,
  type DashboardServer,
  type DashboardServerOptions,
} from './dashboard-server.js';
export { exportedRowsHeader, type LakeExports } from './export-endpoint.js';
export {
  exportFormats,
  exportLakeQuery,
  type ExportFormat,
  type LakeExportRequest,
  type LakeExportResult,
} from './lake-export.js';
