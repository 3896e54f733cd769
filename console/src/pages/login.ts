/**
 * Login: user name and password; local stack or Cognito as /config.json says. On AWS Cognito may ask
 * for more, one step at a time on this page: a new password (first sign-in with the administrator's
 * temporary one), setting up the authenticator app (once), the app's 6-digit code (every sign-in).
 * Each step is its own form: labelled fields, errors in the alert, the focus on the step's first field.
 */
import { type Child, h, replace } from '../dom.js';
import { type MessageKey, t } from '../i18n.js';
import {
  type CognitoSignIn,
  type ConsoleConfig,
  login,
  SignInError,
  type SignInProblem,
  type SignInStep,
} from '../session.js';
import { alertBox, errorText, field, heading, input, showAlert } from '../ui.js';

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

/** A field for a code from the authenticator app: digits, the phone's one-time-code autofill. */
function codeInput(): HTMLInputElement {
  return input({
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9 ]*',
    maxlength: 7,
    spellcheck: false,
  });
}

/**
 * The Cognito step the user is on: the page is drawn again when the language changes, and the user
 * continues where they were (the flow checks the session's age before it sends anything).
 */
let current: { flow: CognitoSignIn; step: SignInStep } | undefined;

export function loginPage(main: HTMLElement, config: ConsoleConfig, done: () => Promise<void>): void {
  const stage = h('div', { class: 'login-step' });
  main.append(heading(t('auth.title')), h('p', { class: 'lead' }, t('auth.lead')), stage);
  if (current) void next(current.step, current.flow);
  else passwordStep();

  /** Step 0: user name and password; `message` says why the user is back here. */
  function passwordStep(name = '', message?: string): void {
    current = undefined;
    const username = input({
      name: 'username',
      autocomplete: 'username',
      autocapitalize: 'none',
      spellcheck: false,
      value: name,
    });
    const password = input({ name: 'password', type: 'password', autocomplete: 'current-password' });
    const box = alertBox();
    const submit = h('button', { type: 'submit', class: 'primary' }, t('auth.submit'));
    const form = h(
      'form',
      { class: 'card narrow', novalidate: true },
      box,
      field('auth.username', username, { required: true }),
      field('auth.password', password, { required: true }),
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!username.value.trim() || !password.value) {
        showAlert(box, t('auth.missing'));
        (username.value.trim() ? password : username).focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = t('auth.submitting');
      try {
        const { step, flow } = await login(config, username.value.trim(), password.value);
        await next(step, flow);
      } catch (error) {
        showAlert(box, problemText(error));
        password.value = '';
        password.focus();
      } finally {
        submit.disabled = false;
        submit.textContent = t('auth.submit');
      }
    });
    replace(stage, form);
    showAlert(box, message);
    (name ? password : username).focus();
  }

  async function next(step: SignInStep, flow: CognitoSignIn | undefined): Promise<void> {
    if (step.step === 'done' || !flow) {
      current = undefined;
      return done();
    }
    current = { flow, step };
    if (step.step === 'newPassword') return newPasswordStep(flow);
    if (step.step === 'mfaSetup') return setupStep(flow, step);
    return codeStep(flow);
  }

  /**
   * A form of one Cognito step: its title, what to do, the fields, and a way back to the password.
   * `answer` returns the next step; a problem that ends the Cognito session goes back to step 0.
   */
  function stepForm(
    flow: CognitoSignIn,
    parts: { title: MessageKey; lead: Child[]; fields: HTMLElement[]; submit: MessageKey; setup?: boolean },
    answer: () => Promise<SignInStep>,
    clear: () => void,
  ): void {
    const titleId = `step-${parts.title.replace(/\./g, '-')}`;
    const box = alertBox();
    const submit = h('button', { type: 'submit', class: 'primary' }, t(parts.submit));
    const restart = h('button', { type: 'button' }, t('auth.restart'));
    restart.addEventListener('click', () => passwordStep(flow.username));
    const form = h(
      'form',
      { class: 'card narrow', novalidate: true, 'aria-labelledby': titleId },
      h('h2', { id: titleId }, t(parts.title)),
      ...parts.lead,
      box,
      ...parts.fields,
      h('div', { class: 'actions' }, submit, ' ', restart),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      submit.disabled = true;
      submit.textContent = t('auth.submitting');
      try {
        await next(await answer(), flow);
      } catch (error) {
        if (error instanceof SignInError && error.restart) {
          const why = problemText(error);
          const setupLost = parts.setup && error.problem === 'sessionExpired';
          passwordStep(flow.username, setupLost ? `${why} ${t('auth.error.sessionExpiredSetup')}` : why);
          return;
        }
        showAlert(box, problemText(error));
        clear();
        form.querySelector<HTMLInputElement>('input:not([readonly])')?.focus();
      } finally {
        submit.disabled = false;
        submit.textContent = t(parts.submit);
      }
    });
    replace(stage, form);
    form.querySelector<HTMLInputElement>('input:not([readonly])')?.focus();
  }

  /** Step 1 (NEW_PASSWORD_REQUIRED): the new password, twice. */
  function newPasswordStep(flow: CognitoSignIn): void {
    const first = input({ name: 'new-password', type: 'password', autocomplete: 'new-password' });
    const again = input({ name: 'new-password-again', type: 'password', autocomplete: 'new-password' });
    stepForm(
      flow,
      {
        title: 'auth.newPassword.title',
        lead: [h('p', {}, t('auth.newPassword.lead'))],
        fields: [
          field('auth.newPassword.field', first, { required: true, hint: t('auth.newPassword.rules') }),
          field('auth.newPassword.again', again, { required: true }),
        ],
        submit: 'auth.newPassword.submit',
      },
      () => flow.setNewPassword(first.value, again.value),
      () => {
        first.value = '';
        again.value = '';
      },
    );
  }

  /** Step 2 (MFA_SETUP): the key for the authenticator app, then its first code. */
  function setupStep(flow: CognitoSignIn, step: Extract<SignInStep, { step: 'mfaSetup' }>): void {
    const code = codeInput();
    const uri = h('textarea', { name: 'otpauth', readonly: true, rows: 3, spellcheck: false });
    uri.value = step.uri;
    stepForm(
      flow,
      {
        title: 'auth.setup.title',
        lead: [
          h('p', {}, t('auth.setup.lead')),
          h(
            'ol',
            { class: 'steps' },
            h('li', {}, t('auth.setup.step1')),
            h('li', {}, t('auth.setup.step2')),
            h('li', {}, t('auth.setup.step3')),
          ),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, t('auth.setup.account')),
            h('dd', {}, h('code', {}, `Anxin:${flow.username}`)),
            h('dt', {}, t('auth.setup.secret')),
            h('dd', {}, h('code', { class: 'secret' }, step.grouped)),
          ),
          // the whole link in a read-only box: selectable and copyable, wrapped however long it is
          field('auth.setup.uri', uri),
          h('p', {}, h('a', { href: step.uri }, t('auth.setup.open'))),
          h('p', { class: 'hint' }, t('auth.setup.keep')),
        ],
        fields: [field('auth.code.field', code, { required: true })],
        submit: 'auth.setup.submit',
        setup: true,
      },
      () => flow.verifySetup(code.value),
      () => {
        code.value = '';
      },
    );
  }

  /** Step 3 (SOFTWARE_TOKEN_MFA): the code the app shows now. */
  function codeStep(flow: CognitoSignIn): void {
    const code = codeInput();
    stepForm(
      flow,
      {
        title: 'auth.code.title',
        lead: [h('p', {}, t('auth.code.lead'))],
        fields: [field('auth.code.field', code, { required: true })],
        submit: 'auth.code.submit',
      },
      () => flow.answerCode(code.value),
      () => {
        code.value = '';
      },
    );
  }
}
