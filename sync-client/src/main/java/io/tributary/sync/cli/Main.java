package io.tributary.sync.cli;

import picocli.CommandLine;

/** {@code tributary sync}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SyncCommand()).execute(args));
    }
}
