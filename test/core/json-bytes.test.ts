/**
 * The byte writer of JSON lines (json-bytes.ts) against the string encoder
 * (json-lines.ts), which is plainly JSON.stringify per value: the same text,
 * byte for byte, for every line of the sample log and the real lines (with the
 * raw line copied from its bytes and without), and for records of any content
 * (quotes, controls, non-ASCII, lone surrogates, floats, negatives, huge
 * numbers, any timestamp).
 */
import assert from 'node:assert/strict';
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsonBytes, writeJsonLine } from '../../functions/core/json-bytes.ts';
import { encodeJsonLine } from '../../functions/core/json-lines.ts';
import { isQuarantined, parseLine } from '../../functions/core/parse-line.ts';
import { FirewallRecord } from '../../functions/core/record.ts';
import { COLUMNS } from '../../functions/core/schema.ts';
import { REAL_LINES } from '../fixtures/real-lines.ts';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);
const OPTS = {
  referenceMs: Date.parse('2026-09-19T00:00:00Z'),
  sourceKey: 'sample.log',
  fallbackHost: 'fw0',
};

function written(r: FirewallRecord, rawBytes: Uint8Array | null = null, rawStart = 0): string {
  const out = new JsonBytes(16); // small, so lines also cross the buffer's growth
  writeJsonLine(out, r, rawBytes, rawStart);
  return decode(out.take());
}

describe('JSON lines as bytes', () => {
  it('writes every parsed line of the sample log and the real lines exactly as encodeJsonLine does', () => {
    const lines = [
      ...readFileSync(new URL('../../events/sample-kern.log', import.meta.url), 'utf8').split('\n'),
      ...REAL_LINES.map((l) => l.line),
    ];
    let records = 0;
    for (const [i, line] of lines.entries()) {
      const r = parseLine(line, i + 1, OPTS);
      if (r === null || isQuarantined(r)) continue;
      records++;
      const expected = `${encodeJsonLine(r)}\n`;
      assert.equal(written(r), expected, line);
      const bytes = Buffer.from(line, 'latin1');
      if (isAscii(bytes)) assert.equal(written(r, bytes, 0), expected, line);
    }
    assert.ok(records > 100, `only ${records} records in the sample`);
  });

  it('copies the raw line from its bytes, escaping quotes, backslashes and controls', () => {
    const r = new FirewallRecord();
    r.ts = Date.parse('2026-09-19T01:02:03.004Z');
    for (const raw of ['plain line', 'a "quoted" prefix', 'back\\slash', 'tab\there', 'bell\x07']) {
      r.raw = raw;
      const bytes = Buffer.from(`xx${raw}yy`, 'latin1');
      assert.equal(written(r, bytes, 2), `${encodeJsonLine(r)}\n`);
      assert.equal(JSON.parse(written(r, bytes, 2)).raw, raw);
    }
  });

  it('writes any record as encodeJsonLine does', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }), // any code point
      fc.string({
        unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
        maxLength: 8,
      }), // lone surrogates too
    );
    const num = fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const value = (type: string): fc.Arbitrary<unknown> =>
      type === 'string'
        ? text
        : type === 'boolean'
          ? fc.boolean()
          : type === 'array<string>'
            ? fc.array(text, { maxLength: 4 })
            : num;
    const fields = Object.fromEntries(
      COLUMNS.filter((c) => c.type !== 'timestamp' && c.name !== 'raw').map((c) => [
        c.name,
        fc.option(value(c.type), { nil: null, freq: 2 }),
      ]),
    );
    fc.assert(
      fc.property(
        fc.record(fields),
        fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2999-12-31T23:59:59.999Z') }),
        fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
        (f, ts, raw) => {
          const r = Object.assign(new FirewallRecord(), f, { ts, raw });
          const expected = `${encodeJsonLine(r)}\n`;
          assert.equal(written(r), expected);
          assert.equal(written(r, Buffer.from(raw, 'latin1'), 0), expected);
          // And it is JSON, one line.
          assert.equal(expected.indexOf('\n'), expected.length - 1);
          JSON.parse(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps lines apart and grows its buffer without losing bytes', () => {
    const out = new JsonBytes(8);
    const r = new FirewallRecord();
    const expected: string[] = [];
    for (let i = 0; i < 500; i++) {
      r.ts = 1_700_000_000_000 + i * 997;
      r.line_no = i + 1;
      r.raw = `line ${i} ${'x'.repeat(i)}`;
      r.host = i % 2 === 0 ? 'fw1' : null;
      writeJsonLine(out, r, null, 0);
      expected.push(`${encodeJsonLine(r)}\n`);
    }
    assert.equal(decode(out.take()), expected.join(''));
    assert.equal(out.length, 0);
  });
});
