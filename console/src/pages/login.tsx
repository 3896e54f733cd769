/**
 * Login: user name and password; local stack or Cognito as /config.json says. On AWS Cognito may ask
 * for more, one step at a time on this page: a new password (first sign-in with the administrator's
 * temporary one), setting up the authenticator app (once), the app's 6-digit code (every sign-in).
 * Each step is its own form: labelled fields, errors in the alert, the focus on the step's first field.
 */
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import { type ReactNode, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { Field } from '../fields.js';
import { type MessageKey, t } from '../i18n.js';
import {
  type CognitoSignIn,
  type ConsoleConfig,
  login,
  SignInError,
  type SignInProblem,
  type SignInStep,
} from '../session.js';
import { AlertBox, errorText, Heading } from '../shell.js';

const PROBLEMS: Record<SignInProblem, MessageKey> = {
  badCredentials: 'auth.bad',
  disabled: 'auth.error.disabled',
  resetRequired: 'auth.error.resetRequired',
  tooManyRequests: 'auth.error.tooManyRequests',
  sessionExpired: 'auth.error.sessionExpired',
  invalidPassword: 'auth.error.invalidPassword',
  passwordsDiffer: 'auth.error.passwordsDiffer',
  passwordWeak: 'auth.error.passwordWeak',
  codeFormat: 'auth.error.codeFormat',
  codeMismatch: 'auth.error.codeMismatch',
  codeExpired: 'auth.error.codeExpired',
  setupCodeMismatch: 'auth.error.setupCodeMismatch',
  unsupportedChallenge: 'auth.error.unsupportedChallenge',
};

const problemText = (error: unknown) =>
  error instanceof SignInError ? t(PROBLEMS[error.problem]) : errorText(error);

/**
 * The Cognito step the user is on, kept outside the page: the user continues where they were after
 * the language changes (the flow checks the session's age before it sends anything).
 */
let current: { flow: CognitoSignIn; step: SignInStep } | undefined;

type Stage =
  | { kind: 'password'; name: string; message?: string }
  | { kind: 'cognito'; flow: CognitoSignIn; step: SignInStep };

/** Focuses the first field that is not read-only of the form in `ref` when `key` changes. */
function useFocusFirst(ref: RefObject<HTMLDivElement | null>, key: unknown, selector: string): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again when the step or its round changes
  useEffect(() => {
    ref.current?.querySelector<HTMLInputElement>(selector)?.focus();
  }, [key]);
}

export function LoginPage({ config, done }: { config: ConsoleConfig; done: () => Promise<void> }) {
  const [stage, setStage] = useState<Stage>(() =>
    current ? { kind: 'cognito', ...current } : { kind: 'password', name: '' },
  );
  const next = async (step: SignInStep, flow: CognitoSignIn | undefined) => {
    if (step.step === 'done' || !flow) {
      current = undefined;
      await done();
      return;
    }
    current = { flow, step };
    setStage({ kind: 'cognito', flow, step });
  };
  const restart = (name: string, message?: string) => {
    current = undefined;
    setStage({ kind: 'password', name, ...(message ? { message } : {}) });
  };
  return (
    <>
      <Heading>{t('auth.title')}</Heading>
      <p className="lead">{t('auth.lead')}</p>
      <div className="login-step">
        {stage.kind === 'password' ? (
          <PasswordStep
            key={`${stage.name}|${stage.message ?? ''}`}
            config={config}
            name={stage.name}
            message={stage.message}
            next={next}
          />
        ) : (
          <CognitoStep
            key={stage.step.step}
            flow={stage.flow}
            step={stage.step}
            next={next}
            restart={restart}
          />
        )}
      </div>
    </>
  );
}

/** Step 0: user name and password; `message` says why the user is back here. */
function PasswordStep({
  config,
  name,
  message,
  next,
}: {
  config: ConsoleConfig;
  name: string;
  message: string | undefined;
  next: (step: SignInStep, flow: CognitoSignIn | undefined) => Promise<void>;
}) {
  const [username, setUsername] = useState(name);
  const [password, setPassword] = useState('');
  const [alert, setAlert] = useState(message);
  const [busy, setBusy] = useState(false);
  const [round, setRound] = useState(0);
  const form = useRef<HTMLDivElement>(null);
  useFocusFirst(form, round, name || round > 0 ? 'input[name=password]' : 'input[name=username]');
  const submit = async () => {
    if (!username.trim() || !password) {
      setAlert(t('auth.missing'));
      form.current
        ?.querySelector<HTMLInputElement>(username.trim() ? 'input[name=password]' : 'input[name=username]')
        ?.focus();
      return;
    }
    setBusy(true);
    try {
      const { step, flow } = await login(config, username.trim(), password);
      await next(step, flow);
    } catch (error) {
      setAlert(problemText(error));
      setPassword('');
      setRound((n) => n + 1);
      setBusy(false);
    }
  };
  return (
    <div ref={form}>
      <Form layout="vertical" className="card narrow" onFinish={submit} noValidate>
        <AlertBox text={alert} />
        <Field label={t('auth.username')} required>
          {(p) => (
            <Input
              {...p}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('auth.password')} required>
          {(p) => (
            <Input
              {...p}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Button type="primary" htmlType="submit" disabled={busy}>
          {busy ? t('auth.submitting') : t('auth.submit')}
        </Button>
      </Form>
    </div>
  );
}

/** A field for a code from the authenticator app: digits, the phone's one-time-code autofill. */
function CodeInput({ value, onChange, ...p }: { value: string; onChange: (v: string) => void; id: string }) {
  return (
    <Input
      {...p}
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** Steps 1–3 of Cognito: a new password, setting up the app, the app's code. */
function CognitoStep({
  flow,
  step,
  next,
  restart,
}: {
  flow: CognitoSignIn;
  step: SignInStep;
  next: (step: SignInStep, flow: CognitoSignIn | undefined) => Promise<void>;
  restart: (name: string, message?: string) => void;
}) {
  const [first, setFirst] = useState('');
  const [again, setAgain] = useState('');
  const [code, setCode] = useState('');
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [round, setRound] = useState(0);
  const form = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusFirst(form, round, 'input:not([readonly])');

  let title: MessageKey;
  let submitKey: MessageKey;
  let lead: ReactNode;
  let fields: ReactNode;
  let answer: () => Promise<SignInStep>;
  let clear: () => void;
  const setup = step.step === 'mfaSetup';
  const codeField = (
    <Field label={t('auth.code.field')} required>
      {(p) => <CodeInput {...p} value={code} onChange={setCode} />}
    </Field>
  );
  if (step.step === 'newPassword') {
    title = 'auth.newPassword.title';
    submitKey = 'auth.newPassword.submit';
    lead = <p>{t('auth.newPassword.lead')}</p>;
    fields = (
      <>
        <Field label={t('auth.newPassword.field')} required hint={t('auth.newPassword.rules')}>
          {(p) => (
            <Input
              {...p}
              name="new-password"
              type="password"
              autoComplete="new-password"
              value={first}
              onChange={(e) => setFirst(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('auth.newPassword.again')} required>
          {(p) => (
            <Input
              {...p}
              name="new-password-again"
              type="password"
              autoComplete="new-password"
              value={again}
              onChange={(e) => setAgain(e.target.value)}
            />
          )}
        </Field>
      </>
    );
    answer = () => flow.setNewPassword(first, again);
    clear = () => {
      setFirst('');
      setAgain('');
    };
  } else if (step.step === 'mfaSetup') {
    title = 'auth.setup.title';
    submitKey = 'auth.setup.submit';
    lead = (
      <>
        <p>{t('auth.setup.lead')}</p>
        <ol className="steps">
          <li>{t('auth.setup.step1')}</li>
          <li>{t('auth.setup.step2')}</li>
          <li>{t('auth.setup.step3')}</li>
        </ol>
        <dl className="facts">
          <dt>{t('auth.setup.account')}</dt>
          <dd>
            <code>{`Anxin:${flow.username}`}</code>
          </dd>
          <dt>{t('auth.setup.secret')}</dt>
          <dd>
            <code className="secret">{step.grouped}</code>
          </dd>
        </dl>
        {/* the whole link in a read-only box: selectable and copyable, wrapped however long it is */}
        <Field label={t('auth.setup.uri')}>
          {(p) => (
            <Input.TextArea {...p} name="otpauth" readOnly rows={3} spellCheck={false} value={step.uri} />
          )}
        </Field>
        <p>
          <a href={step.uri}>{t('auth.setup.open')}</a>
        </p>
        <p className="hint">{t('auth.setup.keep')}</p>
      </>
    );
    fields = codeField;
    answer = () => flow.verifySetup(code);
    clear = () => setCode('');
  } else {
    title = 'auth.code.title';
    submitKey = 'auth.code.submit';
    lead = <p>{t('auth.code.lead')}</p>;
    fields = codeField;
    answer = () => flow.answerCode(code);
    clear = () => setCode('');
  }

  const submit = async () => {
    setBusy(true);
    try {
      await next(await answer(), flow);
    } catch (error) {
      setBusy(false);
      if (error instanceof SignInError && error.restart) {
        const why = problemText(error);
        const setupLost = setup && error.problem === 'sessionExpired';
        restart(flow.username, setupLost ? `${why} ${t('auth.error.sessionExpiredSetup')}` : why);
        return;
      }
      setAlert(problemText(error));
      clear();
      setRound((n) => n + 1);
    }
  };

  return (
    <div ref={form}>
      <Form layout="vertical" className="card narrow" onFinish={submit} noValidate aria-labelledby={titleId}>
        <h2 id={titleId}>{t(title)}</h2>
        {lead}
        <AlertBox text={alert} />
        {fields}
        <div className="actions">
          <Button type="primary" htmlType="submit" disabled={busy}>
            {busy ? t('auth.submitting') : t(submitKey)}
          </Button>{' '}
          <Button htmlType="button" onClick={() => restart(flow.username)}>
            {t('auth.restart')}
          </Button>
        </div>
      </Form>
    </div>
  );
}
