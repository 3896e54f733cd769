import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JIANGMEN_COUNTIES } from '../../shared/regions.js';
import { aRegistration } from '../support/builders.js';
import { LocalStack } from '../support/local-stack.js';

/**
 * The local stack as a new user runs it: `npm start` (here its script, on free ports and a temporary
 * data folder), then the API over HTTP, then Ctrl-C.
 */
const stack = new LocalStack();

beforeAll(async () => {
  await stack.start();
});

afterAll(async () => {
  await stack.dispose();
});

describe('npm start', () => {
  it('prints where everything is', () => {
    expect(stack.output).toContain(`Admin API        http://localhost:${stack.port}`);
    expect(stack.output).toContain('DynamoDB Local');
  });

  it('serves the synthetic demo register across all seven Jiangmen counties', async () => {
    expect((await fetch(`${stack.base}/healthz`)).status).toBe(200);
    for (const county of Object.keys(JIANGMEN_COUNTIES)) {
      const reply = await stack.get(`/api/elders?county=${county}&limit=200`);
      const body = (await reply.json()) as { items: { category: string }[] };
      expect(body.items.length, county).toBeGreaterThan(20);
    }
  });

  it('answers /api with 401 without a login, and a county administrator sees only their county', async () => {
    expect((await stack.get('/api/elders?county=440703', '')).status).toBe(401);
    const bad = await stack.fetch('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'pengjiang-admin', password: 'wrong' }),
    });
    expect(bad.status).toBe(401);
    // the session cookie of a login works as well as the bearer token
    const login = await fetch(`${stack.base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'pengjiang-admin', password: 'anxin-demo' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = await stack.fetch('/api/me', { headers: { cookie } }, '');
    expect(await me.json()).toMatchObject({
      username: 'pengjiang-admin',
      role: 'countyAdmin',
      county: '440703',
    });
    const own = (await (await stack.fetch('/api/elders?limit=200', { headers: { cookie } }, '')).json()) as {
      items: { region: { county: string } }[];
    };
    expect(own.items.length).toBeGreaterThan(20);
    expect(new Set(own.items.map((e) => e.region.county))).toEqual(new Set(['440703']));
    expect((await stack.fetch('/api/elders?county=440705', { headers: { cookie } }, '')).status).toBe(403);
    // the demo township operator has demo elders of their township, and only those
    const operator = await stack.login('pengjiang-op');
    const theirs = (await (await stack.get('/api/elders?limit=200', operator)).json()) as {
      items: { region: { township: string } }[];
    };
    expect(theirs.items.length).toBeGreaterThan(0);
    expect(new Set(theirs.items.map((e) => e.region.township))).toEqual(new Set(['环市街道']));
  });

  it('answers POST /api/classify by the plan', async () => {
    const reply = await stack.post(
      '/api/classify?on=2025-07-01',
      aRegistration({ age: 85, on: '2025-07-01', living: 'alone', lowIncome: true }),
    );
    expect(await reply.json()).toEqual({ eligible: true, age: 85, category: 'A', rules: ['A2', 'A3'] });
  });

  it('registers an elder and logs nothing that names them', async () => {
    const body = aRegistration({ name: '端到端测试老人', phone: '13800137777' });
    expect((await stack.post('/api/elders', body)).status).toBe(201);
    expect((await stack.post('/api/elders', body)).status).toBe(409);
    expect((await stack.post('/api/elders', { ...body, phone: 'not a phone' })).status).toBe(400);
    expect(stack.output).toContain('"route":"/api/elders"');
    for (const secret of ['端到端测试老人', '13800137777', body.idNumber as string])
      expect(stack.output).not.toContain(secret);
  });

  it('keeps the register across a restart, and Ctrl-C leaves no DynamoDB Local behind', async () => {
    const before = (await (await stack.get(`/api/elders?county=440703&limit=200`)).json()) as {
      items: unknown[];
    };
    expect(await stack.stop()).toBe(0);
    expect(await stack.dynamoAnswers()).toBe(false);
    await stack.start();
    expect(stack.output).not.toContain('loading the synthetic demo register');
    const after = (await (await stack.get(`/api/elders?county=440703&limit=200`)).json()) as {
      items: unknown[];
    };
    expect(after.items.length).toBe(before.items.length);
  });
});
