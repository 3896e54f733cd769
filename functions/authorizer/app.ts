import type { JWTVerifyGetKey } from 'jose';
import {
  apiClaimsOf,
  bearerToken,
  type OidcConfig,
  TokenRejected,
  verifyOidcToken,
} from '../../shared/auth/oidc.js';

/** The slice of an HTTP API (payload 2.0) Lambda authorizer event it reads. */
export interface AuthorizerEvent {
  headers?: Record<string, string | undefined>;
  identitySource?: string[];
}

export type AuthorizerResult =
  | { isAuthorized: false }
  | { isAuthorized: true; context: Record<string, string> };

/**
 * The China profile's authorizer (simple responses): a valid token from the configured OIDC issuer gives
 * the API its principal's claims in Cognito's names (`requestContext.authorizer.lambda`); anything else is
 * "not authorized" (API Gateway answers 403 before the API runs). Logs say only why, never the token.
 */
export function makeAuthorizer(
  config: OidcConfig,
  keys: JWTVerifyGetKey,
  log: (message: string, detail: Record<string, unknown>) => void,
) {
  return async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0];
    const token = bearerToken(header);
    if (!token) {
      log('authorizer denied', { reason: 'no bearer token' });
      return { isAuthorized: false };
    }
    try {
      const { principal } = await verifyOidcToken(token, config, keys);
      return { isAuthorized: true, context: apiClaimsOf(principal) };
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      log('authorizer denied', { reason: error.message });
      return { isAuthorized: false };
    }
  };
}
