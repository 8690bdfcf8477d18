package io.tributary.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The {@code tributary} command line: subcommands for each server and client. */
@Command(name = "tributary", mixinStandardHelpOptions = true, version = "tributary 0.1.0",
        description = "Edge gateway for branch offices: a deduplicating, encrypted, journaled file share.",
        subcommands = {GatewayCommand.class, UpCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for a bad option value, as picocli uses for bad options. */
    static final int USAGE = 2;
    /** Exit status when the gateway cannot start (port taken, data directory unusable). */
    static final int CANNOT_START = 1;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A person typed these options: a sentence helps them, a stack trace does not.
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("tributary " + cmd.getCommandName() + ": " + e.getMessage());
                cmd.getErr().println("Try 'tributary " + cmd.getCommandName() + " --help'.");
                return USAGE;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                cmd.getErr().println("tributary " + cmd.getCommandName() + ": cannot start: " + e.getMessage());
                return CANNOT_START;
            }
            throw e;
        });
    }
}
