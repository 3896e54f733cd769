import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  DEMO_USERS,
  demoLogin,
  LOCAL_DEV_AUTH_SECRET,
  signToken,
  TOKEN_TTL_SECONDS,
  verifyToken,
} from '../../local/auth.js';
import type { Principal } from '../../shared/auth/principal.js';

const SECRET = LOCAL_DEV_AUTH_SECRET;
const now = new Date('2025-07-01T01:00:00Z');
const admin: Principal = {
  sub: 'local-pengjiang-admin',
  username: 'pengjiang-admin',
  role: 'countyAdmin',
  county: '440703',
};

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const json = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
/** A token with any header and payload, signed with `secret` by HMAC-SHA256. */
function forge(header: object, payload: object, secret = SECRET): string {
  const h = b64(JSON.stringify(header));
  const p = b64(JSON.stringify(payload));
  return `${h}.${p}.${b64(createHmac('sha256', secret).update(`${h}.${p}`).digest())}`;
}
const claimsOfToken = (token: string) => json(token.split('.')[1] as string);

describe('local tokens (HS256)', () => {
  it('verifies a token it signed and gives back the principal', () => {
    const token = signToken(admin, SECRET, now);
    expect(json(token.split('.')[0] as string)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(verifyToken(token, SECRET, now)).toEqual(admin);
    expect(claimsOfToken(token)).toMatchObject({
      'cognito:username': 'pengjiang-admin',
      'custom:role': 'countyAdmin',
      'custom:county': '440703',
      exp: Math.floor(now.getTime() / 1000) + 12 * 3600,
    });
  });

  it('refuses a token whose payload was changed (another county, another role)', () => {
    const [header, payload, signature] = signToken(admin, SECRET, now).split('.') as [string, string, string];
    for (const change of [{ 'custom:county': '440705' }, { 'custom:role': 'cityAdmin' }]) {
      const changed = b64(JSON.stringify({ ...json(payload), ...change }));
      expect(verifyToken(`${header}.${changed}.${signature}`, SECRET, now)).toBeUndefined();
    }
  });

  it('refuses a changed signature, a token signed with another secret, and malformed tokens', () => {
    const token = signToken(admin, SECRET, now);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    expect(verifyToken(`${token.slice(0, -2)}${last}${token.at(-1)}`, SECRET, now)).toBeUndefined();
    expect(verifyToken(token, 'another-secret', now)).toBeUndefined();
    expect(verifyToken(signToken(admin, 'another-secret', now), SECRET, now)).toBeUndefined();
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', `${token}.`, token.replace('.', '..'), 'é.é.é'])
      expect(verifyToken(bad, SECRET, now), bad).toBeUndefined();
  });

  it('refuses an expired token, and one issued in the future', () => {
    const token = signToken(admin, SECRET, now);
    const justBefore = new Date(now.getTime() + (TOKEN_TTL_SECONDS - 1) * 1000);
    expect(verifyToken(token, SECRET, justBefore)).toEqual(admin);
    expect(verifyToken(token, SECRET, new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000))).toBeUndefined();
    expect(verifyToken(token, SECRET, new Date(now.getTime() - 5 * 60_000))).toBeUndefined();
  });

  it('refuses another algorithm, even with a valid HMAC over the token', () => {
    const claims = claimsOfToken(signToken(admin, SECRET, now));
    for (const alg of ['HS512', 'RS256', 'hs256', 'HS256 ']) {
      expect(verifyToken(forge({ alg, typ: 'JWT' }, claims), SECRET, now), alg).toBeUndefined();
    }
    expect(verifyToken(forge({ typ: 'JWT' }, claims), SECRET, now)).toBeUndefined();
    // the same construction with the right header is accepted: only the header made the difference
    expect(verifyToken(forge({ alg: 'HS256', typ: 'JWT' }, claims), SECRET, now)).toEqual(admin);
  });

  it('refuses alg "none" (no signature, or any signature)', () => {
    const claims = claimsOfToken(signToken(admin, SECRET, now));
    const unsigned = `${b64(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
    expect(verifyToken(`${unsigned}.`, SECRET, now)).toBeUndefined();
    expect(verifyToken(unsigned, SECRET, now)).toBeUndefined();
    expect(verifyToken(forge({ alg: 'none' }, claims), SECRET, now)).toBeUndefined();
  });

  it('refuses a well-signed token that is not ours or names no valid role', () => {
    const claims = claimsOfToken(signToken(admin, SECRET, now));
    const header = { alg: 'HS256', typ: 'JWT' };
    expect(verifyToken(forge(header, { ...claims, iss: 'someone-else' }), SECRET, now)).toBeUndefined();
    expect(verifyToken(forge(header, { ...claims, 'custom:role': 'root' }), SECRET, now)).toBeUndefined();
    expect(
      verifyToken(forge(header, { ...claims, 'custom:county': undefined }), SECRET, now),
    ).toBeUndefined();
    const { exp: _exp, ...noExpiry } = claims;
    expect(verifyToken(forge(header, noExpiry), SECRET, now)).toBeUndefined();
  });
});

describe('demo users', () => {
  it('log in with the shared demo password only', () => {
    expect(demoLogin('pengjiang-admin', DEMO_PASSWORD)).toEqual(admin);
    expect(demoLogin('pengjiang-admin', 'wrong')).toBeUndefined();
    expect(demoLogin('nobody', DEMO_PASSWORD)).toBeUndefined();
  });

  it('cover every role, two administrators of 蓬江区 and one of another county', () => {
    const roles = new Set(DEMO_USERS.map((u) => u.role));
    expect([...roles].sort()).toEqual(['cityAdmin', 'countyAdmin', 'townshipOperator']);
    expect(DEMO_USERS.filter((u) => u.role === 'countyAdmin' && u.county === '440703')).toHaveLength(2);
    expect(DEMO_USERS.some((u) => u.role === 'countyAdmin' && u.county !== '440703')).toBe(true);
    for (const u of DEMO_USERS) expect(verifyToken(signToken(u, SECRET, now), SECRET, now)).toEqual(u);
  });
});
