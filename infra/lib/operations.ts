import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The SNS topic that operators subscribe to (e-mail, chat, paging): every alarm of the app notifies it.
 * KMS-encrypted with the app key (the key policy lets CloudWatch alarms of this account use it) and TLS-only.
 */
export function opsTopic(scope: Construct, id: string, key: IKey): Topic {
  const stack = Stack.of(scope);
  const topic = new Topic(scope, id, {
    displayName: 'Anxin operations alarms',
    masterKey: key,
    enforceSSL: true,
  });
  // The topic policy that enforceSSL writes replaces the default one, so CloudWatch is allowed explicitly,
  // and only on behalf of alarms of this account and region (confused-deputy conditions).
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
        },
      },
    }),
  );
  return topic;
}

/**
 * An alarm as soon as one message sits in a dead-letter queue (maximum of ApproximateNumberOfMessagesVisible
 * over 5 minutes ≥ 1, one datapoint): a dead letter is work that was not done (a check-in not called, a reply
 * not recorded) and needs a person. Notifies the ops topic on alarm and again when the queue is empty.
 */
export function deadLetterAlarm(
  scope: Construct,
  id: string,
  queue: IQueue,
  topic: Topic,
  what: string,
): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `Anxin: a message is in a dead-letter queue (${what}). Inspect the messages, fix the cause, then redrive or delete them.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: Stats.MAXIMUM,
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    // SQS stops sending metrics for a queue that has been idle for hours: no data is no dead letter
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

export interface ScheduledInvocationProps {
  /** what the target is, for the role description: "the <label> function" */
  readonly label: string;
  readonly description: string;
  readonly expression: string;
  readonly timezone: string;
  readonly target: IFunction;
  readonly deadLetterQueue: IQueue;
  readonly retryPolicy: { readonly maximumEventAgeInSeconds: number; readonly maximumRetryAttempts: number };
}

/**
 * An EventBridge Scheduler schedule that invokes a function (`${id}Schedule`), with a role that may only
 * invoke that function and send to its dead-letter queue (`${id}ScheduleRole`).
 */
export function scheduledInvocation(
  scope: Construct,
  id: string,
  props: ScheduledInvocationProps,
): CfnSchedule {
  const stack = Stack.of(scope);
  const role = new Role(scope, `${id}ScheduleRole`, {
    description: `EventBridge Scheduler: may only invoke the ${props.label} function (and dead-letter to its queue)`,
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  role.addToPolicy(
    new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.target.functionArn] }),
  );
  role.addToPolicy(
    new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
  );
  const schedule = new CfnSchedule(scope, `${id}Schedule`, {
    description: props.description,
    scheduleExpression: props.expression,
    scheduleExpressionTimezone: props.timezone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: props.target.functionArn,
      roleArn: role.roleArn,
      deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
      retryPolicy: { ...props.retryPolicy },
    },
  });
  // the role's policy must exist before the schedule first fires
  schedule.node.addDependency(role);
  return schedule;
}

/** How old the oldest message of each dispatcher queue may get before someone is told (seconds). */
export const QUEUE_AGE_LIMITS = {
  /** an escalation step (a needs-help text to a contact, a duty call) waiting 2 minutes pages someone */
  urgent: 120,
  /** check-in attempts are paced to the providers' limits; 30 minutes behind means the dispatcher is stuck */
  dispatch: 30 * 60,
} as const;
/** No planner run succeeded for this long: nothing new is being called. */
export const PLANNER_SILENCE_MINUTES = 15;
/**
 * Reserved concurrency. The dispatcher's two SQS mappings run at most 2 + 2 at once; one more keeps a
 * redelivery from being throttled. The voice function answers Chime's invocations for every call in
 * progress (a few per call per second): 50 covers the default calls-in-progress quota with room, and
 * keeps a burst elsewhere in the account from starving a live call.
 */
export const RESERVED_CONCURRENCY = { dispatcher: 5, voice: 50 } as const;

export interface PhoneOperationsProps {
  readonly topic: Topic;
  readonly dispatchQueue: IQueue;
  readonly urgentQueue: IQueue;
  readonly plannerFunction: IFunction;
  readonly dispatcherFunction: IFunction;
  /** the SIP media application's function */
  readonly voiceFunction: IFunction;
}

/** Alarms that notify the ops topic on alarm and again when it is over. */
function notify(alarm: Alarm, topic: Topic): Alarm {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/**
 * The phone engine's operational alarms and reserved concurrency (issue 15, part 6): the age of the
 * oldest message on the dispatch and urgent queues, the SIP media application function's errors, and a
 * planner that has not succeeded for 15 minutes. docs/operations.md says what each means and what to do.
 */
export function phoneOperations(scope: Construct, props: PhoneOperationsProps): Alarm[] {
  const { topic } = props;
  const queueAge = (id: string, queue: IQueue, limit: number, what: string) =>
    notify(
      new Alarm(scope, id, {
        alarmDescription: `Anxin: the oldest message on the ${what} queue is older than ${limit / 60} minutes. See docs/operations.md, "${id}".`,
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: Stats.MAXIMUM,
        }),
        threshold: limit,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // an idle queue sends no data: nothing is waiting
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      topic,
    );
  const plannerRuns = new MathExpression({
    expression: 'FILL(invocations, 0) - FILL(errors, 0)',
    usingMetrics: {
      invocations: props.plannerFunction.metricInvocations({ statistic: Stats.SUM }),
      errors: props.plannerFunction.metricErrors({ statistic: Stats.SUM }),
    },
    period: Duration.minutes(PLANNER_SILENCE_MINUTES),
    label: 'planner runs that succeeded',
  });
  const alarms = [
    queueAge(
      'UrgentQueueOldestMessageAlarm',
      props.urgentQueue,
      QUEUE_AGE_LIMITS.urgent,
      'urgent (escalation)',
    ),
    queueAge(
      'DispatchQueueOldestMessageAlarm',
      props.dispatchQueue,
      QUEUE_AGE_LIMITS.dispatch,
      'dispatch (check-in)',
    ),
    notify(
      new Alarm(scope, 'VoiceFunctionErrorsAlarm', {
        alarmDescription:
          'Anxin: the SIP media application function failed (calls may have dropped or lost their keypad answers). See docs/operations.md, "VoiceFunctionErrorsAlarm".',
        metric: props.voiceFunction.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      topic,
    ),
    notify(
      new Alarm(scope, 'PlannerSilentAlarm', {
        alarmDescription: `Anxin: no planner run succeeded for ${PLANNER_SILENCE_MINUTES} minutes: nothing new is being queued. See docs/operations.md, "PlannerSilentAlarm".`,
        metric: plannerRuns,
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // no invocations at all is the worst case: missing data breaches
        treatMissingData: TreatMissingData.BREACHING,
      }),
      topic,
    ),
  ];
  reserveConcurrency(props.dispatcherFunction, RESERVED_CONCURRENCY.dispatcher);
  reserveConcurrency(props.voiceFunction, RESERVED_CONCURRENCY.voice);
  return alarms;
}

function reserveConcurrency(fn: IFunction, count: number): void {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof CfnFunction)) throw new Error(`${fn.node.path}: not a Lambda function of this app`);
  cfn.reservedConcurrentExecutions = count;
}
