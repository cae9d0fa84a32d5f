/** cdk-nag's AWS Solutions checks over the whole stack: no finding may stand without a written reason. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FwlakeStack } from '../../infra/fwlake-stack.ts';

describe('AWS Solutions checks (cdk-nag)', () => {
  it('report no unacknowledged finding', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'fwlake-nag-'));
    const app = new App({ outdir });
    new FwlakeStack(app, 'Nag', { env: { account: '123456789012', region: 'eu-west-1' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let failure: unknown = null;
    try {
      app.synth();
    } catch (e) {
      failure = e;
    }
    const reportPath = join(outdir, 'policy-validation-report.json');
    const findings: string[] = [];
    if (existsSync(reportPath)) {
      const report = JSON.parse(readFileSync(reportPath, 'utf8'));
      for (const plugin of report.pluginReports ?? []) {
        for (const v of plugin.violations ?? []) {
          for (const r of v.violatingResources ?? [])
            findings.push(`${v.ruleName}: ${r.resourceLogicalId} (${v.description})`);
        }
      }
    }
    assert.deepEqual(findings, [], findings.join('\n'));
    assert.equal(failure, null, String(failure));
  });
});
