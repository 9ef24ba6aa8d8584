// Replays editing traces (../shared/data/traces format) with Yjs and prints, per trace, the figures Elara's
// text CRDT is compared with in docs/BENCHMARKS.md: local replay, remote merge of the full update into a fresh
// document, load of the encoded state, encoded size, and heap retained by the replayed document.
//
//   cd bench/yjs && npm ci && node --expose-gc replay.mjs [TRACE.json.gz ...] [--runs N] [--json]
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let runs = 5;
let json = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--json') json = true;
  else files.push(args[i]);
}
if (files.length === 0) {
  const dir = join(here, '..', '..', '..', 'shared', 'data', 'traces');
  for (const name of readdirSync(dir).sort()) if (name.endsWith('.json.gz')) files.push(join(dir, name));
}
if (typeof global.gc !== 'function') {
  console.error('yjs bench: run with node --expose-gc');
  process.exit(2);
}

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function replay(trace) {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns) {
    doc.transact(() => {
      for (const [pos, deleted, inserted] of txn.patches) {
        if (deleted > 0) text.delete(pos, deleted);
        if (inserted.length > 0) text.insert(pos, inserted);
      }
    });
  }
  return doc;
}

for (const file of files) {
  const trace = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  const local = [], merge = [], load = [];
  let update, snapshotV2, matched = true, retained = 0;
  for (let run = 0; run < runs; run++) {
    global.gc();
    let start = process.hrtime.bigint();
    let doc = replay(trace);
    local.push(ms(start));
    matched &&= doc.getText('text').toString() === trace.endContent;
    update = Y.encodeStateAsUpdate(doc);
    snapshotV2 = Y.encodeStateAsUpdateV2(doc);
    start = process.hrtime.bigint();
    const remote = new Y.Doc();
    Y.applyUpdate(remote, update);
    merge.push(ms(start));
    matched &&= remote.getText('text').toString() === trace.endContent;
    start = process.hrtime.bigint();
    const loaded = new Y.Doc();
    Y.applyUpdateV2(loaded, snapshotV2);
    load.push(ms(start));
    matched &&= loaded.getText('text').toString() === trace.endContent;
    // Retained heap: with the replayed document alive, and again once it is gone.
    global.gc();
    const withDoc = process.memoryUsage().heapUsed;
    matched &&= doc.getText('text').length === trace.endContent.length;
    doc = null;
    global.gc();
    retained = withDoc - process.memoryUsage().heapUsed;
  }
  const result = {
    trace: basename(file),
    engine: `yjs ${JSON.parse(readFileSync(join(here, 'node_modules', 'yjs', 'package.json'))).version}, node ${process.version}`,
    matched,
    localReplayMs: median(local),
    remoteMergeMs: median(merge),
    snapshotLoadMs: median(load),
    updateBytes: update.length,
    snapshotBytes: snapshotV2.length,
    retainedHeapBytes: retained,
    runs,
  };
  if (json) console.log(JSON.stringify(result));
  else console.log(`${result.trace}: ${matched ? 'matched endContent' : 'DID NOT MATCH endContent'}; local replay ${result.localReplayMs.toFixed(1)} ms, remote merge ${result.remoteMergeMs.toFixed(1)} ms, load ${result.snapshotLoadMs.toFixed(1)} ms (v2 encoding); update ${result.updateBytes} B, v2 state ${result.snapshotBytes} B; retained heap ${(retained / 1048576).toFixed(1)} MiB (${result.engine}; median of ${runs})`);
}
