import ArgumentParser

@main
struct PromptGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promptgate",
        abstract: "Make a city's generative-AI guidelines enforceable and auditable.",
        discussion: """
            PromptGate screens every prompt an employee's chat tool sends, redacts residents' personal data with \
            placeholders (restored in the answer), blocks what must not leave with a reason that cites the \
            guideline, and keeps a hash-chained, signed audit log that auditors can verify.
            """,
        subcommands: [
            Serve.self, Check.self, RulesCommand.self, Verify.self, Prove.self, Disclose.self, Publish.self,
            LogCommand.self, Report.self,
            Keys.self, RetentionCommand.self,
            RegistryCommand.self, UsersCommand.self, WitnessCommand.self,
        ])
}
