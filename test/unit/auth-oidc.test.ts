import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { principalOf } from '../../functions/api/auth.js';
import type { HttpEvent } from '../../functions/api/http.js';
import { makeAuthorizer } from '../../functions/authorizer/app.js';
import {
  bearerToken,
  localKeys,
  OidcConfig,
  principalFromOidcClaims,
  TokenRejected,
  verifyOidcToken,
} from '../../shared/auth/oidc.js';
import { loadOidcConfig } from '../../shared/config.js';

const ISSUER = 'https://id.gdzwfw.example.cn/realms/jiangmen';
const config = OidcConfig.parse({
  issuer: ISSUER,
  audience: 'anxin-console',
  jwksUri: `${ISSUER}/protocol/openid-connect/certs`,
  claims: { role: 'realm_access.roles', county: 'county_code', township: 'township' },
  roleValues: { 'mz-city': 'cityAdmin', 'mz-county': 'countyAdmin', 'mz-township': 'townshipOperator' },
});

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let privateKey: SigningKey;
let otherKey: SigningKey;
let jwks: { keys: JWK[] };

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

const sign = (
  claims: Record<string, unknown>,
  options: { key?: SigningKey; iss?: string; aud?: string; exp?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? 'anxin-console')
    .setSubject('7d1f0c3e-0001')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '15m')
    .sign(options.key ?? privateKey);

const countyAdmin = {
  preferred_username: 'pj-admin',
  realm_access: { roles: ['offline_access', 'mz-county'] },
  county_code: '440703',
};

describe('OIDC claim mapping', () => {
  it('maps the configured claims to a principal, Keycloak role lists included', () => {
    expect(principalFromOidcClaims({ sub: 'u1', ...countyAdmin }, config)).toEqual({
      sub: 'u1',
      username: 'pj-admin',
      role: 'countyAdmin',
      county: '440703',
    });
    expect(
      principalFromOidcClaims(
        { sub: 'u2', realm_access: { roles: ['mz-township'] }, county_code: '440781', township: '冲蒌镇' },
        config,
      ),
    ).toEqual({ sub: 'u2', username: 'u2', role: 'townshipOperator', county: '440781', township: '冲蒌镇' });
  });

  it('keeps the narrowest role when a token carries several, and refuses what Cognito tokens would', () => {
    expect(
      principalFromOidcClaims(
        { sub: 'u', realm_access: { roles: ['mz-city', 'mz-county'] }, county_code: '440703' },
        config,
      )?.role,
    ).toBe('countyAdmin');
    expect(
      principalFromOidcClaims({ sub: 'u', realm_access: { roles: ['mz-county'] } }, config),
    ).toBeUndefined();
    expect(
      principalFromOidcClaims(
        { sub: 'u', realm_access: { roles: ['mz-county'] }, county_code: '4407' },
        config,
      ),
    ).toBeUndefined();
    expect(principalFromOidcClaims({ sub: 'u', realm_access: { roles: ['admin'] } }, config)).toBeUndefined();
    expect(principalFromOidcClaims({ realm_access: { roles: ['mz-city'] } }, config)).toBeUndefined();
  });

  it('reads the default claim names when the configuration gives none', () => {
    const plain = OidcConfig.parse({ issuer: ISSUER, audience: 'a', jwksUri: `${ISSUER}/jwks` });
    expect(
      principalFromOidcClaims({ sub: 's', preferred_username: 'city', anxin_role: 'cityAdmin' }, plain),
    ).toEqual({
      sub: 's',
      username: 'city',
      role: 'cityAdmin',
    });
  });
});

describe('token verification with the issuer key set', () => {
  it('accepts a token signed by the issuer for Anxin', async () => {
    const { principal } = await verifyOidcToken(await sign(countyAdmin), config, localKeys(jwks));
    expect(principal).toMatchObject({ role: 'countyAdmin', county: '440703', username: 'pj-admin' });
  });

  it('rejects another issuer, another audience, an expired token and a key the issuer never published', async () => {
    const keys = localKeys(jwks);
    for (const token of [
      await sign(countyAdmin, { iss: 'https://evil.example.cn' }),
      await sign(countyAdmin, { aud: 'another-app' }),
      await sign(countyAdmin, { exp: '-5m' }),
      await sign(countyAdmin, { key: otherKey }),
    ]) {
      await expect(verifyOidcToken(token, config, keys)).rejects.toBeInstanceOf(TokenRejected);
    }
  });

  it('rejects an unsigned token and a token naming no Anxin role', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: 'anxin-console', sub: 'x', exp: 9e9, ...countyAdmin }),
    ).toString('base64url');
    await expect(verifyOidcToken(`${header}.${body}.`, config, localKeys(jwks))).rejects.toBeInstanceOf(
      TokenRejected,
    );
    const noRole = await sign({ preferred_username: 'x', realm_access: { roles: ['offline_access'] } });
    await expect(verifyOidcToken(noRole, config, localKeys(jwks))).rejects.toThrow(/no Anxin role/);
  });

  it('reads only a Bearer token from the header', () => {
    expect(bearerToken('Bearer aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
    expect(bearerToken('Basic dXNlcg==')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('the Lambda authorizer and the API', () => {
  it('hands the API the principal in the claims it already reads; denies without saying why', async () => {
    const logs: unknown[] = [];
    const authorize = makeAuthorizer(config, localKeys(jwks), (message, detail) =>
      logs.push({ message, detail }),
    );
    const token = await sign(countyAdmin);
    const allowed = await authorize({ headers: { authorization: `Bearer ${token}` } });
    expect(allowed).toEqual({
      isAuthorized: true,
      context: {
        sub: '7d1f0c3e-0001',
        'cognito:username': 'pj-admin',
        'custom:role': 'countyAdmin',
        'custom:county': '440703',
      },
    });
    const event = {
      requestContext: { authorizer: { lambda: allowed.isAuthorized ? allowed.context : {} } },
    } as unknown as HttpEvent;
    expect(principalOf(event)).toMatchObject({ role: 'countyAdmin', county: '440703' });
    expect(
      await authorize({ headers: { authorization: `Bearer ${await sign(countyAdmin, { aud: 'x' })}` } }),
    ).toEqual({
      isAuthorized: false,
    });
    expect(await authorize({ headers: {} })).toEqual({ isAuthorized: false });
    expect(JSON.stringify(logs)).not.toContain(token.slice(0, 20));
  });

  it('reads its settings from ANXIN_OIDC and names the variable when it is bad', () => {
    expect(
      loadOidcConfig({
        ANXIN_OIDC: JSON.stringify({ issuer: ISSUER, audience: 'a', jwksUri: `${ISSUER}/k` }),
      }).issuer,
    ).toBe(ISSUER);
    expect(() => loadOidcConfig({})).toThrow(/ANXIN_OIDC/);
    expect(() => loadOidcConfig({ ANXIN_OIDC: '{"issuer":"not a url"}' })).toThrow(/ANXIN_OIDC/);
  });
});
