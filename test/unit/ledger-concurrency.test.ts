// Several processes appending to one ledger at once (two VS Code windows and the CLI), and a
// writer killed mid-way. This file is also the child writer: run with TALLY_LEDGER_CHILD set,
// it appends entries instead of registering tests.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { scratchDir } from './scratch.js';

const table = bundledPriceTable();
const NOW = Date.parse('2026-11-20T12:00:00Z');

function childEntry(writer: string, seq: number) {
  // Line lengths from ~400 bytes to ~9 KB, well past any pipe/page-size atomicity assumption.
  const padding = 'x'.repeat(((seq * 7919) % 30) * 300);
  return buildLedgerEntry(table, {
    startedAt: NOW - seq,
    workspace: { path: `/work/${writer}`, name: writer },
    source: 'cli',
    conversationId: writer,
    model: resolveModel(table, seq % 2 ? 'haiku' : 'sonnet'),
    defaultModel: resolveModel(table, 'sonnet'),
    routedReasons: [`writer ${writer} entry ${seq}`, padding],
    usage: { input_tokens: 100 + seq, output_tokens: 50 },
    requestId: `${writer}:${seq}`,
    status: 'ok',
    durationMs: seq,
  });
}

function runChild(dir: string, writer: string, count: number): void {
  const ledger = openLedger(dir, { persistIndex: false });
  for (let seq = 0; count === 0 || seq < count; seq++) ledger.append(childEntry(writer, seq));
}

function spawnWriter(dir: string, writer: string, count: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, TALLY_LEDGER_CHILD: JSON.stringify({ dir, writer, count }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });

const childSpec = process.env['TALLY_LEDGER_CHILD'];
if (childSpec) {
  const { dir, writer, count } = JSON.parse(childSpec) as { dir: string; writer: string; count: number };
  runChild(dir, writer, count);
} else {
  test('four processes appending 4,000 entries at once: none lost, none interleaved', async () => {
    const dir = scratchDir('tally-ledger-concurrent-');
    const writers = ['a', 'b', 'c', 'd'];
    const perWriter = 1000;
    const codes = await Promise.all(writers.map((writer) => exited(spawnWriter(dir, writer, perWriter))));
    assert.deepEqual(codes, [0, 0, 0, 0]);

    const text = readFileSync(join(dir, '2026-11.jsonl'), 'utf8');
    assert.ok(text.endsWith('\n'), 'the file ends with a newline');
    // A rare blank line is allowed (an append that saw another's write half copied); readers skip it.
    const lines = text.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, writers.length * perWriter);
    const seen = new Set<string>();
    for (const line of lines) {
      const entry = JSON.parse(line) as { requestId: string; routedReasons: string[] };
      const [writer, seq] = entry.requestId.split(':') as [string, string];
      assert.deepEqual(entry, JSON.parse(JSON.stringify(childEntry(writer, Number(seq)))), 'each line is exactly one whole entry');
      seen.add(entry.requestId);
    }
    assert.equal(seen.size, writers.length * perWriter, 'no entry written twice');

    const summary = openLedger(dir, { now: () => NOW }).summarize('workspace');
    assert.equal(summary.problems.count, 0);
    assert.deepEqual(
      summary.rows.map((row) => [row.label, row.requests]).sort(),
      writers.map((w) => [w, perWriter]),
    );
  });

  test('a writer killed while appending leaves every complete entry readable, and others keep appending', async () => {
    const dir = scratchDir('tally-ledger-killed-');
    const file = join(dir, '2026-11.jsonl');
    const victim = spawnWriter(dir, 'victim', 0);
    const survivor = exited(spawnWriter(dir, 'survivor', 800));
    const victimLines = () => {
      try {
        return readFileSync(file, 'utf8').split('"name":"victim"').length - 1;
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 60_000;
    while (victimLines() < 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    victim.kill('SIGKILL');
    await exited(victim);
    assert.equal(await survivor, 0);
    // What a kill between two halves of a write would leave; one write() per line makes it rare, not impossible (a full disk).
    // Added once the survivor is done, so the test is deterministic: the next append must not glue onto it.
    appendFileSync(file, JSON.stringify(childEntry('victim', 999_999)).slice(0, 200));
    openLedger(dir, { persistIndex: false }).append(childEntry('after', 1));

    const text = readFileSync(file, 'utf8');
    const complete = text.split('\n').filter((line) => line.startsWith('{') && line.endsWith('}'));
    const { entries, problems } = openLedger(dir).query();
    assert.equal(entries.length, complete.length);
    assert.equal(entries.filter((e) => e.workspace.name === 'survivor').length, 800);
    assert.equal(entries.filter((e) => e.workspace.name === 'after').length, 1);
    assert.ok(entries.filter((e) => e.workspace.name === 'victim').length >= 200);
    assert.equal(problems.count, 1, 'only the torn line is skipped');
    assert.match(problems.examples[0]!.reason, /not valid JSON/);
    assert.equal(problems.examples[0]!.file, file);
  });
}
