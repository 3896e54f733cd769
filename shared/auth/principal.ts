/**
 * Who is acting, and what they may see (issue 5, section 1). Pure: no AWS, no HTTP.
 *
 * On AWS the HTTP API's JWT authorizer validates a Cognito ID token and hands its claims to the Lambda;
 * locally the local stack's login issues a token with the same claims and its server puts them in the
 * same place. Either way `principalFromClaims` turns them into a Principal.
 *
 * Claims: `sub`, `cognito:username` (or `username`), `custom:role`, `custom:county`, `custom:township`.
 */

export const ROLES = ['cityAdmin', 'countyAdmin', 'townshipOperator'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** the user's stable id (Cognito `sub`) */
  sub: string;
  /** the login name, as the audit trail shows it */
  username: string;
  role: Role;
  /** the county a county administrator or township operator belongs to (6-digit code) */
  county?: string;
  /** the township a township operator belongs to */
  township?: string;
}

const COUNTY = /^\d{6}$/;

/** The principal the claims describe, or undefined when they do not describe a valid one. */
export function principalFromClaims(claims: Record<string, unknown> | undefined): Principal | undefined {
  if (!claims) return undefined;
  const text = (key: string) => {
    const v = claims[key];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const sub = text('sub');
  const username = text('cognito:username') ?? text('username') ?? sub;
  const role = text('custom:role');
  if (!sub || !username || !role || !(ROLES as readonly string[]).includes(role)) return undefined;
  const county = text('custom:county');
  const township = text('custom:township');
  if (role === 'cityAdmin') return { sub, username: username.slice(0, 100), role };
  if (!county || !COUNTY.test(county)) return undefined;
  if (role === 'countyAdmin') return { sub, username: username.slice(0, 100), role, county };
  if (!township) return undefined;
  return { sub, username: username.slice(0, 100), role: 'townshipOperator', county, township };
}

/** The claims a principal is issued with (the local login, tests). */
export function claimsOf(p: Principal): Record<string, string> {
  return {
    sub: p.sub,
    'cognito:username': p.username,
    'custom:role': p.role,
    ...(p.county ? { 'custom:county': p.county } : {}),
    ...(p.township ? { 'custom:township': p.township } : {}),
  };
}

export const isAdmin = (p: Principal) => p.role === 'cityAdmin' || p.role === 'countyAdmin';

/** True when the principal may see (read) data of this county at all. */
export function seesCounty(p: Principal, county: string): boolean {
  return p.role === 'cityAdmin' || p.county === county;
}

/** True when the principal may see data of this place (a township operator only their township). */
export function seesPlace(p: Principal, place: { county: string; township?: string | undefined }): boolean {
  if (!seesCounty(p, place.county)) return false;
  return p.role !== 'townshipOperator' || place.township === p.township;
}

/** The counties of `all` the principal sees, in the given order. */
export function visibleCounties(p: Principal, all: readonly string[]): string[] {
  return all.filter((c) => seesCounty(p, c));
}
