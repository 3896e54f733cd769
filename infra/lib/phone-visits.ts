import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnSipMediaApplication } from 'aws-cdk-lib/aws-chime';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { CfnPhoneNumber } from 'aws-cdk-lib/aws-smsvoice';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CAPACITY_METRICS, OLDEST_DUE_ALARM_MINUTES } from '../../shared/phone/capacity.js';
import { deadLetterAlarm, scheduledInvocation } from './operations.js';
import { serviceFunction, source } from './service-function.js';
import { TABLE_INDEXES } from './stateful-stack.js';

/** Every 5 minutes, on the clock, evaluated in China Standard Time. */
export const PLANNER_SCHEDULE = {
  expression: 'cron(0/5 * * * ? *)',
  timezone: 'Asia/Shanghai',
} as const;

/** The dispatcher's function timeout; the visibility timeout of the queues it consumes is 6 times this. */
export const DISPATCHER_TIMEOUT_SECONDS = 60;

/** Provider quotas the dispatcher paces to: the Chime SDK PSTN and SMS defaults (raise them on request). */
export const DEFAULT_PROVIDER_LIMITS: Readonly<ProviderLimits> = {
  callsPerSecond: 1,
  callsInProgress: 10,
  smsPartsPerSecond: 10,
};

/**
 * Placeholder caller number, so that `cdk synth` works without a real one. Chime phone numbers have no
 * CloudFormation resource: order one in the Chime SDK console (or CreatePhoneNumberOrder), assign it to the
 * SIP media application's SIP rule, and deploy with `-c chimeFromNumber=+86…`.
 */
export const PLACEHOLDER_FROM_NUMBER = '+10000000000';

export interface ProviderLimits {
  readonly callsPerSecond: number;
  readonly callsInProgress: number;
  readonly smsPartsPerSecond: number;
}

/**
 * A new dedicated number to request from AWS End User Messaging SMS (this buys a number and bills monthly).
 * It is retained (and deletion-protected) if removed from the stack.
 */
export interface TwoWayPhoneNumberRequest {
  /** ISO 3166-1 alpha-2 country of the number, e.g. 'US' */
  readonly isoCountryCode: string;
  /** 'LONG_CODE', 'TOLL_FREE', 'TEN_DLC' or 'SIMULATOR' (what the country allows) */
  readonly numberType: string;
  /** the automatic answer to HELP (mandatory keyword) */
  readonly helpMessage: string;
  /** the automatic answer to STOP (mandatory keyword) */
  readonly stopMessage: string;
}

export interface PhoneVisitsOptions {
  /** E.164 number held in Chime that check-in calls come from; PLACEHOLDER_FROM_NUMBER when omitted */
  readonly chimeFromNumber?: string;
  /** DEFAULT_PROVIDER_LIMITS when omitted */
  readonly providerLimits?: ProviderLimits;
  /** request a new two-way SMS number that delivers inbound texts to the inbound topic */
  readonly twoWayPhoneNumber?: TwoWayPhoneNumberRequest;
  /**
   * ARN of a number the account already holds: CloudFormation cannot change an existing number, so the stack
   * outputs the one command that points its two-way channel at the inbound topic (run it once after deploy).
   */
  readonly smsTwoWayNumberArn?: string;
}

export interface PhoneVisitsProps extends PhoneVisitsOptions {
  readonly table: ITable;
  readonly key: IKey;
  /** the topic every dead-letter alarm notifies */
  readonly opsTopic: Topic;
}

const E164 = /^\+[1-9]\d{5,14}$/;

/**
 * The phone-visit capability: a planner that finds due check-ins every 5 minutes and queues them, a
 * dispatcher that places calls (Chime SDK PSTN Audio) and sends texts (SNS) at the providers' pace, the SIP
 * media application Lambda that runs the keypad dialogue, and the two-way SMS path for replies.
 */
export class PhoneVisits extends Construct {
  public readonly plannerFunction: NodejsFunction;
  public readonly plannerSchedule: CfnSchedule;
  public readonly plannerDeadLetterQueue: Queue;
  /** check-in attempts (calls and their texts), queued by the planner and the handlers */
  public readonly dispatchQueue: Queue;
  public readonly dispatchDeadLetterQueue: Queue;
  /** escalation steps and one-off texts: consumed beside the dispatch queue, never waiting behind it */
  public readonly urgentQueue: Queue;
  public readonly urgentDeadLetterQueue: Queue;
  public readonly dispatcherFunction: NodejsFunction;
  public readonly voiceFunction: NodejsFunction;
  public readonly sipMediaApplication: CfnSipMediaApplication;
  public readonly inboundSmsTopic: Topic;
  public readonly inboundSmsDeadLetterQueue: Queue;
  public readonly smsInboundFunction: NodejsFunction;
  /** only when `twoWayPhoneNumber` is given */
  public readonly twoWayPhoneNumber: CfnPhoneNumber | undefined;
  /** one per dead-letter queue */
  public readonly deadLetterAlarms: Alarm[] = [];
  /** capacity planning: the oldest due check-in has waited more than an hour */
  public readonly oldestDueAlarm: Alarm;
  /** fires while dialling is paused by carrier faults in any county */
  public readonly carrierFaultAlarm: Alarm;
  /** the manual step for `smsTwoWayNumberArn`, as a command line (a token), else undefined */
  public readonly twoWaySetupCommand: string | undefined;
  /**
   * The environment every function that queues dispatcher jobs gets: DISPATCH_QUEUE_URL, URGENT_QUEUE_URL,
   * PROVIDER_LIMITS (the home-visit reminders use it too).
   */
  public readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: PhoneVisitsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { table, key, opsTopic } = props;
    const fromNumber = props.chimeFromNumber ?? PLACEHOLDER_FROM_NUMBER;
    if (!E164.test(fromNumber)) {
      throw new Error(`chimeFromNumber must be an E.164 number like +8675012345678, not "${fromNumber}"`);
    }
    const limits = checkedLimits(props.providerLimits ?? DEFAULT_PROVIDER_LIMITS);
    if (props.twoWayPhoneNumber && props.smsTwoWayNumberArn) {
      throw new Error(
        'Give either twoWayPhoneNumber (request a new number) or smsTwoWayNumberArn, not both.',
      );
    }
    const common = { table, key, indexes: TABLE_INDEXES };

    // SMS straight to a phone number (no topic) has no resource ARN: IAM checks it against Resource "*".
    const smsPublish = new PolicyStatement({
      sid: 'SendSmsToPhoneNumbers',
      actions: ['sns:Publish'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    });
    const smsReason =
      'sns:Publish straight to a phone number (SMS without a topic) has no resource ARN, so IAM evaluates it against Resource "*" and it cannot be scoped to a resource; SNS defines no condition key for the destination number either, so the statement is only pinned to this Region with aws:RequestedRegion.';

    // (1) the two queues the dispatcher consumes, each with its dead-letter queue: the dispatch queue for
    // check-in attempts, the urgent queue for escalation steps and one-off texts, so that a needs-help text
    // never waits behind a backlog of check-in calls
    const dispatcherQueue = (id: string): { queue: Queue; deadLetterQueue: Queue } => {
      const deadLetterQueue = new Queue(this, `${id}DeadLetterQueue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const queue = new Queue(this, `${id}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // at least 6 times the function timeout (the AWS guidance for SQS event sources: the poller may hold
        // a batch across throttled invocation retries), so a batch being worked on never reappears to a
        // second run
        visibilityTimeout: Duration.seconds(6 * DISPATCHER_TIMEOUT_SECONDS),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
      });
      return { queue, deadLetterQueue };
    };
    const dispatch = dispatcherQueue('Dispatch');
    this.dispatchQueue = dispatch.queue;
    this.dispatchDeadLetterQueue = dispatch.deadLetterQueue;
    const urgent = dispatcherQueue('Urgent');
    this.urgentQueue = urgent.queue;
    this.urgentDeadLetterQueue = urgent.deadLetterQueue;

    // Every phone-visit function queues work for the dispatcher (SendMessageBatch is authorised by
    // sqs:SendMessage): the planner what is due, the dispatcher a job deferred while a provider is full, the
    // voice and inbound-SMS functions the next attempt, an escalation step or a text back to the sender.
    // Each one sends check-in attempts to the dispatch queue and everything else to the urgent queue.
    const phoneEnvironment = {
      DISPATCH_QUEUE_URL: this.dispatchQueue.queueUrl,
      URGENT_QUEUE_URL: this.urgentQueue.queueUrl,
      PROVIDER_LIMITS: JSON.stringify(limits),
    };
    this.environment = phoneEnvironment;
    const mayQueue = (role: Role): void => this.allowQueueing(role);

    // (2) the planner: every 5 minutes, queues what is due
    this.plannerDeadLetterQueue = new Queue(this, 'PlannerDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const planner = serviceFunction(this, 'PlannerFunction', {
      ...common,
      entry: source('functions/planner/handler.ts'),
      description: 'Anxin phone visits: queues the check-ins, attempts and escalation steps that are due',
      serviceName: 'anxin-planner',
      // well inside the 5-minute tick, so runs do not pile up
      timeout: Duration.minutes(2),
      environment: phoneEnvironment,
      // one retry at most, and never after the next tick has run: the next run picks up what this one missed
      asyncFailure: {
        deadLetterQueue: this.plannerDeadLetterQueue,
        retryAttempts: 1,
        maxEventAge: Duration.minutes(4),
      },
    });
    this.plannerFunction = planner.fn;
    mayQueue(planner.role);
    this.plannerSchedule = scheduledInvocation(this, 'Planner', {
      label: 'phone-visit planner',
      description: 'Anxin: phone-visit planner every 5 minutes (China Standard Time)',
      expression: PLANNER_SCHEDULE.expression,
      timezone: PLANNER_SCHEDULE.timezone,
      target: this.plannerFunction,
      deadLetterQueue: this.plannerDeadLetterQueue,
      // a missed tick is made up by the next one: do not deliver one later than that
      retryPolicy: { maximumEventAgeInSeconds: 4 * 60, maximumRetryAttempts: 2 },
    });

    // (3) the SIP media application Lambda. Chime SDK PSTN Audio invokes it synchronously and waits 5 s for
    // the answer, then retries. The timeout is 8 s anyway: an answer after 5 s is lost, but an invocation that
    // has started writing the call's state should finish the write rather than be killed half-way.
    const voice = serviceFunction(this, 'VoiceFunction', {
      ...common,
      entry: source('functions/voice/handler.ts'),
      description: 'Anxin phone visits: SIP media application handler (keypad check-in dialogue)',
      serviceName: 'anxin-voice',
      memorySize: 1024,
      timeout: Duration.seconds(8),
      environment: phoneEnvironment,
    });
    this.voiceFunction = voice.fn;
    mayQueue(voice.role);
    const chimeInvoke = new CfnPermission(this, 'VoiceInvokeByChime', {
      action: 'lambda:InvokeFunction',
      functionName: this.voiceFunction.functionArn,
      principal: 'voiceconnector.chime.amazonaws.com',
      sourceAccount: stack.account,
    });
    this.sipMediaApplication = new CfnSipMediaApplication(this, 'SipMediaApplication', {
      awsRegion: stack.region,
      name: 'anxin-check-in',
      endpoints: [{ lambdaArn: this.voiceFunction.functionArn }],
    });
    // Chime checks on creation that it may invoke the endpoint
    this.sipMediaApplication.addResourceDependency(chimeInvoke);

    // (4) the dispatcher: places every call and sends every text, paced inside the function
    const smaArn = `arn:${stack.partition}:chime:${stack.region}:${stack.account}:sma/${this.sipMediaApplication.attrSipMediaApplicationId}`;
    const dispatcher = serviceFunction(this, 'DispatcherFunction', {
      ...common,
      entry: source('functions/dispatcher/handler.ts'),
      description:
        'Anxin phone visits: places check-in calls and sends texts at the pace the providers allow',
      serviceName: 'anxin-dispatcher',
      timeout: Duration.seconds(DISPATCHER_TIMEOUT_SECONDS),
      environment: {
        ...phoneEnvironment,
        CHIME_SMA_ID: this.sipMediaApplication.attrSipMediaApplicationId,
        CHIME_FROM_NUMBER: fromNumber,
      },
      unscopedStatements: { statements: [smsPublish], reason: smsReason },
    });
    this.dispatcherFunction = dispatcher.fn;
    mayQueue(dispatcher.role);
    dispatcher.role.addToPolicy(
      new PolicyStatement({
        sid: 'DialThroughTheSipMediaApplication',
        actions: ['chime:CreateSipMediaApplicationCall'],
        resources: [smaArn],
      }),
    );
    this.dispatcherFunction.addEventSource(
      new SqsEventSource(this.dispatchQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        // caps parallel runs (2 is the minimum); the rate itself is paced inside the function
        maxConcurrency: 2,
      }),
    );
    // The urgent queue feeds the same function through a second mapping with its own concurrency, so its
    // messages are picked up while check-in batches are still being worked on. No batching window: an
    // escalation goes out as soon as it is queued. The providers' pace is shared (the pacer is in the table).
    this.dispatcherFunction.addEventSource(
      new SqsEventSource(this.urgentQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(0),
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );

    // (5) two-way SMS: End User Messaging publishes inbound texts to this topic
    this.inboundSmsTopic = new Topic(this, 'InboundSmsTopic', {
      displayName: 'Anxin inbound SMS',
      masterKey: key,
      enforceSSL: true,
    });
    this.inboundSmsTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowEndUserMessagingSmsOfThisAccount',
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.inboundSmsTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:sms-voice:${stack.region}:${stack.account}:*` },
        },
      }),
    );
    this.inboundSmsDeadLetterQueue = new Queue(this, 'InboundSmsDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.inboundSmsDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the SNS subscription of the inbound-SMS function redrives undeliverable texts to it and the function sends failed invocations to it as its on-failure destination. cdk-nag only recognises SQS redrive policies and Lambda DeadLetterConfig as dead-letter use.',
    });
    const smsInbound = serviceFunction(this, 'SmsInboundFunction', {
      ...common,
      entry: source('functions/sms-inbound/handler.ts'),
      description: 'Anxin phone visits: records text replies of elders and relatives (two-way SMS)',
      serviceName: 'anxin-sms-inbound',
      timeout: Duration.seconds(30),
      environment: phoneEnvironment,
      asyncFailure: { onFailure: new SqsDestination(this.inboundSmsDeadLetterQueue), retryAttempts: 2 },
      // no sns:Publish: the help text back to the sender is a job on the dispatch queue, sent (and paced)
      // by the dispatcher like every other text
    });
    this.smsInboundFunction = smsInbound.fn;
    mayQueue(smsInbound.role);
    this.inboundSmsTopic.addSubscription(
      new LambdaSubscription(this.smsInboundFunction, { deadLetterQueue: this.inboundSmsDeadLetterQueue }),
    );

    // (6) the two-way number (optional: numbers are bought per account)
    this.twoWayPhoneNumber = undefined;
    this.twoWaySetupCommand = undefined;
    if (props.twoWayPhoneNumber) {
      const request = props.twoWayPhoneNumber;
      for (const field of ['isoCountryCode', 'numberType', 'helpMessage', 'stopMessage'] as const) {
        if (typeof request[field] !== 'string' || request[field] === '') {
          throw new Error(`twoWayPhoneNumber.${field} is required`);
        }
      }
      const number = new CfnPhoneNumber(this, 'TwoWayPhoneNumber', {
        isoCountryCode: request.isoCountryCode,
        numberType: request.numberType,
        numberCapabilities: ['SMS'],
        mandatoryKeywords: { help: { message: request.helpMessage }, stop: { message: request.stopMessage } },
        twoWay: { enabled: true, channelArn: this.inboundSmsTopic.topicArn },
        deletionProtectionEnabled: true,
      });
      // a released number cannot be had back: keep it if it ever leaves the stack
      number.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // the topic policy that lets End User Messaging publish must exist first
      number.node.addDependency(this.inboundSmsTopic);
      this.twoWayPhoneNumber = number;
    } else if (props.smsTwoWayNumberArn) {
      this.twoWaySetupCommand = [
        'aws pinpoint-sms-voice-v2 update-phone-number',
        `--phone-number-id ${props.smsTwoWayNumberArn}`,
        '--two-way-enabled',
        `--two-way-channel-arn ${this.inboundSmsTopic.topicArn}`,
      ].join(' ');
    }

    // (7) an alarm on every dead-letter queue of the capability
    this.deadLetterAlarms.push(
      deadLetterAlarm(
        this,
        'PlannerDeadLetterAlarm',
        this.plannerDeadLetterQueue,
        opsTopic,
        'a planner run failed',
      ),
      deadLetterAlarm(
        this,
        'DispatchDeadLetterAlarm',
        this.dispatchDeadLetterQueue,
        opsTopic,
        'a call or text could not be dispatched after 5 receives',
      ),
      deadLetterAlarm(
        this,
        'UrgentDeadLetterAlarm',
        this.urgentDeadLetterQueue,
        opsTopic,
        'an escalation step or text could not be dispatched after 5 receives',
      ),
      deadLetterAlarm(
        this,
        'InboundSmsDeadLetterAlarm',
        this.inboundSmsDeadLetterQueue,
        opsTopic,
        'an inbound text was not recorded',
      ),
    );

    // (8) capacity planning (issue 11 part 6): the planner emits the oldest due check-in's wait after each
    // run (embedded metric format); more than an hour means demand exceeds the provider limits or the
    // dispatch is stuck. A planner that does not run at all is the planner dead-letter alarm's.
    this.oldestDueAlarm = new Alarm(this, 'OldestDueAlarm', {
      alarmDescription:
        'Anxin: the oldest due check-in has waited more than an hour. Compare demand with the provider limits (GET /api/capacity, the dashboard), ask the carrier for the limits it names or move elders to texts; check the dispatcher and its queues.',
      metric: new Metric({
        namespace: CAPACITY_METRICS.namespace,
        metricName: CAPACITY_METRICS.oldestDue,
        period: Duration.minutes(5),
        statistic: Stats.MAXIMUM,
      }),
      threshold: OLDEST_DUE_ALARM_MINUTES,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.oldestDueAlarm.addAlarmAction(new SnsAction(opsTopic));
    this.oldestDueAlarm.addOkAction(new SnsAction(opsTopic));
    // (9) carrier faults (issue 11): the dispatcher logs each check-in call it holds back because the
    // carrier failed too large a share of a county's attempts; a metric counts them and an alarm fires
    // while dialling is paused (it resumes by itself; the console shows GET /api/phone/health)
    const pauses = new MetricFilter(this, 'CarrierFaultPauseFilter', {
      logGroup: dispatcher.fn.logGroup,
      metricNamespace: 'Anxin',
      metricName: 'CarrierFaultPause',
      filterPattern: FilterPattern.literal('"dialling paused: carrier faults"'),
      metricValue: '1',
      defaultValue: 0,
    });
    this.carrierFaultAlarm = new Alarm(this, 'CarrierFaultPauseAlarm', {
      alarmDescription:
        'Anxin: dialling is paused in a county because the voice carrier failed too many calls (phone visits wait; no case opens from carrier faults). Check the carrier; dialling resumes by itself.',
      metric: pauses.metric({ period: Duration.minutes(5), statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const notify = new SnsAction(opsTopic);
    this.carrierFaultAlarm.addAlarmAction(notify);
    this.carrierFaultAlarm.addOkAction(notify);
  }

  /** Lets a role queue dispatcher jobs: sqs:SendMessage on the dispatch and urgent queues, nothing else. */
  public allowQueueing(role: Role): void {
    role.addToPolicy(
      new PolicyStatement({
        sid: 'QueueDispatcherJobs',
        actions: ['sqs:SendMessage'],
        resources: [this.dispatchQueue.queueArn, this.urgentQueue.queueArn],
      }),
    );
  }
}

function checkedLimits(limits: ProviderLimits): ProviderLimits {
  const checked = {
    callsPerSecond: limits.callsPerSecond,
    callsInProgress: limits.callsInProgress,
    smsPartsPerSecond: limits.smsPartsPerSecond,
  };
  for (const [name, value] of Object.entries(checked)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`providerLimits.${name} must be a positive number, not ${JSON.stringify(value)}`);
    }
  }
  if (!Number.isInteger(checked.callsInProgress)) {
    throw new Error('providerLimits.callsInProgress must be a whole number');
  }
  return checked;
}
