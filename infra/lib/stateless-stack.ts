import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { registerTable } from '../../shared/store/table.js';
import { ConsoleAccess } from './access.js';
import { Campaigns } from './campaigns.js';
import { type ConsoleDomain, WebConsole } from './console.js';
import { HomeVisits } from './home-visits.js';
import { deadLetterAlarm, opsTopic, phoneOperations, scheduledInvocation } from './operations.js';
import { PhoneVisits, type PhoneVisitsOptions } from './phone-visits.js';
import { allowSecretRead, serviceFunction, source } from './service-function.js';

export { TABLE_DATA_ACTIONS, TABLE_KEY_ACTIONS } from './service-function.js';

/** 00:05 every day in China Standard Time, just after birthdays (and so age lines) roll over locally. */
export const RECLASSIFY_SCHEDULE = {
  expression: 'cron(5 0 * * ? *)',
  timezone: 'Asia/Shanghai',
} as const;

export interface StatelessStackProps extends StackProps {
  /** the register table, from the stateful stack */
  readonly table: ITable;
  /** the customer-managed key that encrypts the table; also encrypts this stack's log groups and topics */
  readonly key: IKey;
  /** the HMAC key of the signed visit links, from the stateful stack */
  readonly linkSigningSecret: ISecret;
  /** the shared secret of the CAP alert feed (POST /api/campaigns/cap) */
  readonly capSecret: ISecret;
  /** the phone-visit capability's settings (caller number, provider limits, two-way SMS number) */
  readonly phone?: PhoneVisitsOptions;
  /** an e-mail address to subscribe to the ops topic (confirmed by a link in the first message) */
  readonly opsEmail?: string;
  /** the staff user pool, from the stateful stack: the console signs in with it, the API checks its tokens */
  readonly userPool: IUserPool;
  /** the console's custom domain (name and us-east-1 ACM certificate) and WAF web ACL, both optional */
  readonly console?: { readonly domain?: ConsoleDomain; readonly webAclArn?: string };
}

/** The indexes the admin API, the imports and the reclassification job query (unchanged since they were written). */
const REGISTER_INDEXES = [registerTable.byCounty, registerTable.byAgeLine];

/** What an admin API function needs: 29 s (the HTTP API's integration limit), the register indexes. */
const HTTP_FUNCTION = { timeout: Duration.seconds(29), indexes: REGISTER_INDEXES } as const;

/**
 * Everything that can be destroyed and recreated at will: the Lambda functions, the HTTP API and its JWT
 * authorizer, the console (bucket, distribution, app client), the daily reclassification schedule, the
 * phone-visit and home-visit capabilities, their queues, the ops topic and the alarms.
 */
export class StatelessStack extends Stack {
  public readonly apiFunction: NodejsFunction;
  public readonly importsFunction: NodejsFunction;
  public readonly reclassifyFunction: NodejsFunction;
  public readonly api: HttpApi;
  public readonly apiStage: HttpStage;
  public readonly reclassifySchedule: CfnSchedule;
  public readonly reclassifyDeadLetterQueue: Queue;
  public readonly opsTopic: Topic;
  /** the phone engine's operational alarms (infra/lib/operations.ts, docs/operations.md) */
  public readonly operationsAlarms: Alarm[];
  public readonly phoneVisits: PhoneVisits;
  public readonly homeVisits: HomeVisits;
  /** the console's app client and the JWT authorizer of every /api route */
  public readonly access: ConsoleAccess;
  /** the web console on S3 behind CloudFront, which also fronts /api, /v and /l */
  public readonly console: WebConsole;
  /** every dead-letter alarm of the stack */
  public readonly deadLetterAlarms: Alarm[];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Table and key come from the stateful stack as strong references (Export / Fn::ImportValue), so
    // CloudFormation refuses to remove them from the stateful stack while this stack uses them. Set
    // explicitly (must precede the first child) rather than left to the app-wide default.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, key } = props;

    // (1) the admin API function, and the spreadsheet imports in a function of their own (the XLSX parser
    // would push the admin bundle over its 1 MB budget, and a large sheet needs more memory)
    this.apiFunction = serviceFunction(this, 'ApiFunction', {
      ...HTTP_FUNCTION,
      entry: source('functions/api/handler.ts'),
      description: 'Anxin admin API (HTTP API Lambda proxy)',
      serviceName: 'anxin-api',
      table,
      key,
    }).fn;
    this.importsFunction = serviceFunction(this, 'ImportsFunction', {
      ...HTTP_FUNCTION,
      entry: source('functions/imports/handler.ts'),
      description: 'Anxin spreadsheet imports: POST /api/imports and GET /api/imports/{id} (HTTP API)',
      serviceName: 'anxin-imports',
      // parsing an XLSX sheet in memory: more memory is also more CPU, and the 29 s limit is fixed
      memorySize: 1536,
      table,
      key,
    }).fn;

    // (2) the HTTP API: every /api route needs a Cognito ID token of the staff user pool (JWT authorizer:
    // issuer = the pool, audience = the console's app client), which carries the claims the functions read
    // (shared/auth/principal.ts). Open: the health check, the visit page (/v/{token}) and the short links to
    // it (/l/{id}), see (6), which the contacts open from a text on an ordinary phone. No CORS: the console
    // calls the API on its own origin, through CloudFront (see (7)).
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: key,
    });
    this.access = new ConsoleAccess(this, 'Access', { userPool: props.userPool });
    const jwtAuthorizer = this.access.authorizer;
    this.api = new HttpApi(this, 'AdminApi', {
      apiName: 'anxin-admin',
      description: 'Anxin admin API',
      createDefaultStage: false,
      defaultAuthorizer: jwtAuthorizer,
    });
    this.apiStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            // the staff user's Cognito sub: who called, without a name
            caller: '$context.authorizer.claims.sub',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    // every admin route of functions/api (register, contacts, cases, campaigns, /api/me, stats, ...)
    this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [HttpMethod.ANY],
      integration,
      authorizer: jwtAuthorizer,
    });
    const healthRoutes = this.api.addRoutes({
      path: '/healthz',
      methods: [HttpMethod.GET],
      integration,
      authorizer: new HttpNoneAuthorizer(),
    });
    for (const route of healthRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Health check for uptime monitors, which hold no user token: the API function answers {"status":"ok"} without reading the table or any data, so it discloses nothing; the stage throttling (50 rps, burst 100) bounds its cost. Every /api route needs a Cognito JWT.',
      });
    }
    // The imports go to their own function. HTTP API picks the most specific matching route, so these two win
    // over ANY /api/{proxy+}; the admin function no longer serves them.
    const importsIntegration = new HttpLambdaIntegration('ImportsIntegration', this.importsFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    this.api.addRoutes({
      path: '/api/imports',
      methods: [HttpMethod.POST],
      integration: importsIntegration,
      authorizer: jwtAuthorizer,
    });
    this.api.addRoutes({
      path: '/api/imports/{id}',
      methods: [HttpMethod.GET],
      integration: importsIntegration,
      authorizer: jwtAuthorizer,
    });

    // (3) the daily reclassification job, its dead-letter queue and its schedule
    this.reclassifyDeadLetterQueue = new Queue(this, 'ReclassifyDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.reclassifyFunction = serviceFunction(this, 'ReclassifyFunction', {
      entry: source('functions/reclassify/handler.ts'),
      description: 'Anxin daily age-line reclassification job',
      serviceName: 'anxin-reclassify',
      timeout: Duration.minutes(5),
      table,
      key,
      indexes: REGISTER_INDEXES,
      asyncFailure: { deadLetterQueue: this.reclassifyDeadLetterQueue, retryAttempts: 2 },
    }).fn;

    this.reclassifySchedule = scheduledInvocation(this, 'Reclassify', {
      label: 'reclassification',
      description: 'Anxin: daily age-line reclassification at 00:05 China Standard Time',
      expression: RECLASSIFY_SCHEDULE.expression,
      timezone: RECLASSIFY_SCHEDULE.timezone,
      target: this.reclassifyFunction,
      deadLetterQueue: this.reclassifyDeadLetterQueue,
      retryPolicy: { maximumEventAgeInSeconds: 6 * 60 * 60, maximumRetryAttempts: 10 },
    });

    // (4) operations: the topic every alarm notifies
    this.opsTopic = opsTopic(this, 'OpsTopic', key);
    if (props.opsEmail) this.opsTopic.addSubscription(new EmailSubscription(props.opsEmail));

    // (5) phone visits: planner, dispatcher, voice (SIP media application), two-way SMS
    this.phoneVisits = new PhoneVisits(this, 'PhoneVisits', {
      ...props.phone,
      table,
      key,
      opsTopic: this.opsTopic,
    });
    // (5a) operations of the phone engine (issue 15): queue ages, voice errors, a silent planner,
    // reserved concurrency (infra/lib/operations.ts)
    this.operationsAlarms = phoneOperations(this, {
      topic: this.opsTopic,
      dispatchQueue: this.phoneVisits.dispatchQueue,
      urgentQueue: this.phoneVisits.urgentQueue,
      plannerFunction: this.phoneVisits.plannerFunction,
      dispatcherFunction: this.phoneVisits.dispatcherFunction,
      voiceFunction: this.phoneVisits.voiceFunction,
    });

    // (7) the console on S3 behind CloudFront, which also sends /api/*, /v/* and /l/* to the HTTP API: the
    // console and the API are one origin. Built before (6): the visit links in the texts use its URL too
    // (shorter than the execute-api host name and, with a custom domain, one the contacts can recognise).
    this.console = new WebConsole(this, 'Console', {
      api: this.api,
      clientId: this.access.client.userPoolClientId,
      ...props.console,
    });

    // (5b) campaigns (issue 5): the function their one-time schedules invoke, the schedule group, the role
    // Scheduler assumes, and the admin API's permission to create and delete those schedules
    // the preview's durations and the runner's pacing use the same provider limits as the dispatcher
    const limits = { PROVIDER_LIMITS: this.phoneVisits.environment.PROVIDER_LIMITS ?? '' };
    this.apiFunction.addEnvironment('PROVIDER_LIMITS', limits.PROVIDER_LIMITS);
    new Campaigns(this, 'Campaigns', {
      table,
      key,
      opsTopic: this.opsTopic,
      apiFunction: this.apiFunction,
      phoneEnvironment: limits,
    });
    // the CAP alert feed signs each alert with this shared secret (HMAC-SHA256); only the admin API reads it
    this.apiFunction.addEnvironment('CAP_SECRET_ARN', props.capSecret.secretArn);
    allowSecretRead(this.apiFunction, props.capSecret, key, 'CapSecret');

    // (6) home visits: the 08:30 reminder texts, the visit page their signed links open, the monthly report
    this.homeVisits = new HomeVisits(this, 'HomeVisits', {
      table,
      key,
      linkSigningSecret: props.linkSigningSecret,
      phoneVisits: this.phoneVisits,
      publicBaseUrl: this.console.url,
      opsTopic: this.opsTopic,
    });
    // the report wins over ANY /api/{proxy+} (the most specific route), JWT-authorized like the rest of /api
    this.api.addRoutes({
      path: '/api/reports/{proxy+}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ReportsIntegration', this.homeVisits.reportsFunction, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
      authorizer: jwtAuthorizer,
    });
    // The only routes without a JWT besides the health check: a contact opens the page from the link in a
    // text, with no login. The token in the path is an HMAC-signed, expiring link for one elder and one
    // contact, checked by the function (key: the link signing secret) before it reads or writes anything. One
    // integration (and one Lambda permission per route) serves the visit page and the short links of texts.
    const visitPageIntegration = new HttpLambdaIntegration(
      'VisitPageIntegration',
      this.homeVisits.visitPageFunction,
      { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 },
    );
    const visitPageRoutes = this.api.addRoutes({
      path: '/v/{token}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: visitPageIntegration,
      authorizer: new HttpNoneAuthorizer(),
    });
    for (const route of visitPageRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public visit page opened by village contacts from a link in an SMS on an ordinary phone, with no AWS identity or login. Authorization is the link itself: an expiring HMAC-SHA256 token (key in Secrets Manager) for one elder and one contact, verified by the visit-page function before any read or write. Every /api route of the API needs a Cognito JWT (staff sign-in).',
      });
    }
    // The short link of a text (/l/{id}): a random, unguessable id that the reminder job stores in the table
    // with an expiry; the visit-page function looks it up and redirects to the signed /v/{token} link. It
    // grants nothing by itself: the page behind it still checks the HMAC token.
    const shortLinkRoutes = this.api.addRoutes({
      path: '/l/{id}',
      methods: [HttpMethod.GET],
      integration: visitPageIntegration,
      authorizer: new HttpNoneAuthorizer(),
    });
    for (const route of shortLinkRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public short link in an SMS, opened by village contacts on an ordinary phone with no AWS identity or login. The id is random and unguessable, stored in the table with an expiry; the visit-page function only redirects (read-only lookup) to the expiring HMAC-signed /v/{token} link, which is verified before any read or write. Every /api route of the API needs a Cognito JWT (staff sign-in).',
      });
    }

    this.deadLetterAlarms = [
      deadLetterAlarm(
        this,
        'ReclassifyDeadLetterAlarm',
        this.reclassifyDeadLetterQueue,
        this.opsTopic,
        'a daily reclassification run failed',
      ),
      ...this.phoneVisits.deadLetterAlarms,
      ...this.homeVisits.deadLetterAlarms,
    ];

    new CfnOutput(this, 'ApiUrl', {
      description:
        'Base URL of the Anxin HTTP API (also reachable as the console URL): /api needs a Cognito ID token (Authorization header); /healthz is open; /v/{token} is the public visit page (signed links), /l/{id} the short links to it',
      value: this.apiStage.url,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description:
        'The web console (sign in with a staff account of the user pool); /api, /v and /l on the same origin',
      value: this.console.url,
    });
    new CfnOutput(this, 'UserPoolClientId', {
      description: 'App client of the console (no secret): USER_PASSWORD_AUTH / USER_SRP_AUTH, ID token 1 h',
      value: this.access.client.userPoolClientId,
    });
    new CfnOutput(this, 'OpsTopicArn', {
      description: 'Subscribe operators to this topic: every dead-letter alarm notifies it',
      value: this.opsTopic.topicArn,
    });
    new CfnOutput(this, 'InboundSmsTopicArn', {
      description: 'Two-way channel of the SMS number: End User Messaging publishes inbound texts here',
      value: this.phoneVisits.inboundSmsTopic.topicArn,
    });
    new CfnOutput(this, 'SipMediaApplicationId', {
      description: 'Chime SDK SIP media application of the check-in calls (assign the caller number to it)',
      value: this.phoneVisits.sipMediaApplication.attrSipMediaApplicationId,
    });
    if (this.phoneVisits.twoWayPhoneNumber) {
      new CfnOutput(this, 'TwoWayPhoneNumber', {
        description: 'The two-way SMS number requested by this stack',
        value: this.phoneVisits.twoWayPhoneNumber.attrPhoneNumber,
      });
    }
    if (this.phoneVisits.twoWaySetupCommand) {
      new CfnOutput(this, 'TwoWaySmsSetupCommand', {
        description:
          'Run once after deploy: points the two-way channel of the existing SMS number at the inbound topic',
        value: this.phoneVisits.twoWaySetupCommand,
      });
    }
  }
}
