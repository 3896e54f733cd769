import type { Principal, Role } from '../../shared/auth/principal.js';
import { principalFromClaims, seesCounty, seesPlace, visibleCounties } from '../../shared/auth/principal.js';
import { ElderNotFound } from '../../shared/errors.js';
import { msg } from '../../shared/i18n/messages.js';
import type { Actor, Elder } from '../../shared/register/elder.js';
import type { Db } from '../../shared/store/client.js';
import { getElder } from '../../shared/store/elders.js';
import { type HttpEvent, HttpFailure } from './http.js';

/**
 * The caller of an /api route. API Gateway's JWT authorizer (AWS) or the local stack's login (locally)
 * put the verified token's claims at `requestContext.authorizer.jwt.claims`; the China profile's OIDC
 * Lambda authorizer puts the same claims at `requestContext.authorizer.lambda`. No claims, or claims that
 * name no valid role, is a 401.
 */
export function principalOf(event: HttpEvent): Principal {
  const context = event.requestContext as HttpEvent['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, unknown> }; lambda?: Record<string, unknown> };
  };
  const principal = principalFromClaims(context.authorizer?.jwt?.claims ?? context.authorizer?.lambda);
  if (!principal) throw new HttpFailure(401, [{ path: '', message: msg('auth.required') }]);
  return principal;
}

/** The principal, when their role is one of `roles`; otherwise a 403 that names nothing else. */
export function requireRole(event: HttpEvent, ...roles: Role[]): Principal {
  const principal = principalOf(event);
  if (!roles.includes(principal.role)) throw forbidden();
  return principal;
}

export const forbidden = () => new HttpFailure(403, [{ path: '', message: msg('auth.forbidden') }]);

/** Who is acting, as the audit trail records it: the role and login name ("countyAdmin:pj-admin"). */
export function actorOfPrincipal(principal: Principal, now: Date): Actor {
  return { actor: `${principal.role}:${principal.username}`.slice(0, 200), now };
}

/**
 * The counties a list or count covers: the one asked for (403 when the caller does not see it), or
 * every county the caller sees.
 */
export function countiesInScope(principal: Principal, all: readonly string[], asked?: string): string[] {
  if (asked !== undefined) {
    if (!seesCounty(principal, asked)) throw forbidden();
    return [asked];
  }
  return visibleCounties(principal, all);
}

/**
 * The township a list or report is limited to: a township operator's own (403 when they ask for
 * another), otherwise the one asked for, if any.
 */
export function townshipInScope(principal: Principal, asked?: string): string | undefined {
  if (principal.role !== 'townshipOperator') return asked;
  if (asked !== undefined && asked !== principal.township) throw forbidden();
  return principal.township;
}

/** An elder the caller sees; another county's or township's answers exactly as a missing one. */
export async function elderInScope(db: Db, principal: Principal, id: string): Promise<Elder> {
  const elder = await getElder(db, id);
  if (!elder || !seesPlace(principal, elder.region)) throw new ElderNotFound(id);
  return elder;
}
