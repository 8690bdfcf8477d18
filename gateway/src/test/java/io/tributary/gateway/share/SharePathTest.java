package io.tributary.gateway.share;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharePathTest {
    @Test
    void emptySegmentsCollapse() {
        assertEquals(List.of("a", "b"), SharePath.parse("//a///b/").names());
        assertTrue(SharePath.parse("/").isRoot());
        assertEquals("/a/b", SharePath.parse("a/b").toString());
    }

    @Test
    void dotSegmentsBackslashesAndControlCharactersAreRefused() {
        for (String bad : List.of("/a/../b", "/..", "/./a", "/a\\b", "/a\u0000b", "/a\nb")) {
            assertThrows(ShareException.class, () -> SharePath.parse(bad), bad);
        }
    }

    @Test
    void prefixesAreWholeNames() {
        assertTrue(SharePath.parse("/dir/x").startsWith(SharePath.parse("/dir")));
        assertFalse(SharePath.parse("/dirt/x").startsWith(SharePath.parse("/dir")));
        assertEquals(SharePath.parse("/a"), SharePath.parse("/a/b").parent());
    }
}
