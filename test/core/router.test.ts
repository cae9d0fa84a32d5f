import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionRouter, type PartOutput, type PartStore } from '../../functions/core/router.ts';

/** A store that keeps every part's text, and records when parts open and end. */
function memoryStore() {
  const parts = new Map<string, string>();
  const events: string[] = [];
  const store: PartStore = {
    open(table, partition, index): PartOutput {
      const name = `${table}/${partition}#${index}`;
      parts.set(name, '');
      events.push(`open ${name}`);
      return {
        write(bytes) {
          parts.set(name, parts.get(name) + new TextDecoder().decode(bytes));
          return undefined;
        },
        async end() {
          events.push(`end ${name}`);
        },
      };
    },
  };
  return { store, parts, events };
}

describe('partition router', () => {
  it('keeps every line, in order, in its partition’s part', async () => {
    const { store, parts } = memoryStore();
    const r = new PartitionRouter(store, { flushBytes: 8 });
    for (const [p, l] of [
      ['a', '1'],
      ['a', '2'],
      ['b', '3'],
      ['a', '4'],
      ['b', '5'],
      ['b', '6'],
    ])
      await r.add('t', p, l);
    await r.close();
    assert.deepEqual(Object.fromEntries(parts), { 't/a#0': '1\n2\n4\n', 't/b#0': '3\n5\n6\n' });
  });

  it('closes the least recently used part when too many are open, and continues it in a new part', async () => {
    const { store, parts, events } = memoryStore();
    const r = new PartitionRouter(store, { maxOpen: 2 });
    for (const [p, l] of [
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
      ['c', '4'],
      ['b', '5'],
      ['a', '6'],
    ])
      await r.add('t', p, l);
    await r.close();
    // a was used after b, so opening c evicts b; b then comes back as part 1, evicting a (used before c).
    assert.deepEqual(Object.fromEntries(parts), {
      't/a#0': '1\n3\n',
      't/b#0': '2\n',
      't/c#0': '4\n',
      't/b#1': '5\n',
      't/a#1': '6\n',
    });
    assert.deepEqual(events.slice(0, 4), ['open t/a#0', 'open t/b#0', 'open t/c#0', 'end t/b#0']);
    assert.deepEqual(
      r.parts.map((p) => `${p.partition}#${p.index}`),
      ['a#0', 'b#0', 'c#0', 'b#1', 'a#1'],
    );
  });

  it('gives the same parts for the same input (idempotent names)', async () => {
    const run = async () => {
      const { store, parts } = memoryStore();
      const r = new PartitionRouter(store, { maxOpen: 2, flushBytes: 4 });
      for (let i = 0; i < 50; i++) await r.add('t', `p${(i * 7) % 5}`, String(i));
      await r.close();
      return [...parts];
    };
    assert.deepEqual(await run(), await run());
  });
});
