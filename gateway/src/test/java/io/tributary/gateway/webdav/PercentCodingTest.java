package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PercentCodingTest {

    @Test
    void decodesSegmentsAndCollapsesEmptyOnes() {
        assertEquals(List.of("docs", "a b", "\u00e9t\u00e9.txt"),
                PercentCoding.decodePath("/docs//a%20b/%C3%A9t%C3%A9.txt/"));
        assertEquals(List.of(), PercentCoding.decodePath("/"));
    }

    @Test
    void keepsPlusAndSemicolonLiteral() {
        assertEquals(List.of("a+b;c"), PercentCoding.decodePath("/a+b;c"));
    }

    @Test
    void takesUnencodedBytesAsUtf8() {
        // The request line arrives as ISO-8859-1: the UTF-8 bytes of a name, one char each.
        String raw = new String("/\u65e5\u672c/\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(List.of("\u65e5\u672c", "\u00e9"), PercentCoding.decodePath(raw));
    }

    @Test
    void refusesUnencodedBytesThatAreNotUtf8() {
        DavException e = assertThrows(DavException.class, () -> PercentCoding.decodePath("/caf\u00e9"));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void takesCharactersBeyondLatin1AsThemselves() {
        assertEquals(List.of("\u65e5\u672c", "\ud83d\ude00"), PercentCoding.decodePath("/\u65e5\u672c/\ud83d\ude00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/share/../x", "/share/..", "/share/%2e%2e/x", "/share/%2E%2E", "/share/.%2e/x", "/share/./x", "/share/%2e",
    })
    void refusesDotSegmentsHoweverSpelled(String raw) {
        DavException e = assertThrows(DavException.class, () -> PercentCoding.decodePath(raw));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("not allowed"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/share/a%2Fb", "/share/a%2fb", "/share/..%2f..%2fetc%2fpasswd"})
    void refusesAnEncodedSlash(String raw) {
        DavException e = assertThrows(DavException.class, () -> PercentCoding.decodePath(raw));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("%2F"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/share/nul%00byte", "/share/%00", "/share/a%01", "/share/a%1F", "/share/a%7F", "/share/a\tb"})
    void refusesControlCharactersRawOrEncoded(String raw) {
        DavException e = assertThrows(DavException.class, () -> PercentCoding.decodePath(raw));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("control character"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/share/%C0%AF",              // overlong '/'
        "/share/%C0%AE%C0%AE",        // overlong ".."
        "/share/%E0%80%AF",           // three-byte overlong '/'
        "/share/%FF",                 // never valid in UTF-8
        "/share/%C3",                 // truncated sequence
        "/share/%ED%A0%80",           // encoded surrogate
    })
    void refusesInvalidUtf8IncludingOverlongForms(String raw) {
        DavException e = assertThrows(DavException.class, () -> PercentCoding.decodePath(raw));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/share/a%2", "/share/a%", "/share/a%G1", "/share/%-1"})
    void refusesMalformedEscapes(String raw) {
        DavException e = assertThrows(DavException.class, () -> PercentCoding.decodePath(raw));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("percent escape"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "share/x", "*"})
    void refusesARelativePath(String raw) {
        assertEquals(400, assertThrows(DavException.class, () -> PercentCoding.decodePath(raw)).status().code());
    }

    @Test
    void encodesEverythingButUnreservedCharacters() {
        assertEquals("a%20b%2Fc%25d%23e%3Ff", PercentCoding.encodeSegment("a b/c%d#e?f"));
        assertEquals("Az09-._~", PercentCoding.encodeSegment("Az09-._~"));
        assertEquals("%C3%A9%F0%9F%98%80", PercentCoding.encodeSegment("\u00e9\ud83d\ude00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain.txt", "with space", "100% & <tags>", "semi;colon+plus", "\u00e9t\u00e9 \u65e5\u672c"})
    void encodedNamesDecodeBackToThemselves(String name) {
        assertEquals(name, PercentCoding.decodeSegment(PercentCoding.encodeSegment(name)));
    }
}
