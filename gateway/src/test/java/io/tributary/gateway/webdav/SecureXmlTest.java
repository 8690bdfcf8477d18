package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SecureXmlTest {
    private static final String PROPFIND_WITH_ENTITY =
            "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&e;</D:displayname></D:prop></D:propfind>";

    @TempDir
    Path dir;

    @Test
    void parsesNamespaceAware() {
        Document doc = SecureXml.parse(bytes("<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><x:a xmlns:x=\"urn:x\"/></prop></propfind>"));
        Element root = doc.getDocumentElement();
        assertTrue(DavXml.isDav(root, "propfind"));
        Element a = DavXml.children(DavXml.davChild(root, "prop").orElseThrow()).getFirst();
        assertEquals(new PropertyName("urn:x", "a"), PropertyName.of(a));
    }

    @Test
    void honoursTheDeclaredEncoding() {
        byte[] latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\u00e9</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("\u00e9", SecureXml.parse(latin1).getDocumentElement().getTextContent());
    }

    @Test
    void refusesAnExternalEntityWithoutReadingTheFile() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        String body = "<?xml version=\"1.0\"?><!DOCTYPE D:propfind [<!ENTITY e SYSTEM \"" + secret.toUri() + "\">]>"
                + PROPFIND_WITH_ENTITY;
        DavException e = assertThrows(DavException.class, () -> SecureXml.parse(bytes(body)));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
    }

    @Test
    void refusesBillionLaughsQuickly() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE D:propfind [<!ENTITY l0 \"lol\">");
        for (int i = 1; i <= 10; i++) {
            dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("<!ENTITY e \"&l10;\">]>");
        long start = System.nanoTime();
        DavException e = assertThrows(DavException.class, () -> SecureXml.parse(bytes(dtd + PROPFIND_WITH_ENTITY)));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refusing took longer than five seconds");
    }

    @Test
    void refusesAParameterEntityFetchingAnExternalDtd() {
        String body = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/evil.dtd\"> %p;]><a/>";
        DavException e = assertThrows(DavException.class, () -> SecureXml.parse(bytes(body)));
        assertEquals(400, e.status().code());
    }

    @Test
    void refusesAnExternalDtdReference() {
        String body = "<?xml version=\"1.0\"?><!DOCTYPE a SYSTEM \"http://127.0.0.1:1/evil.dtd\"><a/>";
        assertEquals(400, assertThrows(DavException.class, () -> SecureXml.parse(bytes(body))).status().code());
    }

    @Test
    void leavesXIncludeAsAnOrdinaryElement() throws IOException {
        Path secret = Files.writeString(dir.resolve("included.txt"), "INCLUDED-CONTENT");
        String body = "<a xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"" + secret.toUri()
                + "\" parse=\"text\"/></a>";
        Document doc = SecureXml.parse(bytes(body));
        assertFalse(doc.getDocumentElement().getTextContent().contains("INCLUDED-CONTENT"));
        assertEquals("include", DavXml.children(doc.getDocumentElement()).getFirst().getLocalName());
    }

    @Test
    void refusesMalformedXmlSayingWhere() {
        DavException e = assertThrows(DavException.class, () -> SecureXml.parse(bytes("<a>\n<b></a>")));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void readsABodyUpToTheLimit() throws IOException {
        byte[] body = new byte[1000];
        assertArrayEquals(body, SecureXml.readBounded(new ByteArrayInputStream(body), 1000));
    }

    @Test
    void refusesABodyOverTheLimitWith413BeforeParsing() {
        DavException e = assertThrows(DavException.class,
                () -> SecureXml.readBounded(new ByteArrayInputStream(new byte[1001]), 1000));
        assertEquals(413, e.status().code());
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }

    @Test
    void stopsReadingAnEndlessBodyAtTheLimit() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return '<';
            }
        };
        assertEquals(413, assertThrows(DavException.class, () -> SecureXml.readBounded(endless, 4096)).status().code());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
