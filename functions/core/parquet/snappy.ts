/**
 * Snappy block compression (what Parquet's SNAPPY codec means: one raw block
 * per page, no framing), by the WebAssembly build of the Rust `snap` crate that
 * the snappy-wasm package ships, embedded in snappy-wasm-binary.ts.
 *
 * Why WebAssembly: Node 20's zlib has no zstd, and gzip level 1, its fastest
 * codec, compresses raw log lines at ~250 MB/s on one core here; this build
 * does ~570 MB/s (a pure-JS snappy ~195 MB/s, measured on 1 MiB pages of
 * /tmp/kern.log). Snappy compresses those pages 3.2x where gzip 1 does 4.6x:
 * it is the fast codec for fresh parts, and compaction rewrites them with zstd.
 *
 * The module is compiled on first use (~1 ms), so functions that never write
 * snappy never pay for it. Its memory is made shared when it is loaded
 * (wasm-shared-memory.ts): growing it then detaches no ArrayBuffer, which
 * would cost V8's optimized typed-array code everywhere. Calls follow the ABI
 * of the package's own wasm-bindgen glue (cjs/snappy.js), without the glue.
 */
import { SNAPPY_WASM_BASE64 } from './snappy-wasm-binary.ts';
import { withSharedMemory } from './wasm-shared-memory.ts';

/** The part of the WebAssembly API used here (the project's `lib` is ES2022, which has no WebAssembly types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: object };
};

interface SnappyExports {
  memory: { buffer: ArrayBufferLike };
  /** Writes [ptr, len, error, isError] of the compressed block at `retptr`; takes ownership of the input allocation. */
  compress_raw(retptr: number, ptr: number, len: number): void;
  decompress_raw(retptr: number, ptr: number, len: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
  __wbindgen_malloc(size: number): number;
  __wbindgen_free(ptr: number, size: number): void;
}

let wasm: SnappyExports | undefined;
/** The message of the last error the module raised (its one import builds error objects). */
let lastError = '';

function instance(): SnappyExports {
  if (wasm !== undefined) return wasm;
  const module = new WebAssembly.Module(withSharedMemory(Buffer.from(SNAPPY_WASM_BASE64, 'base64')));
  const imports = {
    __wbindgen_placeholder__: {
      // Called only from inside compress/decompress, so `wasm` is set by then.
      __wbindgen_error_new: (ptr: number, len: number): number => {
        lastError = Buffer.from((wasm as SnappyExports).memory.buffer, ptr, len).toString('utf8');
        return 0;
      },
    },
  };
  wasm = new WebAssembly.Instance(module, imports).exports as unknown as SnappyExports;
  return wasm;
}

/** The block the last snappyCompressView() returned, freed by the next call into the module. */
let holding = false;
let heldPtr = 0;
let heldLen = 0;

/**
 * Runs compress_raw or decompress_raw on `input`. With `copy`, returns a copy of the result and
 * frees it; without, returns a view of it in the module's memory and holds it until the next call
 * (a Parquet writer appends each page at once: the copy and its allocation were ~10,000 per 1M lines).
 */
function call(fn: 'compress_raw' | 'decompress_raw', input: Uint8Array, copy: boolean): Uint8Array {
  const w = instance();
  if (holding) {
    w.__wbindgen_free(heldPtr, heldLen);
    holding = false;
  }
  const retptr = w.__wbindgen_add_to_stack_pointer(-16);
  try {
    const ptr = w.__wbindgen_malloc(input.length);
    // Views are made after each call into the module: a call may grow its memory, and a view
    // of the memory's buffer from before a grow does not see the new bytes.
    new Uint8Array(w.memory.buffer).set(input, ptr);
    w[fn](retptr, ptr, input.length);
    const ret = new Int32Array(w.memory.buffer, retptr, 4);
    const [outPtr, outLen, , isError] = ret;
    if (isError !== 0) throw new Error(lastError);
    const block = new Uint8Array(w.memory.buffer, outPtr, outLen);
    if (!copy) {
      holding = true;
      heldPtr = outPtr;
      heldLen = outLen;
      return block;
    }
    const out = block.slice();
    w.__wbindgen_free(outPtr, outLen);
    return out;
  } finally {
    w.__wbindgen_add_to_stack_pointer(16);
  }
}

/** The module's memory (null before first use): lets tests see how it grows. */
export const snappyMemory = (): { buffer: ArrayBufferLike } | null => wasm?.memory ?? null;

/** `input` as one raw snappy block. */
export const snappyCompress = (input: Uint8Array): Uint8Array => call('compress_raw', input, true);

/**
 * `input` as one raw snappy block, as a view valid only until the next call to this module
 * (its memory is reused then): for callers that copy the block away at once.
 */
export const snappyCompressView = (input: Uint8Array): Uint8Array => call('compress_raw', input, false);

/** A raw snappy block back to its bytes (for tests and checks; readers have their own). */
export const snappyUncompress = (block: Uint8Array): Uint8Array => call('decompress_raw', block, true);
