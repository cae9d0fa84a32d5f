/**
 * Reading IAM policy statements out of a synthesized template, for the CDK
 * assertion tests: the statements attached to a role, and their actions and
 * resources in a form that is easy to compare and match.
 */
import type { Template } from 'aws-cdk-lib/assertions';

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
