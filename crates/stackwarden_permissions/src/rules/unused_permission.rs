//! An action granted by a hand-written statement that no code path of the function uses.

use stackwarden_core::{RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "iam/unused-permission",
    severity: Severity::Warn,
    summary: "an action in a hand-written policy statement that no code path of the function uses",
    docs: r#"## What it does
For each Lambda function of a CDK cloud assembly whose handler code is fully resolved (see
`iam/missing-permission`), takes the statements of its role that the stack's author wrote as
`new iam.PolicyStatement({ actions: [...] })` in the CDK source (matched by their actions; the
sets a CDK `grant*` method adds are CDK's standard and are not judged), and reports each action
that none of the handler's SDK calls needs, nor the Lambda service itself on the function's
behalf (CloudWatch Logs, X-Ray, VPC network interfaces, event source mappings, a dead-letter
target). The finding points at the statement in the CDK source. Wildcard actions are left to
`iam/wildcard-action`. A role shared by several functions is judged against all their calls.

## Why
An action no code path uses is privilege nobody needs: the opposite of least privilege, and what
an attacker who gets code execution in the function inherits.

## Example
```ts
fn.addToRolePolicy(new iam.PolicyStatement({
  actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'], // only GetItem is sent
  resources: [table.tableArn],
}));
```

## Fix
Remove the unused actions from the statement (`stackwarden iam policy-for FILE` prints what the
handler needs). If another path needs them (a script run with the function's role), say so with
`[per-file]` in stackwarden.toml, naming the stack file and the rule.
"#,
};
