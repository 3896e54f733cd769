import * as z from 'zod';
import { ROLES } from './principal.js';

/**
 * The OIDC issuer the China profile's API trusts, and where its tokens carry role, county and township
 * (shared/auth/oidc.ts reads tokens with it). Apart from oidc.ts so the config module does not pull jose
 * into every Lambda bundle.
 */

const claimPath = z
  .string()
  .min(1)
  .regex(/^[\w:.\-/]+$/, 'a claim name or a dotted path (realm_access.roles)');

export const OidcConfig = z.object({
  /** the issuer URL exactly as the tokens' `iss` says it */
  issuer: z.url(),
  /** the audience (`aud`) the tokens must carry: the client id registered for Anxin */
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** where the issuer's keys are; `<issuer>/.well-known/jwks.json` is not assumed, since Keycloak uses another path */
  jwksUri: z.url(),
  /** the claims that carry who the user is and what they may see */
  claims: z
    .object({
      username: claimPath.default('preferred_username'),
      role: claimPath.default('anxin_role'),
      county: claimPath.default('anxin_county'),
      township: claimPath.default('anxin_township'),
    })
    .prefault({}),
  /** the issuer's role names for Anxin's roles (e.g. { "mz-city-admin": "cityAdmin" }); Anxin's own names always work */
  roleValues: z.record(z.string(), z.enum(ROLES)).default({}),
  /** clock tolerance for `exp`/`nbf`, seconds */
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
});
export type OidcConfig = z.infer<typeof OidcConfig>;
