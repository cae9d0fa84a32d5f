/**
 * Writes one column chunk's pages into the file and returns its metadata:
 * the page headers are Thrift (footer.ts); the page bodies are built by
 * column-buffers.ts.
 *
 * Pages are data page v1 (levels inside the compressed body): what every
 * Parquet reader supports, and the levels compress along with the values.
 */
import type { Encoding, SchemaElement } from 'hyparquet';
import type { ByteWriter } from 'hyparquet-writer';
import type { Codec } from './codec.ts';
import {
  type ChunkMeta,
  type ChunkStats,
  DATA_PAGE,
  DICTIONARY_PAGE,
  type PageType,
  writePageHeader,
} from './footer.ts';

export class ChunkWriter {
  private start = 0;
  private dictionaryOffset = -1;
  private dataOffset = -1;
  private uncompressed = 0;
  private encodings: Encoding[] = [];

  constructor(
    readonly file: ByteWriter,
    private readonly codec: Codec,
  ) {}

  begin(): void {
    this.start = this.file.offset;
    this.dictionaryOffset = -1;
    this.dataOffset = -1;
    this.uncompressed = 0;
    this.encodings = [];
  }

  /** A dictionary page: `count` values, PLAIN-encoded in `body`. */
  dictionaryPage(body: Uint8Array, count: number): void {
    this.dictionaryOffset = this.file.offset;
    this.page(DICTIONARY_PAGE, body, count, 'PLAIN');
  }

  /** A data page of `numValues` level entries; `body` = levels then values. */
  dataPage(body: Uint8Array, numValues: number, encoding: Encoding): void {
    if (this.dataOffset < 0) this.dataOffset = this.file.offset;
    this.page(DATA_PAGE, body, numValues, encoding);
    this.used('RLE');
  }

  /** Compresses `body`, appends its header and it, and counts its uncompressed size and encoding. */
  private page(type: PageType, body: Uint8Array, numValues: number, encoding: Encoding): void {
    // May be a view valid only until the codec's next call (snappy): appended below, before that.
    const compressed = this.codec.compress(body);
    const before = this.file.offset;
    writePageHeader(this.file, type, body.length, compressed.length, numValues, encoding);
    this.uncompressed += this.file.offset - before + body.length;
    this.file.appendBytes(compressed);
    this.used(encoding);
  }

  private used(encoding: Encoding): void {
    if (!this.encodings.includes(encoding)) this.encodings.push(encoding);
  }

  /** The chunk's metadata for the footer. */
  finish(element: SchemaElement, path: readonly string[], numValues: number, stats: ChunkStats): ChunkMeta {
    return {
      element,
      path,
      codec: this.codec.name,
      encodings: this.encodings,
      numValues,
      fileOffset: this.start,
      totalUncompressed: this.uncompressed,
      totalCompressed: this.file.offset - this.start,
      dataPageOffset: this.dataOffset < 0 ? this.start : this.dataOffset,
      dictionaryPageOffset: this.dictionaryOffset,
      stats,
    };
  }
}
