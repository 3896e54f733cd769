/**
 * Local login (issue 5, section 1): the local stack's stand-in for Cognito and API Gateway's JWT
 * authorizer. Seeded synthetic demo users log in with `POST /auth/login` and get an HS256 token
 * (signed here with node:crypto, 12 hours); for every /api/* request `withLocalAuthorizer` verifies
 * the token (`Authorization: Bearer …` or the session cookie) and puts its claims at
 * `requestContext.authorizer.jwt.claims`, exactly where the JWT authorizer puts a Cognito ID token's
 * on AWS. Nothing here is used on AWS: the secret and the password are public, local-only values.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { claimsOf, type Principal, principalFromClaims } from '../shared/auth/principal.js';
import { msg } from '../shared/i18n/messages.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The local stack's token-signing secret: public, local only, never used on AWS (Cognito signs there). */
export const LOCAL_DEV_AUTH_SECRET = 'anxin-local-dev-auth-secret-not-for-aws-2c7f0e';
/** The one password of every demo user: synthetic, local only. */
export const DEMO_PASSWORD = 'anxin-demo';
export const SESSION_COOKIE = 'anxin_session';
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
const ISSUER = 'anxin-local';

const user = (username: string, role: Principal['role'], county?: string, township?: string): Principal => ({
  sub: `local-${username}`,
  username,
  role,
  ...(county ? { county } : {}),
  ...(township ? { township } : {}),
});

/** The synthetic demo users of the local stack (README lists them). */
export const DEMO_USERS: readonly Principal[] = [
  user('city-admin', 'cityAdmin'),
  // a second city administrator approves a city campaign over 500 elders another one created (issue 13)
  user('city-admin2', 'cityAdmin'),
  user('pengjiang-admin', 'countyAdmin', '440703'),
  user('pengjiang-admin2', 'countyAdmin', '440703'),
  user('xinhui-admin', 'countyAdmin', '440705'),
  user('pengjiang-op', 'townshipOperator', '440703', '环市街道'),
];

const b64 = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

/** A signed HS256 token for the principal, valid for 12 hours from `now`. */
export function signToken(principal: Principal, secret: string, now: Date): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64(
    JSON.stringify({
      ...claimsOf(principal),
      iss: ISSUER,
      iat,
      exp: iat + TOKEN_TTL_SECONDS,
      token_use: 'id',
    }),
  );
  return `${header}.${payload}.${b64(hmac(secret, `${header}.${payload}`))}`;
}

const headerSchema = z.object({ alg: z.literal('HS256'), typ: z.literal('JWT').optional() });
const payloadSchema = z.looseObject({
  iss: z.literal(ISSUER),
  iat: z.number().int(),
  exp: z.number().int(),
});
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function decode(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The principal a token names, when it is an HS256 token signed with `secret`, issued here, not
 * expired at `now` and not issued in the future; undefined for anything else (another algorithm,
 * `none`, a changed byte, an expired token, claims that name no valid role).
 */
export function verifyToken(token: string, secret: string, now: Date): Principal | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  if (!headerSchema.safeParse(decode(header)).success) return undefined;
  const expected = hmac(secret, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = payloadSchema.safeParse(decode(payload));
  if (!claims.success) return undefined;
  const seconds = Math.floor(now.getTime() / 1000);
  if (claims.data.exp <= seconds || claims.data.iat > seconds + 60) return undefined;
  return principalFromClaims(claims.data);
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The demo user with this name and password (compared in constant time), or undefined. */
export function demoLogin(
  username: string,
  password: string,
  users: readonly Principal[] = DEMO_USERS,
): Principal | undefined {
  const found = users.find((u) => u.username === username);
  const passwordOk = timingSafeEqual(digest(password), digest(DEMO_PASSWORD));
  return found && passwordOk ? found : undefined;
}

const loginBody = z.strictObject({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
});

const reply = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: body === undefined ? '' : JSON.stringify(body),
});

/** The session cookie: HttpOnly, SameSite=Strict, the whole site, as long as the token (empty: cleared). */
function sessionCookie(token: string | undefined): string {
  const age = token ? TOKEN_TTL_SECONDS : 0;
  return `${SESSION_COOKIE}=${token ?? ''}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${age}`;
}

/** The token of a request: the bearer token, else the session cookie. */
export function tokenOf(event: APIGatewayProxyEventV2): string | undefined {
  const authorization = event.headers?.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const cookies = [...(event.cookies ?? []), ...(event.headers?.cookie ?? '').split(';')];
  for (const cookie of cookies) {
    const [name, ...value] = cookie.trim().split('=');
    if (name === SESSION_COOKIE && value.length > 0) return value.join('=') || undefined;
  }
  return undefined;
}

/** Failed logins in a row that lock a local account, and for how long (等保三级: login failure handling). */
export const LOCKOUT = { failures: 5, minutes: 15 } as const;

/**
 * Counts failed logins per username: the fifth in a row locks the account for 15 minutes, during which
 * even the right password is refused; a successful login clears the count. Cognito applies its own
 * protection on AWS (README).
 */
export class LoginLockout {
  private readonly state = new Map<string, { failures: number; lockedUntil?: number }>();

  /** True while the account is locked. */
  locked(username: string, now: Date): boolean {
    const entry = this.state.get(username);
    if (entry?.lockedUntil === undefined) return false;
    if (entry.lockedUntil > now.getTime()) return true;
    this.state.delete(username);
    return false;
  }

  /** Records a login's outcome. */
  record(username: string, ok: boolean, now: Date): void {
    if (ok) {
      this.state.delete(username);
      return;
    }
    const failures = (this.state.get(username)?.failures ?? 0) + 1;
    this.state.set(username, {
      failures,
      ...(failures >= LOCKOUT.failures ? { lockedUntil: now.getTime() + LOCKOUT.minutes * 60_000 } : {}),
    });
  }
}

export interface LocalAuthOptions {
  secret?: string;
  users?: readonly Principal[];
  /** the clock tokens are issued and checked by (real time by default, whatever the demo clock says) */
  now?: () => Date;
}

/**
 * Wraps the local stack's handler with the login routes and the JWT authorizer's part:
 * - `POST /auth/login` {username, password} → {token, principal} and the session cookie (401 when
 *   wrong); `POST /auth/logout` clears the cookie;
 * - every request loses any authorizer context it came with; an /api/* request with a valid token
 *   (bearer or cookie) gets its claims at `requestContext.authorizer.jwt.claims`; without one, none
 *   (the route answers 401).
 */
export function withLocalAuthorizer(handler: Handler, options: LocalAuthOptions = {}): Handler {
  const secret = options.secret ?? LOCAL_DEV_AUTH_SECRET;
  const users = options.users ?? DEMO_USERS;
  const now = options.now ?? (() => new Date());
  const lockout = new LoginLockout();
  return async (event, context) => {
    const path = event.rawPath ?? '';
    const method = event.requestContext?.http?.method ?? 'GET';
    if (path === '/auth/login' || path === '/auth/logout') {
      if (method !== 'POST')
        return reply(405, { errors: [{ path: '', message: msg('request.notFound') }] }, { allow: 'POST' });
      if (path === '/auth/logout') return reply(204, undefined, { 'set-cookie': sessionCookie(undefined) });
      let body: unknown;
      try {
        const raw = event.isBase64Encoded
          ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
          : event.body;
        body = JSON.parse(raw ?? '');
      } catch {
        return reply(400, { errors: [{ path: '', message: msg('request.badJson') }] });
      }
      const form = loginBody.safeParse(body);
      const username = form.success ? form.data.username : '';
      if (form.success && lockout.locked(username, now()))
        return reply(423, { errors: [{ path: '', message: msg('auth.locked') }] });
      const principal = form.success ? demoLogin(form.data.username, form.data.password, users) : undefined;
      if (form.success) lockout.record(username, principal !== undefined, now());
      if (!principal) return reply(401, { errors: [{ path: '', message: msg('auth.badLogin') }] });
      const token = signToken(principal, secret, now());
      const { sub: _sub, ...shown } = principal;
      return reply(200, { token, principal: shown }, { 'set-cookie': sessionCookie(token) });
    }
    // whatever context came with the request is not trusted: only a verified token gives claims
    const requestContext = event.requestContext as APIGatewayProxyEventV2['requestContext'] & {
      authorizer?: unknown;
    };
    delete requestContext.authorizer;
    if (path.startsWith('/api/')) {
      const token = tokenOf(event);
      const principal = token ? verifyToken(token, secret, now()) : undefined;
      if (principal) requestContext.authorizer = { jwt: { claims: claimsOf(principal), scopes: [] } };
    }
    return handler(event, context);
  };
}

/**
 * Serves with the local login and authorizer in front of the handler: `serve` is local/server.ts's
 * serveHandler (local/start.ts: `serveWithLocalAuth(serveHandler, handler, port)`).
 */
export function serveWithLocalAuth<T>(
  serve: (handler: Handler, port: number) => T,
  handler: Handler,
  port: number,
): T {
  return serve(withLocalAuthorizer(handler), port);
}
