import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { OidcConfig } from './oidc-config.js';
import { claimsOf, type Principal, principalFromClaims, ROLES, type Role } from './principal.js';

/**
 * Identity without Cognito (issue 12, part 6): in the China profile the API trusts an OpenID Connect
 * issuer (the province's unified identity platform, Keycloak, or any standard provider). Which issuer, which
 * audience and which claims carry the role, county and township are configuration; this module turns a
 * verified token into the same Principal a Cognito token gives (shared/auth/principal.ts).
 *
 * The HTTP API's Lambda authorizer (functions/authorizer/) calls `verifyOidcToken` with the issuer's JWKS
 * (`jose` fetches and caches it) and hands the API the principal's claims in Cognito's names, so the API's
 * `principalOf` reads every profile alike.
 */

export { OidcConfig };

/** A claim by name or dotted path (`realm_access.roles`); a top-level name with dots is tried first. */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  return path.split('.').reduce<unknown>((value, key) => {
    if (value === null || typeof value !== 'object') return undefined;
    return (value as Record<string, unknown>)[key];
  }, claims);
}

const firstText = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
};

/** The Anxin role the role claim names: a single value or a list (Keycloak roles), mapped by `roleValues`. */
function roleOf(value: unknown, config: OidcConfig): Role | undefined {
  const values = Array.isArray(value) ? value : [value];
  const roles = values
    .map(firstText)
    .filter((v): v is string => v !== undefined)
    .map((v) => config.roleValues[v] ?? ((ROLES as readonly string[]).includes(v) ? (v as Role) : undefined))
    .filter((r): r is Role => r !== undefined);
  // several Anxin roles in one token: the narrowest wins, so a mapping error never widens what one sees
  for (const role of ['townshipOperator', 'countyAdmin', 'cityAdmin'] as const)
    if (roles.includes(role)) return role;
  return undefined;
}

/**
 * The principal a verified token's claims describe under this configuration, or undefined (then the API
 * answers 401). The same rules as Cognito's apply: a county of six digits for county and township roles,
 * a township for a township operator.
 *
 * @example principalFromOidcClaims({ sub: 'u1', preferred_username: 'pj', anxin_role: 'countyAdmin', anxin_county: '440703' }, config)
 *   // { sub: 'u1', username: 'pj', role: 'countyAdmin', county: '440703' }
 */
export function principalFromOidcClaims(
  claims: JWTPayload | Record<string, unknown>,
  config: OidcConfig,
): Principal | undefined {
  const all = claims as Record<string, unknown>;
  const role = roleOf(claimAt(all, config.claims.role), config);
  const sub = firstText(all.sub);
  if (!role || !sub) return undefined;
  const county = firstText(claimAt(all, config.claims.county));
  const township = firstText(claimAt(all, config.claims.township));
  return principalFromClaims({
    sub,
    username: firstText(claimAt(all, config.claims.username)) ?? sub,
    'custom:role': role,
    ...(county ? { 'custom:county': county } : {}),
    ...(township ? { 'custom:township': township } : {}),
  });
}

/** The issuer's key set: fetched from `jwksUri` and cached by jose (cold start, then on an unknown key id). */
export function remoteKeys(config: OidcConfig): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(config.jwksUri), { timeoutDuration: 3000, cooldownDuration: 30_000 });
}

/** A fixed key set (tests, or an issuer whose keys are configured rather than fetched). */
export const localKeys = (jwks: Parameters<typeof createLocalJWKSet>[0]): JWTVerifyGetKey =>
  createLocalJWKSet(jwks);

export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

/**
 * Verifies a bearer token (signature by the issuer's keys, `iss`, `aud`, `exp`, `nbf`; RS256/ES256 only)
 * and returns its principal. Throws TokenRejected for any failure: the authorizer answers "not authorized",
 * never a reason an attacker could use.
 */
export async function verifyOidcToken(
  token: string,
  config: OidcConfig,
  keys: JWTVerifyGetKey,
): Promise<{ principal: Principal; expiresAt: number | undefined }> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ['RS256', 'ES256', 'PS256'],
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    throw new TokenRejected('token not verified', { cause: error });
  }
  const principal = principalFromOidcClaims(payload, config);
  if (!principal) throw new TokenRejected('token names no Anxin role');
  return { principal, expiresAt: payload.exp };
}

/** The bearer token of an Authorization header (`Bearer <token>`), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

/** The claims the API reads (Cognito's names), for the authorizer's context. */
export const apiClaimsOf = (principal: Principal) => claimsOf(principal);
