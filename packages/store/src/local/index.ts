// @tributary/store/local — the lake on this machine: Parquet files written through DuckDB.
export { localLakeCatalogOf } from './lake-catalog-files.js';
export { LakeWriter, type LakeWriterOptions, type LakeWriterStats } from './lake-writer.js';
export { LakeWriterError, type LakeWriterErrorCode, type LakeRow } from '../core/index.js';
export { sweepExpiredPartitions, partitionsIn, type SweepResult } from './partition-sweeper.js';
