import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_SCHEDULE_GROUP, CAMPAIGNS_TIMEOUT_MINUTES, Campaigns } from '../../infra/lib/campaigns.js';

/*
 * The campaigns construct on its own stack (no asset bundling: the bundled app is checked in
 * stateless-stack.test.ts and cdk-nag.test.ts).
 */
type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let stack: Stack;
let campaigns: Campaigns;
let api: LambdaFunction;
let template: Template;
let resources: Record<string, Resource>;
const id = (element: unknown) => stack.getLogicalId(element as CfnElement);
const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const statementsOf = (roleId: string): Statement[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => asList(r.Properties.Roles as unknown[]).some((x) => JSON.stringify(x).includes(roleId)))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new Stack(app, 'CampaignsTest', { env: { account: '123456789012', region: 'ap-east-1' } });
  const key = new Key(stack, 'Key', { enableKeyRotation: true });
  const table = new Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const opsTopic = new Topic(stack, 'Ops', { enforceSSL: true, masterKey: key });
  api = new LambdaFunction(stack, 'Api', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({})'),
  });
  campaigns = new Campaigns(stack, 'Campaigns', { table, key, opsTopic, apiFunction: api });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

describe('campaign execution infrastructure', () => {
  it('has a schedule group of its own', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: CAMPAIGN_SCHEDULE_GROUP });
  });

  it('the role Scheduler assumes may invoke the campaigns function only (and dead-letter)', () => {
    const roleId = id(campaigns.schedulerRole.node.defaultChild);
    const role = resources[roleId];
    expect(role?.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [id(campaigns.scheduleGroup), 'Arn'] } },
          },
        },
      ],
    });
    expect(statementsOf(roleId).map(({ Action, Resource }) => ({ Action, Resource }))).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [id(campaigns.function.node.defaultChild), 'Arn'] },
      },
      {
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [id(campaigns.deadLetterQueue.node.defaultChild), 'Arn'] },
      },
    ]);
  });

  it('the admin API may create, update and delete the anxin- schedules of that group, and pass that role only', () => {
    const apiRoleId = id(api.role?.node.defaultChild);
    const statements = statementsOf(apiRoleId);
    const schedules = statements.find((s) => asList(s.Action).includes('scheduler:CreateSchedule'));
    expect(asList(schedules?.Action ?? []).sort()).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:UpdateSchedule',
    ]);
    expect(JSON.stringify(schedules?.Resource)).toContain(`:schedule/${CAMPAIGN_SCHEDULE_GROUP}/anxin-*`);
    const pass = statements.find((s) => asList(s.Action).includes('iam:PassRole'));
    expect(pass).toMatchObject({
      Resource: { 'Fn::GetAtt': [id(campaigns.schedulerRole.node.defaultChild), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
    expect(statements.some((s) => JSON.stringify(s.Action).includes('scheduler:*'))).toBe(false);
  });

  it('tells the admin API where schedules go and what they invoke', () => {
    const environment = resources[id(api.node.defaultChild)]?.Properties.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables;
    expect(variables).toEqual({
      SCHEDULER_GROUP: CAMPAIGN_SCHEDULE_GROUP,
      SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [id(campaigns.schedulerRole.node.defaultChild), 'Arn'] },
      CAMPAIGNS_FUNCTION_ARN: { 'Fn::GetAtt': [id(campaigns.function.node.defaultChild), 'Arn'] },
      SCHEDULER_DEAD_LETTER_ARN: { 'Fn::GetAtt': [id(campaigns.deadLetterQueue.node.defaultChild), 'Arn'] },
    });
  });

  it('the campaigns function continues a long activation through its own queue, one message at a time', () => {
    const fn = resources[id(campaigns.function.node.defaultChild)];
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Timeout: CAMPAIGNS_TIMEOUT_MINUTES * 60,
      Environment: { Variables: { CAMPAIGNS_QUEUE_URL: { Ref: id(campaigns.queue.node.defaultChild) } } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      EventSourceArn: { 'Fn::GetAtt': [id(campaigns.queue.node.defaultChild), 'Arn'] },
      FunctionName: { Ref: id(campaigns.function.node.defaultChild) },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * CAMPAIGNS_TIMEOUT_MINUTES * 60,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [id(campaigns.deadLetterQueue.node.defaultChild), 'Arn'] },
        maxReceiveCount: 3,
      },
    });
    const own = statementsOf(id(campaigns.function.role?.node.defaultChild));
    expect(own).toContainEqual(
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [id(campaigns.queue.node.defaultChild), 'Arn'] },
      }),
    );
    // failed asynchronous invocations (a schedule's) go to the dead-letter queue, which has an alarm
    expect(fn?.Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [id(campaigns.deadLetterQueue.node.defaultChild), 'Arn'] },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [id(campaigns.deadLetterQueue.node.defaultChild), 'QueueName'] },
        },
      ],
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
  });

  it('is cdk-nag clean in its construct, with reasons for what it acknowledges', () => {
    const report = new AwsSolutionsChecks().validateScope(campaigns);
    const described = report.violations.map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(described).toEqual([]);
  });
});
