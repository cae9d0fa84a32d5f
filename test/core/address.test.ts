import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalIPv4,
  canonicalIPv6,
  ipv4At,
  ipv4Scan,
  ipv4Text,
  ipv6At,
} from '../../functions/core/address.ts';

describe('ipv4At / canonicalIPv4', () => {
  test('valid dotted quads come back as they are', () => {
    for (const s of ['0.0.0.0', '1.2.3.4', '52.84.17.45', '10.0.0.1', '255.255.255.255', '192.168.100.200']) {
      assert.equal(canonicalIPv4(s), s);
    }
  });

  test('reads only s[start, end)', () => {
    const line = 'SRC=52.84.17.45 DST=10.0.0.1 LEN=40';
    assert.equal(ipv4At(line, 4, 15), '52.84.17.45');
    assert.equal(ipv4At(line, 20, 28), '10.0.0.1');
    // The neighbours are digits and dots, but the range ends before them.
    assert.equal(ipv4At('1.2.3.45.6', 0, 7), '1.2.3.4');
    assert.equal(ipv4At('91.2.3.4', 1, 8), '1.2.3.4');
    assert.equal(ipv4At('1.2.3.4', 0, 6), null);
  });

  test('leading zeros are read as decimal and dropped', () => {
    assert.equal(canonicalIPv4('01.2.3.4'), '1.2.3.4');
    assert.equal(canonicalIPv4('010.001.000.1'), '10.1.0.1');
    assert.equal(canonicalIPv4('00.0.0.0'), '0.0.0.0');
    assert.equal(canonicalIPv4('255.255.255.010'), '255.255.255.10');
    assert.equal(ipv4At('SRC=001.002.003.004 ', 4, 19), '1.2.3.4');
  });

  test("ipv4Scan + ipv4Text (the scanner's path): canonical text, the same string object for an address seen again", () => {
    const read = (text: string): string => {
      const bytes = new TextEncoder().encode(text);
      assert.equal(ipv4Scan(bytes, 0, bytes.length), bytes.length, text);
      return ipv4Text(text, 0, text.length);
    };
    // 0.0.0.0 is address 0, the value every empty slot of the cache starts with.
    assert.equal(read('0.0.0.0'), '0.0.0.0');
    assert.equal(read('010.001.002.003'), '10.1.2.3');
    const first = read('203.0.113.45');
    assert.equal(read('198.51.100.7'), '198.51.100.7');
    assert.equal(read('203.0.113.45'), first);
    assert.equal(read('203.000.113.045'), '203.0.113.45');
    // Many addresses through the 8,192 slots: every one still reads back as itself.
    for (let i = 0; i < 20000; i++) {
      const a = `${(i * 7919) & 255}.${(i >> 3) & 255}.${i & 255}.${(i * 31) & 255}`;
      assert.equal(read(a), a);
    }
  });

  test('invalid text gives null', () => {
    for (const s of [
      '',
      '1',
      '1.2.3',
      '1.2.3.256',
      '256.1.1.1',
      '999.1.1.1',
      '1..2.3',
      '1.2..3.4',
      '1.2.3.4.',
      '.1.2.3.4',
      '1.2.3.4.5',
      '+1.2.3.4',
      '1.2.3.+4',
      '1.2.3.-4',
      '0001.2.3.4', // at most 3 digits a part
      '1.2.3.0004',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '1.2.3.4\n',
      '1.2.3.a',
      '1.2.3.0x1',
      '1,2,3,4',
      '1.2.3.4/24',
      '::1',
      '\uff11.2.3.4', // fullwidth digit one
      '\u0661.2.3.4', // Arabic-Indic digit one
      '1.2.3.\u0664',
      '1.2.3.4\u200b',
    ]) {
      assert.equal(canonicalIPv4(s), null, JSON.stringify(s));
    }
  });

  test('out-of-range indexes give null', () => {
    assert.equal(ipv4At('1.2.3.4', -1, 7), null);
    assert.equal(ipv4At('1.2.3.4', 0, 8), null);
    assert.equal(ipv4At('1.2.3.4', 7, 0), null);
  });

  test('property: any padding of four bytes gives the plain dotted quad', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 4,
          maxLength: 4,
        }),
        (parts) => {
          const plain = parts.map(([b]) => `${b}`).join('.');
          const padded = parts
            .map(([b, z]) => `${b}`.padStart(Math.min(3, `${b}`.length + z), '0'))
            .join('.');
          assert.equal(canonicalIPv4(padded), plain);
          assert.equal(ipv4At(`9${padded}9`, 1, padded.length + 1), plain);
        },
      ),
    );
  });
});

describe('ipv6At / canonicalIPv6', () => {
  const canonical: Array<[string, string]> = [
    // RFC 5952 section 4 and its examples.
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // tie: the first run
    ['2001:0db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8::0001', '2001:db8::1'], // 4.1: no leading zeros
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'], // 4.2.1: shorten as much as possible
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // 4.2.2: one zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // 4.2.3: the longest run
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'], // 4.1
    ['2001:DB8::1', '2001:db8::1'], // 4.3: lowercase
    ['2001:db8::aaaa:0:0:1', '2001:db8::aaaa:0:0:1'], // section 2.2: first run of two wins
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['::', '::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1::', '1::'],
    ['fe80::', 'fe80::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['1:0:0:0:0:0:0:1', '1::1'],
    ['0:1:0:1:0:1:0:1', '0:1:0:1:0:1:0:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'], // `::` for one group in, written out
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['1:0:0:2:0:0:0:0', '1:0:0:2::'],
    ['0:0:1:0:0:0:1:0', '0:0:1::1:0'],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['fE80::aBcD', 'fe80::abcd'],
    // The kernel's full form.
    ['fe80:0000:0000:0000:0211:22ff:fe33:4455', 'fe80::211:22ff:fe33:4455'],
    ['2a00:1450:4001:0829:0000:0000:0000:200e', '2a00:1450:4001:829::200e'],
    ['ff02:0000:0000:0000:0000:0000:0000:0001', 'ff02::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2:3:4:5:6'],
    ['2001:1db8:1001:1002:1003:1004:1005:1006', '2001:1db8:1001:1002:1003:1004:1005:1006'],
    // IPv4-mapped: dotted quad (RFC 5952 section 5), whatever the input form.
    ['0000:0000:0000:0000:0000:ffff:0102:0304', '::ffff:1.2.3.4'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::FFFF:102:304', '::ffff:1.2.3.4'],
    ['0:0:0:0:0:ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['::ffff:ffff:ffff', '::ffff:255.255.255.255'],
    ['::ffff:01.002.3.4', '::ffff:1.2.3.4'],
    // Other embeddings stay hex.
    ['::1.2.3.4', '::102:304'],
    ['::ffff', '::ffff'],
    ['::1:ffff:1.2.3.4', '::1:ffff:102:304'],
    ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['1:2:3:4:5::1.2.3.4', '1:2:3:4:5:0:102:304'],
    ['::0.0.0.0', '::'],
  ];

  test('RFC 5952 canonical text', () => {
    for (const [input, expected] of canonical) assert.equal(canonicalIPv6(input), expected, input);
  });

  test('reads only s[start, end)', () => {
    const line =
      'SRC=fe80:0000:0000:0000:0211:22ff:fe33:4455 DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=72';
    assert.equal(ipv6At(line, 4, 43), 'fe80::211:22ff:fe33:4455');
    assert.equal(ipv6At(line, 48, 87), 'ff02::1');
    // Hex digits and colons right outside the range must not be read.
    assert.equal(ipv6At('a::1b', 1, 4), '::1');
    assert.equal(ipv6At('::1:', 0, 3), '::1');
    assert.equal(ipv6At('1::2', 0, 2), null); // `1:`
    assert.equal(ipv6At('::', 0, 1), null); // `:`
    assert.equal(ipv6At('1::2', 1, 4), '::2');
    assert.equal(ipv6At('1::2', 2, 4), null); // `:2`
    assert.equal(ipv6At('x::ffff:1.2.3.45', 1, 15), '::ffff:1.2.3.4');
    assert.equal(ipv6At('f0000:0000:0000:0000:0000:0000:0000:00011', 1, 40), '::1');
  });

  test('invalid text gives null', () => {
    for (const s of [
      '',
      ':',
      ':::',
      '1:2:3:4:5:6:7:8:9', // 9 groups
      '1:2:3:4:5:6:7', // 7 groups and no `::`
      '12345::1', // 5 hex digits in a group
      '::00000',
      '1:2:3:4:5:6:7:8::', // `::` standing for no group
      '::1:2:3:4:5:6:7:8',
      '1:2:3:4::5:6:7:8',
      '1::2::3', // two `::`
      '::1::',
      '1:::2',
      ':1::2', // a lone leading colon
      '1::2:', // a lone trailing colon
      ':1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:',
      'g::1',
      '::g',
      'fe80::1g',
      '2001:db8:0:0:0:0:0:g000',
      'fe80:0000:0000:0000:0211:22ff:fe33:445g', // full-form length, bad digit
      'fe80:0000:0000:0000:0211:22ff:fe33-4455',
      'fe80:0000:0000:0000:0211:22ff:fe334:455',
      'fe80::1%eth0', // zone id
      '[::1]',
      ' ::1',
      '::1 ',
      '::1/128',
      '1.2.3.4', // IPv4 alone
      '::1.2.3', // bad embedded IPv4
      '::1.2.3.256',
      '::1..2.3',
      '::1.2.3.4.',
      '::1.2.3.4.5',
      '::ffff:0001.2.3.4',
      '::ffff:1.2.3.4x',
      '::1.2.3.4:5', // dotted quad not last
      '::1.2.3.4::',
      '::a.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4', // 9 groups' worth
      '1:2:3:4:5:6::1.2.3.4', // `::` standing for no group
      '::\uff11', // fullwidth digit
      'fe80::\uff41', // fullwidth a
      '::1\u0000',
      '\u0661::1',
      '::\u00e9',
    ]) {
      assert.equal(canonicalIPv6(s), null, JSON.stringify(s));
    }
  });

  test('out-of-range indexes give null', () => {
    assert.equal(ipv6At('::1', -1, 3), null);
    assert.equal(ipv6At('::1', 0, 4), null);
    assert.equal(ipv6At('::1', 3, 0), null);
  });

  test('property: every text form of 16 bytes has the canonical form of the kernel text, which round-trips', () => {
    fc.assert(
      fc.property(addressBytes, textChoices, (bytes, choices) => {
        const full = kernelText(bytes);
        const c = canonicalIPv6(full);
        assert.ok(c !== null, full);
        // Round trip: the canonical text holds the same 16 bytes, and is its own canonical form.
        assert.deepEqual(bytesOf(c), bytes, c);
        assert.equal(canonicalIPv6(c), c);
        // Any other valid form of the same bytes, and inside a line.
        const other = otherText(bytes, choices);
        assert.equal(canonicalIPv6(other), c, other);
        const line = `SRC=${other} DST=`;
        assert.equal(ipv6At(line, 4, 4 + other.length), c, line);
        // The WHATWG URL host serializer is RFC 5952 but for mapped addresses.
        if (!c.startsWith('::ffff:') || !c.includes('.')) {
          assert.equal(new URL(`http://[${full}]/`).hostname, `[${c}]`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

// --- Property test helpers: an independent, simple-minded implementation ---

/** 16 bytes, biased toward zero groups and mapped addresses so that `::` choices get exercised. */
const addressBytes = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Array.from(b)),
  fc
    .array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    })
    .map((groups) => groups.flatMap((g) => [g >> 8, g & 255])),
  fc
    .uint8Array({ minLength: 4, maxLength: 4 })
    .map((v4) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...Array.from(v4)]),
);

interface TextChoices {
  extraZeros: number[];
  upper: boolean[];
  run: number;
  dotted: boolean;
  v4Zeros: number[];
}

const textChoices: fc.Arbitrary<TextChoices> = fc.record({
  extraZeros: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
  upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  run: fc.nat(),
  dotted: fc.boolean(),
  v4Zeros: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
});

function groupsOf(bytes: number[]): number[] {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((bytes[i] << 8) | bytes[i + 1]);
  return g;
}

/** What the kernel's %pI6 prints. */
function kernelText(bytes: number[]): string {
  return groupsOf(bytes)
    .map((g) => g.toString(16).padStart(4, '0'))
    .join(':');
}

/** Another valid text form: random padding and case, maybe `::` over any run of zero groups, maybe a dotted quad. */
function otherText(bytes: number[], ch: TextChoices): string {
  const groups = groupsOf(bytes);
  const hexGroups = ch.dotted ? 6 : 8;
  const text = groups.slice(0, hexGroups).map((g, i) => {
    const h = g.toString(16);
    const padded = h.padStart(Math.min(4, h.length + ch.extraZeros[i]), '0');
    return ch.upper[i] ? padded.toUpperCase() : padded;
  });
  if (ch.dotted) {
    text.push(
      bytes
        .slice(12)
        .map((b, i) => `${b}`.padStart(Math.min(3, `${b}`.length + ch.v4Zeros[i]), '0'))
        .join('.'),
    );
  }
  // Every run [a, b) of zero hex groups is a place `::` may go; the last choice is none.
  const runs: Array<[number, number]> = [];
  for (let a = 0; a < hexGroups; a++) {
    for (let b = a + 1; b <= hexGroups && groups[b - 1] === 0; b++) runs.push([a, b]);
  }
  const pick = ch.run % (runs.length + 1);
  if (pick === runs.length) return text.join(':');
  const [a, b] = runs[pick];
  return `${text.slice(0, a).join(':')}::${text.slice(b).join(':')}`;
}

/** Parses any valid text (as produced above) back to 16 bytes, with split and regexes. */
function bytesOf(text: string): number[] {
  let head = text;
  let v4: number[] = [];
  const m = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (m) {
    head = `${m[1]}0:0`;
    v4 = [m[2], m[3], m[4], m[5]].map(Number);
  }
  let groups: string[];
  if (head.includes('::')) {
    const [l, r] = head.split('::');
    const left = l === '' ? [] : l.split(':');
    const right = r === '' ? [] : r.split(':');
    groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  } else {
    groups = head.split(':');
  }
  assert.equal(groups.length, 8, text);
  const bytes = groups.flatMap((g) => {
    const v = Number.parseInt(g, 16);
    return [v >> 8, v & 255];
  });
  if (v4.length === 4) bytes.splice(12, 4, ...v4);
  return bytes;
}
