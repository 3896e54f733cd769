import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  LOCAL_DEV_AUTH_SECRET,
  SESSION_COOKIE,
  signToken,
  withLocalAuthorizer,
} from '../../local/auth.js';
import { toEvent } from '../../local/server.js';
import { type Campaign, isCreator } from '../../shared/campaigns/campaign.js';

/** A handler that answers with the claims it was given, as the API would see them. */
const echo = withLocalAuthorizer(async (event) => ({
  statusCode: 200,
  body: JSON.stringify(
    (event.requestContext as { authorizer?: { jwt?: { claims?: unknown } } }).authorizer?.jwt?.claims ?? null,
  ),
}));

function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const event = toEvent(
    { method, url, headers: { 'content-type': 'application/json', ...headers } },
    Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    'test',
  );
  return { event, send: () => echo(event, {} as Context) };
}
const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(method, url, body, headers).send();

async function login(username: string, password = DEMO_PASSWORD) {
  const reply = await call('POST', '/auth/login', { username, password });
  return { reply, body: JSON.parse(reply.body ?? '{}') };
}

describe('local login', () => {
  it('logs a demo user in: a token, the principal, and an HttpOnly SameSite=Strict cookie', async () => {
    const { reply, body } = await login('pengjiang-op');
    expect(reply.statusCode).toBe(200);
    expect(body.principal).toEqual({
      username: 'pengjiang-op',
      role: 'townshipOperator',
      county: '440703',
      township: '环市街道',
    });
    expect(body.token.split('.')).toHaveLength(3);
    const cookie = String(reply.headers?.['set-cookie']);
    expect(cookie).toContain(`${SESSION_COOKIE}=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=43200/);
  });

  it('refuses a wrong password or an unknown user with the same bilingual 401, and bad bodies with 400', async () => {
    const wrong = await login('pengjiang-admin', 'guess');
    const unknown = await login('nobody');
    expect(wrong.reply.statusCode).toBe(401);
    expect(unknown.reply.body).toBe(wrong.reply.body);
    expect(wrong.body.errors[0].message).toMatch(/用户名或密码不正确 \/ Wrong username or password/);
    expect(wrong.reply.headers?.['set-cookie']).toBeUndefined();
    expect((await call('POST', '/auth/login', { username: 'city-admin' })).statusCode).toBe(401);
    const notJson = request('POST', '/auth/login');
    notJson.event.body = '{';
    expect((await notJson.send()).statusCode).toBe(400);
    expect((await call('GET', '/auth/login')).statusCode).toBe(405);
  });

  it('has two city administrators, so one approves a city campaign the other created', async () => {
    const first = (await login('city-admin')).body.principal;
    const second = (await login('city-admin2')).body.principal;
    expect(first).toMatchObject({ role: 'cityAdmin' });
    expect(second).toEqual({ username: 'city-admin2', role: 'cityAdmin' });
    const campaign = { createdBy: 'cityAdmin:city-admin', createdBySub: 'local-city-admin' } as Campaign;
    expect(isCreator(campaign, { actor: 'cityAdmin:city-admin2', sub: 'local-city-admin2' })).toBe(false);
    expect(isCreator(campaign, { actor: 'cityAdmin:city-admin', sub: 'local-city-admin' })).toBe(true);
  });

  it('logs out by clearing the cookie', async () => {
    const reply = await call('POST', '/auth/logout');
    expect(reply.statusCode).toBe(204);
    expect(String(reply.headers?.['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });
});

describe('the local authorizer', () => {
  it('puts the verified claims where the JWT authorizer does, from the bearer token or the cookie', async () => {
    const { body } = await login('xinhui-admin');
    const expected = {
      sub: 'local-xinhui-admin',
      'cognito:username': 'xinhui-admin',
      'custom:role': 'countyAdmin',
      'custom:county': '440705',
    };
    const bearer = await call('GET', '/api/me', undefined, { authorization: `Bearer ${body.token}` });
    expect(JSON.parse(bearer.body ?? '')).toEqual(expected);
    const cookie = await call('GET', '/api/me', undefined, {
      cookie: `other=1; ${SESSION_COOKIE}=${body.token}`,
    });
    expect(JSON.parse(cookie.body ?? '')).toEqual(expected);
  });

  it('gives no claims for a bad, expired or foreign token, or none', async () => {
    const expired = signToken(
      { sub: 's', username: 'city-admin', role: 'cityAdmin' },
      LOCAL_DEV_AUTH_SECRET,
      new Date(Date.now() - 13 * 3600_000),
    );
    const foreign = signToken(
      { sub: 's', username: 'city-admin', role: 'cityAdmin' },
      'not-ours',
      new Date(),
    );
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: `Bearer ${expired}` },
      { authorization: `Bearer ${foreign}` },
      { authorization: 'Bearer abc.def.ghi' },
      { cookie: `${SESSION_COOKIE}=${expired}` },
    ]) {
      expect(
        JSON.parse((await call('GET', '/api/elders', undefined, headers)).body ?? ''),
        JSON.stringify(headers),
      ).toBe(null);
    }
  });

  it('strips any authorizer context a request came with, on every path', async () => {
    for (const url of ['/api/elders', '/healthz']) {
      const forged = request('GET', url);
      (forged.event.requestContext as unknown as { authorizer: unknown }).authorizer = {
        jwt: { claims: { sub: 'x', 'cognito:username': 'x', 'custom:role': 'cityAdmin' } },
      };
      expect(JSON.parse((await forged.send()).body ?? '')).toBe(null);
    }
  });

  it('leaves paths outside /api without claims even with a valid token', async () => {
    const { body } = await login('city-admin');
    const reply = await call('GET', '/v/some-token', undefined, { authorization: `Bearer ${body.token}` });
    expect(JSON.parse(reply.body ?? '')).toBe(null);
  });
});
