import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterAlarm } from './operations.js';
import { serviceFunction, source } from './service-function.js';
import { TABLE_INDEXES } from './stateful-stack.js';

/** The campaigns function's timeout: long enough for tens of thousands of elders per run. */
export const CAMPAIGNS_TIMEOUT_MINUTES = 10;

/** Where every campaign's one-time schedules are created (the API may create and delete only there). */
export const CAMPAIGN_SCHEDULE_GROUP = 'anxin-campaigns';

export interface CampaignsProps {
  readonly table: ITable;
  readonly key: IKey;
  /** the topic every dead-letter alarm notifies */
  readonly opsTopic: Topic;
  /** the admin API function: it schedules the campaigns it starts and cancels */
  readonly apiFunction: LambdaFunction;
  /** the phone-visit settings the runner reads (per-county calling windows): PROVIDER_LIMITS, PHONE_POLICIES … */
  readonly phoneEnvironment?: Readonly<Record<string, string>>;
}

/**
 * Campaign execution (issue 5): the campaigns function that starts and finishes campaigns and brings
 * their audience's check-ins forward, invoked by one-time EventBridge Scheduler schedules (Asia/Shanghai,
 * deleted after they run) that the admin API creates in a schedule group of their own, with a role
 * Scheduler assumes that may invoke that function only. A large activation goes on through the
 * function's own queue.
 */
export class Campaigns extends Construct {
  public readonly function: NodejsFunction;
  public readonly scheduleGroup: CfnScheduleGroup;
  /** what Scheduler assumes to invoke the campaigns function */
  public readonly schedulerRole: Role;
  /** the rest of an activation too large for one run */
  public readonly queue: Queue;
  /** the queue's redrive target, and where Scheduler puts a start or finish it could not deliver */
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CampaignsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // at least 6 times the function timeout, so a run in progress never sees its message again
      visibilityTimeout: Duration.minutes(6 * CAMPAIGNS_TIMEOUT_MINUTES),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    const fn = serviceFunction(this, 'CampaignsFunction', {
      table: props.table,
      key: props.key,
      indexes: TABLE_INDEXES,
      entry: source('functions/campaigns/handler.ts'),
      description:
        "Anxin campaigns: starts and finishes campaigns and brings their audience's check-ins forward",
      serviceName: 'anxin-campaigns',
      timeout: Duration.minutes(CAMPAIGNS_TIMEOUT_MINUTES),
      environment: { ...props.phoneEnvironment, CAMPAIGNS_QUEUE_URL: this.queue.queueUrl },
      // Scheduler invokes it asynchronously: a failed start or finish is tried again, then dead-lettered
      asyncFailure: { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2 },
    });
    this.function = fn.fn;
    fn.role.addToPolicy(
      new PolicyStatement({
        sid: 'ContinueActivation',
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    this.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: false, maxConcurrency: 2 }),
    );

    this.scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: CAMPAIGN_SCHEDULE_GROUP });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description:
        'EventBridge Scheduler: may only invoke the campaigns function (and dead-letter to its queue)',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': this.scheduleGroup.attrArn },
        },
      }),
    });
    this.schedulerRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    this.schedulerRole.addToPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );

    // the admin API creates, replaces and deletes the schedules of this group only, and may hand
    // Scheduler this role only
    const schedules = `arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule/${CAMPAIGN_SCHEDULE_GROUP}/anxin-*`;
    const apiPolicy = new Policy(this, 'ApiSchedulesPolicy', {
      statements: [
        new PolicyStatement({
          sid: 'CampaignSchedules',
          actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
          resources: [schedules],
        }),
        new PolicyStatement({
          sid: 'PassTheSchedulerRole',
          actions: ['iam:PassRole'],
          resources: [this.schedulerRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      ],
    });
    if (!props.apiFunction.role) throw new Error('the admin API function has no role');
    apiPolicy.attachToRole(props.apiFunction.role);
    // cdk-nag names the resource as CloudFormation would show it: pseudo parameters where they are tokens
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const shownSchedules = `arn:${shown(stack.partition, 'Partition')}:scheduler:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:schedule/${CAMPAIGN_SCHEDULE_GROUP}/anxin-*`;
    Validations.of(apiPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${shownSchedules}]`,
      reason:
        'Each campaign gets its own start and finish schedules, named anxin-<campaign id>-start|finish when the campaign is started, so their names are not known at deploy time; the statement is limited to the anxin- schedules of the campaigns schedule group and to creating, updating and deleting them.',
    });
    props.apiFunction.addEnvironment('SCHEDULER_GROUP', CAMPAIGN_SCHEDULE_GROUP);
    props.apiFunction.addEnvironment('SCHEDULER_ROLE_ARN', this.schedulerRole.roleArn);
    props.apiFunction.addEnvironment('CAMPAIGNS_FUNCTION_ARN', this.function.functionArn);
    props.apiFunction.addEnvironment('SCHEDULER_DEAD_LETTER_ARN', this.deadLetterQueue.queueArn);

    this.deadLetterAlarm = deadLetterAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      props.opsTopic,
      'a campaign start, finish or activation step failed',
    );
  }
}
