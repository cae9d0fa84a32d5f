import { createReadStream } from 'node:fs';
import { splitLines } from '../functions/core/lines.ts';
import { parseLine } from '../functions/core/parse-line.ts';
import { FirewallRecord } from '../functions/core/record.ts';
const batches = []; for await (const b of splitLines(createReadStream(process.argv[2], { highWaterMark: 1 << 20 }))) batches.push(b);
const opts = { referenceMs: Date.parse('2026-11-24T00:00:00Z'), sourceKey: 'bench', fallbackHost: null };
const into = new FirewallRecord();
for (let r = 0; r < 4; r++) { const t = performance.now(); let n = 0;
for (const b of batches) for (let i = 0; i < b.lines.length; i++) parseLine(b.lines[i], ++n, opts, b.bytes, b.starts[i], into);
console.log((performance.now() - t).toFixed(0), 'ms'); }
