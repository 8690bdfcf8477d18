package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class XmlEscapeTest {
    private static final String NASTY = "a<b>&c \"d\" 'e'\tf\ng\r\nh \u00e9 \ud83d\ude00";

    @Test
    void contentEscapesMarkupButLeavesQuotes() {
        assertEquals("\"7-3\" &lt;a&gt; &amp; 'x'", XmlEscape.text("\"7-3\" <a> & 'x'"));
    }

    @Test
    void contentRoundTripsExactly() {
        Element e = parse("<t>" + XmlEscape.text(NASTY) + "</t>");
        assertEquals(NASTY, e.getTextContent());
    }

    @Test
    void attributeValuesRoundTripExactlyInEitherQuotes() {
        StringBuilder value = new StringBuilder();
        XmlEscape.appendAttribute(value, NASTY);
        assertEquals(NASTY, parse("<t a=\"" + value + "\"/>").getAttribute("a"));
        assertEquals(NASTY, parse("<t a='" + value + "'/>").getAttribute("a"));
    }

    @Test
    void charactersXmlCannotCarryBecomeReplacementCharacters() {
        assertEquals("a\ufffdb\ufffdc\ufffd", XmlEscape.text("a\u0000b\u001bc\ud800"));
    }

    private static Element parse(String xml) {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
    }
}
