package io.tributary.central.cli;

import io.tributary.central.audit.AuditLog;
import io.tributary.central.meta.MetaStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code central audit verify|export}: checks the audit log's hash chain, or writes it out as JSON lines. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check or export central's audit log.")
public final class AuditCommand {
    /** Exit status when the chain is broken. */
    static final int TAMPERED = 1;

    @Spec
    CommandSpec spec;

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Walk the audit log's hash chain; exit 0 if intact, 1 at the first record that breaks it.")
    int verify(@Mixin CentralStore store,
               @Option(names = "--expect-head", paramLabel = "HASH",
                       description = "The head hash printed by an earlier verify or export, kept elsewhere: also catches a chain rewritten from that point on.")
               String expectHead) throws Exception {
        if (expectHead != null && !expectHead.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("--expect-head takes the 64 hex digits of a head hash, got '" + expectHead + "'");
        }
        store.check();
        try (MetaStore meta = store.open()) {
            AuditLog.Verification v = new AuditLog(meta.database()).verify();
            if (!v.intact()) {
                spec.commandLine().getOut().println("audit log BROKEN at record " + v.brokenAt() + ": " + v.problem()
                        + " (" + v.records() + " records before it are intact)");
                return TAMPERED;
            }
            if (expectHead != null && !new AuditLog(meta.database()).contains(expectHead)) {
                spec.commandLine().getOut().println("audit log BROKEN: no record has the expected head " + expectHead
                        + " (the chain was rewritten, or is another central's)");
                return TAMPERED;
            }
            spec.commandLine().getOut().println("audit log intact: " + v.records() + " records, head " + v.head());
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the audit log as JSON lines, oldest first.")
    int export(@Mixin CentralStore store,
               @Option(names = "--from", defaultValue = "1", paramLabel = "SEQ", description = "First record. Default: ${DEFAULT-VALUE}.") long from,
               @Option(names = "--output", paramLabel = "FILE", description = "Write here instead of stdout (the file must not exist).") Path output)
            throws Exception {
        if (from < 1) {
            throw new IllegalArgumentException("--from takes a record number of 1 or more, got " + from);
        }
        if (output != null && Files.exists(output)) {
            throw new IllegalArgumentException("--output " + output + " exists; name a new file");
        }
        store.check();
        try (MetaStore meta = store.open();
             Writer out = output == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                     : Files.newBufferedWriter(output, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW)) {
            long n = new AuditLog(meta.database()).export(from, out);
            out.flush();
            System.err.println("tributary central audit export: " + n + " records");
        }
        return 0;
    }
}
