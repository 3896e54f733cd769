import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { LinkConfig } from '../config.js';

/**
 * Signed visit links: `/v/<token>` for one elder and one contact, until an expiry.
 * token = base64url(payload JSON) + '.' + base64url(HMAC-SHA256(secret, first part)). The HMAC is
 * over the encoded first part (as JWTs do), so the bytes signed are the bytes sent.
 */

export const VISIT_LINK_VERSION = 1;
/** How long a link works unless the caller says otherwise. */
export const VISIT_LINK_DAYS = 14;
/** The route prefix of the visit page. */
export const VISIT_LINK_PATH = '/v/';

/**
 * The signing secret of `npm start` and the tests: LOCAL ONLY. It is public (it is in this file), so
 * a deployed stack never uses it: there the secret comes from Secrets Manager (loadLinkSecret).
 */
export const LOCAL_DEV_LINK_SECRET = 'anxin-local-dev-only-visit-link-secret-not-for-aws';

/** Longer than any token we sign (ids up to 64 characters each); longer input is refused unread. */
const MAX_TOKEN_LENGTH = 512;
const ID = /^[A-Za-z0-9-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const payloadSchema = z.strictObject({
  e: z.string().regex(ID),
  c: z.string().regex(ID),
  x: z.number().int().positive(),
  v: z.number().int(),
});

export interface VisitLink {
  elderId: string;
  contactId: string;
  expiresAt: Date;
}

export type VisitLinkRefusal = 'malformed' | 'forged' | 'version' | 'expired';
export type VerifiedVisitLink = { ok: true; link: VisitLink } | { ok: false; reason: VisitLinkRefusal };

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

/**
 * Signs a link token for one elder and one contact.
 * @example signVisitLink(secret, { elderId: 'e1', contactId: 'c1', expiresAt: new Date('2025-07-15T00:00:00Z') })
 */
export function signVisitLink(secret: string, link: VisitLink): string {
  if (!ID.test(link.elderId) || !ID.test(link.contactId))
    throw new Error('visit link: bad elder or contact id');
  const payload = {
    e: link.elderId,
    c: link.contactId,
    x: Math.floor(link.expiresAt.getTime() / 1000),
    v: VISIT_LINK_VERSION,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * Checks a token: its signature (in constant time), then its version and expiry. Never throws; any
 * string that is not a token this secret signed is refused with a reason.
 * @example verifyVisitLink(secret, token, now) // { ok: true, link } or { ok: false, reason: 'expired' }
 */
export function verifyVisitLink(secret: string, token: string, now: Date): VerifiedVisitLink {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [body, signature] = parts as [string, string];
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return { ok: false, reason: 'malformed' };
  // compared as text, so only the one canonical encoding of the signature is accepted
  const given = Buffer.from(signature);
  const expected = Buffer.from(mac(secret, body).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'forged' };
  }
  let payload: z.output<typeof payloadSchema>;
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    payload = parsed.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (payload.v !== VISIT_LINK_VERSION) return { ok: false, reason: 'version' };
  if (now.getTime() >= payload.x * 1000) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    link: { elderId: payload.e, contactId: payload.c, expiresAt: new Date(payload.x * 1000) },
  };
}

/**
 * The full URL of a visit page for one elder and contact, valid for VISIT_LINK_DAYS from `now`.
 * For the digest texts.
 * @example visitLinkFor(secret, 'https://anxin.example.cn', 'e1', 'c1', now) // 'https://anxin.example.cn/v/eyJl…'
 */
export function visitLinkFor(
  secret: string,
  baseUrl: string,
  elderId: string,
  contactId: string,
  now: Date,
  days = VISIT_LINK_DAYS,
): string {
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  return `${baseUrl.replace(/\/+$/, '')}${VISIT_LINK_PATH}${signVisitLink(secret, { elderId, contactId, expiresAt })}`;
}

/** Reads a secret's value by ARN (the AWS adapter is the default; tests pass their own). */
export type SecretFetcher = (arn: string) => Promise<string>;

/** The Secrets Manager adapter, loaded only when a deployed function needs it. */
export const secretsManagerFetcher: SecretFetcher = async (arn) => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error('visit link secret: the secret has no string value');
  return out.SecretString;
};

let cached: Promise<string> | undefined;

/**
 * The link-signing secret, read once per cold start: LINK_SIGNING_SECRET when set (local and dev),
 * else the Secrets Manager secret named by LINK_SIGNING_SECRET_ARN (its whole string value).
 */
export function loadLinkSecret(
  config: LinkConfig,
  fetch: SecretFetcher = secretsManagerFetcher,
): Promise<string> {
  if (config.secret) return Promise.resolve(config.secret);
  const arn = config.secretArn;
  if (!arn)
    return Promise.reject(
      new Error('visit link secret: neither LINK_SIGNING_SECRET nor LINK_SIGNING_SECRET_ARN'),
    );
  cached ??= fetch(arn).then((value) => {
    if (value.length < 32) throw new Error('visit link secret: shorter than 32 characters');
    return value;
  });
  // a failed read is not kept: the next invocation tries again
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
