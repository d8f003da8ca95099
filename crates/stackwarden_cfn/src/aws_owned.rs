//! Literal accounts, regions and names in a template that are not the user's to parametrise,
//! decided from the shape of the value and where it stands, never from a list of guesses:
//! - the account of a Lambda layer ARN is the layer's publisher (Powertools for AWS Lambda,
//!   Lambda Insights, a vendor): `${AWS::AccountId}` there names a layer that does not exist;
//! - the CDK bootstrap resources (`cdk-<qualifier>-assets-<account>-<region>`, the deploy and
//!   publishing roles, the container asset repository) are named by the CDK synthesizer from the
//!   stack's environment;
//! - `us-east-1` where AWS requires it: what CloudFront uses (ACM certificates, Lambda@Edge
//!   functions, WAFv2 web ACLs of CLOUDFRONT scope, whose ARNs read `:global/`), and the ACM
//!   certificates of edge-optimised API Gateway domains, Cognito and AppSync custom domains,
//!   which are served through CloudFront.

use stackwarden_core::aws::{is_account_id, is_region};

/// The kinds of resource the CDK bootstrap stack creates (aws-cdk's bootstrap template; the
/// default stack synthesizer names them `cdk-<qualifier>-<kind>-<account>-<region>`).
const BOOTSTRAP_KINDS: &[&str] = &[
    "assets",
    "container-assets",
    "deploy-role",
    "file-publishing-role",
    "image-publishing-role",
    "lookup-role",
    "cfn-exec-role",
];

/// Whether the 12-digit `account` found at byte `at` of `text` is the account field of a
/// Lambda layer ARN (`arn:aws:lambda:<region>:<account>:layer:<name>:<version>`).
pub(crate) fn is_layer_publisher(text: &str, at: usize, account: &str) -> bool {
    text[..at].ends_with(':') && text[at + account.len()..].starts_with(":layer:")
}

/// The (account, region) of every CDK bootstrap resource name in `text`.
pub(crate) fn bootstrap_names(text: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let Some(rest) = token.strip_prefix("cdk-") else {
            continue;
        };
        let Some((qualifier, rest)) = rest.split_once('-') else {
            continue;
        };
        // `cdk bootstrap --qualifier`: at most 10 lower-case letters and digits.
        if qualifier.is_empty()
            || qualifier.len() > 10
            || !qualifier
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            continue;
        }
        for kind in BOOTSTRAP_KINDS {
            let Some(env) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix('-')) else {
                continue;
            };
            if let Some((account, region)) = env.split_once('-') {
                if is_account_id(account) && is_region(region) {
                    found.push((account, region));
                }
            }
        }
    }
    found
}

/// One ARN inside a value: its service, region and resource (`\0` stands for computed parts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArnParts<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub resource: &'a str,
}

/// Every `arn:<partition>:<service>:<region>:<account>:<resource>` in `text`, the partition
/// possibly computed.
pub(crate) fn arns_in(text: &str) -> Vec<ArnParts<'_>> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("arn:") {
        if at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rest = &text[at + 4..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'))
            .unwrap_or(rest.len());
        let mut fields = rest[..end].splitn(5, ':');
        let (Some(_partition), Some(service), Some(region), Some(_account), Some(resource)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            continue;
        };
        found.push(ArnParts {
            service,
            region,
            resource,
        });
    }
    found
}

/// Whether `region`, written in `whole` under `key` of a `resource_type` resource, is a region
/// AWS requires there.
pub(crate) fn region_required(
    resource_type: &str,
    key: Option<&str>,
    whole: &str,
    region: &str,
) -> bool {
    if region != "us-east-1" {
        return false;
    }
    arns_in(whole)
        .iter()
        .filter(|arn| arn.region == region)
        .any(|arn| arn_requires_us_east_1(resource_type, key, arn))
}

/// The same judgement for one parsed ARN (a fully literal ARN).
pub(crate) fn arn_requires_us_east_1(
    resource_type: &str,
    key: Option<&str>,
    arn: &ArnParts<'_>,
) -> bool {
    if arn.region != "us-east-1" {
        return false;
    }
    // A WAFv2 web ACL, rule group, IP set or regex set of CLOUDFRONT scope.
    if arn.service == "wafv2" && arn.resource.starts_with("global/") {
        return true;
    }
    match resource_type {
        "AWS::CloudFront::Distribution" => matches!(arn.service, "acm" | "lambda" | "wafv2"),
        // `CertificateArn` is the edge-optimised endpoint's (`RegionalCertificateArn` is the
        // regional one's, in the API's own region).
        "AWS::ApiGateway::DomainName"
        | "AWS::Cognito::UserPoolDomain"
        | "AWS::AppSync::DomainName" => arn.service == "acm" && key == Some("CertificateArn"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let layer = "arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:7";
        let at = layer.find("094274105915").unwrap_or_default();
        assert!(is_layer_publisher(layer, at, "094274105915"));
        let function = "arn:aws:lambda:eu-west-1:094274105915:function:x";
        assert!(!is_layer_publisher(function, at, "094274105915"));
        assert_eq!(
            bootstrap_names("arn:aws:s3:::cdk-hnb659fds-assets-111122223333-eu-west-2/*"),
            [("111122223333", "eu-west-2")]
        );
        assert!(bootstrap_names("cdk-hnb659fds-assets-1111-eu-west-2").is_empty());
        assert!(bootstrap_names("cdk-Custom-assets-111122223333-eu-west-2").is_empty());
        assert!(region_required(
            "AWS::Lambda::Function",
            None,
            "arn:\0:wafv2:us-east-1:\0:global/webacl/site/\0",
            "us-east-1"
        ));
        assert!(!region_required(
            "AWS::Lambda::Function",
            None,
            "arn:\0:wafv2:us-east-1:\0:regional/webacl/site/\0",
            "us-east-1"
        ));
        assert!(region_required(
            "AWS::ApiGateway::DomainName",
            Some("CertificateArn"),
            "arn:aws:acm:us-east-1:\0:certificate/\0",
            "us-east-1"
        ));
        assert!(!region_required(
            "AWS::ApiGateway::DomainName",
            Some("RegionalCertificateArn"),
            "arn:aws:acm:us-east-1:\0:certificate/\0",
            "us-east-1"
        ));
    }
}
