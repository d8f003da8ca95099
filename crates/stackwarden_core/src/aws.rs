//! The shapes of AWS identifiers as whole values: account ids, region names and ARNs. Template
//! rules, code rules, the guard and `init` all ask the same questions of a string, so they ask here.

/// A 12-digit account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

const AREAS: &[&str] = &[
    "us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "eusc",
];
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "central",
    "northeast",
    "southeast",
    "northwest",
    "southwest",
];

/// Whether `text` is a region name: `eu-west-2`, `ap-southeast-3`, `us-gov-west-1`, `cn-north-1`.
pub fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let (area, direction, number) = match parts.as_slice() {
        [area, direction, number] => (*area, *direction, *number),
        [area, "gov" | "iso" | "isob", direction, number] => (*area, *direction, *number),
        _ => return false,
    };
    AREAS.contains(&area)
        && DIRECTIONS.contains(&direction)
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The fields of a literal ARN (`arn:partition:service:region:account:resource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'t> {
    pub partition: &'t str,
    pub service: &'t str,
    pub region: &'t str,
    pub account: &'t str,
    pub resource: &'t str,
}

/// An ARN of one of AWS's partitions (`aws`, `aws-cn`, `aws-us-gov`, ...), split into its fields;
/// `None` for anything else, including text that only starts like one.
pub fn parse_arn(text: &str) -> Option<Arn<'_>> {
    let mut fields = text.strip_prefix("arn:")?.splitn(5, ':');
    let partition = fields.next()?;
    if partition != "aws" && !partition.starts_with("aws-") {
        return None;
    }
    Some(Arn {
        partition,
        service: fields.next()?,
        region: fields.next()?,
        account: fields.next()?,
        resource: fields.next()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
    }

    #[test]
    fn regions() {
        for region in ["eu-west-2", "us-gov-west-1", "ap-southeast-3", "cn-north-1"] {
            assert!(is_region(region), "{region}");
        }
        for other in [
            "eu-west-2a",
            "eu-west",
            "reports-eu-west-2",
            "xx-west-1",
            "eu-west-123",
        ] {
            assert!(!is_region(other), "{other}");
        }
    }

    #[test]
    fn arns() {
        let arn = parse_arn("arn:aws:iam::123456789012:role/x").expect("arn");
        assert_eq!(
            (arn.service, arn.region, arn.account, arn.resource),
            ("iam", "", "123456789012", "role/x")
        );
        let arn = parse_arn("arn:aws-us-gov:sns:us-gov-west-1:1:t:extra").expect("arn");
        assert_eq!((arn.region, arn.resource), ("us-gov-west-1", "t:extra"));
        assert!(parse_arn("arn:aws:s3").is_none());
        assert!(parse_arn("arn:other:s3:::b").is_none());
    }
}
