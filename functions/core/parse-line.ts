/**
 * One line in, one outcome out: a record, a quarantine entry with its reason,
 * or null for a line that is not a netfilter line (counted as skipped).
 *
 * The netfilter part is found by `IN=` (confirmed by the ` OUT=` the kernel
 * always prints after it), never by position, so any framing in front of it
 * works: syslog, journalctl's formats, RFC 5424, grep's file-name junk, or none.
 */
import { Header, parseJournalJson, parseSyslogHeader } from './framing.ts';
import { LINE_SYMBOLS, SYMBOL_COLUMNS } from './line-symbols.ts';
import { scanNetfilter } from './netfilter.ts';
import { classifyPrefix, type PrefixInfo } from './prefix.ts';
import { clearRecord, FirewallRecord, type Quarantined, quarantine } from './record.ts';
import { StringCache } from './string-cache.ts';

/** The kernel writes lines under 1 KiB; a journal JSON line is a few KiB. Anything longer is not a log line. */
export const MAX_LINE_CHARS = 65536;

export interface ParseOptions {
  /** Epoch ms the stamps without a year are placed near, and the time of lines with no stamp at all. */
  readonly referenceMs: number;
  /** Lineage written into every record and quarantine entry. */
  readonly sourceKey: string | null;
  /** Host for lines whose header names none (e.g. the per-host prefix of the source object). */
  readonly fallbackHost: string | null;
}

export type ParseResult = FirewallRecord | Quarantined | null;

const header = new Header();
/** Recent log prefixes with what they say: a firewall has few, and each line has one. */
const prefixes = new StringCache<PrefixInfo>(10);

/** Not a netfilter line. */
const NONE = -1;
/** Has `IN=` but never the ` OUT=` that follows it: a netfilter line cut short. */
const CUT = -2;

/**
 * `bytes`/`byteStart`, when given, are the bytes the line was decoded from (see LineBatch): the
 * scanner then reads them instead of encoding the line again. Same result either way.
 * `into`, when given, is cleared and filled instead of a new record (the result is then `into`,
 * overwritten by the next call: for callers that copy each record away at once).
 */
export function parseLine(
  line: string,
  lineNo: number,
  opts: ParseOptions,
  bytes?: Uint8Array,
  byteStart = -1,
  into?: FirewallRecord,
): ParseResult {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 10 || line.charCodeAt(end - 1) === 13)) end--;
  const raw = end === line.length ? line : line.slice(0, end);
  if (raw.length > MAX_LINE_CHARS) {
    if (raw.indexOf('IN=') === -1) return null;
    return quarantine(
      `line too long (${raw.length} chars, limit ${MAX_LINE_CHARS}); first ${MAX_LINE_CHARS} kept`,
      raw.slice(0, MAX_LINE_CHARS),
      lineNo,
      opts.sourceKey,
    );
  }

  let text = raw;
  let tsMs: number | null;
  let host: string | null;
  let uptime: number | null = null;
  let prefixStart = 0;
  const json = firstNonBlank(raw) === 123; // '{': a journalctl -o json line
  if (json) {
    const entry = parseJournalJson(raw);
    if (typeof entry === 'string') {
      return raw.indexOf('IN=') === -1 ? null : quarantine(entry, raw, lineNo, opts.sourceKey);
    }
    text = entry.message;
    tsMs = entry.tsMs;
    host = entry.host;
  } else {
    tsMs = null;
    host = null;
  }

  const nfStart = findNetfilterStart(text);
  if (nfStart === NONE) return null;
  if (nfStart === CUT)
    return quarantine('IN= without OUT=: truncated netfilter line', raw, lineNo, opts.sourceKey);

  // The line's own bytes (one per character) when the caller has them and the text is the line itself.
  const lineBytes =
    !json && bytes !== undefined && byteStart >= 0 && oneBytePerChar(text, bytes, byteStart) ? bytes : null;
  if (!json) {
    const bad = parseSyslogHeader(text, nfStart, opts.referenceMs, header, lineBytes, byteStart);
    if (bad !== null) return quarantine(bad, raw, lineNo, opts.sourceKey);
    tsMs = header.tsMs;
    host = header.host;
    uptime = header.uptime;
    prefixStart = header.prefixStart;
  }

  let r: FirewallRecord;
  if (into === undefined) r = new FirewallRecord();
  else {
    r = into;
    clearRecord(r);
  }
  const bad =
    lineBytes === null
      ? scanNetfilter(text, nfStart, r)
      : scanNetfilter(text, nfStart, r, lineBytes, byteStart);
  if (bad !== null) return quarantine(bad, raw, lineNo, opts.sourceKey);

  r.ts = tsMs ?? opts.referenceMs;
  if (!(r.ts >= 0 && r.ts < 253402300800000)) {
    return quarantine(`timestamp out of range (${r.ts})`, raw, lineNo, opts.sourceKey);
  }
  r.host = host ?? opts.fallbackHost;
  if (!json && host !== null) LINE_SYMBOLS[SYMBOL_COLUMNS.host] = header.hostSymbol;
  r.kernel_uptime = uptime;
  let pe = nfStart;
  if (lineBytes !== null) while (pe > prefixStart && lineBytes[byteStart + pe - 1] === 32) pe--;
  else while (pe > prefixStart && text.charCodeAt(pe - 1) === 32) pe--;
  if (pe > prefixStart) {
    const slot =
      lineBytes === null
        ? prefixes.find(text, prefixStart, pe)
        : prefixes.findBytes(lineBytes, byteStart + prefixStart, byteStart + pe);
    let prefix: string;
    let info: PrefixInfo;
    if (slot >= 0) {
      prefix = prefixes.keyAt(slot);
      info = prefixes.valueAt(slot);
      LINE_SYMBOLS[SYMBOL_COLUMNS.prefix] = prefixes.symbolAt(slot);
    } else {
      prefix = text.slice(prefixStart, pe);
      info = prefixes.set(prefix, classifyPrefix(prefix));
      LINE_SYMBOLS[SYMBOL_COLUMNS.prefix] = prefixes.lastSymbol;
    }
    r.prefix = prefix;
    r.action = info.action;
    r.rule_set = info.ruleSet;
    r.rule_number = info.ruleNumber;
  }
  r.raw = raw;
  r.source_key = opts.sourceKey;
  r.line_no = lineNo;
  return r;
}

export function isQuarantined(x: ParseResult): x is Quarantined {
  return x !== null && (x as Quarantined).quarantined === true;
}

/**
 * Whether the line has exactly one byte per character at bytes[start...]: true for ASCII (and for
 * lines where each bad byte became one U+FFFD, which no field accepts either way), false when some
 * character took several bytes. The line ends at its newline or at the end of the bytes.
 */
function oneBytePerChar(line: string, bytes: Uint8Array, start: number): boolean {
  const after = start + line.length;
  return after === bytes.length || (after < bytes.length && (bytes[after] === 10 || bytes[after] === 13));
}

function firstNonBlank(s: string): number {
  for (let i = 0; i < s.length && i < 8; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xfeff) return c;
  }
  return -1;
}

/** Index of the `IN=` that starts the netfilter part: the first one followed by ` OUT=` after its value. */
export function findNetfilterStart(text: string): number {
  let i = text.indexOf('IN=');
  if (i === -1) return NONE;
  while (i !== -1) {
    const j = text.indexOf(' ', i + 3);
    if (j === -1) break;
    // ' OUT=' after the IN= value, compared char by char (cheaper than startsWith here).
    if (
      text.charCodeAt(j + 1) === 79 &&
      text.charCodeAt(j + 2) === 85 &&
      text.charCodeAt(j + 3) === 84 &&
      text.charCodeAt(j + 4) === 61
    ) {
      return i;
    }
    i = text.indexOf('IN=', i + 3);
  }
  return CUT;
}
