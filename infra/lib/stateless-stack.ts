import { fileURLToPath } from 'node:url';
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
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { registerTable } from '../../shared/store/table.js';

/** Repository root: the esbuild project root and where package-lock.json lives. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const source = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** 00:05 every day in China Standard Time, just after birthdays (and so age lines) roll over locally. */
export const RECLASSIFY_SCHEDULE = {
  expression: 'cron(5 0 * * ? *)',
  timezone: 'Asia/Shanghai',
} as const;

/**
 * Item-level DynamoDB actions the handlers need (what `grantReadWriteData` grants, minus the stream actions
 * of a table that has no stream). No table administration (CreateTable, UpdateTable, DeleteTable, backups,
 * TTL, ...) and no `dynamodb:*`.
 */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
] as const;

/**
 * Use of the table's customer-managed key, and only through DynamoDB (kms:ViaService condition): the
 * principals reading and writing a CMK-encrypted table need these on the key. Narrower than
 * `grantEncryptDecrypt` (no kms:ReEncrypt*, no kms:GenerateDataKey* wildcards).
 */
export const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
] as const;

export interface StatelessStackProps extends StackProps {
  /** the register table, from the stateful stack */
  readonly table: ITable;
  /** the customer-managed key that encrypts the table; also encrypts this stack's log groups */
  readonly key: IKey;
}

interface ServiceFunctionProps {
  readonly entry: string;
  readonly description: string;
  readonly serviceName: string;
  readonly timeout: Duration;
  readonly table: ITable;
  readonly key: IKey;
  readonly deadLetterQueue?: Queue;
}

/**
 * Everything that can be destroyed and recreated at will: the Lambda functions, the HTTP API, the daily
 * reclassification schedule and its dead-letter queue.
 */
export class StatelessStack extends Stack {
  public readonly apiFunction: NodejsFunction;
  public readonly reclassifyFunction: NodejsFunction;
  public readonly api: HttpApi;
  public readonly apiStage: HttpStage;
  public readonly reclassifySchedule: CfnSchedule;
  public readonly reclassifyDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Table and key come from the stateful stack as strong references (Export / Fn::ImportValue), so
    // CloudFormation refuses to remove them from the stateful stack while this stack uses them. Set
    // explicitly (must precede the first child) rather than left to the app-wide default.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, key } = props;

    // (1) the admin API function
    this.apiFunction = this.serviceFunction('ApiFunction', {
      entry: source('functions/api/handler.ts'),
      description: 'Anxin admin API (HTTP API Lambda proxy)',
      serviceName: 'anxin-api',
      timeout: Duration.seconds(29),
      table,
      key,
    });

    // (2) the HTTP API: every route IAM-authorized (SigV4) until the Cognito JWT authorizer replaces it
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: key,
    });
    const iamAuthorizer = new HttpIamAuthorizer();
    this.api = new HttpApi(this, 'AdminApi', {
      apiName: 'anxin-admin',
      description: 'Anxin admin API',
      createDefaultStage: false,
      defaultAuthorizer: iamAuthorizer,
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
            caller: '$context.identity.userArn',
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
    this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [HttpMethod.ANY],
      integration,
      authorizer: iamAuthorizer,
    });
    this.api.addRoutes({
      path: '/healthz',
      methods: [HttpMethod.GET],
      integration,
      authorizer: iamAuthorizer,
    });

    // (3) the daily reclassification job, its dead-letter queue and its schedule
    this.reclassifyDeadLetterQueue = new Queue(this, 'ReclassifyDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.reclassifyFunction = this.serviceFunction('ReclassifyFunction', {
      entry: source('functions/reclassify/handler.ts'),
      description: 'Anxin daily age-line reclassification job',
      serviceName: 'anxin-reclassify',
      timeout: Duration.minutes(5),
      table,
      key,
      deadLetterQueue: this.reclassifyDeadLetterQueue,
    });

    const schedulerRole = new Role(this, 'ReclassifyScheduleRole', {
      description:
        'EventBridge Scheduler: may only invoke the reclassification function (and dead-letter to its queue)',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    schedulerRole.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.reclassifyFunction.functionArn],
      }),
    );
    schedulerRole.addToPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.reclassifyDeadLetterQueue.queueArn],
      }),
    );
    this.reclassifySchedule = new CfnSchedule(this, 'ReclassifySchedule', {
      description: 'Anxin: daily age-line reclassification at 00:05 China Standard Time',
      scheduleExpression: RECLASSIFY_SCHEDULE.expression,
      scheduleExpressionTimezone: RECLASSIFY_SCHEDULE.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.reclassifyFunction.functionArn,
        roleArn: schedulerRole.roleArn,
        deadLetterConfig: { arn: this.reclassifyDeadLetterQueue.queueArn },
        retryPolicy: { maximumEventAgeInSeconds: 6 * 60 * 60, maximumRetryAttempts: 10 },
      },
    });
    // the role's policy must exist before the schedule first fires
    this.reclassifySchedule.node.addDependency(schedulerRole);

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the Anxin admin API (requests must be SigV4-signed)',
      value: this.apiStage.url,
    });
  }

  /**
   * A Node.js 22 ARM Lambda bundled locally by esbuild as ESM, with its own role (no managed policies), an
   * encrypted log group with a retention, active tracing and item-level access to the register table.
   */
  private serviceFunction(id: string, props: ServiceFunctionProps): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
    });
    const role = new Role(this, `${id}Role`, {
      description: `Execution role of ${id}`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    role.addToPolicy(
      new PolicyStatement({
        sid: 'RegisterTableItems',
        actions: [...TABLE_DATA_ACTIONS],
        resources: [
          props.table.tableArn,
          `${props.table.tableArn}/index/${registerTable.byCounty.indexName}`,
          `${props.table.tableArn}/index/${registerTable.byAgeLine.indexName}`,
        ],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'RegisterTableKeyViaDynamoDB',
        actions: [...TABLE_KEY_ACTIONS],
        resources: [props.key.keyArn],
        // dynamodb.<region>.amazonaws.com, or .amazonaws.com.cn in the China partition
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.${this.urlSuffix}` } },
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so the Lambda construct grants them on "*". All other statements are resource-scoped.',
    });

    const fn = new NodejsFunction(this, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: props.timeout,
      role,
      logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 } : {}),
      projectRoot: repoRoot,
      depsLockFilePath: source('package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // bundle the SDK too: the deployed code runs exactly the versions pinned in package-lock.json
        bundleAwsSDK: true,
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The project pins the nodejs22.x runtime (Node.js 22 LTS, the version the code is built and tested for); nodejs24.x is newer, and moving to it is a deliberate, tested upgrade rather than a side effect of a CDK bump.',
    });
    return fn;
  }
}
