import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { registerTable } from '../../shared/store/table.js';
import { deadLetterAlarm, scheduledInvocation } from './operations.js';
import type { PhoneVisits } from './phone-visits.js';
import { allowSecretRead, serviceFunction, source } from './service-function.js';
import { TABLE_INDEXES } from './stateful-stack.js';

/** 08:30 every day in China Standard Time: the contacts' morning digest texts. */
export const REMINDER_SCHEDULE = {
  expression: 'cron(30 8 * * ? *)',
  timezone: 'Asia/Shanghai',
} as const;

export interface HomeVisitsProps {
  readonly table: ITable;
  /** the app key: encrypts the table and the link signing secret */
  readonly key: IKey;
  /** the HMAC key of the signed visit links, from the stateful stack */
  readonly linkSigningSecret: ISecret;
  /** the queues the reminder texts go to (the dispatcher sends and paces them) */
  readonly phoneVisits: PhoneVisits;
  /** base URL of the HTTP API (ends with "/"): the visit links in the texts point at `${url}v/<token>` */
  readonly publicBaseUrl: string;
  /** the topic every dead-letter alarm notifies */
  readonly opsTopic: Topic;
}

/**
 * Home visits: the daily reminder job (digest texts with signed visit links), the visit page those links open
 * (a public page on the HTTP API, protected by the signed token) and the monthly statistics report (an
 * JWT-authorized API route). The routes themselves are added by the stack that owns the HTTP API.
 */
export class HomeVisits extends Construct {
  public readonly remindersFunction: NodejsFunction;
  public readonly remindersSchedule: CfnSchedule;
  public readonly remindersDeadLetterQueue: Queue;
  public readonly reportsFunction: NodejsFunction;
  public readonly visitPageFunction: NodejsFunction;
  /** one per dead-letter queue */
  public readonly deadLetterAlarms: Alarm[];

  constructor(scope: Construct, id: string, props: HomeVisitsProps) {
    super(scope, id);
    const { table, key, linkSigningSecret, phoneVisits, opsTopic } = props;

    // reading the link signing secret: that secret only, and the key only through Secrets Manager for it
    const mayReadLinkSigningSecret = (role: Role): void =>
      allowSecretRead(role, linkSigningSecret, key, 'LinkSigningSecret');

    // (1) the reminder job: every morning, one digest text per contact with something due, queued for the
    // dispatcher like every other text. A failed run goes to its dead-letter queue (and alarms).
    this.remindersDeadLetterQueue = new Queue(this, 'RemindersDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reminders = serviceFunction(this, 'RemindersFunction', {
      table,
      key,
      indexes: TABLE_INDEXES,
      entry: source('functions/reminders/handler.ts'),
      description:
        'Anxin home visits: the 08:30 digest texts of the visit contacts (with signed visit links)',
      serviceName: 'anxin-reminders',
      timeout: Duration.minutes(5),
      environment: {
        ...phoneVisits.environment,
        LINK_SIGNING_SECRET_ARN: linkSigningSecret.secretArn,
        PUBLIC_BASE_URL: props.publicBaseUrl,
      },
      // a contact never gets two digests a day, so a retried run only sends what the failed one did not
      asyncFailure: { deadLetterQueue: this.remindersDeadLetterQueue, retryAttempts: 2 },
    });
    this.remindersFunction = reminders.fn;
    phoneVisits.allowQueueing(reminders.role);
    mayReadLinkSigningSecret(reminders.role);
    this.remindersSchedule = scheduledInvocation(this, 'Reminders', {
      label: 'home-visit reminders',
      description: 'Anxin: home-visit digest texts at 08:30 China Standard Time',
      expression: REMINDER_SCHEDULE.expression,
      timezone: REMINDER_SCHEDULE.timezone,
      target: this.remindersFunction,
      deadLetterQueue: this.remindersDeadLetterQueue,
      // a morning digest is still useful before noon; later than that, the dead letter asks a person
      retryPolicy: { maximumEventAgeInSeconds: 3 * 60 * 60, maximumRetryAttempts: 10 },
    });

    // (2) the monthly statistics report: GET /api/reports/{proxy+}, read-only (the table and the county index)
    this.reportsFunction = serviceFunction(this, 'ReportsFunction', {
      table,
      key,
      indexes: [registerTable.byCounty],
      tableAccess: 'readOnly',
      entry: source('functions/reports/handler.ts'),
      description: 'Anxin monthly statistics report: GET /api/reports/{proxy+} (HTTP API)',
      serviceName: 'anxin-reports',
      // a month of a county (or the city) in memory, and CSV/XLSX output; the 29 s is the HTTP API limit
      memorySize: 1536,
      timeout: Duration.seconds(29),
    }).fn;

    // (3) the visit page: GET and POST /v/{token}, public, the signed token checked in the function
    const visitPage = serviceFunction(this, 'VisitPageFunction', {
      table,
      key,
      indexes: [registerTable.byCounty],
      entry: source('functions/visit-page/handler.ts'),
      description: 'Anxin visit page: GET and POST /v/{token} (public HTTP API route, HMAC-signed token)',
      serviceName: 'anxin-visit-page',
      // a page and one visit record: well inside the HTTP API's 29 s, and a short leash for a public route
      timeout: Duration.seconds(10),
      environment: { LINK_SIGNING_SECRET_ARN: linkSigningSecret.secretArn },
    });
    this.visitPageFunction = visitPage.fn;
    mayReadLinkSigningSecret(visitPage.role);

    this.deadLetterAlarms = [
      deadLetterAlarm(
        this,
        'RemindersDeadLetterAlarm',
        this.remindersDeadLetterQueue,
        opsTopic,
        'a morning reminder run failed',
      ),
    ];
  }
}
