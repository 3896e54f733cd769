/**
 * Imports a county spreadsheet into a register table from the command line:
 *   npm run import -- 蓬江区.xlsx [--merge] [--table NAME] [--endpoint URL] [--out report.json]
 * Prints row numbers and messages only: no names, phone numbers or ID numbers reach the terminal.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '../shared/config.js';
import { DomainError } from '../shared/errors.js';
import { importRegister } from '../shared/import/import.js';
import type { ImportReport } from '../shared/import/types.js';
import { createDb } from '../shared/store/client.js';

const USAGE = `用法 / usage: npm run import -- <file.csv|file.xlsx> [--merge] [--table NAME] [--endpoint URL] [--out FILE]`;
const FIRST_ERRORS = 20;

/** The defaults of the local stack (npm start). */
const LOCAL = { table: 'anxin-local', endpoint: 'http://127.0.0.1:8000' };

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        merge: { type: 'boolean', default: false },
        table: { type: 'string' },
        endpoint: { type: 'string' },
        out: { type: 'string' },
        actor: { type: 'string', default: 'import-cli' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) return undefined;
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new UsageError('请给出一个文件 / give exactly one file');
    return { ...values, file };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

function summary(report: ImportReport, reportPath: string): string {
  const lines = [
    `导入完成 / import finished (${report.mode}, ${report.format})`,
    `  数据行 rows ${report.total} · 新增 created ${report.created} · 更新 updated ${report.updated} · ` +
      `未变 unchanged ${report.unchanged} · 失败 failed ${report.failed}`,
    ...report.warnings.map((w) => `  提示 warning: ${w}`),
  ];
  if (report.errors.length > 0) {
    lines.push(`  前 ${Math.min(FIRST_ERRORS, report.errors.length)} 个错误行 / first rows with errors:`);
    for (const { row, errors } of report.errors.slice(0, FIRST_ERRORS)) {
      for (const e of errors)
        lines.push(`    第 ${row} 行 row ${row}${e.column ? ` [${e.column}]` : ''}: ${e.message}`);
    }
  }
  lines.push(`  完整报告 / full report: ${reportPath}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  // the CLI is an entry point like infra/bin: it hands the environment to the config module
  const config = loadConfig({
    ...process.env,
    TABLE_NAME: args.table ?? process.env.TABLE_NAME ?? LOCAL.table,
    DYNAMODB_ENDPOINT: args.endpoint ?? process.env.DYNAMODB_ENDPOINT ?? LOCAL.endpoint,
  });
  const bytes = await readFile(args.file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `无法读取文件 / cannot read the file (${error.code ?? error.message}): ${args.file}`,
    );
  });
  const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: '导入 import [{bar}] {percentage}% | {value}/{total} 行 rows | {eta}s',
    },
    Presets.shades_classic,
  );
  let started = false;
  const importId = randomUUID();
  try {
    const report = await importRegister(
      { db, policy: config.policy },
      { bytes, filename: basename(args.file) },
      {
        mode: args.merge ? 'merge' : 'register',
        importId,
        actor: { actor: args.actor, now: new Date() },
        onProgress: ({ processed, total }) => {
          if (!started) {
            bar.start(total, processed);
            started = true;
          } else bar.update(processed);
        },
      },
    );
    bar.stop();
    const reportPath =
      args.out ?? join(dirname(args.file), `${basename(args.file, extname(args.file))}.import-report.json`);
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    console.log(summary(report, reportPath));
    return 0;
  } finally {
    bar.stop();
    db.doc.destroy();
  }
}

function explain(error: unknown): string {
  if (error instanceof UsageError) return `${error.message}\n${USAGE}`;
  if (error instanceof DomainError) return `导入失败 / import failed: ${error.message}`;
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED' || e?.name === 'ResourceNotFoundException')
    return `无法连接 DynamoDB 或找不到表 / cannot reach DynamoDB or the table is missing: ${e.message}`;
  return `导入失败 / import failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(explain(error));
    process.exitCode = 1;
  },
);
