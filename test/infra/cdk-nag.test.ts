import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Acknowledgement,
  collectAcknowledgements,
  readValidationFindings,
  type SynthesizedApp,
  synthesizeApp,
  type ValidationFinding,
} from './synth.js';

/*
 * cdk-nag 3 is a CDK policy-validation plugin (`Validations.of(app).addPlugins(new AwsSolutionsChecks(app))`,
 * done by buildApp). It runs after synthesis over the construct tree and its unacknowledged findings land in
 * the validation report of the cloud assembly (validation-report.json), not in construct annotations; a
 * finding is acknowledged with `Validations.of(construct).acknowledge({ id, reason })`.
 */

const PACK = 'AwsSolutions';
/** the BucketDeployment handler of the console: one singleton function per stack, written by the CDK */
const DEPLOYMENT_HANDLER = 'Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C';
const DEPLOYMENT_HANDLER_RULES = [
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'AwsSolutions-IAM5[Action::s3:Abort*]',
  'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'AwsSolutions-IAM5[Action::s3:GetObject*]',
  'AwsSolutions-IAM5[Action::s3:List*]',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-IAM5[Resource::<ConsoleBucket86B6957C.Arn>/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
  'AwsSolutions-L1',
] as const;
const describeFinding = (f: ValidationFinding): string =>
  `${f.severity} ${f.ruleName} at ${f.constructPaths.join(', ')}`;

let synth: SynthesizedApp;
let findings: ValidationFinding[];
let acknowledgements: Acknowledgement[];

beforeAll(() => {
  synth = synthesizeApp();
  findings = readValidationFindings(synth.outdir);
  acknowledgements = collectAcknowledgements(synth.app);
});
afterAll(() => synth?.cleanup());

describe('cdk-nag AwsSolutions', () => {
  it('reports zero unacknowledged errors in the synthesized app', () => {
    const errors = findings.filter((f) => f.pluginName === PACK && ['error', 'fatal'].includes(f.severity));
    expect(errors.map(describeFinding)).toEqual([]);
  });

  it('reports no warnings either (a warning also fails `cdk synth`) and the plugin did not crash', () => {
    expect(findings.filter((f) => f.pluginName === PACK).map(describeFinding)).toEqual([]);
  });

  it('agrees when the pack is run directly over the construct tree', () => {
    const report = new AwsSolutionsChecks().validateScope(synth.app);
    const described = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(described).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement a rule id of the pack and a specific reason', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { constructPath, id, reason } of acknowledgements) {
      expect(id, constructPath).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${constructPath}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('acknowledges only what is specifically allowed', () => {
    expect([...new Set(acknowledgements.map((a) => `${a.constructPath} ${a.id}`))].sort()).toEqual([
      'AnxinStateful/CapSecret AwsSolutions-SMG4',
      'AnxinStateful/LinkSigningSecret AwsSolutions-SMG4',
      'AnxinStateless/AdminApi/GET--healthz AwsSolutions-APIG4',
      'AnxinStateless/AdminApi/GET--l--{id} AwsSolutions-APIG4',
      'AnxinStateless/AdminApi/GET--v--{token} AwsSolutions-APIG4',
      'AnxinStateless/AdminApi/POST--v--{token} AwsSolutions-APIG4',
      'AnxinStateless/ApiFunction AwsSolutions-L1',
      'AnxinStateless/ApiFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/Campaigns/ApiSchedulesPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/anxin-campaigns/anxin-*]',
      'AnxinStateless/Campaigns/CampaignsFunction AwsSolutions-L1',
      'AnxinStateless/Campaigns/CampaignsFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/Console/Distribution AwsSolutions-CFR1',
      'AnxinStateless/Console/Distribution AwsSolutions-CFR2',
      'AnxinStateless/Console/Distribution AwsSolutions-CFR4',
      ...DEPLOYMENT_HANDLER_RULES.map((rule) => `AnxinStateless/${DEPLOYMENT_HANDLER} ${rule}`),
      'AnxinStateless/HomeVisits/RemindersFunction AwsSolutions-L1',
      'AnxinStateless/HomeVisits/RemindersFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/HomeVisits/ReportsFunction AwsSolutions-L1',
      'AnxinStateless/HomeVisits/ReportsFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/HomeVisits/VisitPageFunction AwsSolutions-L1',
      'AnxinStateless/HomeVisits/VisitPageFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/ImportsFunction AwsSolutions-L1',
      'AnxinStateless/ImportsFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/PhoneVisits/DispatcherFunction AwsSolutions-L1',
      'AnxinStateless/PhoneVisits/DispatcherFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/PhoneVisits/InboundSmsDeadLetterQueue AwsSolutions-SQS3',
      'AnxinStateless/PhoneVisits/PlannerFunction AwsSolutions-L1',
      'AnxinStateless/PhoneVisits/PlannerFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/PhoneVisits/SmsInboundFunction AwsSolutions-L1',
      'AnxinStateless/PhoneVisits/SmsInboundFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/PhoneVisits/VoiceFunction AwsSolutions-L1',
      'AnxinStateless/PhoneVisits/VoiceFunctionRole AwsSolutions-IAM5[Resource::*]',
      'AnxinStateless/ReclassifyFunction AwsSolutions-L1',
      'AnxinStateless/ReclassifyFunctionRole AwsSolutions-IAM5[Resource::*]',
    ]);
  });

  it('acknowledges the open routes only on the health check, the two visit-page routes and the short link', () => {
    const apig4 = acknowledgements.filter((a) => a.id === 'AwsSolutions-APIG4');
    expect(apig4.map((a) => a.constructPath).sort()).toEqual([
      'AnxinStateless/AdminApi/GET--healthz',
      'AnxinStateless/AdminApi/GET--l--{id}',
      'AnxinStateless/AdminApi/GET--v--{token}',
      'AnxinStateless/AdminApi/POST--v--{token}',
    ]);
    for (const { constructPath, reason } of apig4) {
      expect(reason, constructPath).toMatch(/Every \/api route .*needs a Cognito JWT/);
      expect(reason, constructPath).not.toContain('IAM');
      if (!constructPath.endsWith('/GET--healthz')) expect(reason, constructPath).toContain('HMAC');
    }
    const health = apig4.find((a) => a.constructPath.endsWith('/GET--healthz'));
    expect(health?.reason).toContain('without reading the table');
    const shortLink = apig4.find((a) => a.constructPath.endsWith('/GET--l--{id}'));
    expect(shortLink?.reason).toContain('random and unguessable');
    expect(shortLink?.reason).toContain('expiry');
    expect(shortLink?.reason).toContain('redirects');
  });

  it('acknowledges the missing rotation only on the two shared secrets, each with its reason', () => {
    const smg4 = acknowledgements.filter((a) => a.id === 'AwsSolutions-SMG4');
    expect(smg4.map((a) => a.constructPath).sort()).toEqual([
      'AnxinStateful/CapSecret',
      'AnxinStateful/LinkSigningSecret',
    ]);
    const reason = (path: string) => smg4.find((a) => a.constructPath === path)?.reason;
    expect(reason('AnxinStateful/LinkSigningSecret')).toContain('invalidates every link in flight');
    expect(reason('AnxinStateful/CapSecret')).toContain('operator of the early-warning feed');
  });

  it('acknowledges the distribution findings with the reasons that hold without a domain or web ACL', () => {
    const on = (id: string) =>
      acknowledgements.find((a) => a.constructPath === 'AnxinStateless/Console/Distribution' && a.id === id)
        ?.reason;
    expect(on('AwsSolutions-CFR1')).toContain('overseas');
    expect(on('AwsSolutions-CFR2')).toContain('-c consoleWebAclArn');
    expect(on('AwsSolutions-CFR4')).toContain('-c consoleDomainName');
  });

  it('acknowledges the BucketDeployment handler only for what the CDK writes into it', () => {
    const handler = acknowledgements.filter(
      (a) => a.constructPath === `AnxinStateless/${DEPLOYMENT_HANDLER}`,
    );
    expect(handler.map((a) => a.id).sort()).toEqual([...DEPLOYMENT_HANDLER_RULES].sort());
    for (const { id, reason } of handler) expect(reason, id).toContain('BucketDeployment handler');
  });

  it('acknowledges each rule once per construct', () => {
    const keys = acknowledgements.map((a) => `${a.constructPath} ${a.id}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('justifies Resource "*" by X-Ray everywhere, and by SMS publishing only for the dispatcher', () => {
    const iam5 = acknowledgements.filter(
      (a) => a.id === 'AwsSolutions-IAM5[Resource::*]' && !a.constructPath.endsWith(DEPLOYMENT_HANDLER),
    );
    for (const { constructPath, reason } of iam5) {
      expect(reason, constructPath).toContain('xray:PutTraceSegments');
      const texts = constructPath.endsWith('/DispatcherFunctionRole');
      expect(reason.includes('sns:Publish'), constructPath).toBe(texts);
      if (texts) expect(reason, constructPath).toContain('aws:RequestedRegion');
    }
  });
});

describe('the cdk-nag check itself', () => {
  /*
   * Negative control: the same app, built with every acknowledgement dropped, must come out red in the
   * report, with exactly the findings that the acknowledgements cover. This proves that buildApp registers
   * the pack, that the report is read correctly, and that no acknowledgement is stale.
   */
  let unacknowledged: SynthesizedApp | undefined;
  afterAll(() => unacknowledged?.cleanup());

  it('goes red when the acknowledgements are removed', () => {
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      unacknowledged = synthesizeApp();
    } finally {
      spy.mockRestore();
    }
    expect(collectAcknowledgements(unacknowledged.app)).toEqual([]);

    const red = readValidationFindings(unacknowledged.outdir).filter(
      // warnings too: CFR1 and CFR2 are warnings, and a warning fails `cdk synth` like an error
      (f) => f.pluginName === PACK && ['error', 'warning'].includes(f.severity),
    );
    const found = red.flatMap((f) => f.constructPaths.map((p) => `${f.ruleName} ${p}`)).sort();
    const covered = acknowledgements.map((a) => a.id);
    expect(red.length).toBeGreaterThan(0);
    for (const id of new Set(covered)) {
      expect(
        found.some((f) => f.startsWith(`${id} `)),
        `acknowledged ${id} but the pack does not raise it`,
      ).toBe(true);
    }
    for (const f of red) {
      expect(covered, `${f.ruleName} is raised but not acknowledged anywhere`).toContain(f.ruleName);
    }
  });
});
