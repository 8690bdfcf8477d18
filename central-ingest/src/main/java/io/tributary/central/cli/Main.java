package io.tributary.central.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

/** Central's command line; the launcher calls it as {@code Main central --data DIR ...}. */
@Command(name = "tributary", mixinStandardHelpOptions = true, version = "tributary 0.1.0",
        description = "Tributary central ingest.",
        subcommands = {CentralCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for a bad option value, as picocli uses for bad options. */
    static final int USAGE = 2;
    /** Exit status when central cannot start (port taken, database unreachable). */
    static final int CANNOT_START = 1;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("tributary " + cmd.getCommandName() + ": " + sentence(e.getMessage()));
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A person typed these options: a sentence helps them, a stack trace does not.
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("tributary " + cmd.getCommandName() + ": " + sentence(e.getMessage()));
                return USAGE;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException || e instanceof SQLException) {
                cmd.getErr().println("tributary " + cmd.getCommandName() + ": cannot start: " + sentence(e.getMessage()));
                return CANNOT_START;
            }
            throw e;
        });
        return cli;
    }

    private static String sentence(String message) {
        String m = message == null ? "invalid input" : message.replace('\n', ' ').strip();
        return m.endsWith(".") ? m : m + ".";
    }
}
