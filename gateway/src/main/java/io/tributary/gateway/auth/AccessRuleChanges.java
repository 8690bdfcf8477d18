package io.tributary.gateway.auth;

import io.tributary.gateway.audit.AuditTrail;
import io.tributary.proto.fs.PrivateFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Audits changes of the share access rules. The rules are start-up options, so a change shows as
 * a start with rules other than the last start's: the rules in force are kept in
 * {@value #FILE}, and a start that differs records {@code acl.set} with the rules before and after.
 */
public final class AccessRuleChanges {
    public static final String FILE = "access-rules";

    private AccessRuleChanges() {
    }

    /**
     * Records {@code access} as the rules in force in {@code dataDir}, auditing the change if they
     * differ from the last ones recorded; returns whether they did.
     */
    public static boolean record(Path dataDir, ShareAccess access, AuditTrail audit, String actor) throws IOException {
        Path file = dataDir.resolve(FILE);
        List<String> now = access.specs();
        List<String> before = Files.exists(file)
                ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()
                : List.of();
        if (now.equals(before)) {
            if (!Files.exists(file)) {
                PrivateFile.replace(file, "# The share access rules (--acl) this gateway last started with.\n");
            }
            return false;
        }
        audit.record(actor, "acl.set", "gateway", "", "rules " + (now.isEmpty() ? "(none)" : String.join(", ", now))
                + "; before " + (before.isEmpty() ? "(none)" : String.join(", ", before)));
        StringBuilder text = new StringBuilder("# The share access rules (--acl) this gateway last started with.\n");
        now.forEach(r -> text.append(r).append('\n'));
        PrivateFile.replace(file, text);
        return true;
    }
}
