import type { Principal, Role } from '../../shared/auth/principal.js';
import { principalFromClaims } from '../../shared/auth/principal.js';
import { msg } from '../../shared/i18n/messages.js';
import type { Actor } from '../../shared/register/elder.js';
import { type HttpEvent, HttpFailure } from './http.js';

/**
 * The caller of an /api route. API Gateway's JWT authorizer (AWS) or the local stack's login (locally)
 * put the verified token's claims at `requestContext.authorizer.jwt.claims`; no claims, or claims that
 * name no valid role, is a 401.
 */
export function principalOf(event: HttpEvent): Principal {
  const context = event.requestContext as HttpEvent['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, unknown> } };
  };
  const principal = principalFromClaims(context.authorizer?.jwt?.claims);
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
