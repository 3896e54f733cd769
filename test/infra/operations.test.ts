import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_AGE_LIMITS, RESERVED_CONCURRENCY } from '../../infra/lib/operations.js';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

type Props = Record<string, unknown>;
let app: SynthesizedApp;
let template: Template;
const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: Props }>;
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  app.stateless.getLogicalId((construct.node.defaultChild ?? construct) as never);

beforeAll(() => {
  app = synthesizeApp();
  template = app.statelessTemplate;
});
afterAll(() => app?.cleanup());

/** The alarm whose id starts with `prefix`. */
function alarm(prefix: string): Props {
  const found = Object.entries(resources()).find(
    ([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.startsWith(prefix),
  );
  expect(found, prefix).toBeDefined();
  return (found as [string, { Properties: Props }])[1].Properties;
}

describe('operations (issue 15, part 6)', () => {
  const topic = () => ({ Ref: logicalIdOf(app.stateless.opsTopic) });

  it('pages when an urgent job waits over 2 minutes, and when check-ins wait over 30', () => {
    const urgent = alarm('UrgentQueueOldestMessageAlarm');
    expect(urgent).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: QUEUE_AGE_LIMITS.urgent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [topic()],
      OKActions: [topic()],
    });
    expect(QUEUE_AGE_LIMITS.urgent).toBe(120);
    const queueOf = (p: Props) =>
      (p.Dimensions as { Value: { 'Fn::GetAtt': string[] } }[])[0]?.Value['Fn::GetAtt'][0];
    expect(queueOf(urgent)).toBe(logicalIdOf(app.stateless.phoneVisits.urgentQueue));
    const dispatch = alarm('DispatchQueueOldestMessageAlarm');
    expect(dispatch).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 1800 });
    expect(queueOf(dispatch)).toBe(logicalIdOf(app.stateless.phoneVisits.dispatchQueue));
  });

  it("alarms on any error of the SIP media application's function", () => {
    const voice = alarm('VoiceFunctionErrorsAlarm');
    expect(voice).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic()],
    });
    expect(voice.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: logicalIdOf(app.stateless.phoneVisits.voiceFunction) } },
    ]);
  });

  it('alarms when no planner run succeeded for 15 minutes, missing data included', () => {
    const planner = alarm('PlannerSilentAlarm');
    expect(planner).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [topic()],
    });
    const metrics = planner.Metrics as { Expression?: string; MetricStat?: Props }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(invocations, 0) - FILL(errors, 0)');
    for (const m of metrics.filter((x) => x.MetricStat))
      expect(m.MetricStat).toMatchObject({
        Period: 900,
        Metric: {
          Dimensions: [
            { Name: 'FunctionName', Value: { Ref: logicalIdOf(app.stateless.phoneVisits.plannerFunction) } },
          ],
        },
      });
  });

  it('reserves concurrency for the voice and dispatcher functions', () => {
    const fn = (construct: { node: { defaultChild?: unknown } }) =>
      resources()[logicalIdOf(construct)]?.Properties;
    expect(fn(app.stateless.phoneVisits.voiceFunction)?.ReservedConcurrentExecutions).toBe(
      RESERVED_CONCURRENCY.voice,
    );
    expect(fn(app.stateless.phoneVisits.dispatcherFunction)?.ReservedConcurrentExecutions).toBe(
      RESERVED_CONCURRENCY.dispatcher,
    );
  });
});
