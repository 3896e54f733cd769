import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamo.js';
import { JIANGMEN_COUNTIES } from '../../shared/regions.js';
import { aRegistration } from '../support/builders.js';

/**
 * The local stack as a new user runs it: `npm start` (here its script, on free ports and a temporary
 * data folder), then the API over HTTP, then Ctrl-C.
 */
let child: ChildProcess;
let output = '';
let base: string;
let dynamoPort: number;
const dataDir = mkdtempSync(join(tmpdir(), 'anxin-e2e-'));

function startStack(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...process.env,
      PORT: base.split(':').at(-1),
      ANXIN_DATA_DIR: dataDir,
      ANXIN_DYNAMO_PORT: String(dynamoPort),
      ANXIN_LOG_LEVEL: 'DEBUG',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('is running')) {
        clearInterval(timer);
        resolve();
      }
      if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited: ${output}`));
      }
    }, 100);
  });
}

function stopStack(): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

async function dynamoAnswers(): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${dynamoPort}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  base = `http://127.0.0.1:${await freePort()}`;
  dynamoPort = await freePort();
  await startStack();
});

afterAll(async () => {
  if (child.exitCode === null) await stopStack();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('npm start', () => {
  it('prints where everything is', () => {
    expect(output).toContain(`Admin API        http://localhost:${base.split(':').at(-1)}`);
    expect(output).toContain('DynamoDB Local');
  });

  it('serves the synthetic demo register across all seven Jiangmen counties', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    for (const county of Object.keys(JIANGMEN_COUNTIES)) {
      const reply = await fetch(`${base}/api/elders?county=${county}&limit=200`);
      const body = (await reply.json()) as { items: { category: string }[] };
      expect(body.items.length, county).toBeGreaterThan(20);
    }
  });

  it('answers POST /api/classify by the plan', async () => {
    const reply = await post(
      '/api/classify?on=2025-07-01',
      aRegistration({ age: 85, on: '2025-07-01', living: 'alone', lowIncome: true }),
    );
    expect(await reply.json()).toEqual({ eligible: true, age: 85, category: 'A', rules: ['A2', 'A3'] });
  });

  it('registers an elder and logs nothing that names them', async () => {
    const body = aRegistration({ name: '端到端测试老人', phone: '13800137777' });
    expect((await post('/api/elders', body)).status).toBe(201);
    expect((await post('/api/elders', body)).status).toBe(409);
    expect((await post('/api/elders', { ...body, phone: 'not a phone' })).status).toBe(400);
    expect(output).toContain('"route":"/api/elders"');
    for (const secret of ['端到端测试老人', '13800137777', body.idNumber as string])
      expect(output).not.toContain(secret);
  });

  it('keeps the register across a restart, and Ctrl-C leaves no DynamoDB Local behind', async () => {
    const before = (await (await fetch(`${base}/api/elders?county=440703&limit=200`)).json()) as {
      items: unknown[];
    };
    expect(await stopStack()).toBe(0);
    expect(await dynamoAnswers()).toBe(false);
    output = '';
    await startStack();
    expect(output).not.toContain('loading the synthetic demo register');
    const after = (await (await fetch(`${base}/api/elders?county=440703&limit=200`)).json()) as {
      items: unknown[];
    };
    expect(after.items.length).toBe(before.items.length);
  });
});
