pub(crate) mod check;
pub(crate) mod doctor;
pub(crate) mod guard;
pub(crate) mod hook;
pub(crate) mod iam;
pub(crate) mod init;
pub(crate) mod log;
pub(crate) mod rules;
