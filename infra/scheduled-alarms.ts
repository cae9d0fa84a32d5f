/**
 * Saved queries on a schedule, as alarms: EventBridge runs the alarm function
 * with a query and its parameters; the function publishes how many rows came
 * back (`fwlake/SavedQueryRows`, dimension Alarm); a CloudWatch alarm on that
 * metric notifies an SNS topic when it crosses the threshold.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge, fwlakeFunction } from './function.ts';

export interface ScheduledQueryAlarm {
  /** Alarm and metric dimension name. */
  readonly name: string;
  readonly description: string;
  /** A saved query's name. */
  readonly query: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly schedule: Schedule;
  /** Alarm when the row count is greater than this. */
  readonly threshold: number;
}

/** The shipped examples: a new source sending from a low port, and a firewall that went quiet. */
export const DEFAULT_ALARMS: readonly ScheduledQueryAlarm[] = [
  {
    name: 'new-low-port-sources',
    description: 'A source sent from a port under 1024 in the last hour that was not seen the day before',
    query: 'new-sources',
    params: { since: '1h', baseline_since: '25h', max_port: 1024 },
    schedule: Schedule.rate(Duration.hours(1)),
    threshold: 0,
  },
  {
    name: 'silent-hosts',
    description: 'A firewall that shipped logs in the last day sent nothing in the last hour',
    query: 'silent-hosts',
    params: { since: '1h', baseline_since: '25h' },
    schedule: Schedule.rate(Duration.hours(1)),
    threshold: 0,
  },
];

export interface ScheduledAlarmsProps {
  alarms: readonly ScheduledQueryAlarm[];
  workgroupName: string;
  databaseName: string;
}

export class ScheduledAlarms extends Construct {
  readonly fn: NodejsFunction;
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly metrics: Metric[] = [];

  constructor(scope: Construct, id: string, props: ScheduledAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'fwlake alarms', enforceSSL: true });
    this.fn = fwlakeFunction(this, 'Function', 'alarm.ts', {
      description: 'fwlake: run a saved query on a schedule and publish its row count',
      timeout: Duration.minutes(5),
      environment: { FWLAKE_WORKGROUP: props.workgroupName, FWLAKE_DATABASE: props.databaseName },
    });
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        // PutMetricData has no resource ARN; the namespace condition narrows it.
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'fwlake' } },
      }),
    );
    acknowledge(this.fn, {
      'AwsSolutions-IAM5[Resource::*]':
        'PutMetricData has no resource ARN; the statement is limited to the fwlake namespace. (Also X-Ray tracing.)',
    });
    for (const a of props.alarms) {
      new Rule(this, `Schedule-${a.name}`, {
        description: a.description,
        schedule: a.schedule,
        targets: [
          new LambdaFunction(this.fn, {
            event: RuleTargetInput.fromObject({ alarm: a.name, query: a.query, params: a.params ?? {} }),
            retryAttempts: 2,
          }),
        ],
      });
      const metric = new Metric({
        namespace: 'fwlake',
        metricName: 'SavedQueryRows',
        dimensionsMap: { Alarm: a.name },
        statistic: 'Maximum',
        period: Duration.hours(1),
      });
      this.metrics.push(metric);
      const alarm = new Alarm(this, `Alarm-${a.name}`, {
        alarmDescription: a.description,
        metric,
        threshold: a.threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No data means the query did not run: the function's error alarm covers that.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(alarm);
    }
  }
}
