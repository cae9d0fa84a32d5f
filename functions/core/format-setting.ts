/**
 * The part format chosen by a setting (the ingest Lambda's FWLAKE_FORMAT, the
 * stack's `fwlake:format` context): `json` or `parquet`, unset means `json`.
 * Anything else is an error naming the setting, never a silent fallback, so a
 * typo in a deployment fails at cold start instead of writing the wrong format.
 */
import type { PartFormat } from './part-format.ts';

export const PART_FORMATS: readonly PartFormat[] = ['json', 'parquet'];

export function partFormatSetting(value: string | undefined, setting = 'FWLAKE_FORMAT'): PartFormat {
  if (value === undefined) return 'json';
  if ((PART_FORMATS as readonly string[]).includes(value)) return value as PartFormat;
  throw new Error(`${setting} must be ${PART_FORMATS.join(' or ')}, not ${JSON.stringify(value)}`);
}
