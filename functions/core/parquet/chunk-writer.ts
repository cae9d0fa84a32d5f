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
import { type ChunkMeta, type ChunkStats, writeDataPageHeader, writeDictionaryPageHeader } from './footer.ts';

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
    // May be a view valid only until the codec's next call (snappy): appended below, before that.
    const compressed = this.codec.compress(body);
    const before = this.file.offset;
    writeDictionaryPageHeader(this.file, body.length, compressed.length, count);
    this.append(before, body, compressed);
    this.used('PLAIN');
  }

  /** A data page of `numValues` level entries; `body` = levels then values. */
  dataPage(body: Uint8Array, numValues: number, encoding: Encoding): void {
    if (this.dataOffset < 0) this.dataOffset = this.file.offset;
    const compressed = this.codec.compress(body);
    const before = this.file.offset;
    writeDataPageHeader(this.file, body.length, compressed.length, numValues, encoding);
    this.append(before, body, compressed);
    this.used(encoding);
    this.used('RLE');
  }

  /** After a page header written from `before`: counts the page's uncompressed size and appends its body. */
  private append(before: number, body: Uint8Array, compressed: Uint8Array): void {
    this.uncompressed += this.file.offset - before + body.length;
    this.file.appendBytes(compressed);
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
