import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
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
