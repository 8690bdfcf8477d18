package io.tributary.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tributary} command line: subcommands for each server and client. */
@Command(name = "tributary", mixinStandardHelpOptions = true, version = "tributary 0.1.0",
        description = "Edge gateway for branch offices: a deduplicating, encrypted, journaled file share.",
        subcommands = {GatewayCommand.class, UpCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
