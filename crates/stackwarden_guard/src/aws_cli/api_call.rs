//! One AWS API call judged by the IAM action behind its operation and where it lands.

use crate::aws_api;
use crate::decision::{Decision, IAM_USER, OUT_OF_BAND_IAM, PROD_WRITE};
use crate::stage;
use crate::target::{self, Target};
use crate::tools::{destructive, Invocation};
use crate::walk::Walker;

use super::inputs::{collect_statements, Inputs, Statement, POLICY_OPTIONS, STATEMENT_OPTIONS};
use super::{AwsCall, IAM_USER_OPERATIONS};

/// One AWS API call being judged.
pub(super) struct ApiCall<'x> {
    pub(super) service: &'x str,
    pub(super) operation: &'x str,
    pub(super) call: &'x AwsCall<'x>,
    pub(super) inputs: &'x Inputs,
    pub(super) seen: &'x str,
}

impl ApiCall<'_> {
    /// The operation's IAM action and access level from the generated table.
    pub(super) fn judge_operation(&self, walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
        let (service, operation) = (self.service, self.operation);
        if service == "iam" && IAM_USER_OPERATIONS.contains(&operation) {
            walker.push(
                Decision::Deny,
                IAM_USER,
                self.seen,
                format!("`aws iam {operation}` creates long-lived IAM user credentials. Use an IAM role (assumed through SSO or by the service) instead, and ask a person if a user is truly needed."),
            );
            return;
        }
        let found = match aws_api::lookup(service, operation) {
            aws_api::Lookup::Found(found) => found,
            aws_api::Lookup::UnknownOperation | aws_api::Lookup::UnknownService => {
                let what = format!("`aws {service} {operation}` is not in the guard's table of AWS CLI operations (generated from botocore), so it may write");
                self.write(walker, tool, &what, "access level unknown");
                return;
            }
            aws_api::Lookup::Broken(error) => {
                walker.unseen(
                    self.seen,
                    &format!("the guard's AWS operation table is unreadable ({error})"),
                );
                return;
            }
        };
        let action = if found.actions == "-" {
            "no IAM action of its name".to_string()
        } else {
            found.actions.replace(',', ", ")
        };
        if let Some(what) = self.deletes_through_input(found.deletes) {
            destructive(walker, tool, &format!("{what} ({action})"));
            return;
        }
        if let (true, Some(why)) = (self.can_delete_through_input(), &self.inputs.unread) {
            walker.unseen(
                self.seen,
                &format!("{why}, and `aws {service} {operation}` deletes when its input says so"),
            );
            return;
        }
        if found.levels.reads_only() {
            return;
        }
        // `execute-statement --statement "SELECT ..."`: a query, although the action also lets
        // the statement write. (Athena's `start-query-execution` writes its results to S3.)
        let statements = self.statements();
        let executes =
            self.operation.starts_with("execute-") || self.operation.starts_with("batch-execute-");
        if executes && !statements.is_empty() && statements.iter().all(|s| *s == Statement::Reads) {
            return;
        }
        if target::obtains_credentials(service, operation) {
            // Only where the credentials act matters: a role in production is production.
            if let Target::Production(evidence) = self.target(walker, tool) {
                walker.push(
                    Decision::Deny,
                    PROD_WRITE,
                    self.seen,
                    format!("`aws {service} {operation}` obtains credentials that act in production: {evidence}. Whatever runs with them changes production outside the IaC; use a non-production role, or ask a person."),
                );
            }
            return;
        }
        let levels = found.levels.describe();
        if self.changes_permissions(found.grants, &found.levels) {
            self.permissions(walker, tool, &action, &levels);
            return;
        }
        let what = format!("`aws {service} {operation}` writes");
        self.write(walker, tool, &what, &format!("{action}, {levels}"));
    }

    /// Deletions the operation's name says, or its input: a batch write of `DeleteRequest`s, a
    /// transaction with a `Delete`, a PartiQL `DELETE`.
    fn deletes_through_input(&self, by_name: bool) -> Option<String> {
        let (service, operation) = (self.service, self.operation);
        if by_name {
            return Some(format!("`aws {service} {operation}` deletes resources"));
        }
        let deletes = match (service, operation) {
            ("dynamodb", "batch-write-item") => {
                self.inputs.has_key("DeleteRequest") || self.inputs.has_key("DeleteRequests")
            }
            ("dynamodb", "transact-write-items") => self.inputs.has_key("Delete"),
            ("route53", "change-resource-record-sets") => self.inputs.has_value("Action", "DELETE"),
            _ => self.statements().contains(&Statement::Deletes),
        };
        deletes.then(|| format!("`aws {service} {operation}` deletes items through its input"))
    }

    /// Whether what the call deletes depends on its input (a batch write, a change batch, a
    /// statement): then an input the guard cannot read hides a possible deletion.
    fn can_delete_through_input(&self) -> bool {
        matches!(
            (self.service, self.operation),
            ("dynamodb", "batch-write-item" | "transact-write-items")
                | ("route53", "change-resource-record-sets")
        ) || self.runs_statements()
    }

    fn runs_statements(&self) -> bool {
        ["execute-", "batch-execute-", "start-query-execution"]
            .iter()
            .any(|p| self.operation.starts_with(p))
    }

    /// The SQL or PartiQL statements the call runs (`--statement`, `--sql`, `--sqls`,
    /// `--query-string`, and `Statement` keys of its documents), by what they do. A call that
    /// only stores a statement (`athena create-named-query`) runs none.
    fn statements(&self) -> Vec<Statement> {
        if !self.runs_statements() {
            return Vec::new();
        }
        let mut texts = Vec::new();
        let mut rest = self.call.rest.iter();
        while let Some(arg) = rest.next() {
            let (name, inline) = match arg.text.split_once('=') {
                Some((name, value)) if arg.literal => (name, Some(value.to_string())),
                _ => (arg.text.as_str(), None),
            };
            if arg.literal && STATEMENT_OPTIONS.contains(&name) {
                if let Some(value) = inline.or_else(|| rest.next().map(|a| a.text.clone())) {
                    texts.push(value);
                }
            }
        }
        for document in &self.inputs.documents {
            collect_statements(document, &mut texts);
        }
        texts.iter().map(|t| Statement::of(t)).collect()
    }

    /// Identity and permission changes: the table's, and a write handed a policy document
    /// (`opensearch update-domain-config --access-policies`). An attribute setter that the
    /// reference files under both levels because one attribute is a policy
    /// (`sqs set-queue-attributes`) changes permissions only when it sets that one.
    fn changes_permissions(&self, grants: bool, levels: &aws_api::Levels) -> bool {
        let mentions_policy = || {
            self.call
                .rest
                .iter()
                .map(|a| a.text.as_str())
                .chain(self.inputs.texts.iter().map(String::as_str))
                .any(|t| t.to_ascii_lowercase().contains("policy"))
        };
        let gives_policy = self.call.rest.iter().any(|a| {
            let name = a.text.split_once('=').map_or(a.text.as_str(), |(n, _)| n);
            a.literal && POLICY_OPTIONS.contains(&name)
        });
        if gives_policy {
            return true;
        }
        if grants && levels.has_write() && self.operation.ends_with("-attributes") {
            return mentions_policy();
        }
        grants
    }

    fn target(&self, walker: &Walker<'_, '_>, tool: &Invocation<'_>) -> Target {
        let ctx = walker.ctx;
        // `aws ddb put TABLE ITEM`, `aws ddb select TABLE`: the table is the first positional.
        let mut named = self.call.rest.clone();
        if self.service == "ddb" {
            if let Some(table) = self.call.rest.iter().find(|a| !a.text.starts_with('-')) {
                named.push(crate::words::Arg::lit("--table-name"));
                named.push(table.clone());
            }
        }
        let (evidence, resource_elsewhere) =
            target::resources(ctx, &named, &self.inputs.documents, &self.inputs.texts);
        if let Some(evidence) = evidence {
            return Target::Production(evidence);
        }
        let credentials = target::credentials(
            ctx,
            tool,
            self.call.profile.clone(),
            walker.obtained.as_ref(),
            walker.aws_config_changed,
        );
        match credentials {
            Target::Unresolved(_) if resource_elsewhere => Target::NonProduction,
            Target::Unresolved(why) => match &self.inputs.unread {
                Some(path) => {
                    Target::Unresolved(format!("{why}, and its input `{path}` could not be read"))
                }
                None => Target::Unresolved(why),
            },
            other => other,
        }
    }

    /// A write: denied in production, asked about where the guard cannot tell. `detail` names
    /// the IAM action and access level.
    pub(super) fn write(
        &self,
        walker: &mut Walker<'_, '_>,
        tool: &Invocation<'_>,
        what: &str,
        detail: &str,
    ) {
        let ctx = walker.ctx;
        let safe = stage::safe_stage(ctx);
        match self.target(walker, tool) {
            Target::Production(evidence) => walker.push(
                Decision::Deny,
                PROD_WRITE,
                self.seen,
                format!("{what} ({detail}) in production: {evidence}. Changing production by hand bypasses the stack, its change set and review. Make the change in the IaC and deploy it to {safe} (`--profile {safe}`), or ask a person to change {}.", stage::production_stage(ctx)),
            ),
            Target::Unresolved(why) => walker.push(
                Decision::Ask,
                PROD_WRITE,
                self.seen,
                format!("{what} ({detail}), and the guard cannot tell whether that is production: {why}. Pass `--profile {safe}` with a profile whose account stackwarden.toml maps to a stage (`[accounts] {safe} = \"<account id>\"`), or let a person confirm."),
            ),
            Target::NonProduction => {}
        }
    }

    /// An identity or permission change made by hand: asked about, denied in production.
    pub(super) fn permissions(
        &self,
        walker: &mut Walker<'_, '_>,
        tool: &Invocation<'_>,
        action: &str,
        levels: &str,
    ) {
        let (service, operation) = (self.service, self.operation);
        let what = format!("`aws {service} {operation}` changes identities or permissions by hand ({action}; {levels}), outside the IaC");
        let fix = "Declare the permission in the stack instead (`bucket.grantRead(fn)`, `role.addToPolicy(...)`, a resource policy in the template) and deploy it through `cdk diff` and review";
        match self.target(walker, tool) {
            Target::Production(evidence) => walker.push(
                Decision::Deny,
                OUT_OF_BAND_IAM,
                self.seen,
                format!("{what}, in production: {evidence}. {fix}; ask a person for an emergency change."),
            ),
            Target::Unresolved(_) | Target::NonProduction => walker.push(
                Decision::Ask,
                OUT_OF_BAND_IAM,
                self.seen,
                format!("{what}: the next deploy reverts it or drifts from it. {fix}, or let a person confirm this change."),
            ),
        }
    }
}
