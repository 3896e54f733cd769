import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../local/auth.js';
import { freePort } from '../../local/dynamo.js';

/**
 * `npm start` as a new user runs it (its script, on free ports and a temporary data folder), for the
 * end-to-end tests: start, log in as a demo user through POST /auth/login (the city administrator
 * unless told otherwise), talk to the API over HTTP with that token, read everything it printed, Ctrl-C.
 */
export class LocalStack {
  base = '';
  dynamoPort = 0;
  /** everything the stack printed (stdout and stderr) since the last start */
  output = '';
  private child: ChildProcess | undefined;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'anxin-e2e-'));

  /** the bearer token of the demo user logged in at start */
  token = '';

  constructor(
    private readonly env: Record<string, string> = {},
    private readonly username = 'city-admin',
  ) {}

  get port(): string {
    return this.base.split(':').at(-1) ?? '';
  }

  /** Starts the stack (free ports on the first start, the same ones after) and waits until it serves. */
  async start(): Promise<void> {
    if (!this.base) {
      this.base = `http://127.0.0.1:${await freePort()}`;
      this.dynamoPort = await freePort();
    }
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      env: {
        ...process.env,
        PORT: this.port,
        ANXIN_DATA_DIR: this.dataDir,
        ANXIN_DYNAMO_PORT: String(this.dynamoPort),
        ANXIN_LOG_LEVEL: 'DEBUG',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (d: Buffer) => {
      this.output += d.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (this.output.includes('is running')) {
          clearInterval(timer);
          resolve();
        }
        if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`npm start exited: ${this.output}`));
        }
      }, 100);
    });
    this.token = await this.login(this.username);
  }

  /** Logs a demo user in through POST /auth/login and returns their token (tokens survive a restart). */
  async login(username: string, password = DEMO_PASSWORD): Promise<string> {
    const reply = await fetch(`${this.base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (reply.status !== 200) throw new Error(`login as ${username}: ${reply.status}`);
    return ((await reply.json()) as { token: string }).token;
  }

  /** A request to the stack with the logged-in user's token (another's with `token`). */
  fetch(path: string, init: RequestInit = {}, token = this.token): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as object) },
    });
  }

  get(path: string, token = this.token): Promise<Response> {
    return this.fetch(path, {}, token);
  }

  /** Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    });
  }

  /** Stops the stack if still running and removes its data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Whether DynamoDB Local still answers on its port (it must not after Ctrl-C). */
  async dynamoAnswers(): Promise<boolean> {
    try {
      await fetch(`http://127.0.0.1:${this.dynamoPort}/`, { signal: AbortSignal.timeout(1000) });
      return true;
    } catch {
      return false;
    }
  }

  post(path: string, body: unknown, token = this.token): Promise<Response> {
    return this.fetch(
      path,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      },
      token,
    );
  }
}
