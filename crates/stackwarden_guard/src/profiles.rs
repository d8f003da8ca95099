//! `~/.aws/config`: which account a named profile acts in. Parsed from text handed in by the
//! caller (who decides between `$AWS_CONFIG_FILE` and `~/.aws/config`). The INI dialect is tiny, so
//! it is read by hand rather than pulling an INI crate for three keys.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub sso_account_id: Option<String>,
    pub role_arn: Option<String>,
    pub source_profile: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsConfig {
    profiles: BTreeMap<String, Profile>,
}

/// How far `source_profile` chains are followed; real chains are one or two links long, and the
/// bound also stops cycles.
const MAX_CHAIN: usize = 8;

impl AwsConfig {
    pub fn parse(text: &str) -> Self {
        let mut profiles = BTreeMap::new();
        let mut current: Option<String> = None;
        for raw in text.lines() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let section = section.trim();
                current = if section == "default" {
                    Some("default".to_string())
                } else {
                    section
                        .strip_prefix("profile")
                        .filter(|rest| rest.starts_with(char::is_whitespace))
                        .map(|rest| rest.trim().to_string())
                };
                if let Some(name) = &current {
                    profiles
                        .entry(name.clone())
                        .or_insert_with(Profile::default);
                }
                continue;
            }
            let (Some(name), Some((key, value))) = (&current, line.split_once('=')) else {
                continue;
            };
            let Some(profile) = profiles.get_mut(name) else {
                continue;
            };
            let value = value.trim().to_string();
            match key.trim() {
                "sso_account_id" => profile.sso_account_id = Some(value),
                "role_arn" => profile.role_arn = Some(value),
                "source_profile" => profile.source_profile = Some(value),
                _ => {}
            }
        }
        Self { profiles }
    }

    /// Every profile's name, in name order (`init` names the real ones in CLAUDE.md).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    pub fn has_profile(&self, name: &str) -> bool {
        self.profiles.contains_key(name)
    }

    /// The account a profile acts in: its SSO account, its role's account, or (for a profile that
    /// only holds credentials) the account of its `source_profile`.
    pub fn account_of(&self, name: &str) -> Option<String> {
        let mut name = name;
        for _ in 0..MAX_CHAIN {
            let profile = self.profiles.get(name)?;
            if let Some(role) = &profile.role_arn {
                if let Some(account) = account_of_arn(role) {
                    return Some(account);
                }
            }
            if let Some(account) = &profile.sso_account_id {
                return Some(account.clone());
            }
            name = profile.source_profile.as_deref()?;
        }
        None
    }
}

/// `~/.aws/config`, `$HOME/.aws/credentials`, a relative `.aws/config`: the files that define
/// profiles.
pub(crate) fn is_aws_config_file(path: &str) -> bool {
    path.ends_with(".aws/config")
        || path.ends_with(".aws/credentials")
        || path.contains("AWS_CONFIG_FILE")
}

/// `arn:aws:iam::123456789012:role/x` → `123456789012`.
pub fn account_of_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    stackwarden_core::aws::is_account_id(account).then(|| account.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "
[default]
region = eu-west-2
[profile dev]
sso_account_id = 123456789012
sso_role_name = Dev
[profile ops]
role_arn = arn:aws:iam::123456789013:role/Deployer
source_profile = base
[profile chained]
source_profile = ops
[profile loop-a]
source_profile = loop-b
[profile loop-b]
source_profile = loop-a
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
";

    #[test]
    fn resolves_sso_role_and_chains() {
        let config = AwsConfig::parse(CONFIG);
        assert_eq!(config.account_of("dev").as_deref(), Some("123456789012"));
        assert_eq!(config.account_of("ops").as_deref(), Some("123456789013"));
        assert_eq!(
            config.account_of("chained").as_deref(),
            Some("123456789013")
        );
        assert_eq!(config.account_of("loop-a"), None);
        assert_eq!(config.account_of("default"), None);
        assert!(config.has_profile("default") && !config.has_profile("corp"));
    }
}
