import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
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
import type { Construct } from 'constructs';
import { registerTable } from '../../shared/store/table.js';

/**
 * Logical ids of the stateful resources. They are pinned with `overrideLogicalId`, so renaming or moving the
 * constructs in a refactor can never make CloudFormation replace (and orphan) the table or its key.
 * Never change these strings.
 */
export const STATEFUL_LOGICAL_IDS = {
  table: 'RegisterTable',
  key: 'RegisterKey',
} as const;

export type StatefulStackProps = StackProps;

/**
 * What must survive every deploy: the register table and the customer-managed key that encrypts it
 * (and the service log groups). Both are retained if the stack or the resource is ever deleted.
 */
export class StatefulStack extends Stack {
  public readonly table: Table;
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, { terminationProtection: true, ...props });

    this.key = new Key(this, 'RegisterKey', {
      description: 'Anxin: encrypts the register table and the service log groups',
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
    for (const index of [registerTable.byCounty, registerTable.byAgeLine]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(STATEFUL_LOGICAL_IDS.table);
  }
}
