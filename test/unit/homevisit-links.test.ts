import { createHmac } from 'node:crypto';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLinkConfig } from '../../shared/config.js';
import { ValidationFailed } from '../../shared/errors.js';
import {
  loadLinkSecret,
  signVisitLink,
  VISIT_LINK_DAYS,
  verifyVisitLink,
  visitLinkFor,
} from '../../shared/homevisits/links.js';
import { followUpFor, maskName, parseLinkVisit } from '../../shared/homevisits/record.js';
import type { VisitRecord } from '../../shared/visits/record.js';

const secret = 'unit-test-secret-unit-test-secret-0123456789';
const now = new Date('2025-07-01T02:00:00Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);
const aLink = (overrides: Partial<{ elderId: string; contactId: string; expiresAt: Date }> = {}) => ({
  elderId: 'elder-1',
  contactId: 'contact-1',
  expiresAt: inDays(14),
  ...overrides,
});

/** A token signed the way signVisitLink signs, with any payload: for versions and shapes it never makes. */
function signRaw(payload: unknown, key = secret): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

describe('signVisitLink / verifyVisitLink', () => {
  it('round-trips the elder, the contact and the expiry (to the second)', () => {
    const token = signVisitLink(secret, aLink());
    const verified = verifyVisitLink(secret, token, now);
    expect(verified).toEqual({
      ok: true,
      link: {
        elderId: 'elder-1',
        contactId: 'contact-1',
        expiresAt: new Date(Math.floor(inDays(14).getTime() / 1000) * 1000),
      },
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a link at and after its expiry, and accepts it a second before', () => {
    const expiresAt = new Date('2025-07-15T00:00:00Z');
    const token = signVisitLink(secret, aLink({ expiresAt }));
    expect(verifyVisitLink(secret, token, new Date(expiresAt.getTime() - 1000)).ok).toBe(true);
    expect(verifyVisitLink(secret, token, expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyVisitLink(secret, token, inDays(400))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link signed with another secret (forged)', () => {
    const token = signVisitLink('another-secret-another-secret-another', aLink());
    expect(verifyVisitLink(secret, token, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a tampered payload: another elder with the original signature', () => {
    const [, signature] = signVisitLink(secret, aLink()).split('.');
    const [body] = signVisitLink(secret, aLink({ elderId: 'elder-2' })).split('.');
    expect(verifyVisitLink(secret, `${body}.${signature}`, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a longer expiry written into the payload', () => {
    const [, signature] = signVisitLink(secret, aLink()).split('.');
    const body = Buffer.from(
      JSON.stringify({ e: 'elder-1', c: 'contact-1', x: 4_102_444_800, v: 1 }),
    ).toString('base64url');
    expect(verifyVisitLink(secret, `${body}.${signature}`, now).ok).toBe(false);
  });

  it('refuses a properly signed link of another version', () => {
    const token = signRaw({ e: 'elder-1', c: 'contact-1', x: Math.floor(inDays(1).getTime() / 1000), v: 2 });
    expect(verifyVisitLink(secret, token, now)).toEqual({ ok: false, reason: 'version' });
  });

  it('refuses properly signed payloads of the wrong shape', () => {
    const x = Math.floor(inDays(1).getTime() / 1000);
    for (const payload of [
      { e: 'elder-1', c: 'contact-1', x },
      { e: 'elder-1', c: 'contact-1', x: String(x), v: 1 },
      { e: '', c: 'contact-1', x, v: 1 },
      { e: 'elder/../1', c: 'contact-1', x, v: 1 },
      { e: 'elder-1', c: 'contact-1', x, v: 1, admin: true },
      [1, 2],
      null,
      'text',
    ]) {
      expect(verifyVisitLink(secret, signRaw(payload), now)).toEqual({ ok: false, reason: 'malformed' });
    }
    const notJson = Buffer.from('{not json').toString('base64url');
    const token = `${notJson}.${createHmac('sha256', secret).update(notJson).digest('base64url')}`;
    expect(verifyVisitLink(secret, token, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses malformed strings', () => {
    const good = signVisitLink(secret, aLink());
    for (const token of [
      '',
      '.',
      'abc',
      'a.b.c',
      `${good}.x`,
      `${good}=`,
      `${good} `,
      good.replace('.', ''),
      'x'.repeat(10_000),
    ]) {
      expect(verifyVisitLink(secret, token, now).ok).toBe(false);
    }
  });

  it('property: arbitrary strings never verify and never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String()), (token) => {
        expect(verifyVisitLink(secret, token, now).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any change to a valid token is refused, and nothing throws', () => {
    const good = signVisitLink(secret, aLink());
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (at, c) => {
        const changed = good.slice(0, at) + c + good.slice(at + 1);
        fc.pre(changed !== good);
        expect(verifyVisitLink(secret, changed, now).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every signed link verifies before its expiry for its own pair only', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/);
    fc.assert(
      fc.property(id, id, fc.integer({ min: 1, max: 60 }), (elderId, contactId, days) => {
        const verified = verifyVisitLink(
          secret,
          signVisitLink(secret, aLink({ elderId, contactId, expiresAt: inDays(days) })),
          now,
        );
        expect(
          verified.ok && verified.link.elderId === elderId && verified.link.contactId === contactId,
        ).toBe(true);
      }),
    );
  });

  it('refuses to sign ids that are not ids', () => {
    expect(() => signVisitLink(secret, aLink({ elderId: 'a/b' }))).toThrow();
  });
});

describe('visitLinkFor', () => {
  it('gives the full URL, valid for 14 days by default', () => {
    const url = visitLinkFor(secret, 'https://anxin.example.cn/', 'elder-1', 'contact-1', now);
    expect(url).toMatch(/^https:\/\/anxin\.example\.cn\/v\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const token = url.split('/v/')[1] ?? '';
    expect(verifyVisitLink(secret, token, inDays(VISIT_LINK_DAYS - 0.01)).ok).toBe(true);
    expect(verifyVisitLink(secret, token, inDays(VISIT_LINK_DAYS))).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('loadLinkConfig / loadLinkSecret', () => {
  it('uses LINK_SIGNING_SECRET when set, without calling Secrets Manager', async () => {
    const config = loadLinkConfig({ LINK_SIGNING_SECRET: secret });
    const fetch = async () => {
      throw new Error('must not be called');
    };
    await expect(loadLinkSecret(config, fetch)).resolves.toBe(secret);
  });

  it('reads the secret by ARN once, and again after a failure', async () => {
    const arn = 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:anxin-links';
    const config = loadLinkConfig({ LINK_SIGNING_SECRET_ARN: arn });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('throttled');
    };
    await expect(loadLinkSecret(config, failing)).rejects.toThrow('throttled');
    const fetch = async (a: string) => {
      calls++;
      expect(a).toBe(arn);
      return secret;
    };
    await expect(loadLinkSecret(config, fetch)).resolves.toBe(secret);
    await expect(loadLinkSecret(config, fetch)).resolves.toBe(secret);
    expect(calls).toBe(2);
  });

  it('names the variable when neither is set or the secret is too short', () => {
    expect(() => loadLinkConfig({})).toThrow(/LINK_SIGNING_SECRET/);
    expect(() => loadLinkConfig({ LINK_SIGNING_SECRET: 'short' })).toThrow(/LINK_SIGNING_SECRET/);
  });
});

describe('the visit page domain', () => {
  it('masks the name to the surname', () => {
    expect(maskName('林小红')).toBe('林**');
    expect(maskName('林红')).toBe('林*');
    expect(maskName('欧阳小明')).toBe('欧***');
  });

  it('takes the elder from the link and refuses one in the body', () => {
    const body = { visitedAt: '2025-07-01', mode: 'home', visitors: ['陈主任'], nonce: 'n'.repeat(20) };
    expect(parseLinkVisit(body, 'elder-1').record.elderId).toBe('elder-1');
    expect(() => parseLinkVisit({ ...body, elderId: 'elder-2' }, 'elder-1')).toThrow(ValidationFailed);
    expect(() => parseLinkVisit({ ...body, mode: 'automated' }, 'elder-1')).toThrow(ValidationFailed);
    expect(() => parseLinkVisit({ ...body, nonce: undefined }, 'elder-1')).toThrow(ValidationFailed);
  });

  it('opens a follow-up for a safety risk, the box or a follow-up date, and not otherwise', () => {
    const visit = {
      id: 'v1',
      elderId: 'elder-1',
      safetyRisks: [],
      visitedOn: '2025-07-01',
    } as unknown as VisitRecord;
    expect(followUpFor(visit, false, 'c1', now)).toBeUndefined();
    expect(followUpFor({ ...visit, safetyRisks: ['gas', 'falls'] }, false, 'c1', now)).toMatchObject({
      reason: 'safetyRisk',
      risks: ['gas', 'falls'],
      contactId: 'c1',
      visitId: 'v1',
      status: 'open',
    });
    expect(followUpFor(visit, true, 'c1', now)).toMatchObject({ reason: 'needsFollowUp', risks: [] });
    expect(followUpFor({ ...visit, followUpOn: '2025-07-08' }, false, 'c1', now)).toMatchObject({
      reason: 'needsFollowUp',
      dueOn: '2025-07-08',
    });
  });
});
