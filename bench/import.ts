/**
 * Import benchmark: a 10,000-row synthetic county sheet (bench/make-xlsx.ts) imported into a DynamoDB
 * Local of its own (in memory), then imported again. Prints rows/s, peak RSS and heap, and the counts.
 * Run on purpose: `npx tsx bench/import.ts [rows]`. Needs Java 17 for DynamoDB Local.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTable, startDynamoLocal } from '../local/dynamo.js';
import { makePolicyConfig } from '../shared/config.js';
import { importRegister } from '../shared/import/import.js';
import type { ImportReport } from '../shared/import/types.js';
import { createDb } from '../shared/store/client.js';
import { makeRegistrationXlsx, OUT_DIR } from './make-xlsx.js';

const rows = Number(process.argv[2] ?? 10_000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Peak RSS and heap while a piece of work runs, sampled every 50 ms. */
async function measured<T>(work: () => Promise<T>) {
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 50);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, rss, heap };
  } finally {
    clearInterval(timer);
  }
}

function print(label: string, run: { result: ImportReport; seconds: number; rss: number; heap: number }) {
  const r = run.result;
  console.log(
    [
      `${label}:`,
      `  rows        ${r.total}`,
      `  seconds     ${run.seconds.toFixed(2)}`,
      `  rows/s      ${(r.total / run.seconds).toFixed(0)}`,
      `  peak RSS    ${mb(run.rss)}`,
      `  peak heap   ${mb(run.heap)}`,
      `  created ${r.created}  updated ${r.updated}  unchanged ${r.unchanged}  failed ${r.failed}`,
    ].join('\n'),
  );
}

const generated = await measured(() => makeRegistrationXlsx({ rows }));
const bytes = generated.result;
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, `registration-${rows}.xlsx`), bytes);
console.log(`sheet: ${rows} rows, ${mb(bytes.length)} XLSX, generated in ${generated.seconds.toFixed(2)} s`);

const dynamo = await startDynamoLocal();
const stopOnSignal = () => void dynamo.stop().finally(() => process.exit(130));
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);
try {
  const tableName = `anxin-bench-${randomUUID().slice(0, 8)}`;
  await ensureTable(dynamo.endpoint, tableName);
  const deps = { db: createDb({ tableName, endpoint: dynamo.endpoint }), policy: makePolicyConfig() };
  const file = { bytes, filename: `registration-${rows}.xlsx` };
  const actor = { actor: 'bench', now: new Date('2025-07-01T09:00:00+08:00') };

  console.log(`RSS before importing: ${mb(process.memoryUsage().rss)} (sheet generated, SDK loaded)`);
  const first = await measured(() =>
    importRegister(deps, file, { mode: 'register', importId: randomUUID(), actor }),
  );
  print('first import', first);
  const again = await measured(() =>
    importRegister(deps, file, { mode: 'register', importId: randomUUID(), actor }),
  );
  print('re-import', again);
  console.log(
    `re-import created=${again.result.created} (${again.result.created === 0 ? 'ok' : 'UNEXPECTED'})`,
  );
} finally {
  await dynamo.stop();
}
