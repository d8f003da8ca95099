pub(crate) mod check;
pub(crate) mod iam;
pub(crate) mod rules;
pub(crate) mod guard;
pub(crate) mod hook;
pub(crate) mod log;
