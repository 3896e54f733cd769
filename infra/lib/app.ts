import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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
}

export interface AnxinApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * The whole CDK app: the stateful stack (table + key), the stateless stack (functions, API, schedule) and the
 * cdk-nag AwsSolutions rule pack as a policy-validation plugin. Shared by infra/bin/app.ts and the infra
 * tests, so the tests check the real wiring. Reads no environment variables.
 */
export function buildApp(options: BuildAppOptions = {}): AnxinApp {
  const app = options.app ?? new App();
  const env = options.env;
  const tags = { project: 'anxin' };

  const stateful = new StatefulStack(app, STACK_IDS.stateful, {
    description: 'Anxin: register table and its customer-managed KMS key (retained)',
    tags,
    ...(env ? { env } : {}),
  });
  const stateless = new StatelessStack(app, STACK_IDS.stateless, {
    description: 'Anxin: admin API, daily reclassification job',
    tags,
    table: stateful.table,
    key: stateful.key,
    ...(env ? { env } : {}),
  });

  // cdk-nag 3 is a policy-validation plugin: it runs after synthesis and its findings go to the
  // validation report (cdk.out/validation-report.json), not to construct annotations.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  return { app, stateful, stateless };
}
