//! What the rules know about the AWS SDKs, Powertools and the CDK: which modules are which, what
//! constructs an SDK client, and which operations change state.

use oxc::ast::ast::{CallExpression, Expression, NewExpression};

use crate::context::{Binding, SourceContext};

pub(crate) fn is_sdk_v2(module: &str) -> bool {
    module == "aws-sdk" || module.starts_with("aws-sdk/")
}

pub(crate) fn is_sdk_v3(module: &str) -> bool {
    module.starts_with("@aws-sdk/")
}

pub(crate) fn is_v3_client_package(module: &str) -> bool {
    module.starts_with("@aws-sdk/client-") || module == "@aws-sdk/lib-dynamodb"
}

pub(crate) fn is_powertools_idempotency(module: &str) -> bool {
    module.starts_with("@aws-lambda-powertools/idempotency")
}

pub(crate) fn is_powertools_logger(module: &str) -> bool {
    module.starts_with("@aws-lambda-powertools/logger")
}

pub(crate) fn is_cdk_iam(module: &str) -> bool {
    matches!(module, "aws-cdk-lib/aws-iam" | "@aws-cdk/aws-iam")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientKind {
    /// `new S3Client(...)`.
    V3,
    /// `new S3(...)`: the aggregated client with one method per operation.
    V3Aggregated,
    /// `new AWS.S3(...)`.
    V2,
    /// `DynamoDBDocumentClient.from(...)`: wraps a client made elsewhere.
    DocumentFrom,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct SdkClient<'a> {
    pub kind: ClientKind,
    pub name: &'a str,
}

/// The SDK client a `new` expression constructs, if it constructs one.
pub(crate) fn new_client<'a>(
    ctx: &SourceContext<'_, 'a>,
    new: &NewExpression<'a>,
) -> Option<SdkClient<'a>> {
    let binding = ctx.binding_of(&new.callee)?;
    classify(binding)
}

fn classify(binding: Binding<'_>) -> Option<SdkClient<'_>> {
    let module = binding.module;
    if is_v3_client_package(module) {
        let name = binding.name?;
        if name == "DynamoDBDocument" {
            return Some(SdkClient {
                kind: ClientKind::V3Aggregated,
                name,
            });
        }
        if !module.starts_with("@aws-sdk/client-") {
            return None;
        }
        if name.ends_with("Client") {
            return Some(SdkClient {
                kind: ClientKind::V3,
                name,
            });
        }
        // The aggregated class is named after the package: `S3` in client-s3, `CloudWatchLogs`
        // in client-cloudwatch-logs; exceptions, commands and helpers are named otherwise.
        let service: String = module
            .trim_start_matches("@aws-sdk/client-")
            .chars()
            .filter(|c| *c != '-')
            .collect();
        return name.eq_ignore_ascii_case(&service).then_some(SdkClient {
            kind: ClientKind::V3Aggregated,
            name,
        });
    }
    if is_sdk_v2(module) {
        // `aws-sdk/clients/s3` default-exports the client class.
        let name = match binding.name {
            Some("default") | None if module.starts_with("aws-sdk/clients/") => {
                module.trim_start_matches("aws-sdk/clients/")
            }
            Some(name) => name,
            None => return None,
        };
        let is_class = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        // The SDK's own classes that are not service clients (its `lib/` exports).
        let helper = matches!(
            name,
            "Config"
                | "Endpoint"
                | "Request"
                | "Response"
                | "Service"
                | "Token"
                | "MetadataService"
                | "HttpRequest"
                | "HttpResponse"
                | "HttpClient"
                | "NodeHttpClient"
                | "XHRClient"
                | "Signers"
                | "EventListeners"
                | "ParamValidator"
                | "SequentialExecutor"
                | "TokenProviderChain"
                | "SharedIniFileCredentials"
        ) || name.ends_with("Credentials")
            || name.ends_with("CredentialProviderChain");
        return (is_class && !helper).then_some(SdkClient {
            kind: ClientKind::V2,
            name,
        });
    }
    None
}

/// `DynamoDBDocumentClient.from(client)` / `DynamoDBDocument.from(client)`.
pub(crate) fn document_from<'a>(
    ctx: &SourceContext<'_, 'a>,
    call: &CallExpression<'a>,
) -> Option<SdkClient<'a>> {
    let member = call.callee.get_member_expr()?;
    if member.static_property_name()? != "from" {
        return None;
    }
    let name = ctx.imported_name(member.object(), |m| m == "@aws-sdk/lib-dynamodb")?;
    matches!(name, "DynamoDBDocumentClient" | "DynamoDBDocument").then_some(SdkClient {
        kind: ClientKind::DocumentFrom,
        name,
    })
}

/// v3 commands that change state in a way a repeat would repeat, by the command class name.
/// Deletes are left out: deleting the same item or object twice leaves the same state (the second
/// call finds nothing and succeeds), so a retried delete needs no idempotency record.
const MUTATING_COMMANDS: &[&str] = &[
    "PutCommand",
    "PutItemCommand",
    "UpdateCommand",
    "UpdateItemCommand",
    "BatchWriteCommand",
    "BatchWriteItemCommand",
    "TransactWriteCommand",
    "TransactWriteItemsCommand",
    "PutObjectCommand",
    "CopyObjectCommand",
    "SendMessageCommand",
    "SendMessageBatchCommand",
    "PublishCommand",
    "PublishBatchCommand",
    "PutEventsCommand",
    "StartExecutionCommand",
];

/// The same operations as v2 / aggregated-client methods (`s3.putObject(...)`); no deletes, as above.
const MUTATING_METHODS: &[&str] = &[
    "put",
    "putItem",
    "update",
    "updateItem",
    "batchWrite",
    "batchWriteItem",
    "transactWrite",
    "transactWriteItems",
    "putObject",
    "copyObject",
    "sendMessage",
    "sendMessageBatch",
    "publish",
    "publishBatch",
    "putEvents",
    "startExecution",
];

/// The mutating operation a `new XCommand(...)` builds, if it is one of an SDK v3 package.
pub(crate) fn mutating_command<'a>(
    ctx: &SourceContext<'_, 'a>,
    new: &NewExpression<'a>,
) -> Option<&'a str> {
    let name = ctx.imported_name(&new.callee, is_sdk_v3)?;
    MUTATING_COMMANDS
        .contains(&name)
        .then(|| name.trim_end_matches("Command"))
}

/// The mutating operation a method call on an SDK client performs (`s3.putObject(...)` on a v2 or
/// aggregated client, including `AWS.DynamoDB.DocumentClient`'s `put`).
pub(crate) fn mutating_method<'a>(
    ctx: &SourceContext<'_, 'a>,
    call: &CallExpression<'a>,
) -> Option<&'a str> {
    let member = call.callee.get_member_expr()?;
    let method = member.static_property_name()?;
    if !MUTATING_METHODS.contains(&method) {
        return None;
    }
    client_of(ctx, member.object())
        .filter(|c| matches!(c.kind, ClientKind::V2 | ClientKind::V3Aggregated))
        .map(|_| method)
}

/// The client an expression holds: `new AWS.S3()` itself, or a variable initialised with it.
pub(crate) fn client_of<'a>(
    ctx: &SourceContext<'_, 'a>,
    expr: &Expression<'a>,
) -> Option<SdkClient<'a>> {
    let expr = expr.get_inner_expression();
    let init = match expr {
        Expression::NewExpression(_) | Expression::CallExpression(_) => expr,
        _ => ctx.initializer_of(expr)?.get_inner_expression(),
    };
    match init {
        Expression::NewExpression(new) => new_client(ctx, new),
        Expression::CallExpression(call) => document_from(ctx, call),
        _ => None,
    }
}
