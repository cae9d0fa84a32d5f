/**
 * For the CDK assertion tests: the whole stack synthesized offline (account
 * and region fixed, functions bundled by the local esbuild), and its IAM
 * policy statements read out of the template: the statements attached to a
 * role, and their actions and resources in a form easy to compare and match.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FwlakeStack } from '../../infra/fwlake-stack.ts';

/**
 * The stack and its template, as `cdk synth` would make them for a test account, and
 * statementsOf bound to that template.
 */
export function synthesizeStack(): {
  stack: FwlakeStack;
  template: Template;
  statementsOf: (roleLogicalIdPrefix: string) => Statement[];
} {
  const stack = new FwlakeStack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const template = Template.fromStack(stack);
  return { stack, template, statementsOf: (prefix) => statementsOf(template, prefix) };
}

export type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

/** Every statement of the policies attached to roles whose logical id starts with `roleLogicalIdPrefix`. */
export function statementsOf(template: Template, roleLogicalIdPrefix: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(roleLogicalIdPrefix)),
    )
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The statement's resources as JSON text, to match ARNs (tokens included) with a regular expression. */
export const resourcesOf = (s: Statement): string => JSON.stringify(s.Resource);
