import { fileURLToPath } from 'node:url';
import { type Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type IDestination, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { nodejsBundlingOptions } from './bundling.js';
import type { TableIndex } from './stateful-stack.js';

/** Repository root: the esbuild project root and where package-lock.json lives. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Absolute path of a file of the repository, from its path relative to the root. */
export const source = (relative: string): string =>
  fileURLToPath(new URL(`../../${relative}`, import.meta.url));

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

/** Read-only item access (a function that only reads the register, e.g. the monthly reports). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;

/** Use of the table's key for reads only, through DynamoDB. */
export const TABLE_READ_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;

/** Why the X-Ray statement of every function role needs Resource "*" (cdk-nag AwsSolutions-IAM5). */
const XRAY_REASON =
  'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so the Lambda construct grants them on "*".';

/** What happens to a failed asynchronous invocation (schedule, SNS) of a function. */
export type AsyncFailureHandling =
  /** the function's dead-letter queue (DeadLetterConfig) */
  | {
      readonly deadLetterQueue: IQueue;
      readonly retryAttempts: number;
      readonly maxEventAge?: Duration;
    }
  /** an on-failure destination (EventInvokeConfig), which records the error and the request */
  | {
      readonly onFailure: IDestination;
      readonly retryAttempts: number;
      readonly maxEventAge?: Duration;
    };

export interface ServiceFunctionProps {
  readonly entry: string;
  readonly description: string;
  readonly serviceName: string;
  readonly timeout: Duration;
  /** 1024 MB unless given */
  readonly memorySize?: number;
  readonly table: ITable;
  readonly key: IKey;
  /** the table indexes the function may query (each one's ARN is listed in its role) */
  readonly indexes: readonly TableIndex[];
  /** 'readWrite' (TABLE_DATA_ACTIONS, TABLE_KEY_ACTIONS) unless given; 'readOnly': GetItem and Query only */
  readonly tableAccess?: 'readWrite' | 'readOnly';
  /** extra environment variables (TABLE_NAME, POWERTOOLS_SERVICE_NAME and NODE_OPTIONS are always set) */
  readonly environment?: Readonly<Record<string, string>>;
  readonly asyncFailure?: AsyncFailureHandling;
  /**
   * Further statements of the role that need Resource "*", with the reason why (appended to the X-Ray reason
   * of the AwsSolutions-IAM5[Resource::*] acknowledgement of the role). Without it, X-Ray is the only one.
   */
  readonly unscopedStatements?: { readonly statements: PolicyStatement[]; readonly reason: string };
}

export interface ServiceFunction {
  readonly fn: NodejsFunction;
  readonly role: Role;
}

/**
 * A Node.js 22 ARM Lambda bundled locally by esbuild as ESM (settings in bundling.ts), with its own role (no
 * managed policies), an encrypted log group with a retention, active tracing and item-level access to the
 * register table and the given indexes.
 */
export function serviceFunction(scope: Construct, id: string, props: ServiceFunctionProps): ServiceFunction {
  const stack = Stack.of(scope);
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_YEAR,
    encryptionKey: props.key,
  });
  const role = new Role(scope, `${id}Role`, {
    description: `Execution role of ${id}`,
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  const readOnly = props.tableAccess === 'readOnly';
  role.addToPolicy(
    new PolicyStatement({
      sid: 'RegisterTableItems',
      actions: readOnly ? [...TABLE_READ_ACTIONS] : [...TABLE_DATA_ACTIONS],
      resources: [
        props.table.tableArn,
        ...props.indexes.map((index) => `${props.table.tableArn}/index/${index.indexName}`),
      ],
    }),
  );
  role.addToPolicy(
    new PolicyStatement({
      sid: 'RegisterTableKeyViaDynamoDB',
      actions: readOnly ? [...TABLE_READ_KEY_ACTIONS] : [...TABLE_KEY_ACTIONS],
      resources: [props.key.keyArn],
      // dynamodb.<region>.amazonaws.com, or .amazonaws.com.cn in the China partition
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
    }),
  );
  for (const statement of props.unscopedStatements?.statements ?? []) role.addToPolicy(statement);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: props.unscopedStatements
      ? `${XRAY_REASON} ${props.unscopedStatements.reason} All other statements are resource-scoped.`
      : `${XRAY_REASON} All other statements are resource-scoped.`,
  });

  const failure = props.asyncFailure;
  const fn = new NodejsFunction(scope, id, {
    entry: props.entry,
    handler: 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 1024,
    timeout: props.timeout,
    role,
    logGroup,
    tracing: Tracing.ACTIVE,
    environment: {
      TABLE_NAME: props.table.tableName,
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    },
    ...(failure ? { retryAttempts: failure.retryAttempts } : {}),
    ...(failure?.maxEventAge ? { maxEventAge: failure.maxEventAge } : {}),
    ...(failure && 'deadLetterQueue' in failure ? { deadLetterQueue: failure.deadLetterQueue } : {}),
    ...(failure && 'onFailure' in failure ? { onFailure: failure.onFailure } : {}),
    projectRoot: repoRoot,
    depsLockFilePath: source('package-lock.json'),
    bundling: nodejsBundlingOptions(),
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'The project pins the nodejs22.x runtime (Node.js 22 LTS, the version the code is built and tested for); nodejs24.x is newer, and moving to it is a deliberate, tested upgrade rather than a side effect of a CDK bump.',
  });
  return { fn, role };
}

/**
 * Lets a function read one secret: GetSecretValue on that secret, and the app key only through Secrets
 * Manager and only for that secret (Secrets Manager puts the secret's ARN in the encryption context).
 * Explicit statements rather than `secret.grantRead`, which would change the stateful stack's key policy.
 */
export function allowSecretRead(
  grantee: IGrantable & IConstruct,
  secret: ISecret,
  key: IKey,
  sid: string,
): void {
  // the reader's own stack: its region and URL suffix, not a reference to the secret's stack
  const stack = Stack.of(grantee);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: `Read${sid}`,
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secret.secretArn],
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: `${sid}KeyViaSecretsManager`,
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}`,
          'kms:EncryptionContext:SecretARN': secret.secretArn,
        },
      },
    }),
  );
}
