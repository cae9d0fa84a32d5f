/**
 * The shipping examples (examples/shipping/) against the real ingest.
 *
 * For each example the object key is derived from the example file itself (its key
 * template, expanded for host fw1.example.net at a fixed time the way that tool expands
 * it), then checked with the ingest's own hostFromKey. An object in the example's line
 * format (journald JSON lines for Fluent Bit and Vector, `short-iso` lines for the
 * script), made from real lines of events/sample-kern.log, goes through the real local
 * ingest, and the records it writes are read back.
 *
 * What is not checked here: Fluent Bit and Vector themselves (not installed), so their
 * line format is the one their configs are written to produce, not one they produced.
 * Where the tools exist on the machine, the test also runs them: luajit runs the Fluent
 * Bit Lua filter, journalctl + systemd-journal-remote run the shell script end to end
 * (with a stand-in `aws`), the AWS CLI runs the credential helper against a local STS
 * stand-in, python3's yaml module parses the YAML files, and systemd-analyze verifies the
 * units; without them those tests are skipped.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ingestLocal } from '../../functions/adapters/local-ingest.ts';
import { hostFromKey } from '../../functions/core/object-key.ts';

const DIR = 'examples/shipping';
const HOST = 'fw1.example.net';
/** The fixed time keys are expanded for: the first record's (Fluent Bit, Vector's prefix). */
const AT = new Date(Date.UTC(2026, 8, 17, 21, 12, 3));
/** The upload time (Vector's file name, the script's key). */
const UPLOAD = new Date(Date.UTC(2026, 8, 17, 21, 17, 3, 250));
const REF = Date.parse('2026-09-19T00:00:00Z');
const KEY_SHAPE = /^raw\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/.+\.log\.gz$/;
/** `${NAME}`, spelled so that no string literal below holds a template-like `${`. */
const envRef = (name: string) => `$${'{'}${name}}`;

const read = (name: string) => readFileSync(join(DIR, name), 'utf8');

// ---- time formatting as the tools do it (UTC) ----

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** strftime for the specifiers the examples use, in UTC; any other specifier fails the test. */
function strftime(fmt: string, t: Date, nanos = 0): string {
  return fmt.replace(/%(.)/g, (_, c: string) => {
    switch (c) {
      case 'Y':
        return String(t.getUTCFullYear());
      case 'm':
        return pad(t.getUTCMonth() + 1);
      case 'd':
        return pad(t.getUTCDate());
      case 'H':
        return pad(t.getUTCHours());
      case 'M':
        return pad(t.getUTCMinutes());
      case 'S':
        return pad(t.getUTCSeconds());
      case 's':
        return String(Math.floor(t.getTime() / 1000));
      case 'F':
        return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
      case 'N':
        return pad(nanos, 9);
      case '%':
        return '%';
      default:
        throw new Error(`strftime: %${c} is not handled by this test`);
    }
  });
}

// ---- reading settings out of the config files (no YAML parser: see lintYamlSubset) ----

/** Strips one pair of matching quotes. */
const unquote = (v: string) => v.replace(/^(['"])(.*)\1$/, '$2');

/** `key: value` lines of a YAML file (block scalars skipped), keys lowercased; values unquoted, comments cut. */
function yamlSettings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let blockIndent = -1;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indent > blockIndent) continue;
      blockIndent = -1;
    }
    const m = /^\s*(?:- )?([A-Za-z0-9_.]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (!/^['"]/.test(v)) v = v.replace(/\s+#.*$/, '');
    v = unquote(v.trim());
    if (v === '|' || v === '>') blockIndent = indent;
    const k = m[1].toLowerCase();
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

/** `Key Value` lines of a classic Fluent Bit file, keys lowercased. */
function classicSettings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^\s+([A-Za-z0-9_.]+)\s+(\S.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const k = m[1].toLowerCase();
    out.set(k, [...(out.get(k) ?? []), m[2]]);
  }
  return out;
}

/** The one value of a setting. */
function one(settings: Map<string, string[]>, key: string): string {
  const v = settings.get(key);
  assert.ok(v, `${key} is set`);
  assert.equal(v.length, 1, `${key} is set once`);
  return v[0];
}

/**
 * Problems found by a line-by-line check of the YAML subset these files use (block
 * mappings and sequences, plain or quoted scalars, `|` block scalars, comments). It is
 * not a YAML parser: it catches tabs, odd indentation, unbalanced quotes and brackets,
 * and lines that are none of the above.
 */
function lintYamlSubset(text: string): string[] {
  const problems: string[] = [];
  let blockIndent = -1;
  text.split('\n').forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (line.includes('\t')) problems.push(`${at}: tab`);
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (blockIndent >= 0) {
      if (body === '' || indent > blockIndent) return;
      blockIndent = -1;
    }
    if (body === '' || body.startsWith('#')) return;
    if (indent % 2 !== 0) problems.push(`${at}: indentation ${indent} is not a multiple of 2`);
    const m = /^(?:- )?(?:([A-Za-z0-9_.]+):(?:\s+(.*))?|(.*))$/.exec(body)!;
    const value = (m[1] !== undefined ? (m[2] ?? '') : m[3]) ?? '';
    if (m[1] === undefined && !body.startsWith('- '))
      problems.push(`${at}: neither "key: value" nor "- item"`);
    let v = value;
    if (/^['"]/.test(v)) {
      const q = v[0];
      const end = v.indexOf(q, 1);
      if (end < 0) problems.push(`${at}: unterminated ${q}quote`);
      v = v.slice(end + 1);
      if (!/^\s*(#.*)?$/.test(v)) problems.push(`${at}: text after a quoted scalar`);
      return;
    }
    v = v.replace(/\s+#.*$/, '');
    if (v === '|' || v === '>') {
      blockIndent = indent;
      return;
    }
    for (const [open, close] of [
      ['[', ']'],
      ['{', '}'],
    ]) {
      if (v.split(open).length !== v.split(close).length) problems.push(`${at}: unbalanced ${open}${close}`);
    }
    if (/^[&*!%@`]/.test(v)) problems.push(`${at}: value starts with a YAML indicator; quote it`);
    if (/:\s/.test(v)) problems.push(`${at}: ": " inside a plain value; quote it`);
  });
  return problems;
}

/** The file parsed by python3's yaml module (a real YAML parser), or null when that is not installed. */
const pyYaml = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;
function parseYaml(name: string): unknown {
  const out = execFileSync(
    'python3',
    [
      '-c',
      'import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout, default=str)',
      name,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}

// ---- the keys each example writes ----

/**
 * Fluent Bit out_s3: `${VAR}` is replaced from the environment when the config is read
 * (${HOSTNAME} falls back to gethostname()); at upload, flb_get_s3_key replaces $TAG[n],
 * $TAG, $INDEX and $UUID (8 random alphanumerics), then runs strftime over the result with
 * the first record's time in UTC. The key must start with '/', which is not part of the
 * object key (the request is PUT /<bucket><key>).
 */
function fluentBitKey(template: string, tag: string): string {
  assert.ok(template.startsWith('/'), 'out_s3 refuses an s3_key_format without a leading /');
  let k = template.replaceAll(envRef('HOSTNAME'), HOST);
  assert.doesNotMatch(k, /\$\{/, 'no other environment variables');
  const parts = tag.split('.');
  k = k.replace(/\$TAG\[(\d)\]/g, (_, n: string) => parts[Number(n)]);
  k = k.replaceAll('$TAG', tag).replaceAll('$INDEX', '0').replaceAll('$UUID', 'q3Zk9TfA');
  return strftime(k, AT).slice(1);
}

/**
 * Vector aws_s3: key_prefix is a template ({{ field }} from the event, strftime from the
 * event's timestamp in `timezone`), then filename_time_format (strftime of the upload
 * time), "-" + UUID v4 when filename_append_uuid, "." + filename_extension (default from
 * the compression: gzip gives "log.gz").
 */
function vectorKey(s: Map<string, string[]>): string {
  assert.equal(one(s, 'timezone'), 'UTC', 'the day in the key does not depend on the host time zone');
  const prefix = one(s, 'key_prefix').replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, field: string) => {
    assert.equal(field, 'host', 'the only event field the prefix uses is host');
    return HOST;
  });
  const timeFormat = s.get('filename_time_format')?.[0] ?? '%s';
  const uuid = (s.get('filename_append_uuid')?.[0] ?? 'true') === 'true' ? `-${randomUUID()}` : '';
  const compression = s.get('compression')?.[0] ?? 'gzip';
  const byCompression: Record<string, string> = { gzip: 'log.gz', none: 'log' };
  const ext = s.get('filename_extension')?.[0] ?? byCompression[compression];
  assert.ok(ext, `an extension for compression ${compression}`);
  return `${strftime(prefix, AT)}${strftime(timeFormat, UPLOAD)}${uuid}.${ext}`;
}

/** A `"s3://..."` target in a shell line, expanded with the script's own variable assignments. */
function shellKey(script: string, target: string, nanos: number): string {
  const assignments = new Map<string, string>();
  for (const m of script.matchAll(/^\s*([a-z_][a-z0-9_]*)="(.*)"\s*$/gm)) assignments.set(m[1], m[2]);
  const expand = (word: string): string =>
    word
      .replace(/\$\(hostname(?: -f)?\)/g, HOST)
      .replace(/\$\(date -u \+([^)\s]+)\)/g, (_, fmt: string) => strftime(fmt, UPLOAD, nanos))
      .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => {
        if (name === 'FWLAKE_BUCKET' || name === 'BUCKET') return 'my-fwlake-raw-bucket';
        const rhs = assignments.get(name);
        assert.ok(rhs !== undefined, `$${name} is assigned in the script`);
        if (rhs.includes('hostname')) return HOST;
        return expand(rhs);
      });
  const url = expand(target);
  const m = /^s3:\/\/my-fwlake-raw-bucket\/(.+)$/.exec(url);
  assert.ok(m, `${target} names the bucket first`);
  return m[1];
}

function checkKey(key: string): void {
  assert.match(key, KEY_SHAPE);
  assert.equal(hostFromKey(key), HOST);
}

// ---- sample objects and the ingest ----

/** Three real netfilter messages (the kernel's text after `kernel: `), trailing space kept. */
function sampleMessages(): string[] {
  const lines = readFileSync('events/sample-kern.log', 'utf8').split('\n');
  const picked = [
    lines.find((l) => l.includes(' SPT=993 ')),
    ...lines.filter((l) => l.includes(' DPT=22 ')).slice(0, 2),
  ];
  return picked.map((l) => {
    assert.ok(l);
    const m = / kernel: (.*)$/.exec(l);
    assert.ok(m, l);
    return m[1];
  });
}

/** Each sample line's time: microsecond precision, distinct, in one hour. */
const TIMES_US = [0, 1, 2].map(
  (i) => BigInt(AT.getTime() + i * 61_000) * 1000n + BigInt(123_456 + i * 111_111),
);
const msIso = (us: bigint) => new Date(Number(us / 1000n)).toISOString();
/** The lake's ts format: `yyyy-MM-dd HH:mm:ss.SSS`, UTC. */
const lakeTs = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/** `journalctl -o json`-style line, with only the fields the Lua filter / VRL remap keep. */
const journalJson = (message: string, us: bigint) =>
  JSON.stringify({ MESSAGE: message, _HOSTNAME: HOST, __REALTIME_TIMESTAMP: String(us) });

/** `journalctl -o short-iso` line as TZ=UTC journalctl prints it for a kernel entry. */
const shortIso = (message: string, us: bigint) => `${msIso(us).slice(0, 19)}+0000 ${HOST} kernel: ${message}`;

interface LakeRecord {
  ts: string;
  host: string;
  spt?: number;
  dpt?: number;
  [k: string]: unknown;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fwlake-shipping-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes `body` gzipped to a file named like the key's last segment and ingests it as the Lambda would name its host. */
async function ingestObject(key: string, body: string, label: string) {
  const dir = join(tmp, label);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, key.slice(key.lastIndexOf('/') + 1));
  writeFileSync(path, gzipSync(body));
  const warehouse = join(dir, 'warehouse');
  const res = await ingestLocal(path, { warehouse, referenceMs: REF, host: hostFromKey(key) });
  const records = walk(join(warehouse, 'firewall'))
    .filter((f) => f.endsWith('.json.gz'))
    .flatMap((f) => gunzipSync(readFileSync(f)).toString('utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as LakeRecord)
    .sort((a, b) => a.ts.localeCompare(b.ts));
  return { stats: res.stats, records };
}

function checkRecords(
  out: Awaited<ReturnType<typeof ingestObject>>,
  expectedTs: string[],
  messages: string[],
): void {
  assert.equal(out.stats.records, 3);
  assert.equal(out.stats.quarantined, 0);
  assert.equal(out.records.length, 3);
  assert.deepEqual(
    out.records.map((r) => r.ts),
    expectedTs,
  );
  assert.deepEqual(
    out.records.map((r) => r.host),
    [HOST, HOST, HOST],
  );
  assert.deepEqual(
    out.records.map((r) => [r.spt, r.dpt]),
    messages.map((m) => [Number(/ SPT=(\d+)/.exec(m)![1]), Number(/ DPT=(\d+)/.exec(m)![1])]),
  );
}

// ---- the examples ----

describe('Fluent Bit example (fluent-bit.yaml, fluent-bit.conf)', () => {
  const yaml = read('fluent-bit.yaml');
  const conf = read('fluent-bit.conf');
  const y = yamlSettings(yaml);
  const c = classicSettings(conf);

  it('names objects raw/<host>/<yyyy>/<mm>/<dd>/….log.gz, the same in both formats', () => {
    const template = one(y, 's3_key_format');
    assert.equal(one(c, 's3_key_format'), template);
    assert.match(template, /\$UUID/, 'use_put_object keeps a key suffix only with $UUID');
    const key = fluentBitKey(template, one(y, 'tag'));
    checkKey(key);
    assert.match(key, /^raw\/fw1\.example\.net\/2026\/09\/17\/kern-211203-q3Zk9TfA\.log\.gz$/);
  });

  it('sets the same pipeline in both formats', () => {
    for (const key of [
      'tag',
      'systemd_filter',
      'read_from_tail',
      'db',
      'regex',
      'script',
      'call',
      'time_as_table',
      'bucket',
      'region',
      'use_put_object',
      'compression',
      'total_file_size',
      'upload_timeout',
      'store_dir',
      'json_date_key',
    ]) {
      assert.equal(one(c, key).toLowerCase(), one(y, key).toLowerCase(), key);
    }
    assert.equal(one(y, 'systemd_filter'), '_TRANSPORT=kernel');
    assert.equal(one(y, 'compression'), 'gzip');
    assert.equal(one(y, 'use_put_object'), 'on');
    const size = /^(\d+)M$/.exec(one(y, 'total_file_size'));
    assert.ok(size && Number(size[1]) <= 50, 'out_s3 allows at most 50M with use_put_object');
    assert.ok(existsSync(join(DIR, one(y, 'script'))), 'the Lua script ships next to the configs');
  });

  it('is in the YAML subset the lint reads (tabs, indentation, quotes, brackets)', () => {
    assert.deepEqual(lintYamlSubset(yaml), []);
  });

  it('parses as YAML, with the key template read above', {
    skip: !pyYaml && 'python3 yaml not installed',
  }, () => {
    const doc = parseYaml(join(DIR, 'fluent-bit.yaml')) as {
      pipeline: { outputs: { s3_key_format: string }[] };
    };
    assert.equal(doc.pipeline.outputs[0].s3_key_format, one(y, 's3_key_format'));
  });

  it('ships JSON lines the ingest reads with their time and host', async () => {
    const messages = sampleMessages();
    const key = fluentBitKey(one(y, 's3_key_format'), one(y, 'tag'));
    const body = messages.map((m, i) => `${journalJson(m, TIMES_US[i])}\n`).join('');
    const out = await ingestObject(key, body, 'fluent-bit');
    checkRecords(
      out,
      TIMES_US.map((us) => lakeTs(msIso(us))),
      messages,
    );
  });

  const luajit = spawnSync('luajit', ['-v'], { stdio: 'ignore' }).status === 0;
  it('Lua filter writes MESSAGE, _HOSTNAME, __REALTIME_TIMESTAMP in µs', {
    skip: !luajit && 'luajit not installed',
  }, () => {
    const harness = join(tmp, 'lua-harness.lua');
    writeFileSync(
      harness,
      `
      dofile(arg[1])
      local code, _, r = fwlake_journal_line("kern", {sec = 1789679523, nsec = 123456789},
        {MESSAGE = "IN=eth0 OUT=", _HOSTNAME = "fw1.example.net", _TRANSPORT = "kernel", PRIORITY = "4"})
      local n = 0
      for _ in pairs(r) do n = n + 1 end
      io.write(code, "|", r.MESSAGE, "|", r._HOSTNAME, "|", r.__REALTIME_TIMESTAMP, "|", n, "|")
      io.write((fwlake_journal_line("kern", {sec = 1, nsec = 0}, {})))`,
    );
    const out = execFileSync('luajit', [harness, join(DIR, 'fluent-bit-journal.lua')], { encoding: 'utf8' });
    assert.equal(out, '2|IN=eth0 OUT=|fw1.example.net|1789679523123456|3|-1');
  });
});

describe('Vector example (vector.yaml)', () => {
  const yaml = read('vector.yaml');
  const s = yamlSettings(yaml);

  it('names objects raw/<host>/<yyyy>/<mm>/<dd>/….log.gz', () => {
    const key = vectorKey(s);
    checkKey(key);
    assert.match(key, /^raw\/fw1\.example\.net\/2026\/09\/17\/kern-211703-[0-9a-f-]{36}\.log\.gz$/);
  });

  it('writes exactly the journald fields the parser reads, set by the remap', () => {
    assert.equal(one(s, 'codec'), 'json');
    assert.equal(one(s, 'compression'), 'gzip');
    assert.equal(one(s, 'timeout_secs'), '300');
    const only = /only_fields:\n((?:\s+- .+\n)+)/.exec(yaml);
    assert.ok(only);
    assert.deepEqual(
      only[1]
        .trim()
        .split('\n')
        .map((l) => l.replace(/^\s*- /, '').trim())
        .sort(),
      ['MESSAGE', '_HOSTNAME', '__REALTIME_TIMESTAMP'],
    );
    for (const field of ['MESSAGE', '_HOSTNAME', '__REALTIME_TIMESTAMP']) {
      assert.match(yaml, new RegExp(`\\."${field}" = `), `the remap sets ${field}`);
    }
    assert.match(yaml, /_TRANSPORT:\n\s+- kernel\n/);
  });

  it('is in the YAML subset the lint reads (tabs, indentation, quotes, brackets)', () => {
    assert.deepEqual(lintYamlSubset(yaml), []);
  });

  it('parses as YAML, with the settings read above', {
    skip: !pyYaml && 'python3 yaml not installed',
  }, () => {
    const doc = parseYaml(join(DIR, 'vector.yaml')) as {
      sources: Record<string, { include_matches: Record<string, string[]> }>;
      sinks: Record<
        string,
        { key_prefix: string; filename_time_format: string; encoding: { only_fields: string[] } }
      >;
      transforms: Record<string, { source?: string }>;
    };
    const sink = Object.values(doc.sinks)[0];
    assert.equal(sink.key_prefix, one(s, 'key_prefix'));
    assert.equal(sink.filename_time_format, one(s, 'filename_time_format'));
    assert.deepEqual(Object.values(doc.sources)[0].include_matches, { _TRANSPORT: ['kernel'] });
    assert.match(Object.values(doc.transforms).find((t) => t.source)?.source ?? '', /__REALTIME_TIMESTAMP/);
  });

  it('ships JSON lines the ingest reads with their time and host', async () => {
    const messages = sampleMessages();
    const key = vectorKey(s);
    const body = messages.map((m, i) => `${journalJson(m, TIMES_US[i])}\n`).join('');
    const out = await ingestObject(key, body, 'vector');
    checkRecords(
      out,
      TIMES_US.map((us) => lakeTs(msIso(us))),
      messages,
    );
  });
});

describe('journalctl + AWS CLI example (journalctl-to-s3.sh, fwlake-ship.service/.timer)', () => {
  const script = read('journalctl-to-s3.sh');
  const target = () => {
    const line = script.split('\n').find((l) => /^\s*aws s3 cp /.test(l));
    assert.ok(line, 'the script uploads with aws s3 cp');
    return /"(s3:\/\/[^"]+)"/.exec(line)![1];
  };

  it('names objects raw/<host>/<yyyy>/<mm>/<dd>/….log.gz', () => {
    const key = shellKey(script, target(), 250_000_000);
    checkKey(key);
    assert.equal(key, 'raw/fw1.example.net/2026/09/17/kern-211703-250000000.log.gz');
  });

  it('and so does the one-liner in its comments', () => {
    const line = script.split('\n').find((l) => /^#.*journalctl .*\| gzip \| aws s3 cp - /.test(l));
    assert.ok(line);
    const key = shellKey(script, /"(s3:\/\/[^"]+)"/.exec(line)![1], 0);
    checkKey(key);
  });

  it('passes bash -n', () => {
    execFileSync('bash', ['-n', join(DIR, 'journalctl-to-s3.sh')]);
  });

  it('timer runs the service every 5 minutes, persistently', () => {
    const timer = read('fwlake-ship.timer');
    assert.match(timer, /^OnCalendar=\*:0\/5$/m);
    assert.match(timer, /^Persistent=true$/m, 'Persistent= applies to OnCalendar= timers');
    const service = read('fwlake-ship.service');
    assert.match(service, /^Type=oneshot$/m);
    assert.match(service, /^ExecStart=\/usr\/local\/bin\/journalctl-to-s3\.sh$/m);
    assert.match(script, /install -m 0755 journalctl-to-s3\.sh \/usr\/local\/bin\/journalctl-to-s3\.sh/);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;
  it('units pass systemd-analyze verify', { skip: !analyze && 'systemd-analyze not installed' }, () => {
    const dir = join(tmp, 'units');
    mkdirSync(dir, { recursive: true });
    // ExecStart must name an existing executable: point it at the script in the repo.
    const scriptPath = join(process.cwd(), DIR, 'journalctl-to-s3.sh');
    writeFileSync(
      join(dir, 'fwlake-ship.service'),
      read('fwlake-ship.service').replaceAll('/usr/local/bin/journalctl-to-s3.sh', scriptPath),
    );
    writeFileSync(join(dir, 'fwlake-ship.timer'), read('fwlake-ship.timer'));
    const r = spawnSync(
      'systemd-analyze',
      ['verify', '--man=no', join(dir, 'fwlake-ship.service'), join(dir, 'fwlake-ship.timer')],
      { encoding: 'utf8' },
    );
    const about = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('fwlake-ship'));
    assert.deepEqual(about, []);
  });

  it('ships short-iso lines the ingest reads with their time and host', async () => {
    const messages = sampleMessages();
    const key = shellKey(script, target(), 250_000_000);
    const body = messages.map((m, i) => `${shortIso(m, TIMES_US[i])}\n`).join('');
    const out = await ingestObject(key, body, 'script');
    // short-iso has whole seconds.
    checkRecords(
      out,
      TIMES_US.map((us) => lakeTs(`${msIso(us).slice(0, 19)}.000Z`)),
      messages,
    );
  });

  const journalRemote = [
    '/usr/lib/systemd/systemd-journal-remote',
    '/lib/systemd/systemd-journal-remote',
  ].find(existsSync);
  const journalctl = spawnSync('journalctl', ['--version'], { stdio: 'ignore' }).status === 0;
  it('runs end to end on a journal: ships once, keeps its cursor across a reboot, retries failed uploads, uploads nothing when idle', {
    skip: !(journalRemote && journalctl) && 'journalctl or systemd-journal-remote not installed',
  }, async () => {
    const root = join(tmp, 'e2e');
    const journal = join(root, 'journal');
    const bin = join(root, 'bin');
    const s3 = join(root, 's3');
    for (const d of [journal, bin, s3]) mkdirSync(d, { recursive: true });
    const boots = [randomUUID().replaceAll('-', ''), randomUUID().replaceAll('-', '')];
    let monotonic = 1_000_000;
    /** Journal export format entries, written to a journal file by systemd-journal-remote. */
    const addJournal = (
      name: string,
      entries: { us: bigint; transport: string; message: string; boot?: number }[],
    ) => {
      const text = entries
        .map(
          (e) =>
            `__REALTIME_TIMESTAMP=${e.us}\n__MONOTONIC_TIMESTAMP=${monotonic++}\n_BOOT_ID=${boots[e.boot ?? 0]}\n` +
            `_TRANSPORT=${e.transport}\n_HOSTNAME=${HOST}\nSYSLOG_IDENTIFIER=${e.transport === 'kernel' ? 'kernel' : 'sshd'}\n` +
            `PRIORITY=4\nMESSAGE=${e.message}\n\n`,
        )
        .join('');
      const exportFile = join(root, `${name}.export`);
      writeFileSync(exportFile, text);
      execFileSync(journalRemote!, ['-o', join(journal, `${name}.journal`), exportFile], { stdio: 'ignore' });
    };
    // A stand-in for `aws s3 cp [--only-show-errors] FILE s3://BUCKET/KEY`: copies FILE to $FAKE_S3/KEY.
    writeFileSync(
      join(bin, 'aws'),
      [
        '#!/bin/sh',
        'if [ "$FAKE_AWS_FAIL" = 1 ]; then echo "upload failed" >&2; exit 1; fi',
        'src=""; dst=""',
        'for a in "$@"; do case "$a" in s3|cp|--*) ;; s3://*) dst="$a" ;; *) src="$a" ;; esac; done',
        'key=$(printf %s "$dst" | sed "s#^s3://[^/]*/##")',
        'mkdir -p "$FAKE_S3/$(dirname "$key")" && cp "$src" "$FAKE_S3/$key"',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'aws'), 0o755);
    const state = join(root, 'state');
    const run = (fail = false) =>
      spawnSync(join(DIR, 'journalctl-to-s3.sh'), [], {
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          FAKE_S3: s3,
          FAKE_AWS_FAIL: fail ? '1' : '0',
          FWLAKE_BUCKET: 'my-fwlake-raw-bucket',
          FWLAKE_HOST: HOST,
          FWLAKE_STATE_DIR: state,
          FWLAKE_JOURNALCTL_ARGS: `--directory=${journal}`,
        },
      });
    const objects = () => walk(s3).map((f) => relative(s3, f));

    const messages = sampleMessages();
    addJournal('a', [
      ...messages.map((message, i) => ({ us: TIMES_US[i], transport: 'kernel', message })),
      { us: TIMES_US[2] + 1n, transport: 'kernel', message: 'usb 1-1: new high-speed USB device' },
      { us: TIMES_US[2] + 2n, transport: 'syslog', message: 'not the kernel: IN=eth0 OUT= SRC=192.0.2.1' },
    ]);

    const failed = run(true);
    assert.notEqual(failed.status, 0, 'a failed upload fails the run');
    assert.deepEqual(objects(), []);
    assert.equal(existsSync(join(state, 'cursor')), false, 'and leaves no cursor behind');

    const first = run();
    assert.equal(first.status, 0, first.stderr);
    const [key] = objects();
    assert.equal(objects().length, 1);
    checkKey(key);
    assert.ok(existsSync(join(state, 'cursor')));
    const shipped = gunzipSync(readFileSync(join(s3, key))).toString('utf8');
    assert.equal(
      shipped,
      messages.map((m, i) => `${shortIso(m, TIMES_US[i])}\n`).join(''),
      'only the kernel netfilter lines, as short-iso',
    );
    const out = await ingestObject(key, shipped, 'e2e-ingest');
    checkRecords(
      out,
      TIMES_US.map((us) => lakeTs(`${msIso(us).slice(0, 19)}.000Z`)),
      messages,
    );

    const idle = run();
    assert.equal(idle.status, 0, idle.stderr);
    assert.equal(objects().length, 1, 'nothing new, nothing uploaded');

    // More from the same boot after the last run, then a reboot: both are new.
    const later = [TIMES_US[2] + 60_000_000n, TIMES_US[2] + 120_000_000n];
    addJournal('b', [
      { us: later[0], transport: 'kernel', message: messages[1] },
      { us: later[1], transport: 'kernel', message: messages[2], boot: 1 },
    ]);
    const next = run();
    assert.equal(next.status, 0, next.stderr);
    const added = objects().filter((k) => k !== key);
    assert.equal(added.length, 1);
    assert.equal(
      gunzipSync(readFileSync(join(s3, added[0]))).toString('utf8'),
      `${shortIso(messages[1], later[0])}\n${shortIso(messages[2], later[1])}\n`,
      'only the new lines, the end of the previous boot included',
    );
  });
});

describe('credential helper (fwlake-credentials.sh)', () => {
  const helper = join(DIR, 'fwlake-credentials.sh');

  it('passes bash -n', () => {
    execFileSync('bash', ['-n', helper]);
  });

  const awsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
  it('assumes the role with the session tag fwlake-host=<host> and prints credential_process JSON', {
    skip: !awsCli && 'AWS CLI not installed',
  }, async () => {
    // A local STS stand-in: records the AssumeRole request, answers like STS.
    let request = '';
    const sts = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        request = body;
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
            '<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>' +
            '<SessionToken>token</SessionToken><Expiration>2026-09-17T22:12:03Z</Expiration></Credentials>' +
            '<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:fwlake-fw1</AssumedRoleId>' +
            '<Arn>arn:aws:sts::123456789012:assumed-role/Ship/fwlake-fw1</Arn></AssumedRoleUser>' +
            '</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = sts.address() as AddressInfo;
      const { stdout } = await promisify(execFile)(helper, ['arn:aws:iam::123456789012:role/Ship', HOST], {
        env: {
          PATH: process.env.PATH,
          HOME: join(tmp, 'no-home'),
          AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'example',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
        },
      });
      assert.deepEqual(JSON.parse(stdout), {
        Version: 1,
        AccessKeyId: 'ASIAEXAMPLE',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: '2026-09-17T22:12:03Z',
      });
      const params = new URLSearchParams(request);
      assert.equal(params.get('Action'), 'AssumeRole');
      assert.equal(params.get('Tags.member.1.Key'), 'fwlake-host');
      assert.equal(params.get('Tags.member.1.Value'), HOST);
      assert.match(params.get('RoleSessionName') ?? '', /^[\w+=,.@-]{2,64}$/);
    } finally {
      sts.close();
    }
  });
});
