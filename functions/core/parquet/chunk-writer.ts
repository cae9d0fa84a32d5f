/**
 * Writes one column chunk's pages into the file and returns its metadata:
 * the page headers and the footer are Thrift, written by hyparquet-writer's
 * own serializers; the page bodies are built by column-buffers.ts.
 *
 * Pages are data page v1 (levels inside the compressed body): what every
 * Parquet reader supports, and the levels compress along with the values.
 */
import type { ColumnChunk, Encoding, SchemaElement, Statistics } from 'hyparquet';
import type { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import type { Codec } from './codec.ts';

export class ChunkWriter {
  private start = 0;
  private dictionaryOffset: number | undefined;
  private dataOffset: number | undefined;
  private uncompressed = 0;
  private encodings = new Set<Encoding>();

  constructor(
    readonly file: ByteWriter,
    private readonly codec: Codec,
  ) {}

  begin(): void {
    this.start = this.file.offset;
    this.dictionaryOffset = undefined;
    this.dataOffset = undefined;
    this.uncompressed = 0;
    this.encodings = new Set();
  }

  /** A dictionary page: `count` values, PLAIN-encoded in `body`. */
  dictionaryPage(body: Uint8Array, count: number): void {
    this.dictionaryOffset = this.file.offset;
    this.page(body, {
      type: 'DICTIONARY_PAGE',
      dictionary_page_header: { num_values: count, encoding: 'PLAIN' },
    });
    this.encodings.add('PLAIN');
  }

  /** A data page of `numValues` level entries; `body` = levels then values. */
  dataPage(body: Uint8Array, numValues: number, encoding: Encoding): void {
    if (this.dataOffset === undefined) this.dataOffset = this.file.offset;
    this.page(body, {
      type: 'DATA_PAGE',
      data_page_header: {
        num_values: numValues,
        encoding,
        definition_level_encoding: 'RLE',
        repetition_level_encoding: 'RLE',
      },
    });
    this.encodings.add(encoding);
    this.encodings.add('RLE');
  }

  private page(body: Uint8Array, header: Record<string, unknown>): void {
    // May be a view valid only until the codec's next call (snappy): appended below, before that.
    const compressed = this.codec.compress(body);
    const before = this.file.offset;
    writePageHeader(this.file, {
      ...header,
      uncompressed_page_size: body.length,
      compressed_page_size: compressed.length,
    } as unknown as Parameters<typeof writePageHeader>[1]);
    this.uncompressed += this.file.offset - before + body.length;
    this.file.appendBytes(compressed);
  }

  /** The chunk's metadata for the footer. */
  finish(element: SchemaElement, path: string[], numValues: number, statistics?: Statistics): ColumnChunk {
    return {
      file_offset: BigInt(this.start),
      meta_data: {
        type: element.type ?? 'BYTE_ARRAY',
        encodings: [...this.encodings],
        path_in_schema: path,
        codec: this.codec.name,
        num_values: BigInt(numValues),
        total_uncompressed_size: BigInt(this.uncompressed),
        total_compressed_size: BigInt(this.file.offset - this.start),
        data_page_offset: BigInt(this.dataOffset ?? this.start),
        dictionary_page_offset:
          this.dictionaryOffset === undefined ? undefined : BigInt(this.dictionaryOffset),
        statistics,
      },
    } as ColumnChunk;
  }
}
