import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { CfnUserPool, UserPool } from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  BillingMode,
  type CfnTable,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnKey, Key } from 'aws-cdk-lib/aws-kms';
import { type CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { registerTable } from '../../shared/store/table.js';
import { StaffDirectory } from './access.js';

/**
 * Logical ids of the stateful resources. They are pinned with `overrideLogicalId`, so renaming or moving the
 * constructs in a refactor can never make CloudFormation replace (and orphan) the table or its key.
 * Never change these strings.
 */
export const STATEFUL_LOGICAL_IDS = {
  table: 'RegisterTable',
  key: 'RegisterKey',
  linkSigningSecret: 'LinkSigningSecret',
  capSecret: 'CapSecret',
  userPool: 'StaffUserPool',
} as const;

/** Length of the generated link signing key (letters and digits: about 381 bits). */
export const LINK_SIGNING_SECRET_LENGTH = 64;

export type StatefulStackProps = StackProps;

/** A global secondary index of the shared table definition. */
export interface TableIndex {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/**
 * Every GSI of the shared table definition (shared/store/table.ts), in definition order: byCounty (gsi1),
 * byAgeLine (gsi2), byDue (gsi3). The table is built from this list, so the deployed indexes and the ones
 * the code queries cannot drift apart.
 */
export const TABLE_INDEXES: readonly TableIndex[] = Object.values(registerTable).flatMap((value) =>
  typeof value === 'object' && 'indexName' in value ? [value] : [],
);

/**
 * What must survive every deploy: the register table, the customer-managed key that encrypts it (and the
 * link signing secret, the service log groups and SNS topics of the stateless stack), the link signing
 * secret (a new key would invalidate every link already sent) and the staff user pool (the accounts, their
 * passwords and TOTP devices). All are retained if the stack or the resource is ever deleted.
 */
export class StatefulStack extends Stack {
  public readonly table: Table;
  public readonly key: Key;
  /** the HMAC key of the signed visit links (reminder texts sign, the visit page verifies) */
  public readonly linkSigningSecret: Secret;
  /** the shared secret the CAP alert feed signs alerts with */
  public readonly capSecret: Secret;
  /** the staff accounts of the console (see access.ts); the app client lives in the stateless stack */
  public readonly userPool: UserPool;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, { terminationProtection: true, ...props });

    this.key = new Key(this, 'RegisterKey', {
      description:
        'Anxin: encrypts the register table, the link signing secret, the service log groups and the SNS topics',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.key.node.defaultChild as CfnKey).overrideLogicalId(STATEFUL_LOGICAL_IDS.key);

    // CloudWatch Logs encrypts the log groups of the stateless stack with this key; the encryption context
    // pins the use to log groups of this account and region.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        // region-qualified principal; amazonaws.com.cn in the China partition
        principals: [new ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );

    // CloudWatch alarms publish to the ops topic, which is encrypted with this key: CloudWatch needs to use
    // the key for that, and only on behalf of alarms of this account and region (confused-deputy conditions).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );
    // AWS End User Messaging SMS publishes inbound texts (two-way SMS) to the inbound topic, which is
    // encrypted with this key: it needs to use the key for that, only for numbers of this account and region.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowEndUserMessagingSmsOfThisAccount',
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:sms-voice:${this.region}:${this.account}:*` },
        },
      }),
    );

    this.table = new Table(this, 'RegisterTable', {
      partitionKey: { name: registerTable.partitionKey, type: AttributeType.STRING },
      sortKey: { name: registerTable.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudFormation creates or deletes at most ONE global secondary index per table update: a change that
    // adds two indexes to shared/store/table.ts at once fails to deploy, so add them one deploy at a time.
    // gsi3 (byDue) is the only index new in this change, so a single deploy adds it.
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(STATEFUL_LOGICAL_IDS.table);

    // The HMAC key of the signed visit links in the reminder texts: generated by Secrets Manager (never in
    // the template or the repository), encrypted with the app key, retained. Only the reminders and visit-page
    // functions of the stateless stack may read it (their roles; see home-visits.ts).
    this.linkSigningSecret = new Secret(this, 'LinkSigningSecret', {
      description:
        'Anxin: HMAC key of the signed visit links (reminder texts sign them, the visit page checks them)',
      encryptionKey: this.key,
      generateSecretString: {
        passwordLength: LINK_SIGNING_SECRET_LENGTH,
        // letters and digits only: no quoting or escaping issues wherever the key is handled
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.linkSigningSecret.node.defaultChild as CfnSecret).overrideLogicalId(
      STATEFUL_LOGICAL_IDS.linkSigningSecret,
    );
    Validations.of(this.linkSigningSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is the HMAC key of the visit links already sent in texts: rotating it invalidates every link in flight (a contact taps the link from this morning and it is refused). Secrets Manager has no hosted rotation for a generic key and a verify-with-previous-version rotation function is not built yet, so rotation is a manual, planned step (put a new value, outside the hours links are used) rather than an automatic schedule.',
    });

    // The CAP alert feed's shared secret (HMAC-SHA256 over each alert): generated here, handed to the feed's
    // operator out of band, read only by the admin API (POST /api/campaigns/cap).
    this.capSecret = new Secret(this, 'CapSecret', {
      description: 'Anxin: shared secret the CAP 1.2 early-warning feed signs its alerts with (HMAC-SHA256)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.capSecret.node.defaultChild as CfnSecret).overrideLogicalId(STATEFUL_LOGICAL_IDS.capSecret);
    Validations.of(this.capSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is shared with the operator of the early-warning feed, who must change it on their side at the same moment: rotation is a planned, manual step agreed with that operator (put a new value, then they switch), not an automatic schedule that would make every alert after it fail verification.',
    });

    this.userPool = new StaffDirectory(this, 'StaffDirectory').userPool;
    (this.userPool.node.defaultChild as CfnUserPool).overrideLogicalId(STATEFUL_LOGICAL_IDS.userPool);
    new CfnOutput(this, 'UserPoolId', {
      description:
        'Cognito user pool of the console staff: an administrator creates each account (aws cognito-idp admin-create-user with custom:role, custom:county, custom:township)',
      value: this.userPool.userPoolId,
    });
  }
}
