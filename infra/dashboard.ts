/** One CloudWatch dashboard: what came in, what was quarantined, how the functions did, the alarm metrics. */
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const ingestMetric = (name: string) =>
  new Metric({
    namespace: 'fwlake',
    metricName: name,
    dimensionsMap: { service: 'ingest' },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });

export class FwlakeDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(
    scope: Construct,
    id: string,
    props: { functions: Record<string, IFunction>; deadLetters: IQueue; alarmMetrics: IMetric[] },
  ) {
    super(scope, id);
    const lines = ingestMetric('Lines');
    const quarantined = ingestMetric('Quarantined');
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'fwlake' });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Ingest volume (lines, records, skipped, quarantined)',
        left: [lines, ingestMetric('Records'), ingestMetric('Skipped'), quarantined],
        right: [ingestMetric('BytesRead')],
      }),
      new GraphWidget({
        title: 'Quarantine rate (%)',
        left: [
          new MathExpression({
            expression: '100 * q / MAX([l, 1])',
            usingMetrics: { q: quarantined, l: lines },
            label: 'quarantined %',
          }),
        ],
      }),
    );
    const fns = Object.entries(props.functions);
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Errors', left: fns.map(([n, f]) => f.metricErrors({ label: n })) }),
      new GraphWidget({
        title: 'Duration p95',
        left: fns.map(([n, f]) => f.metricDuration({ label: n, statistic: 'p95' })),
      }),
      new GraphWidget({
        title: 'Dead letters',
        left: [props.deadLetters.metricApproximateNumberOfMessagesVisible()],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Saved-query alarms (rows)', left: props.alarmMetrics, width: 24 }),
    );
  }
}
