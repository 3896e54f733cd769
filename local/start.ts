/**
 * `npm start`: the whole system on this machine. DynamoDB Local (data kept in .data/, git-ignored),
 * the register table, a synthetic demo register when empty, the admin API at http://localhost:8787
 * served by the same Lambda handler code, and the daily age-line job. Ctrl-C stops everything.
 */
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { makeApi } from '../functions/api/app.js';
import { makeReclassifyJob } from '../functions/reclassify/job.js';
import { loadConfig } from '../shared/config.js';
import { createDb } from '../shared/store/client.js';
import { ensureTable, freePort, startDynamoLocal } from './dynamo.js';
import { isSeeded, seedDemo } from './seed.js';
import { serveHandler } from './server.js';

const TABLE = 'anxin-local';

async function portOrFree(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => void freePort().then(done));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => done(preferred)));
  });
}

async function main() {
  const port = Number(process.env.PORT ?? 8787);
  const dataDir = resolve(process.env.ANXIN_DATA_DIR ?? '.data/dynamodb');
  const logger = new Logger({
    serviceName: 'anxin-local',
    logLevel: (process.env.ANXIN_LOG_LEVEL ?? 'WARN') as 'WARN',
  });

  process.stdout.write('安心 Anxin: starting DynamoDB Local…\n');
  const dynamo = await startDynamoLocal({
    port: await portOrFree(Number(process.env.ANXIN_DYNAMO_PORT ?? 8000)),
    dataDir,
  });
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\n安心 Anxin: stopping…\n');
    server?.close();
    clearInterval(timer);
    await dynamo.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  let server: Awaited<ReturnType<typeof serveHandler>> | undefined;
  let timer: NodeJS.Timeout | undefined;

  try {
    const config = loadConfig({ ...process.env, TABLE_NAME: TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint });
    await ensureTable(dynamo.endpoint, TABLE);
    const db = createDb({ tableName: TABLE, endpoint: dynamo.endpoint });
    const deps = { db, policy: config.policy, now: () => new Date() };
    if (!(await isSeeded(db))) {
      process.stdout.write('安心 Anxin: loading the synthetic demo register (first start only)…\n');
      const seeded = await seedDemo(deps, new Date());
      process.stdout.write(
        `  ${seeded.elders} elders, ${seeded.contacts} contacts, ${seeded.visits} visit records\n`,
      );
    }
    const reclassify = makeReclassifyJob(deps, logger);
    await reclassify();
    timer = setInterval(
      () => void reclassify().catch((e: Error) => logger.error('reclassify failed', { errorName: e.name })),
      3_600_000,
    );
    server = await serveHandler(makeApi(deps, logger), port);
    process.stdout.write(
      [
        '',
        '安心 Anxin is running (Ctrl-C stops everything):',
        `  Admin API        http://localhost:${port}  (try GET /healthz, GET /api/elders?county=440703)`,
        `  DynamoDB Local   ${dynamo.endpoint}  table ${TABLE}, data in ${dataDir}`,
        `  Import a sheet   npm run import -- file.xlsx --endpoint ${dynamo.endpoint}`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`安心 Anxin 启动失败 / failed to start: ${(error as Error).message}\n`);
    await stop(1);
  }
}

void main();
