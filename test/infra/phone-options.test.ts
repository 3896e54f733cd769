import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { type BuildAppOptions, buildApp } from '../../infra/lib/app.js';

/*
 * The phone-visit settings that come from context (`cdk synth -c chimeFromNumber=…`) or from buildApp options.
 * These apps skip asset bundling (the `aws:cdk:bundling-stacks` context), so each build is cheap; the
 * bundled app itself is checked in stateless-stack.test.ts.
 */

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const TWO_WAY = {
  isoCountryCode: 'US',
  numberType: 'TOLL_FREE',
  helpMessage: 'Anxin check-in line. Reply 1 if you are well, 2 if you need help.',
  stopMessage: 'You will get no more check-in texts from Anxin.',
};

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function build(context: Record<string, unknown>, options: Omit<BuildAppOptions, 'app'> = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'anxin-cdk-options-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...NO_BUNDLING, ...context } });
  const built = buildApp({ app, ...options });
  const template = Template.fromStack(built.stateless);
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>
  >;
  const id = (element: unknown): string => built.stateless.getLogicalId(element as CfnElement);
  const variables = (fn: { node: { defaultChild?: unknown } }): Record<string, unknown> => {
    const resource = resources[id(fn.node.defaultChild)];
    if (!resource) throw new Error('no such function in the stateless stack');
    return (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  };
  return { app, built, template, resources, id, variables };
}

describe('phone-visit settings from context', () => {
  it('sets the caller number and the provider limits of the dispatcher', () => {
    const { built, variables } = build({
      chimeFromNumber: '+8675012345678',
      providerLimits: '{"callsPerSecond":2,"callsInProgress":20,"smsPartsPerSecond":5}',
    });
    expect(variables(built.stateless.phoneVisits.dispatcherFunction)).toMatchObject({
      CHIME_FROM_NUMBER: '+8675012345678',
      PROVIDER_LIMITS: '{"callsPerSecond":2,"callsInProgress":20,"smsPartsPerSecond":5}',
    });
  });

  it('lets buildApp options win over context', () => {
    const { built, variables } = build(
      { chimeFromNumber: '+8675012345678' },
      { phone: { chimeFromNumber: '+8675000000000' } },
    );
    expect(variables(built.stateless.phoneVisits.dispatcherFunction).CHIME_FROM_NUMBER).toBe(
      '+8675000000000',
    );
  });

  it('requests a two-way number that delivers to the inbound topic, retained and deletion-protected', () => {
    const { built, resources, id, template, app } = build({ twoWayPhoneNumber: JSON.stringify(TWO_WAY) });
    const numbers = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SMSVOICE::PhoneNumber');
    expect(numbers).toHaveLength(1);
    const [, number] = numbers[0] as [string, (typeof resources)[string]];
    const topic = id(built.stateless.phoneVisits.inboundSmsTopic.node.defaultChild);
    expect(number.Properties).toMatchObject({
      IsoCountryCode: 'US',
      NumberType: 'TOLL_FREE',
      NumberCapabilities: ['SMS'],
      MandatoryKeywords: { HELP: { Message: TWO_WAY.helpMessage }, STOP: { Message: TWO_WAY.stopMessage } },
      TwoWay: { Enabled: true, ChannelArn: { Ref: topic } },
      DeletionProtectionEnabled: true,
    });
    expect(number.DeletionPolicy).toBe('Retain');
    // the topic policy that lets End User Messaging publish is in place before the number points at it
    const topicPolicy = Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::SNS::TopicPolicy' && JSON.stringify(r.Properties.Topics).includes(`"${topic}"`),
    )?.[0];
    expect(number.DependsOn).toEqual(expect.arrayContaining([topic, topicPolicy]));
    template.hasOutput('TwoWayPhoneNumber', {});
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  it('outputs the manual step for an existing number instead of creating one', () => {
    const arn = 'arn:aws:sms-voice:us-east-1:123456789012:phone-number/phone-0123456789abcdef';
    const { template, resources, built, id } = build({ smsTwoWayNumberArn: arn });
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::SMSVOICE::PhoneNumber')).toHaveLength(0);
    const topic = id(built.stateless.phoneVisits.inboundSmsTopic.node.defaultChild);
    template.hasOutput('TwoWaySmsSetupCommand', {
      Value: {
        'Fn::Join': [
          '',
          [
            `aws pinpoint-sms-voice-v2 update-phone-number --phone-number-id ${arn} --two-way-enabled --two-way-channel-arn `,
            { Ref: topic },
          ],
        ],
      },
    });
  });

  it('subscribes an operator e-mail to the ops topic when given', () => {
    const { template } = build({ opsEmail: 'duty@example.org' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'duty@example.org',
    });
  });

  it('refuses settings that cannot work', () => {
    expect(() => build({ chimeFromNumber: '0750 1234567' })).toThrow(/E\.164/);
    expect(() =>
      build({ providerLimits: '{"callsPerSecond":0,"callsInProgress":10,"smsPartsPerSecond":10}' }),
    ).toThrow(/callsPerSecond/);
    expect(() => build({ providerLimits: 'fast' })).toThrow(/JSON object/);
    expect(() =>
      build({ twoWayPhoneNumber: JSON.stringify(TWO_WAY), smsTwoWayNumberArn: 'arn:aws:sms-voice:x' }),
    ).toThrow(/not both/);
    expect(() => build({ twoWayPhoneNumber: '{"isoCountryCode":"US"}' })).toThrow(/numberType/);
  });
});
