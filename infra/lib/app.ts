import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ConsoleDomain } from './console.js';
import type { PhoneVisitsOptions, ProviderLimits, TwoWayPhoneNumberRequest } from './phone-visits.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

/** Stack ids = CloudFormation stack names. Never rename: a new name is a new stack (and a new table). */
export const STACK_IDS = {
  stateful: 'AnxinStateful',
  stateless: 'AnxinStateless',
} as const;

export interface BuildAppOptions {
  /** the App to build into (tests pass one with their own outdir or context); a new App when omitted */
  readonly app?: App;
  /** account/region to pin the stacks to; env-agnostic when omitted */
  readonly env?: Environment;
  /**
   * Phone-visit settings; each one given here wins over the context value of the same name:
   * `-c chimeFromNumber=+86…`, `-c providerLimits='{"callsPerSecond":1,…}'`,
   * `-c twoWayPhoneNumber='{"isoCountryCode":"US","numberType":"TOLL_FREE","helpMessage":"…","stopMessage":"…"}'`
   * (requests a new number) or `-c smsTwoWayNumberArn=arn:…:phone-number/…` (a number the account holds).
   */
  readonly phone?: PhoneVisitsOptions;
  /** e-mail subscribed to the ops topic; context `opsEmail` */
  readonly opsEmail?: string;
  /**
   * The console's custom domain and WAF web ACL; each one given here wins over the context values
   * `-c consoleDomainName=console.example.cn -c consoleCertificateArn=arn:<partition>:acm:us-east-1:…` (both or
   * neither) and `-c consoleWebAclArn=arn:<partition>:wafv2:us-east-1:…:global/webacl/…`.
   */
  readonly console?: { readonly domain?: ConsoleDomain; readonly webAclArn?: string };
}

export interface AnxinApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * The whole CDK app: the stateful stack (table, key, secret, staff user pool), the stateless stack
 * (functions, API, console, schedules) and the cdk-nag AwsSolutions rule pack as a policy-validation plugin.
 * Shared by infra/bin/app.ts and the infra tests, so the tests check the real wiring. Reads no environment
 * variables; reads the phone-visit and console settings from the app's context (cdk.json or `-c key=value`)
 * unless `options` gives them.
 */
export function buildApp(options: BuildAppOptions = {}): AnxinApp {
  const app = options.app ?? new App();
  const env = options.env;
  const tags = { project: 'anxin' };

  const stateful = new StatefulStack(app, STACK_IDS.stateful, {
    description:
      'Anxin: register table, its customer-managed KMS key, the link signing secret and the staff user pool (retained)',
    tags,
    ...(env ? { env } : {}),
  });
  const context = contextReader(app);
  const phone: PhoneVisitsOptions = {
    chimeFromNumber: options.phone?.chimeFromNumber ?? context.string('chimeFromNumber'),
    providerLimits: options.phone?.providerLimits ?? context.json<ProviderLimits>('providerLimits'),
    twoWayPhoneNumber:
      options.phone?.twoWayPhoneNumber ?? context.json<TwoWayPhoneNumberRequest>('twoWayPhoneNumber'),
    smsTwoWayNumberArn: options.phone?.smsTwoWayNumberArn ?? context.string('smsTwoWayNumberArn'),
  };
  const opsEmail = options.opsEmail ?? context.string('opsEmail');
  const domainName = context.string('consoleDomainName');
  const certificateArn = context.string('consoleCertificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error('Give both -c consoleDomainName=… and -c consoleCertificateArn=…, or neither.');
  }
  const consoleDomain =
    options.console?.domain ?? (domainName && certificateArn ? { domainName, certificateArn } : undefined);
  const webAclArn = options.console?.webAclArn ?? context.string('consoleWebAclArn');

  const stateless = new StatelessStack(app, STACK_IDS.stateless, {
    description:
      'Anxin: admin API (Cognito JWT), web console (S3 + CloudFront), spreadsheet imports, daily reclassification job, phone visits (calls, texts, escalation), home visits (reminders, visit page, monthly report)',
    tags,
    table: stateful.table,
    key: stateful.key,
    linkSigningSecret: stateful.linkSigningSecret,
    capSecret: stateful.capSecret,
    userPool: stateful.userPool,
    console: {
      ...(consoleDomain ? { domain: consoleDomain } : {}),
      ...(webAclArn ? { webAclArn } : {}),
    },
    phone,
    ...(opsEmail ? { opsEmail } : {}),
    ...(env ? { env } : {}),
  });

  // cdk-nag 3 is a policy-validation plugin: it runs after synthesis and its findings go to the
  // validation report (cdk.out/validation-report.json), not to construct annotations.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  return { app, stateful, stateless };
}

/** Context values of the app: a string (empty means unset), or a JSON object given as a string or as JSON. */
function contextReader(app: App) {
  const raw = (key: string): unknown => app.node.tryGetContext(key);
  return {
    string(key: string): string | undefined {
      const value = raw(key);
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
      return value;
    },
    json<T>(key: string): T | undefined {
      const value = raw(key);
      if (value === undefined || value === '') return undefined;
      let parsed: unknown = value;
      if (typeof value === 'string') {
        try {
          parsed = JSON.parse(value);
        } catch {
          throw new Error(`context ${key} must be a JSON object, not ${value}`);
        }
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`context ${key} must be a JSON object`);
      }
      return parsed as T;
    },
  };
}
