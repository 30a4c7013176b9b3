// @tributary/store/local — the lake on this machine: Parquet files written through DuckDB.
export { catalogVersionsOf, localLakeCatalogOf } from './lake-catalog-files.js';
export { LakeCatalogError, type ColumnTypeChange } from '../core/index.js';
export { LakeWriter, type LakeWriterOptions, type LakeWriterStats } from './lake-writer.js';
export { LakeWriterError, type LakeWriterErrorCode, type LakeRow } from '../core/index.js';
export { sweepExpiredFiles, partitionsIn, type SweepResult } from './retention-sweeper.js';
export { LakeFileGate } from './lake-file-gate.js';
export {
  LakeCompactor,
  type CompactionSchedule,
  type CompactionStep,
  type CompactionTotals,
  type LakeCompactorOptions,
  type LakeCompactorStats,
} from './lake-compactor.js';
export { LakeCompactionError, type LakeCompactionErrorCode } from '../core/index.js';
