//! A handler sends a command its function's role does not allow on that resource.

use stackwarden_core::{RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "iam/missing-permission",
    severity: Severity::Error,
    summary:
        "a handler sends an SDK command that its function's role does not allow on that resource",
    docs: r#"## What it does
For each Lambda function of a CDK cloud assembly, follows its creation trace to the handler file
(`entry` of a `NodejsFunction`, or `Code.fromAsset(dir)` + `handler`), reads the SDK v3 commands
that the handler module and the local modules it imports send (`client.send(new
PutObjectCommand({ Bucket: process.env.BUCKET }))`, document-client commands, Powertools'
idempotency store and parameter getters), maps each to the IAM actions it needs (a table
generated from botocore's models, the SDK packages and the Service Authorization Reference:
`ListObjectsV2` needs `s3:ListBucket`, a `TransactWriteCommand` of `Put` items needs
`dynamodb:PutItem`), and binds the input to a resource through the function's environment
(`BUCKET: Ref ReceiptsBucket`). It reports a command when no Allow statement of the function's
role (inline, attached, and the embedded AWS managed policies) allows the action on that
resource. The finding is on the `send(...)` line.

A statement whose resource is a literal ARN, a pattern or a parameter, and a target the code
computes at run time, are given the benefit of the doubt: only a role that certainly lacks the
action is reported. A function whose code cannot be resolved (a command built elsewhere, the SDK
v2, a handler the trace does not lead to, an AWS managed policy that is not embedded) gets no
finding; `--verbose` says why. Does not run on test files.

## Why
The deploy succeeds and the first invocation fails with AccessDenied. The grant is one line in
the stack; finding its absence at edit time is cheaper than finding it in production.

## Example
```ts
// lib/orders-stack.ts
receipts.grantRead(processOrder);
// src/process-order.ts
await s3.send(new PutObjectCommand({ Bucket: process.env.RECEIPTS_BUCKET, Key, Body }));
```

## Fix
Add the grant the finding names (`receipts.grantPut(processOrder)`), or a statement for exactly
that action and resource (`processOrder.addToRolePolicy(new iam.PolicyStatement({ actions:
['s3:PutObject'], resources: [receipts.arnForObjects('*')] }))`). `stackwarden iam policy-for
FILE` prints everything a handler needs.
"#,
};
