import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT, VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { type AnxinApp, buildApp } from '../../infra/lib/app.js';

export interface SynthesizedApp extends AnxinApp {
  /** the cloud assembly directory (templates, bundled assets, validation report) */
  readonly outdir: string;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  /** removes the temporary cloud assembly */
  readonly cleanup: () => void;
}

/**
 * Builds the real app (the same `buildApp` as infra/bin/app.ts, so cdk-nag is registered exactly as in
 * `cdk synth`) into a temporary directory and synthesizes it once. Bundling happens here, so call it once
 * per test file, in `beforeAll`.
 *
 * A failing validation would normally make `app.synth()` throw (the test runner is an "in-memory" app);
 * the tests switch that off so that synthesis completes, the report is written, and the cdk-nag test can
 * report each finding precisely instead of one opaque exception.
 */
export function synthesizeApp(): SynthesizedApp {
  const outdir = mkdtempSync(path.join(tmpdir(), 'anxin-cdk-'));
  const app = new App({ outdir, context: { [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false } });
  const built = buildApp({ app });
  app.synth();
  return {
    ...built,
    outdir,
    statefulTemplate: Template.fromStack(built.stateful),
    statelessTemplate: Template.fromStack(built.stateless),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export interface ValidationFinding {
  readonly pluginName: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly constructPaths: string[];
}

interface ReportJson {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    metadata?: Record<string, string>;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/**
 * The unacknowledged findings of the policy-validation plugins, read from the report that synthesis writes
 * into the cloud assembly (`validation-report.json`). A plugin that crashed is reported as a finding too.
 * Acknowledged findings never appear here: cdk-nag filters them out itself.
 */
export function readValidationFindings(outdir: string): ValidationFinding[] {
  const report = JSON.parse(readFileSync(path.join(outdir, VALIDATION_REPORT_FILE), 'utf-8')) as ReportJson;
  return report.pluginReports.flatMap((plugin) => [
    ...(plugin.metadata?.error
      ? [
          {
            pluginName: plugin.pluginName,
            ruleName: 'PLUGIN-FAILURE',
            severity: 'fatal',
            constructPaths: [plugin.metadata.error],
          },
        ]
      : []),
    ...plugin.violations.map((violation) => ({
      pluginName: plugin.pluginName,
      ruleName: violation.ruleName,
      severity: violation.severity,
      constructPaths: violation.violatingConstructs.map((c) => c.constructPath),
    })),
  ]);
}

export interface Acknowledgement {
  readonly constructPath: string;
  readonly id: string;
  readonly reason: string;
}

/** Every rule acknowledged with `Validations.of(...).acknowledge(...)` anywhere in the construct tree. */
export function collectAcknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([qualifiedId, reason]) => ({
          constructPath: construct.node.path,
          // aws-cdk-lib stores an un-namespaced id as an annotation id ('Annotation::<id>')
          id: qualifiedId.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}
