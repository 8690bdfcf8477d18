package io.tributary.gateway.auth;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.tributary.gateway.auth.ShareAccess.Level.ADMIN;
import static io.tributary.gateway.auth.ShareAccess.Level.NONE;
import static io.tributary.gateway.auth.ShareAccess.Level.READ;
import static io.tributary.gateway.auth.ShareAccess.Level.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShareAccessTest {
    private final ShareAccess rules = ShareAccess.parse(List.of(
            "finance:role:finance-staff=write", "finance:group:/auditors=read", "*:role:it-admin=admin", "design:group:/design=write"));

    private static Principal realm(Set<String> roles, Set<String> groups) {
        return Principal.ofRealm("u", roles, groups);
    }

    @Test
    void aUserGetsTheHighestLevelAnyRuleGivesThemForTheShare() {
        assertEquals(WRITE, rules.of("finance", realm(Set.of("finance-staff"), Set.of())));
        assertEquals(READ, rules.of("finance", realm(Set.of(), Set.of("/auditors"))));
        assertEquals(WRITE, rules.of("finance", realm(Set.of("finance-staff"), Set.of("/auditors"))));
        assertEquals(ADMIN, rules.of("finance", realm(Set.of("it-admin"), Set.of())), "* covers every share");
        assertEquals(ADMIN, rules.of("design", realm(Set.of("it-admin"), Set.of())));
    }

    @Test
    void nobodyGetsInWithoutARuleExceptLocalUsers() {
        assertEquals(NONE, rules.of("design", realm(Set.of("finance-staff"), Set.of("/auditors"))), "rules are per share");
        assertEquals(NONE, rules.of("finance", realm(Set.of("/auditors"), Set.of("finance-staff"))), "a role is not a group");
        assertEquals(NONE, ShareAccess.none().of("finance", realm(Set.of("finance-staff"), Set.of())));
        assertEquals(ADMIN, ShareAccess.none().of("finance", Principal.local("operator")));
    }

    @Test
    void levelsIncludeTheOnesBelow() {
        assertTrue(WRITE.allows(READ));
        assertTrue(ADMIN.allows(WRITE));
        assertFalse(READ.allows(WRITE));
        assertFalse(NONE.allows(READ));
    }

    @Test
    void malformedRulesAreRefusedByName() {
        for (String bad : List.of("finance=write", "finance:user:bob=write", "finance:role:x=owner", ":role:x=read", "finance:role:=read")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShareAccess.parse(List.of(bad)), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertEquals(List.of("finance", "design"), rules.sharesNamed());
    }
}
