package io.tributary.sync;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;

/**
 * What the user sees of a sync: on a terminal a progress bar of bytes with rate and ETA, and a
 * line per file otherwise (logs, CI, a pipe).
 */
final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final boolean terminal;
    private ProgressBar bar;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Starts a transfer phase of {@code files} files and {@code bytes} bytes. */
    synchronized void begin(String what, int files, long bytes) {
        if (terminal && bytes > 0) {
            bar = new ProgressBarBuilder().setTaskName(what + " " + files + " file(s)").setInitialMax(bytes)
                    .setUnit(" MiB", 1 << 20).setStyle(ProgressBarStyle.ASCII).showSpeed()
                    .setUpdateIntervalMillis((int) Duration.ofMillis(200).toMillis()).build();
        } else if (files > 0) {
            out.println(what + " " + files + " file(s), " + bytes + " bytes");
        }
    }

    synchronized void bytes(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** A line about one path (printed above the bar on a terminal). */
    synchronized void say(String line) {
        if (bar != null) {
            bar.setExtraMessage(line.length() > 60 ? "..." + line.substring(line.length() - 57) : line);
        } else {
            out.println(line);
        }
    }

    /** A line that must be seen even on a terminal: conflicts and errors. */
    synchronized void warn(String line) {
        if (bar != null) {
            bar.pause();
            out.println();
        }
        out.println(line);
        if (bar != null) {
            bar.resume();
        }
    }

    synchronized void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        end();
    }
}
