package io.tributary.gateway.auth;

import io.tributary.gateway.audit.AuditTrail;
import io.tributary.proto.v1.AuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessRuleChangesTest {
    @TempDir
    Path dir;

    @Test
    void aStartWithOtherRulesThanTheLastIsAuditedWithBoth() throws Exception {
        try (AuditTrail audit = AuditTrail.open(dir.resolve("audit"))) {
            ShareAccess first = ShareAccess.parse(List.of("finance:role:finance-staff=write", "*:group:/auditors=read"));
            assertTrue(AccessRuleChanges.record(dir, first, audit, "os:ops"), "the first start records its rules");
            assertFalse(AccessRuleChanges.record(dir, ShareAccess.parse(List.of(" finance:role:finance-staff=write",
                    "*:group:/auditors=read")), audit, "os:ops"), "the same rules again: no change");
            assertTrue(AccessRuleChanges.record(dir, ShareAccess.parse(List.of("finance:role:finance-staff=read")), audit, "os:ops"));
            assertTrue(AccessRuleChanges.record(dir, ShareAccess.none(), audit, "os:ops"));
            List<String> details = new ArrayList<>();
            try (AuditTrail.Tail tail = audit.tail(-1)) {
                for (AuditEntry e = tail.next(); e != null; e = tail.next()) {
                    assertEquals("acl.set", e.getAction());
                    assertEquals("os:ops", e.getActor());
                    details.add(e.getDetail());
                }
            }
            assertEquals(List.of(
                    "rules finance:role:finance-staff=write, *:group:/auditors=read; before (none)",
                    "rules finance:role:finance-staff=read; before finance:role:finance-staff=write, *:group:/auditors=read",
                    "rules (none); before finance:role:finance-staff=read"), details);
        }
    }
}
