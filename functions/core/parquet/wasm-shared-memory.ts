/**
 * A WebAssembly module's own memory, declared shared instead: the same
 * module, whose memory grows without detaching an ArrayBuffer.
 *
 * Why: growing an ordinary WebAssembly memory detaches its old ArrayBuffer,
 * and the first detach in a process invalidates V8's ArrayBufferDetaching
 * protector (`node --trace-protector-invalidation` shows it). V8 then throws
 * away the optimized code of every function that reads a typed array, and
 * compiles all later code with a detach check on each such read. Measured on
 * a 1M-line Parquet ingest on one core, where the snappy module grew its
 * memory at the first part: ~60 hot functions (parser, column buffers,
 * encoders) compiled again, and the column code 7-15% slower for the rest of
 * the run. A shared memory is backed by a SharedArrayBuffer, which grows in
 * place and is never detached.
 *
 * The only change is the memory section's limits: flags 0 (no maximum) or 1
 * (a maximum) become 3 (shared, with a maximum), and the maximum becomes
 * MAX_PAGES when there was none. Shared memory needs a maximum; V8 reserves
 * address space (not memory) for it. Loads, stores and memory.grow mean the
 * same on shared memory, so the code runs as before.
 */

/** 65,536 pages of 64 KiB: 4 GiB, the most a 32-bit memory can address (what "no maximum" allowed). */
export const MAX_PAGES = 65_536;

const MEMORY_SECTION = 5;

interface Leb {
  value: number;
  end: number;
}

function readLeb(bytes: Uint8Array, at: number): Leb {
  let value = 0;
  let shift = 0;
  for (let p = at; p < bytes.length && shift < 35; p++) {
    const b = bytes[p];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, end: p + 1 };
  }
  throw new Error(`bad LEB128 number at byte ${at} of a WebAssembly module`);
}

function leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const b = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? b | 0x80 : b);
  } while (v > 0);
  return out;
}

/**
 * `module` (a WebAssembly binary) with its one defined memory made shared. Refuses a module
 * with no memory section, more than one memory, or a 64-bit memory, with a clear error.
 */
export function withSharedMemory(module: Uint8Array): Uint8Array {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d)
    throw new Error('not a WebAssembly module');
  let p = 8; // magic and version
  while (p < module.length) {
    const id = module[p];
    const size = readLeb(module, p + 1);
    const bodyEnd = size.end + size.value;
    if (id !== MEMORY_SECTION) {
      p = bodyEnd;
      continue;
    }
    const count = readLeb(module, size.end);
    if (count.value !== 1) throw new Error(`the module defines ${count.value} memories, not 1`);
    const flags = module[count.end];
    if (flags !== 0 && flags !== 1) throw new Error(`memory flags ${flags}: not a plain 32-bit memory`);
    const initial = readLeb(module, count.end + 1);
    const max = flags === 1 ? readLeb(module, initial.end) : { value: MAX_PAGES, end: initial.end };
    if (max.end !== bodyEnd) throw new Error('the memory section has bytes after its one memory');
    const body = [1, 3, ...leb(initial.value), ...leb(max.value)];
    const section = [MEMORY_SECTION, ...leb(body.length), ...body];
    const out = new Uint8Array(p + section.length + module.length - bodyEnd);
    out.set(module.subarray(0, p));
    out.set(section, p);
    out.set(module.subarray(bodyEnd), p + section.length);
    return out;
  }
  throw new Error('the module has no memory section (an imported memory is not changed here)');
}
