/**
 * Symbols: numbers that stand for strings the parser took from its caches.
 *
 * The parser recognises repeating values (hosts, prefixes, interfaces, MAC
 * headers, addresses) in direct-mapped caches (string-cache.ts, address.ts).
 * Each time a cache stores a string it gives it a new symbol, never reused, so
 * a symbol always means the one string it was given with. For the line just
 * parsed, LINE_SYMBOLS holds the symbol of each column below whose value came
 * from a cache, or -1 when it did not (no value, or text read the long way).
 *
 * The Parquet writer uses them to find a string's dictionary id by an integer
 * instead of by its text: looking up thousands of distinct strings in each
 * part's dictionaries cost ~50 ns a lookup in a full ingest (cache misses
 * on the strings and tables), an integer lookup a few ns. A symbol is only a
 * shortcut: a symbol column's value is always the record's string.
 *
 * The address columns (src, dst, inner_src, inner_dst) carry an IPv4 address by its value instead:
 * ipv4Mark(v), a number <= -2, so never -1 and never a symbol. A dotted quad's
 * canonical text and its 32-bit value stand for each other, so the writer can
 * key its dictionary by the integer and write the text from it, never touching
 * the string: for ~430,000 first sightings of an address in a part per 1M
 * lines, that is no string hashed, compared or copied (see StringDictionary).
 */

/** Columns that can carry a symbol, as indexes into LINE_SYMBOLS. */
export const SYMBOL_COLUMNS = {
  host: 0,
  prefix: 1,
  action: 1, // derived from the prefix alone: the prefix's symbol stands for it too
  rule_set: 1,
  rule_number: 1,
  in_iface: 2,
  out_iface: 3,
  mac_dst: 4, // the three parts of one cached MAC header
  mac_src: 4,
  ethertype: 4,
  src: 5,
  dst: 6,
  inner_src: 7, // the addresses of the packet an ICMP error quotes
  inner_dst: 8,
} as const satisfies Record<string, number>;

/** The columns whose LINE_SYMBOLS entry may be an IPv4 mark instead of a symbol. */
export const IPV4_MARK_COLUMNS: ReadonlySet<string> = new Set(['src', 'dst', 'inner_src', 'inner_dst']);

/** LINE_SYMBOLS' value for an IPv4 address v (0 .. 2^32 - 1) in an address column: -2 - v. */
export const ipv4Mark = (v: number): number => -2 - v;

/** The IPv4 address of a mark (a LINE_SYMBOLS value <= -2). */
export const ipv4OfMark = (mark: number): number => -2 - mark;

/** Per line: each symbol column's symbol (or, for an address column, an IPv4 mark), or -1. Written by the parser, read before the next line. */
export const LINE_SYMBOLS = new Float64Array(9).fill(-1);
if (Math.max(...Object.values(SYMBOL_COLUMNS)) + 1 !== LINE_SYMBOLS.length)
  throw new Error('LINE_SYMBOLS and clearLineSymbols must cover every index of SYMBOL_COLUMNS');

/** Every symbol back to -1, for the next line (nine stores: cheaper than a call to fill()). */
export function clearLineSymbols(): void {
  const y = LINE_SYMBOLS;
  y[0] = -1;
  y[1] = -1;
  y[2] = -1;
  y[3] = -1;
  y[4] = -1;
  y[5] = -1;
  y[6] = -1;
  y[7] = -1;
  y[8] = -1;
}

/**
 * Symbols are counted, never reused, and carry the cache slot that stored their string in their
 * low SYMBOL_SLOT_BITS bits: symbol = count * 2^SYMBOL_SLOT_BITS + slot. Two strings cached at
 * the same time sit in different slots of their cache, so their symbols differ in those bits, and
 * a writer can keep symbol → dictionary id in a direct-mapped table indexed by them (see
 * SymbolIds in parquet/column-buffers.ts) instead of hashing the symbol.
 *
 * A double, not an int32: a warm Lambda storing 10,000 strings a second would run out of 2^31
 * counts in under three days, and a symbol must never come back. 2^53 / 2^16 counts last
 * over 400 years at that rate.
 */
export const SYMBOL_SLOT_BITS = 16;
const SLOTS = 2 ** SYMBOL_SLOT_BITS;
let next = 0;

/**
 * Throws unless a cache of 2^bits slots fits the slot bits of a symbol: checked once, when a
 * cache is made, so that newSymbol (called on every store) need not check its slot.
 */
export function checkSymbolSlots(bits: number): void {
  if (!(Number.isInteger(bits) && bits >= 0 && bits <= SYMBOL_SLOT_BITS))
    throw new RangeError(
      `a cache of 2^${bits} slots has more slots than symbols carry (2^${SYMBOL_SLOT_BITS})`,
    );
}

/** A new symbol for a string a cache is about to store in `slot`, of a cache checked by checkSymbolSlots. */
export function newSymbol(slot: number): number {
  return next++ * SLOTS + slot;
}
