import { describe, expect, it } from 'vitest';
import { countiesInScope, townshipInScope } from '../../functions/api/auth.js';
import { acknowledgeByStaff } from '../../functions/api/case-routes.js';
import { HttpFailure } from '../../functions/api/http.js';
import { maskNumbers } from '../../functions/api/timeline.js';
import type { Principal } from '../../shared/auth/principal.js';
import { DomainError } from '../../shared/errors.js';
import { openCase } from '../../shared/phone/case.js';
import { DEFAULT_PHONE_POLICY } from '../../shared/phone/config.js';

const ALL = ['440703', '440704', '440705'];
const city: Principal = { sub: 'c', username: 'c', role: 'cityAdmin' };
const county: Principal = { sub: 'a', username: 'a', role: 'countyAdmin', county: '440703' };
const operator: Principal = {
  sub: 'o',
  username: 'o',
  role: 'townshipOperator',
  county: '440703',
  township: '潮连街道',
};

const status = (f: () => unknown) => {
  try {
    f();
    return 200;
  } catch (error) {
    return (error as HttpFailure).status;
  }
};

describe('the counties and township a list covers', () => {
  it('lists every county the caller sees when none is asked for, and refuses one they do not see', () => {
    expect(countiesInScope(city, ALL)).toEqual(ALL);
    expect(countiesInScope(county, ALL)).toEqual(['440703']);
    expect(countiesInScope(operator, ALL)).toEqual(['440703']);
    expect(countiesInScope(city, ALL, '440705')).toEqual(['440705']);
    expect(countiesInScope(county, ALL, '440703')).toEqual(['440703']);
    expect(status(() => countiesInScope(county, ALL, '440705'))).toBe(403);
    expect(status(() => countiesInScope(operator, ALL, '440704'))).toBe(403);
  });

  it('holds a township operator to their township', () => {
    expect(townshipInScope(operator)).toBe('潮连街道');
    expect(townshipInScope(operator, '潮连街道')).toBe('潮连街道');
    expect(status(() => townshipInScope(operator, '棠下镇'))).toBe(403);
    expect(townshipInScope(county)).toBeUndefined();
    expect(townshipInScope(county, '棠下镇')).toBe('棠下镇');
    expect(() => townshipInScope(operator, '棠下镇')).toThrow(HttpFailure);
  });
});

describe('staff acknowledging a case', () => {
  const now = new Date('2025-07-01T02:00:00Z');
  const { case: open } = openCase({
    id: 'case-1',
    code: '1234',
    elderId: 'e1',
    county: '440703',
    township: '潮连街道',
    reason: 'needsHelp',
    ladder: { contact: [{ to: '+8613900000001', role: 'contact', ref: 'c1' }], emergency: [], duty: [] },
    now: new Date('2025-07-01T01:00:00Z'),
    policy: DEFAULT_PHONE_POLICY,
  });

  it('stops the ladder and records who and when, leaving the case it was given unchanged', () => {
    expect(open.next).toBeDefined();
    const acked = acknowledgeByStaff(open, 'countyAdmin:pj', now);
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'countyAdmin:pj',
      acknowledgedAt: now.toISOString(),
    });
    expect(acked.next).toBeUndefined();
    expect(acked.timeline.at(-1)).toEqual({ at: now.toISOString(), event: 'acknowledged', detail: 'staff' });
    expect(open.status).toBe('open');
    expect(open.timeline).toHaveLength(acked.timeline.length - 1);
  });

  it('refuses a case that is not open', () => {
    const acked = acknowledgeByStaff(open, 'countyAdmin:pj', now);
    expect(() => acknowledgeByStaff(acked, 'countyAdmin:pj', now)).toThrow(DomainError);
    expect(() => acknowledgeByStaff({ ...open, status: 'closed' }, 'countyAdmin:pj', now)).toThrow(
      DomainError,
    );
  });
});

describe('numbers in kept texts', () => {
  it('keeps the last four digits of anything that looks like a phone number', () => {
    expect(maskNumbers('打13900000099找我')).toBe('打*******0099找我');
    expect(maskNumbers('call +86 139 0000 0099 please')).toBe('call *********0099 please');
    expect(maskNumbers('回复2')).toBe('回复2');
    expect(maskNumbers('今天8点 2025年')).toBe('今天8点 2025年');
  });
});
