/** How the records table's parts are stored (quarantine is always gzip JSON lines). Free of the encoders' dependencies. */
export type PartFormat = 'json' | 'parquet';

export const PARQUET_SUFFIX = '.parquet';
