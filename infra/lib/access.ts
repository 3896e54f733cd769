import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnUserPoolRiskConfigurationAttachment,
  ClientAttributes,
  FeaturePlan,
  type IUserPool,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '../../shared/auth/principal.js';

/**
 * The custom attributes of a staff account, as the ID token carries them (`custom:role`, `custom:county`,
 * `custom:township`; shared/auth/principal.ts reads them). Cognito never lets a custom attribute be changed
 * or removed once the pool exists: adding one is possible, editing these is not.
 */
export const STAFF_ATTRIBUTES = {
  /** cityAdmin | countyAdmin | townshipOperator */
  role: { minLen: Math.min(...ROLES.map((r) => r.length)), maxLen: 32 },
  /** the 6-digit county code of a county administrator or township operator */
  county: { minLen: 6, maxLen: 6 },
  /** the township of a township operator */
  township: { minLen: 1, maxLen: 64 },
} as const;

/** Token lifetimes of the console: a stolen token is short-lived; a working day needs one sign-in. */
export const CONSOLE_TOKEN_VALIDITY = {
  idToken: Duration.hours(1),
  accessToken: Duration.hours(1),
  refreshToken: Duration.hours(12),
  /** between two sign-in steps: long enough to install an authenticator app at the first sign-in */
  authSession: Duration.minutes(10),
} as const;

/**
 * The staff directory: the Cognito user pool of the civil-affairs staff who use the console (city and county
 * administrators, township operators). State: it holds the accounts, their passwords and TOTP devices, so it
 * lives in the stateful stack, is retained and protected from deletion.
 *
 * - No self sign-up: a city administrator creates every account with the admin API (`admin-create-user`)
 *   and sets `custom:role`, `custom:county`, `custom:township` there; the app client cannot write them.
 * - Sign-in by username (case-insensitive). No e-mail or phone is stored: staff are identified by a login
 *   name, so there is no self-service recovery (`AccountRecovery.NONE`); an administrator resets a
 *   forgotten password with `admin-set-user-password` (temporary, changed at the next sign-in).
 * - MFA required for everyone, TOTP only (no SMS): every role reads the register of vulnerable elders
 *   (names, phone numbers, ID numbers, addresses), a township operator as much as an administrator, and
 *   Cognito cannot require MFA for one group only.
 * - Plus feature plan with threat protection enforced: compromised passwords are refused and high-risk
 *   sign-ins blocked (see the risk configuration below).
 */
export class StaffDirectory extends Construct {
  public readonly userPool: UserPool;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: 'anxin-staff',
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      customAttributes: {
        role: new StringAttribute({ ...STAFF_ATTRIBUTES.role, mutable: true }),
        county: new StringAttribute({ ...STAFF_ATTRIBUTES.county, mutable: true }),
        township: new StringAttribute({ ...STAFF_ATTRIBUTES.township, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      accountRecovery: AccountRecovery.NONE,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Threat protection: a password found in a known breach is refused at sign-in and at a change; a
    // high-risk sign-in (new device and place, attack patterns) is blocked. No notification e-mails: the
    // pool stores no e-mail addresses.
    new CfnUserPoolRiskConfigurationAttachment(this, 'RiskConfiguration', {
      userPoolId: this.userPool.userPoolId,
      clientId: 'ALL',
      compromisedCredentialsRiskConfiguration: {
        eventFilter: ['SIGN_IN', 'PASSWORD_CHANGE'],
        actions: { eventAction: 'BLOCK' },
      },
      accountTakeoverRiskConfiguration: {
        actions: {
          highAction: { eventAction: 'BLOCK', notify: false },
          mediumAction: { eventAction: 'MFA_REQUIRED', notify: false },
          lowAction: { eventAction: 'NO_ACTION', notify: false },
        },
      },
    });
  }
}

export interface ConsoleAccessProps {
  /** the staff directory's user pool (stateful stack) */
  readonly userPool: IUserPool;
}

/**
 * What the console signs in with and what the HTTP API checks: the console's app client and the JWT
 * authorizer of every /api route. Configuration, not state, so it lives in the stateless stack: replacing
 * the client is an ordinary deploy (its id reaches the console's config.json and the authorizer's audience
 * in the same stack).
 *
 * The authorizer accepts the ID token (audience = the client id): it carries the custom attributes the
 * Lambdas read from `requestContext.authorizer.jwt.claims`; the access token does not.
 */
export class ConsoleAccess extends Construct {
  public readonly client: UserPoolClient;
  public readonly authorizer: HttpJwtAuthorizer;
  /** `https://cognito-idp.<region>.<suffix>/<pool id>`: the `iss` of the pool's tokens */
  public readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: ConsoleAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.client = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.userPool,
      userPoolClientName: 'anxin-console',
      // a browser app: a secret in it would be no secret
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      // the console signs in with the user-pool API directly (no hosted UI, no OAuth redirects)
      disableOAuth: true,
      idTokenValidity: CONSOLE_TOKEN_VALIDITY.idToken,
      accessTokenValidity: CONSOLE_TOKEN_VALIDITY.accessToken,
      refreshTokenValidity: CONSOLE_TOKEN_VALIDITY.refreshToken,
      authSessionValidity: CONSOLE_TOKEN_VALIDITY.authSession,
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      readAttributes: new ClientAttributes()
        .withCustomAttributes('role', 'county', 'township')
        .withStandardAttributes({ locale: true }),
      // An EMPTY write list would mean "everything writable" to Cognito, so the client may write exactly one
      // harmless attribute (the console language); role, county and township only through the admin API.
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true }),
    });

    // region-qualified, and .amazonaws.com.cn in the China partition
    this.issuerUrl = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${props.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('ConsoleJwtAuthorizer', this.issuerUrl, {
      authorizerName: 'anxin-console-jwt',
      jwtAudience: [this.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
  }
}
