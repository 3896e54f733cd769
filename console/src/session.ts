/**
 * Who is logged in: the console's config (/config.json), the login (local stack or Cognito), the
 * token (kept in sessionStorage: gone when the tab closes) and the principal with the counties they see.
 *
 * On AWS the sign-in is Cognito's, step by step (the pool requires an authenticator app for everyone):
 * user name and password → a new password on the first sign-in (the administrator's is temporary) →
 * setting up the authenticator app once → its 6-digit code at every sign-in → the ID token.
 */
import { ApiError, configureApi, getJson } from './api.js';
import { syncClock } from './clock.js';
import { cognitoEndpoint } from './logic.js';

export type ConsoleConfig =
  | { auth: 'local'; apiBase?: string }
  | { auth: 'cognito'; region: string; clientId: string; apiBase?: string };
type CognitoConfig = Extract<ConsoleConfig, { auth: 'cognito' }>;

export type Role = 'cityAdmin' | 'countyAdmin' | 'townshipOperator';

export interface Principal {
  sub?: string;
  username: string;
  role: Role;
  county?: string;
  township?: string;
}

export interface County {
  code: string;
  zh: string;
  en: string;
}

export interface Me {
  principal: Principal;
  counties: County[];
}

const TOKEN_KEY = 'anxin.console.token';

/** What the sign-in asks for next; `done` means the token is in use. */
export type SignInStep =
  | { step: 'done' }
  | { step: 'newPassword' }
  /** the key for the authenticator app: `secret` as Cognito gives it, `grouped` in 4s, `uri` otpauth:// */
  | { step: 'mfaSetup'; secret: string; grouped: string; uri: string }
  | { step: 'mfaCode' };

/**
 * Why a sign-in step failed, for the person at the keyboard. `restart` says the user goes back to the
 * user name and password (the Cognito session is gone); otherwise they can correct this step and retry.
 */
export type SignInProblem =
  | 'badCredentials'
  | 'disabled'
  | 'resetRequired'
  | 'tooManyRequests'
  | 'sessionExpired'
  | 'invalidPassword'
  | 'passwordsDiffer'
  | 'passwordWeak'
  | 'codeFormat'
  | 'codeMismatch'
  | 'codeExpired'
  | 'setupCodeMismatch'
  | 'unsupportedChallenge';

const RESTART: ReadonlySet<SignInProblem> = new Set([
  'badCredentials',
  'disabled',
  'resetRequired',
  'sessionExpired',
  'unsupportedChallenge',
]);

export class SignInError extends Error {
  readonly restart: boolean;
  constructor(readonly problem: SignInProblem) {
    super(problem);
    this.name = 'SignInError';
    this.restart = RESTART.has(problem);
  }
}

/**
 * How long Cognito keeps a sign-in session between two steps: the console's app client sets 10 minutes
 * (infra/lib/access.ts, long enough to install an authenticator app at the first sign-in).
 */
export const COGNITO_SESSION_MS = 10 * 60_000;

/** The pool's password rules (infra/lib/access.ts): 12 characters or more, upper, lower, digit, symbol. */
export function meetsPasswordPolicy(password: string): boolean {
  return (
    password.length >= 12 &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /\d/.test(password) &&
    /[^A-Za-z0-9]/.test(password)
  );
}

/** A code typed from the authenticator app, spaces removed; undefined unless it is 6 digits. */
export function totpCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/** @example groupSecret('JBSWY3DPEHPK3PXP') // 'JBSW Y3DP EHPK 3PXP' */
export function groupSecret(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

/** The key as authenticator apps read it (a QR code carries the same text). */
export function otpauthUri(username: string, secret: string): string {
  return `otpauth://totp/Anxin:${encodeURIComponent(username)}?secret=${encodeURIComponent(secret)}&issuer=Anxin`;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  configureApi({ base: config.apiBase ?? '' });
  return config;
}

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function setToken(token: string | undefined): void {
  configureApi({ token });
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage refused (private mode): the token lives in memory for this page only
  }
}

async function loginLocal(config: ConsoleConfig, username: string, password: string): Promise<string> {
  const response = await fetch(`${config.apiBase ?? ''}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    cache: 'no-store',
  });
  if (response.status === 401 || response.status === 403) throw new SignInError('badCredentials');
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { errors?: ApiError['errors'] };
    throw new ApiError(response.status, body.errors ?? []);
  }
  const { token } = (await response.json()) as { token: string };
  return token;
}

interface CognitoAnswer {
  __type?: string;
  message?: string;
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  SecretCode?: string;
  Status?: string;
  AuthenticationResult?: { IdToken?: string };
}

/** The operation's name from Cognito's `__type` ("…#CodeMismatchException" or "CodeMismatchException"). */
const errorName = (type: string | undefined) => (type ?? '').split('#').pop() ?? '';

/**
 * One sign-in with Cognito's user-pool API over fetch (no SDK in the bundle). `start` sends the user
 * name and password; each later method answers the step the previous one returned. The Cognito
 * session lives 10 minutes between steps (COGNITO_SESSION_MS): after that, or when Cognito refuses it, the error says
 * `restart` and a new `CognitoSignIn` starts from the password.
 */
export class CognitoSignIn {
  private session = '';
  private sessionAt = 0;
  private challengeUser: string;
  private readonly now: () => number;

  constructor(
    private readonly config: CognitoConfig,
    readonly username: string,
    options: { now?: () => number } = {},
  ) {
    this.challengeUser = username;
    this.now = options.now ?? Date.now;
  }

  /** InitiateAuth with USER_PASSWORD_AUTH. */
  async start(password: string): Promise<SignInStep> {
    const answer = await this.call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: this.config.clientId,
      AuthParameters: { USERNAME: this.username, PASSWORD: password },
    });
    return this.next(answer);
  }

  /** NEW_PASSWORD_REQUIRED: the password that replaces the temporary one. */
  async setNewPassword(password: string, again: string): Promise<SignInStep> {
    if (password !== again) throw new SignInError('passwordsDiffer');
    if (!meetsPasswordPolicy(password)) throw new SignInError('passwordWeak');
    return this.respond('NEW_PASSWORD_REQUIRED', { NEW_PASSWORD: password });
  }

  /** MFA_SETUP: the first code of the newly added authenticator app, then the challenge's answer. */
  async verifySetup(typed: string): Promise<SignInStep> {
    const code = totpCode(typed);
    if (!code) throw new SignInError('codeFormat');
    this.checkSession();
    const verified = await this.call('VerifySoftwareToken', {
      Session: this.session,
      UserCode: code,
      FriendlyDeviceName: 'Anxin',
    });
    if (verified.Status !== 'SUCCESS') throw new SignInError('setupCodeMismatch');
    this.keep(verified.Session);
    return this.respond('MFA_SETUP', {});
  }

  /** SOFTWARE_TOKEN_MFA: the code the authenticator app shows now. */
  async answerCode(typed: string): Promise<SignInStep> {
    const code = totpCode(typed);
    if (!code) throw new SignInError('codeFormat');
    return this.respond('SOFTWARE_TOKEN_MFA', { SOFTWARE_TOKEN_MFA_CODE: code });
  }

  private async respond(challenge: string, responses: Record<string, string>): Promise<SignInStep> {
    this.checkSession();
    const answer = await this.call('RespondToAuthChallenge', {
      ChallengeName: challenge,
      ClientId: this.config.clientId,
      Session: this.session,
      ChallengeResponses: { USERNAME: this.challengeUser, ...responses },
    });
    return this.next(answer);
  }

  /** The step after an answer of InitiateAuth or RespondToAuthChallenge. */
  private async next(answer: CognitoAnswer): Promise<SignInStep> {
    const token = answer.AuthenticationResult?.IdToken;
    if (token) {
      this.session = '';
      setToken(token);
      return { step: 'done' };
    }
    this.keep(answer.Session);
    // the user's name in the pool (the sign-in name may differ in case): what the challenges answer with
    const user = answer.ChallengeParameters?.USER_ID_FOR_SRP;
    if (user) this.challengeUser = user;
    switch (answer.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        return { step: 'newPassword' };
      case 'SOFTWARE_TOKEN_MFA':
        return { step: 'mfaCode' };
      case 'SELECT_MFA_TYPE':
        // the pool offers only the authenticator app; choosing it asks for its code
        return this.respond('SELECT_MFA_TYPE', { ANSWER: 'SOFTWARE_TOKEN_MFA' });
      case 'MFA_SETUP': {
        const associated = await this.call('AssociateSoftwareToken', { Session: this.session });
        const secret = associated.SecretCode;
        if (!secret) throw new ApiError(502, []);
        this.keep(associated.Session);
        return {
          step: 'mfaSetup',
          secret,
          grouped: groupSecret(secret),
          uri: otpauthUri(this.username, secret),
        };
      }
      case undefined:
        throw new ApiError(502, []);
      default:
        throw new SignInError('unsupportedChallenge');
    }
  }

  private keep(session: string | undefined): void {
    if (!session) return;
    this.session = session;
    this.sessionAt = this.now();
  }

  /** A session older than Cognito keeps it is not sent: the user would type a code for nothing. */
  private checkSession(): void {
    if (!this.session || this.now() - this.sessionAt >= COGNITO_SESSION_MS)
      throw new SignInError('sessionExpired');
  }

  private async call(operation: string, payload: object): Promise<CognitoAnswer> {
    let response: Response;
    try {
      response = await fetch(cognitoEndpoint(this.config.region), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
        },
        body: JSON.stringify(payload),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, []);
    }
    const body = (await response.json().catch(() => ({}))) as CognitoAnswer;
    if (response.ok) return body;
    throw this.problemOf(operation, response.status, body);
  }

  private problemOf(operation: string, status: number, body: CognitoAnswer): Error {
    const name = errorName(body.__type);
    const text = body.message ?? '';
    const first = operation === 'InitiateAuth';
    switch (name) {
      case 'NotAuthorizedException':
        if (/disabled/i.test(text)) return new SignInError('disabled');
        if (/attempts exceeded/i.test(text)) return new SignInError('tooManyRequests');
        // after the password, a refusal means the session is no longer valid (expired or used up)
        return new SignInError(first ? 'badCredentials' : 'sessionExpired');
      case 'UserNotFoundException':
        return new SignInError(first ? 'badCredentials' : 'sessionExpired');
      case 'PasswordResetRequiredException':
        return new SignInError('resetRequired');
      case 'TooManyRequestsException':
      case 'TooManyFailedAttemptsException':
      case 'LimitExceededException':
        return new SignInError('tooManyRequests');
      case 'InvalidPasswordException':
        return new SignInError('invalidPassword');
      case 'CodeMismatchException':
        return new SignInError(operation === 'VerifySoftwareToken' ? 'setupCodeMismatch' : 'codeMismatch');
      case 'EnableSoftwareTokenMFAException':
        return new SignInError('setupCodeMismatch');
      case 'ExpiredCodeException':
        // the code was used already or is too old; a session past its 10 minutes is reported the same way
        return new SignInError(
          this.now() - this.sessionAt >= COGNITO_SESSION_MS ? 'sessionExpired' : 'codeExpired',
        );
      default:
        return new ApiError(status, []);
    }
  }
}

/**
 * Starts a sign-in with the user name and password. Locally the token comes at once (`done`); on AWS
 * the returned flow answers Cognito's further steps.
 */
export async function login(
  config: ConsoleConfig,
  username: string,
  password: string,
): Promise<{ step: SignInStep; flow?: CognitoSignIn }> {
  if (config.auth === 'cognito') {
    const flow = new CognitoSignIn(config, username);
    return { step: await flow.start(password), flow };
  }
  setToken(await loginLocal(config, username, password));
  return { step: { step: 'done' } };
}

/** Forgets the token; locally also clears the session cookie the login set. */
export function logout(config: ConsoleConfig): void {
  setToken(undefined);
  if (config.auth === 'local')
    void fetch(`${config.apiBase ?? ''}/auth/logout`, { method: 'POST' }).catch(() => undefined);
}
/**
 * GET /api/me: the principal (at the top of the answer) and the counties they see, in code order; its
 * `now` (the server's clock) sets the console's clock offset (clock.ts).
 */
export async function fetchMe(): Promise<Me> {
  const sent = Date.now();
  const { counties, principal, now, ...rest } = await getJson<
    Partial<Principal> & {
      principal?: Principal;
      counties: County[] | Record<string, { zh: string; en: string }>;
      now?: string;
    }
  >('/api/me');
  syncClock(now, sent, Date.now());
  const list = Array.isArray(counties)
    ? counties
    : Object.entries(counties).map(([code, n]) => ({ code, zh: n.zh, en: n.en }));
  return {
    principal: principal ?? (rest as Principal),
    counties: list.sort((a, b) => a.code.localeCompare(b.code)),
  };
}
