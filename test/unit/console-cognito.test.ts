import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, getJson } from '../../console/src/api.js';
import {
  COGNITO_SESSION_MS,
  CognitoSignIn,
  type ConsoleConfig,
  groupSecret,
  login,
  meetsPasswordPolicy,
  otpauthUri,
  SignInError,
  setToken,
  storedToken,
  totpCode,
} from '../../console/src/session.js';

/**
 * The console's sign-in against Cognito's user-pool API, with fetch standing in for Cognito: each
 * call is checked (operation, JSON body) and answered with the JSON Cognito answers for it.
 */
const CONFIG = { auth: 'cognito', region: 'ap-east-1', clientId: 'console-client-id' } as const;
const ENDPOINT = 'https://cognito-idp.ap-east-1.amazonaws.com/';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPABCD';
const ID_TOKEN = 'header.eyJzdWIiOiJzeW50aGV0aWMifQ.signature';
const GOOD_PASSWORD = 'Anxin-Staff-2026!';

interface Call {
  url: string;
  operation: string;
  contentType: string;
  body: Record<string, unknown>;
}
type Reply = { status?: number; json: object };

let calls: Call[];
let script: Reply[];
let storage: Map<string, string>;

/** Cognito's answers in order; a call with none left fails the test. */
function cognitoAnswers(...replies: Reply[]): void {
  script = replies;
}
const ok = (json: object): Reply => ({ json });
const refused = (type: string, message: string): Reply => ({
  status: 400,
  json: { __type: type, message },
});

beforeEach(() => {
  calls = [];
  script = [];
  storage = new Map();
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    if (!url.startsWith('https://cognito-idp.')) {
      // the console's own API: answers with what it was sent, to see the bearer token
      return new Response(JSON.stringify({ authorization: headers.authorization }), { status: 200 });
    }
    calls.push({
      url,
      operation: (headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', ''),
      contentType: headers['content-type'] ?? '',
      body: JSON.parse(String(init.body)) as Record<string, unknown>,
    });
    const reply = script.shift();
    if (!reply) throw new Error(`unexpected Cognito call ${headers['x-amz-target']}`);
    return new Response(JSON.stringify(reply.json), {
      status: reply.status ?? 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
    });
  });
});

afterEach(() => {
  setToken(undefined);
  vi.unstubAllGlobals();
});

/** The problem a rejected step reports, or a failure when it did not reject with one. */
async function problemOf(step: Promise<unknown>): Promise<{ problem: string; restart: boolean }> {
  const error = await step.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SignInError)) throw new Error(`expected a SignInError, got ${String(error)}`);
  return { problem: error.problem, restart: error.restart };
}

describe('first sign-in: temporary password → new password → authenticator app → signed in', () => {
  it('sets the new password, shows the key, verifies the first code and uses the ID token', async () => {
    cognitoAnswers(
      ok({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1', ChallengeParameters: {} }),
      ok({ ChallengeName: 'MFA_SETUP', Session: 's2', ChallengeParameters: {} }),
      ok({ SecretCode: SECRET, Session: 's3' }),
      ok({ Status: 'SUCCESS', Session: 's4' }),
      ok({ AuthenticationResult: { IdToken: ID_TOKEN, AccessToken: 'a', ExpiresIn: 3600 } }),
    );
    const { step, flow } = await login(CONFIG, 'new-staff', 'Temporary-1!');
    expect(step).toEqual({ step: 'newPassword' });
    expect(calls[0]).toEqual({
      url: ENDPOINT,
      operation: 'InitiateAuth',
      contentType: 'application/x-amz-json-1.1',
      body: {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: 'console-client-id',
        AuthParameters: { USERNAME: 'new-staff', PASSWORD: 'Temporary-1!' },
      },
    });
    if (!flow) throw new Error('a Cognito sign-in has a flow');

    // two different passwords, or one the pool refuses, are caught before Cognito is asked
    await expect(problemOf(flow.setNewPassword(GOOD_PASSWORD, `${GOOD_PASSWORD}x`))).resolves.toEqual({
      problem: 'passwordsDiffer',
      restart: false,
    });
    await expect(problemOf(flow.setNewPassword('short-1A!', 'short-1A!'))).resolves.toEqual({
      problem: 'passwordWeak',
      restart: false,
    });
    expect(calls).toHaveLength(1);

    const setup = await flow.setNewPassword(GOOD_PASSWORD, GOOD_PASSWORD);
    expect(calls[1]?.operation).toBe('RespondToAuthChallenge');
    expect(calls[1]?.body).toEqual({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: 'console-client-id',
      Session: 's1',
      ChallengeResponses: { USERNAME: 'new-staff', NEW_PASSWORD: GOOD_PASSWORD },
    });
    expect(calls[2]).toMatchObject({ operation: 'AssociateSoftwareToken', body: { Session: 's2' } });
    expect(setup).toEqual({
      step: 'mfaSetup',
      secret: SECRET,
      grouped: 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP ABCD',
      uri: `otpauth://totp/Anxin:new-staff?secret=${SECRET}&issuer=Anxin`,
    });

    // the code as people type it, with a space in the middle
    await expect(flow.verifySetup('123 456')).resolves.toEqual({ step: 'done' });
    expect(calls[3]).toMatchObject({
      operation: 'VerifySoftwareToken',
      body: { Session: 's3', UserCode: '123456', FriendlyDeviceName: 'Anxin' },
    });
    expect(calls[4]?.operation).toBe('RespondToAuthChallenge');
    expect(calls[4]?.body).toEqual({
      ChallengeName: 'MFA_SETUP',
      ClientId: 'console-client-id',
      Session: 's4',
      ChallengeResponses: { USERNAME: 'new-staff' },
    });
    // the ID token is the console's token: kept for the tab and sent to the API as the bearer
    expect(storedToken()).toBe(ID_TOKEN);
    await expect(getJson('/api/me')).resolves.toEqual({ authorization: `Bearer ${ID_TOKEN}` });
  });

  it('keeps the user on the step when the pool refuses the new password or the first code', async () => {
    cognitoAnswers(
      ok({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1' }),
      refused(
        'InvalidPasswordException',
        'Password does not conform to policy: Password has previously been used',
      ),
      ok({ ChallengeName: 'MFA_SETUP', Session: 's2' }),
      ok({ SecretCode: SECRET, Session: 's3' }),
      refused('EnableSoftwareTokenMFAException', 'Code mismatch'),
      ok({ Status: 'ERROR' }),
      ok({ Status: 'SUCCESS', Session: 's4' }),
      ok({ AuthenticationResult: { IdToken: ID_TOKEN } }),
    );
    const { flow } = await login(CONFIG, 'new-staff', 'Temporary-1!');
    if (!flow) throw new Error('a Cognito sign-in has a flow');
    await expect(problemOf(flow.setNewPassword(GOOD_PASSWORD, GOOD_PASSWORD))).resolves.toEqual({
      problem: 'invalidPassword',
      restart: false,
    });
    await expect(flow.setNewPassword(`${GOOD_PASSWORD}9`, `${GOOD_PASSWORD}9`)).resolves.toMatchObject({
      step: 'mfaSetup',
    });
    await expect(problemOf(flow.verifySetup('12345'))).resolves.toEqual({
      problem: 'codeFormat',
      restart: false,
    });
    await expect(problemOf(flow.verifySetup('111111'))).resolves.toEqual({
      problem: 'setupCodeMismatch',
      restart: false,
    });
    await expect(problemOf(flow.verifySetup('222222'))).resolves.toEqual({
      problem: 'setupCodeMismatch',
      restart: false,
    });
    expect(storedToken()).toBeUndefined();
    await expect(flow.verifySetup('333333')).resolves.toEqual({ step: 'done' });
    expect(calls.filter((c) => c.operation === 'VerifySoftwareToken').map((c) => c.body.Session)).toEqual([
      's3',
      's3',
      's3',
    ]);
    expect(storedToken()).toBe(ID_TOKEN);
  });
});

describe('every later sign-in: password → code from the app → signed in', () => {
  it('answers SOFTWARE_TOKEN_MFA with the code and the name the pool knows the user by', async () => {
    cognitoAnswers(
      ok({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: 'm1',
        ChallengeParameters: { USER_ID_FOR_SRP: 'pengjiang-admin' },
      }),
      ok({ AuthenticationResult: { IdToken: ID_TOKEN } }),
    );
    const { step, flow } = await login(CONFIG, 'PengJiang-Admin', GOOD_PASSWORD);
    expect(step).toEqual({ step: 'mfaCode' });
    await expect(flow?.answerCode(' 654321 ')).resolves.toEqual({ step: 'done' });
    expect(calls[1]?.body).toEqual({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ClientId: 'console-client-id',
      Session: 'm1',
      ChallengeResponses: { USERNAME: 'pengjiang-admin', SOFTWARE_TOKEN_MFA_CODE: '654321' },
    });
    expect(storedToken()).toBe(ID_TOKEN);
  });

  it('says a wrong or used code and lets the user type another in the same session', async () => {
    cognitoAnswers(
      ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'm1' }),
      refused('CodeMismatchException', 'Invalid code received for user'),
      refused('ExpiredCodeException', 'Your software token has already been used once.'),
      ok({ AuthenticationResult: { IdToken: ID_TOKEN } }),
    );
    const { flow } = await login(CONFIG, 'pengjiang-admin', GOOD_PASSWORD);
    if (!flow) throw new Error('a Cognito sign-in has a flow');
    await expect(problemOf(flow.answerCode('000000'))).resolves.toEqual({
      problem: 'codeMismatch',
      restart: false,
    });
    await expect(problemOf(flow.answerCode('111111'))).resolves.toEqual({
      problem: 'codeExpired',
      restart: false,
    });
    expect(storedToken()).toBeUndefined();
    await expect(flow.answerCode('222222')).resolves.toEqual({ step: 'done' });
    expect(calls.slice(1).map((c) => c.body.Session)).toEqual(['m1', 'm1', 'm1']);
  });

  it('picks the authenticator app when Cognito asks which second factor to use', async () => {
    cognitoAnswers(
      ok({ ChallengeName: 'SELECT_MFA_TYPE', Session: 'x1' }),
      ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'x2' }),
    );
    const { step } = await login(CONFIG, 'pengjiang-admin', GOOD_PASSWORD);
    expect(step).toEqual({ step: 'mfaCode' });
    expect(calls[1]?.body).toMatchObject({
      ChallengeName: 'SELECT_MFA_TYPE',
      Session: 'x1',
      ChallengeResponses: { USERNAME: 'pengjiang-admin', ANSWER: 'SOFTWARE_TOKEN_MFA' },
    });
  });
});

describe('an expired Cognito session sends the user back to the password', () => {
  it('when Cognito refuses the session', async () => {
    cognitoAnswers(
      ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'm1' }),
      refused('NotAuthorizedException', 'Invalid session for the user, session is expired.'),
    );
    const { flow } = await login(CONFIG, 'pengjiang-admin', GOOD_PASSWORD);
    if (!flow) throw new Error('a Cognito sign-in has a flow');
    await expect(problemOf(flow.answerCode('123456'))).resolves.toEqual({
      problem: 'sessionExpired',
      restart: true,
    });
    expect(storedToken()).toBeUndefined();
  });

  it('when more than 10 minutes passed since the last step, without asking Cognito', async () => {
    let now = Date.parse('2026-11-29T08:00:00Z');
    cognitoAnswers(
      ok({ ChallengeName: 'MFA_SETUP', Session: 's1' }),
      ok({ SecretCode: SECRET, Session: 's2' }),
    );
    const flow = new CognitoSignIn(CONFIG, 'new-staff', { now: () => now });
    await expect(flow.start(GOOD_PASSWORD)).resolves.toMatchObject({ step: 'mfaSetup' });
    now += COGNITO_SESSION_MS;
    await expect(problemOf(flow.verifySetup('123456'))).resolves.toEqual({
      problem: 'sessionExpired',
      restart: true,
    });
    expect(calls.map((c) => c.operation)).toEqual(['InitiateAuth', 'AssociateSoftwareToken']);
  });

  it('when the code step ends in ExpiredCodeException after the 10 minutes', async () => {
    let now = 0;
    cognitoAnswers(
      ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'm1' }),
      refused('ExpiredCodeException', 'Invalid code or auth state for the user.'),
    );
    const flow = new CognitoSignIn(CONFIG, 'pengjiang-admin', { now: () => now });
    await flow.start(GOOD_PASSWORD);
    const answer = flow.answerCode('123456');
    now = COGNITO_SESSION_MS + 1; // the answer arrives after the session's end
    await expect(problemOf(answer)).resolves.toEqual({ problem: 'sessionExpired', restart: true });
  });
});

describe("Cognito's refusals of the password", () => {
  it.each([
    ['NotAuthorizedException', 'Incorrect username or password.', 'badCredentials'],
    ['UserNotFoundException', 'User does not exist.', 'badCredentials'],
    ['NotAuthorizedException', 'User is disabled.', 'disabled'],
    ['NotAuthorizedException', 'Password attempts exceeded', 'tooManyRequests'],
    ['PasswordResetRequiredException', 'Password reset required for the user', 'resetRequired'],
    ['TooManyRequestsException', 'Rate exceeded', 'tooManyRequests'],
  ])('%s (%s) is %s', async (type, message, problem) => {
    cognitoAnswers(refused(type, message));
    const result = await problemOf(login(CONFIG, 'pengjiang-admin', 'wrong'));
    expect(result.problem).toBe(problem);
    expect(storedToken()).toBeUndefined();
  });

  it('reports an unreachable Cognito as a network error and other failures by status', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(login(CONFIG, 'pengjiang-admin', GOOD_PASSWORD)).rejects.toEqual(new ApiError(0, []));
    vi.stubGlobal('fetch', async () => new Response('{"__type":"InternalErrorException"}', { status: 500 }));
    await expect(login(CONFIG, 'pengjiang-admin', GOOD_PASSWORD)).rejects.toMatchObject({ status: 500 });
  });
});

describe('the China partition', () => {
  it('signs in at cognito-idp.<region>.amazonaws.com.cn', async () => {
    const china: ConsoleConfig = { auth: 'cognito', region: 'cn-northwest-1', clientId: 'cn-client' };
    cognitoAnswers(
      ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'c1' }),
      ok({ AuthenticationResult: { IdToken: ID_TOKEN } }),
    );
    const { flow } = await login(china, 'pengjiang-admin', GOOD_PASSWORD);
    await flow?.answerCode('123456');
    expect(calls.map((c) => c.url)).toEqual([
      'https://cognito-idp.cn-northwest-1.amazonaws.com.cn/',
      'https://cognito-idp.cn-northwest-1.amazonaws.com.cn/',
    ]);
    expect(storedToken()).toBe(ID_TOKEN);
  });
});

describe('what the user types and reads', () => {
  it("checks the pool's password rules: 12 characters, upper, lower, digit and symbol", () => {
    expect(meetsPasswordPolicy(GOOD_PASSWORD)).toBe(true);
    expect(meetsPasswordPolicy('Anxin-2026!')).toBe(false); // 11 characters
    expect(meetsPasswordPolicy('anxin-staff-2026!')).toBe(false);
    expect(meetsPasswordPolicy('ANXIN-STAFF-2026!')).toBe(false);
    expect(meetsPasswordPolicy('Anxin-Staff-Two!')).toBe(false);
    expect(meetsPasswordPolicy('AnxinStaff2026')).toBe(false);
  });

  it('reads a 6-digit code with spaces, and nothing else', () => {
    expect(totpCode('123 456')).toBe('123456');
    expect(totpCode('12345')).toBeUndefined();
    expect(totpCode('12345a')).toBeUndefined();
  });

  it('groups the key in 4s and escapes the user name in the otpauth URI', () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
    expect(otpauthUri('wang li', 'ABCD')).toBe('otpauth://totp/Anxin:wang%20li?secret=ABCD&issuer=Anxin');
  });
});
