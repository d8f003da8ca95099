//! The AWS CLI operation table (~1.2 MB inflated) is decoded by the first AWS CLI call judged,
//! never by other commands: the hook judges every shell command the agent runs. One test per
//! process, since the table is decoded once per process.

#[test]
fn only_an_aws_cli_call_decodes_the_operation_table() {
    let fixture = stackwarden_testkit::guard::Fixture::new();
    for command in [
        "npm test && git status",
        "cdk deploy dev-orders --profile dev --require-approval broadening",
        "bash -c 'make build' | tee log.txt",
        "echo 'aws s3 rb s3://x'",
    ] {
        fixture.judge(command);
        assert!(
            !stackwarden_guard::aws_operations_loaded(),
            "`{command}` decoded the AWS operation table"
        );
    }
    fixture.judge("aws sqs send-message --queue-url q --message-body x --profile dev");
    assert!(stackwarden_guard::aws_operations_loaded());
}
