import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, LOCKOUT, withLocalAuthorizer } from '../../local/auth.js';
import { toEvent } from '../../local/server.js';

describe('local login lockout (5 failures lock an account for 15 minutes)', () => {
  it('locks after the fifth failure, refuses even the right password, and unlocks after 15 minutes', async () => {
    let clock = new Date('2026-12-08T02:00:00Z');
    const handler = withLocalAuthorizer(async () => ({ statusCode: 200, body: '' }), { now: () => clock });
    const login = async (username: string, password: string) => {
      const event = toEvent(
        { method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' } },
        Buffer.from(JSON.stringify({ username, password })),
        'test',
      );
      const reply = await handler(event, {} as Context);
      return { status: reply.statusCode, body: JSON.parse(reply.body ?? '{}') };
    };
    // four failures, then the right password: the count starts again
    for (let i = 0; i < LOCKOUT.failures - 1; i++)
      expect((await login('city-admin', 'wrong')).status).toBe(401);
    expect((await login('city-admin', DEMO_PASSWORD)).status).toBe(200);
    for (let i = 0; i < LOCKOUT.failures; i++) expect((await login('city-admin', 'wrong')).status).toBe(401);
    const locked = await login('city-admin', DEMO_PASSWORD);
    expect(locked.status).toBe(423);
    expect(locked.body.errors[0].message).toMatch(/锁定 15 分钟.*locked for 15 minutes/);
    // another account is not affected
    expect((await login('pengjiang-admin', DEMO_PASSWORD)).status).toBe(200);
    clock = new Date(clock.getTime() + 14 * 60_000);
    expect((await login('city-admin', DEMO_PASSWORD)).status).toBe(423);
    clock = new Date(clock.getTime() + 60_000);
    expect((await login('city-admin', DEMO_PASSWORD)).status).toBe(200);
  });
});
