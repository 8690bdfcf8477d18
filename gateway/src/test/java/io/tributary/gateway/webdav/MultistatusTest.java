package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class MultistatusTest {

    @Test
    void writesResponsesThatParseBack() {
        Multistatus ms = new Multistatus()
                .add("/share/a%20b/", List.of(
                        new Multistatus.Propstat(Status.OK_200, List.of("<D:displayname>a b</D:displayname>")),
                        new Multistatus.Propstat(Status.NOT_FOUND_404, List.of(new PropertyName("urn:x", "missing").emptyElement()))))
                .addStatus("/share/c", Status.LOCKED_423, null);
        assertEquals(2, ms.responses());
        Element root = SecureXml.parse(ms.toBytes()).getDocumentElement();
        assertTrue(DavXml.isDav(root, "multistatus"));
        List<Element> responses = DavXml.children(root);
        assertEquals(2, responses.size());
        assertEquals("/share/a%20b/", DavXml.davChild(responses.get(0), "href").orElseThrow().getTextContent());
        List<Element> propstats = DavXml.children(responses.get(0)).stream().filter(e -> DavXml.isDav(e, "propstat")).toList();
        assertEquals(2, propstats.size());
        assertEquals("HTTP/1.1 404 Not Found", DavXml.davChild(propstats.get(1), "status").orElseThrow().getTextContent());
        Element missing = DavXml.children(DavXml.davChild(propstats.get(1), "prop").orElseThrow()).getFirst();
        assertEquals(new PropertyName("urn:x", "missing"), PropertyName.of(missing));
        assertEquals("HTTP/1.1 423 Locked", DavXml.davChild(responses.get(1), "status").orElseThrow().getTextContent());
    }

    @Test
    void escapesHrefsAndDescriptions() {
        String hostile = "</D:href><D:evil/>&amp;\"'\u0000\u0007";
        byte[] body = new Multistatus().addStatus(hostile, Status.INSUFFICIENT_STORAGE_507, hostile).toBytes();
        String xml = new String(body, StandardCharsets.UTF_8);
        assertTrue(!xml.contains("<D:evil/>"), xml);
        Document doc = SecureXml.parse(body);
        Element response = DavXml.children(doc.getDocumentElement()).getFirst();
        // Control characters XML cannot carry come back as U+FFFD; everything else exactly.
        String expected = "</D:href><D:evil/>&amp;\"'\ufffd\ufffd";
        assertEquals(expected, DavXml.davChild(response, "href").orElseThrow().getTextContent());
        assertEquals(expected, DavXml.davChild(response, "responsedescription").orElseThrow().getTextContent());
    }

    @Test
    void leavesOutEmptyPropstats() {
        byte[] body = new Multistatus().add("/s/", List.of(
                new Multistatus.Propstat(Status.OK_200, List.of("<D:resourcetype/>")),
                new Multistatus.Propstat(Status.NOT_FOUND_404, List.of()))).toBytes();
        Element response = DavXml.children(SecureXml.parse(body).getDocumentElement()).getFirst();
        assertEquals(1, DavXml.children(response).stream().filter(e -> DavXml.isDav(e, "propstat")).count());
    }

    @Test
    void writesAPropstatErrorAndDescription() {
        byte[] body = new Multistatus().add("/s/f", List.of(new Multistatus.Propstat(Status.FORBIDDEN_403,
                List.of(PropertyName.dav("getetag").emptyElement()), "cannot-modify-protected-property", "no & no"))).toBytes();
        Element propstat = DavXml.davChild(DavXml.children(SecureXml.parse(body).getDocumentElement()).getFirst(), "propstat")
                .orElseThrow();
        Element error = DavXml.davChild(propstat, "error").orElseThrow();
        assertTrue(DavXml.davChild(error, "cannot-modify-protected-property").isPresent());
        assertEquals("no & no", DavXml.davChild(propstat, "responsedescription").orElseThrow().getTextContent());
    }

    @Test
    void emptyElementsOfEveryKindOfNameParse() {
        for (PropertyName name : List.of(PropertyName.dav("getetag"), new PropertyName("urn:a&b\"", "x"),
                new PropertyName("", "plain"))) {
            byte[] body = new Multistatus().add("/s/", List.of(new Multistatus.Propstat(Status.OK_200,
                    List.of(name.emptyElement())))).toBytes();
            Element prop = DavXml.davChild(DavXml.davChild(DavXml.children(SecureXml.parse(body).getDocumentElement())
                    .getFirst(), "propstat").orElseThrow(), "prop").orElseThrow();
            assertEquals(name, PropertyName.of(DavXml.children(prop).getFirst()));
        }
    }
}
