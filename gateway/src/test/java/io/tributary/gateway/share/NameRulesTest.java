package io.tributary.gateway.share;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NameRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"CON", "con", "Aux.txt", "nul.tar.gz", "COM1", "lpt9.doc", "trailing.", "trailing ", "a:b", "a*b",
            "a?b", "a<b", "a>b", "a|b", "a\"b", "tab\there", "bell\u0007", "del\u007f", ""})
    void windowsCannotServeThese(String name) {
        ShareException e = assertThrows(ShareException.class, () -> NameRules.check(name));
        assertEquals(ShareException.Kind.INVALID_NAME, e.kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"report.txt", "CONSOLE", "con-tract", "Ünïcödé ✓", ".hidden", "a b", "COM10", "日本語.md", "emoji \uD83D\uDE00"})
    void everyBranchCanServeThese(String name) {
        assertDoesNotThrow(() -> NameRules.check(name));
    }

    @Test
    void longNamesAndLoneSurrogatesAreRefused() {
        assertThrows(ShareException.class, () -> NameRules.check("x".repeat(256)));
        assertThrows(ShareException.class, () -> NameRules.check("bad\uD800"));
    }

    @Test
    void foldingIgnoresCaseAndUnicodeForm() {
        assertEquals(NameRules.fold("Report.TXT"), NameRules.fold("report.txt"));
        assertEquals(NameRules.fold("Cafe\u0301"), NameRules.fold("café"));
    }
}
