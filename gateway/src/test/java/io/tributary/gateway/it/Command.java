package io.tributary.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external client (litmus, rclone) with a time limit; its combined output is kept and logged. */
public final class Command {
    public record Result(List<String> command, int exitCode, String output, Duration took) {
        public String describe() {
            return String.join(" ", command) + " exited " + exitCode + " after " + took.toMillis() + " ms:\n" + output;
        }
    }

    private Command() {
    }

    /** Runs to completion or fails the test when {@code limit} passes (the child is then killed). */
    public static Result run(List<String> command, Map<String, String> env, Path workDir, Duration limit,
                             Path logFile) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().name("command-output").start(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (output) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        boolean finished;
        try {
            finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String text;
        synchronized (output) {
            text = output.toString();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (logFile != null) {
            try {
                Files.writeString(logFile, "# " + String.join(" ", command) + "\n" + text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!finished) {
            throw new AssertionError(String.join(" ", command) + " did not finish within " + limit
                    + "; output so far:\n" + text);
        }
        return new Result(command, p.exitValue(), text, took);
    }
}
