import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsOf, principalFromClaims, ROLES } from '../../shared/auth/principal.js';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

/*
 * Access (issue 5, section 1) on AWS: the staff user pool (stateful stack), the console's app client and the
 * JWT authorizer of the HTTP API (stateless stack), and which route of the API asks for what.
 */

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

let synth: SynthesizedApp;
let stateful: Record<string, Resource>;
let stateless: Record<string, Resource>;
/** `{ 'Fn::ImportValue': … }` of the user pool id, as the stateless stack reads it */
let importedPoolId: Json;

beforeAll(() => {
  synth = synthesizeApp();
  stateful = synth.statefulTemplate.toJSON().Resources as Record<string, Resource>;
  stateless = synth.statelessTemplate.toJSON().Resources as Record<string, Resource>;
  const outputs = synth.statefulTemplate.toJSON().Outputs as Record<
    string,
    { Value: unknown; Export?: { Name: string } }
  >;
  const exported = Object.values(outputs).find(
    (o) => o.Export && JSON.stringify(o.Value) === JSON.stringify({ Ref: 'StaffUserPool' }),
  );
  if (!exported?.Export) throw new Error('the stateful stack does not export the user pool id');
  importedPoolId = { 'Fn::ImportValue': exported.Export.Name };
});
afterAll(() => synth?.cleanup());

const ofType = (resources: Record<string, Resource>, type: string): [string, Resource][] =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
const only = (resources: Record<string, Resource>, type: string): Resource => {
  const found = ofType(resources, type);
  expect(found.map(([id]) => id)).toHaveLength(1);
  return (found[0] as [string, Resource])[1];
};
const statelessId = (element: unknown): string => synth.stateless.getLogicalId(element as CfnElement);

describe('staff user pool', () => {
  let pool: Resource;
  beforeAll(() => {
    pool = only(stateful, 'AWS::Cognito::UserPool');
  });

  it('lives in the stateful stack under its pinned logical id, retained and protected from deletion', () => {
    expect(stateful.StaffUserPool?.Type).toBe('AWS::Cognito::UserPool');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.UpdateReplacePolicy).toBe('Retain');
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(ofType(stateless, 'AWS::Cognito::UserPool')).toEqual([]);
  });

  it('has no self sign-up: only administrators create accounts', () => {
    expect(pool.Properties.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
  });

  it('signs in by user name (case-insensitive), with no e-mail or phone alias and no e-mail recovery', () => {
    expect(pool.Properties.UsernameAttributes).toBeUndefined();
    expect(pool.Properties.AliasAttributes).toBeUndefined();
    expect(pool.Properties.UsernameConfiguration).toEqual({ CaseSensitive: false });
    // no e-mail is stored, so recovery is an administrator's password reset
    expect(pool.Properties.AccountRecoverySetting).toEqual({
      RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }],
    });
  });

  it('requires strong passwords: 12 characters of four kinds, no reuse of the last five', () => {
    expect(pool.Properties.Policies).toEqual({
      PasswordPolicy: {
        MinimumLength: 12,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        TemporaryPasswordValidityDays: 3,
        PasswordHistorySize: 5,
      },
    });
  });

  it('requires MFA for every user, by authenticator app (TOTP) only, never SMS', () => {
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('is on the Plus plan with threat protection enforced', () => {
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('blocks breached passwords and high-risk sign-ins', () => {
    const risk = only(stateful, 'AWS::Cognito::UserPoolRiskConfigurationAttachment');
    expect(risk.Properties).toMatchObject({
      UserPoolId: { Ref: 'StaffUserPool' },
      ClientId: 'ALL',
      CompromisedCredentialsRiskConfiguration: {
        Actions: { EventAction: 'BLOCK' },
        EventFilter: expect.arrayContaining(['SIGN_IN', 'PASSWORD_CHANGE']),
      },
      AccountTakeoverRiskConfiguration: { Actions: { HighAction: { EventAction: 'BLOCK' } } },
    });
  });

  it('has the custom attributes role, county and township, changeable by administrators', () => {
    const schema = pool.Properties.Schema as {
      Name: string;
      AttributeDataType: string;
      Mutable: boolean;
      StringAttributeConstraints: { MinLength: string; MaxLength: string };
    }[];
    expect(schema.map((a) => a.Name).sort()).toEqual(['county', 'role', 'township']);
    for (const attribute of schema) {
      expect(attribute.AttributeDataType, attribute.Name).toBe('String');
      expect(attribute.Mutable, attribute.Name).toBe(true);
    }
    const constraint = (name: string) => schema.find((a) => a.Name === name)?.StringAttributeConstraints;
    // every role name fits the role attribute; a county is a 6-digit code
    const role = constraint('role');
    for (const r of ROLES) {
      expect(r.length, r).toBeGreaterThanOrEqual(Number(role?.MinLength));
      expect(r.length, r).toBeLessThanOrEqual(Number(role?.MaxLength));
    }
    expect(constraint('county')).toEqual({ MinLength: '6', MaxLength: '6' });
  });

  it('outputs the user pool id', () => {
    synth.statefulTemplate.hasOutput('UserPoolId', { Value: { Ref: 'StaffUserPool' } });
  });
});

describe('console app client', () => {
  let client: Resource;
  beforeAll(() => {
    client = only(stateless, 'AWS::Cognito::UserPoolClient');
  });

  it('belongs to the staff user pool and lives in the stateless stack', () => {
    expect(client.Properties.UserPoolId).toEqual(importedPoolId);
    expect(ofType(stateful, 'AWS::Cognito::UserPoolClient')).toEqual([]);
  });

  it('has no secret and signs in with the password or SRP flows only (plus refresh), no OAuth', () => {
    expect(client.Properties.GenerateSecret).toBe(false);
    expect([...(client.Properties.ExplicitAuthFlows as string[])].sort()).toEqual([
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    expect(client.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
  });

  it('issues ID and access tokens for at most 1 hour and refresh tokens for at most 12 hours', () => {
    const units = client.Properties.TokenValidityUnits as Record<string, string>;
    const perUnit: Record<string, number> = { minutes: 1, hours: 60, days: 1440 };
    const minutes = (value: unknown, unit: string | undefined): number =>
      Number(value) * (perUnit[unit ?? 'hours'] ?? Number.NaN);
    expect(minutes(client.Properties.IdTokenValidity, units.IdToken)).toBeLessThanOrEqual(60);
    expect(minutes(client.Properties.AccessTokenValidity, units.AccessToken)).toBeLessThanOrEqual(60);
    expect(minutes(client.Properties.RefreshTokenValidity, units.RefreshToken)).toBeLessThanOrEqual(12 * 60);
  });

  it('does not reveal whether a user name exists, and can revoke tokens', () => {
    expect(client.Properties.PreventUserExistenceErrors).toBe('ENABLED');
    expect(client.Properties.EnableTokenRevocation).toBe(true);
  });

  it('cannot write role, county or township (and its write list is not empty, which would mean "all")', () => {
    const write = client.Properties.WriteAttributes as string[] | undefined;
    expect(write?.length).toBeGreaterThan(0);
    expect(write?.filter((a) => a.startsWith('custom:'))).toEqual([]);
  });

  it('can read every custom claim the API turns into a principal', () => {
    const read = client.Properties.ReadAttributes as string[];
    const operator = claimsOf({
      sub: 's-1',
      username: 'op',
      role: 'townshipOperator',
      county: '440703',
      township: 'Dongcheng',
    });
    const customClaims = Object.keys(operator).filter((k) => k.startsWith('custom:'));
    expect(customClaims.sort()).toEqual(['custom:county', 'custom:role', 'custom:township']);
    expect(read).toEqual(expect.arrayContaining(customClaims));
    // and those claims do make a principal
    expect(principalFromClaims(operator)?.role).toBe('townshipOperator');
  });

  it('outputs the client id', () => {
    synth.statelessTemplate.hasOutput('UserPoolClientId', {
      Value: { Ref: statelessId(synth.stateless.access.client.node.defaultChild) },
    });
  });
});

describe('JWT authorizer of the HTTP API', () => {
  let authorizerId: string;
  let authorizer: Resource;
  beforeAll(() => {
    const found = ofType(stateless, 'AWS::ApiGatewayV2::Authorizer');
    expect(found).toHaveLength(1);
    [authorizerId, authorizer] = found[0] as [string, Resource];
  });

  it('checks Cognito tokens of the staff pool from the Authorization header', () => {
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      ApiId: { Ref: statelessId(synth.stateless.api.node.defaultChild) },
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it("trusts only the pool's issuer: https://cognito-idp.<region>.<suffix>/<pool id>", () => {
    const config = authorizer.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown };
    expect(config.Issuer).toEqual({
      'Fn::Join': [
        '',
        ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', importedPoolId],
      ],
    });
  });

  it('accepts the ID token of the console client only (audience = the client id)', () => {
    const config = authorizer.Properties.JwtConfiguration as { Audience: unknown };
    expect(config.Audience).toEqual([{ Ref: statelessId(synth.stateless.access.client.node.defaultChild) }]);
  });

  describe('routes', () => {
    interface Route {
      method: string;
      path: string;
      pattern: RegExp;
      greedy: boolean;
      literal: number;
      authorization: string;
      authorizerId: unknown;
      fn: string;
    }
    let routes: Route[];
    beforeAll(() => {
      routes = ofType(stateless, 'AWS::ApiGatewayV2::Route').map(([, r]) => {
        const [method, path] = (r.Properties.RouteKey as string).split(' ') as [string, string];
        const target = r.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
        const integration = stateless[target['Fn::Join'][1][1].Ref] as Resource;
        const uri = integration.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
        const source = path
          .split('/')
          .map((part) =>
            /^\{.+\+\}$/.test(part)
              ? '.+'
              : /^\{.+\}$/.test(part)
                ? '[^/]+'
                : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          )
          .join('/');
        return {
          method,
          path,
          pattern: new RegExp(`^${source}$`),
          greedy: path.includes('+}'),
          literal: path.replace(/\{[^}]+\}/g, '').length,
          authorization: r.Properties.AuthorizationType as string,
          authorizerId: r.Properties.AuthorizerId,
          fn: uri['Fn::GetAtt'][0],
        };
      });
    });

    /** The route API Gateway picks for a request: the most specific path, then the exact method over ANY. */
    const routeFor = (method: string, path: string): Route => {
      const candidates = routes
        .filter((r) => (r.method === method || r.method === 'ANY') && r.pattern.test(path))
        .sort(
          (a, b) =>
            Number(a.greedy) - Number(b.greedy) ||
            b.literal - a.literal ||
            Number(a.method === 'ANY') - Number(b.method === 'ANY'),
        );
      const found = candidates[0];
      if (!found) throw new Error(`no route for ${method} ${path}`);
      return found;
    };

    const adminRoutes = [
      'GET /api/me',
      'GET /api/elders',
      'GET /api/elders/e-1/timeline',
      'POST /api/cases/c-1/acknowledge',
      'GET /api/contacts/k-1/audit',
      'GET /api/stats/today',
      'GET /api/campaigns',
      'POST /api/campaigns',
      'POST /api/campaigns/preview',
      'GET /api/campaigns/templates',
      'POST /api/campaigns/cap',
      'GET /api/campaigns/cmp-1',
      'GET /api/campaigns/cmp-1/preview',
      'GET /api/campaigns/cmp-1/progress',
      'POST /api/campaigns/cmp-1/approve',
      'POST /api/campaigns/cmp-1/start',
      'POST /api/campaigns/cmp-1/pause',
      'POST /api/campaigns/cmp-1/resume',
      'POST /api/campaigns/cmp-1/cancel',
    ];

    it.each(adminRoutes)('%s reaches the admin API function through the JWT authorizer', (request) => {
      const [method, path] = request.split(' ') as [string, string];
      const route = routeFor(method, path);
      expect(route.fn).toBe(statelessId(synth.stateless.apiFunction.node.defaultChild));
      expect(route.authorization).toBe('JWT');
      expect(route.authorizerId).toEqual({ Ref: authorizerId });
    });

    it('sends the imports and the monthly report to their own functions, also through the JWT authorizer', () => {
      const expected: Record<string, string> = {
        'POST /api/imports': statelessId(synth.stateless.importsFunction.node.defaultChild),
        'GET /api/imports/imp-1': statelessId(synth.stateless.importsFunction.node.defaultChild),
        'GET /api/reports/2026-10': statelessId(synth.stateless.homeVisits.reportsFunction.node.defaultChild),
      };
      for (const [request, fn] of Object.entries(expected)) {
        const [method, path] = request.split(' ') as [string, string];
        const route = routeFor(method, path);
        expect(route.fn, request).toBe(fn);
        expect(route.authorization, request).toBe('JWT');
        expect(route.authorizerId, request).toEqual({ Ref: authorizerId });
      }
    });

    it('puts every /api route behind the JWT authorizer, whatever its path', () => {
      const api = routes.filter((r) => r.path.startsWith('/api/'));
      expect(api.length).toBeGreaterThanOrEqual(4);
      for (const route of api) {
        expect(route.authorization, `${route.method} ${route.path}`).toBe('JWT');
        expect(route.authorizerId, `${route.method} ${route.path}`).toEqual({ Ref: authorizerId });
      }
    });

    it('leaves the health check, the visit page and the short links open (no authorizer)', () => {
      for (const request of ['GET /healthz', 'GET /v/tok', 'POST /v/tok', 'GET /l/abc']) {
        const [method, path] = request.split(' ') as [string, string];
        const route = routeFor(method, path);
        expect(route.authorization, request).toBe('NONE');
        expect(route.authorizerId, request).toBeUndefined();
      }
    });
  });
});
