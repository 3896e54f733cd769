import {
  ConflictException,
  CreateScheduleCommand,
  type DeleteScheduleCommand,
  ResourceNotFoundException,
  type UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { atExpression, awsCampaignScheduler, scheduleName } from '../../shared/campaigns/aws-scheduler.js';
import { shanghai } from '../support/phone.js';

type Sent = CreateScheduleCommand | UpdateScheduleCommand | DeleteScheduleCommand;

/** A fake SDK client: records each command, answers with the given error for a command name. */
function fakeClient(fail: (command: Sent) => Error | undefined = () => undefined) {
  const sent: Sent[] = [];
  return {
    sent,
    send: async (command: Sent) => {
      sent.push(command);
      const error = fail(command);
      if (error) throw error;
      return {};
    },
  };
}

const options = (client: ReturnType<typeof fakeClient>, now = shanghai('2025-07-01T10:00:00')) => ({
  client,
  group: 'anxin-campaigns',
  roleArn: 'arn:aws:iam::123456789012:role/anxin-scheduler',
  functionArn: 'arn:aws:lambda:ap-east-1:123456789012:function:anxin-campaigns',
  deadLetterArn: 'arn:aws:sqs:ap-east-1:123456789012:anxin-campaigns-dlq',
  now: () => now,
});

const conflict = () => new ConflictException({ Message: 'exists', message: 'exists', $metadata: {} });
const notFound = () => new ResourceNotFoundException({ Message: 'gone', message: 'gone', $metadata: {} });

describe('campaign schedules on EventBridge Scheduler', () => {
  it('creates a self-deleting one-time schedule per action, in Asia/Shanghai local time', async () => {
    const client = fakeClient();
    await awsCampaignScheduler(options(client)).schedule({
      id: 'c-1',
      startAt: shanghai('2025-07-03T08:00:00'),
      endAt: shanghai('2025-07-06T08:00:00'),
    });
    expect(client.sent.map((c) => c.constructor.name)).toEqual([
      'CreateScheduleCommand',
      'CreateScheduleCommand',
    ]);
    expect(client.sent[0]?.input).toEqual({
      Name: 'anxin-c-1-start',
      GroupName: 'anxin-campaigns',
      Description: 'Anxin campaign start',
      // local time (08:00 in Shanghai is 00:00 UTC), labelled with the zone: not the UTC time
      ScheduleExpression: 'at(2025-07-03T08:00:00)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: 'arn:aws:lambda:ap-east-1:123456789012:function:anxin-campaigns',
        RoleArn: 'arn:aws:iam::123456789012:role/anxin-scheduler',
        Input: JSON.stringify({ campaignId: 'c-1', action: 'start' }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:ap-east-1:123456789012:anxin-campaigns-dlq' },
      },
    });
    expect(client.sent[1]?.input).toMatchObject({
      Name: 'anxin-c-1-finish',
      ScheduleExpression: 'at(2025-07-06T08:00:00)',
      Target: { Input: JSON.stringify({ campaignId: 'c-1', action: 'finish' }) },
    });
  });

  it('replaces the schedules of a campaign scheduled again', async () => {
    const client = fakeClient((c) => (c instanceof CreateScheduleCommand ? conflict() : undefined));
    await awsCampaignScheduler(options(client)).schedule({
      id: 'c-1',
      startAt: shanghai('2025-07-03T09:30:00'),
      endAt: shanghai('2025-07-06T08:00:00'),
    });
    expect(client.sent.map((c) => c.constructor.name)).toEqual([
      'CreateScheduleCommand',
      'UpdateScheduleCommand',
      'CreateScheduleCommand',
      'UpdateScheduleCommand',
    ]);
    expect(client.sent[1]?.input).toMatchObject({
      Name: 'anxin-c-1-start',
      ScheduleExpression: 'at(2025-07-03T09:30:00)',
      ActionAfterCompletion: 'DELETE',
    });
  });

  it('never sets a schedule in the past: a window that has begun starts a minute from now', async () => {
    const client = fakeClient();
    const now = shanghai('2025-07-03T10:15:30.250');
    await awsCampaignScheduler(options(client, now)).schedule({
      id: 'c-1',
      startAt: now,
      endAt: shanghai('2025-07-06T08:00:00'),
    });
    expect(client.sent[0]?.input).toMatchObject({ ScheduleExpression: 'at(2025-07-03T10:16:31)' });
  });

  it('unschedules both, whether or not they have run; other errors fail', async () => {
    const client = fakeClient((c) => (c.input.Name === 'anxin-c-1-start' ? notFound() : undefined));
    await awsCampaignScheduler(options(client)).unschedule('c-1');
    expect(client.sent.map((c) => [c.constructor.name, c.input.Name, c.input.GroupName])).toEqual([
      ['DeleteScheduleCommand', 'anxin-c-1-start', 'anxin-campaigns'],
      ['DeleteScheduleCommand', 'anxin-c-1-finish', 'anxin-campaigns'],
    ]);
    const denied = fakeClient(() => Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(awsCampaignScheduler(options(denied)).unschedule('c-1')).rejects.toThrow('denied');
  });

  it('names fit Scheduler: long or odd ids are hashed', () => {
    expect(scheduleName('c-1', 'finish')).toBe('anxin-c-1-finish');
    const long = scheduleName('x'.repeat(64), 'finish');
    expect(long).toMatch(/^anxin-[0-9a-f]{40}-finish$/);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(scheduleName('x'.repeat(64), 'start')).not.toBe(scheduleName('y'.repeat(64), 'start'));
  });

  it('rounds up to the second, so a schedule never fires before its instant', () => {
    expect(atExpression(new Date('2025-07-05T16:00:00.000Z'))).toBe('at(2025-07-06T00:00:00)');
    expect(atExpression(new Date('2025-07-05T15:59:59.001Z'))).toBe('at(2025-07-06T00:00:00)');
  });
});
