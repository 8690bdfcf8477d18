package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class ElementSerializerTest {

    @Test
    void keepsTheNamespacesOfNestedElementsAndAttributes() {
        Element prop = firstProperty("<D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\" xmlns:Q=\"urn:q\"><D:set><D:prop>"
                + "<Z:author Q:role=\"lead\"><Z:name>Ann</Z:name><Q:x/><plain/></Z:author></D:prop></D:set></D:propertyupdate>");
        Element back = reparse(ElementSerializer.serialize(prop));
        assertEquals(new PropertyName("urn:z", "author"), PropertyName.of(back));
        assertEquals("lead", back.getAttributeNS("urn:q", "role"));
        var children = DavXml.children(back);
        assertEquals(new PropertyName("urn:z", "name"), PropertyName.of(children.get(0)));
        assertEquals(new PropertyName("urn:q", "x"), PropertyName.of(children.get(1)));
        assertEquals(new PropertyName("", "plain"), PropertyName.of(children.get(2)));
    }

    @Test
    void leavesADefaultNamespaceForUnqualifiedChildren() {
        Element prop = firstProperty("<propertyupdate xmlns=\"DAV:\"><set><prop><x:p xmlns:x=\"urn:x\">"
                + "<inner xmlns=\"\"/></x:p></prop></set></propertyupdate>");
        String text = ElementSerializer.serialize(prop);
        Element inner = DavXml.children(reparse(text)).getFirst();
        assertEquals(new PropertyName("", "inner"), PropertyName.of(inner));
    }

    @Test
    void aPropertyInTheDefaultNamespaceKeepsIt() {
        Element prop = firstProperty("<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>"
                + "<color xmlns=\"urn:paint\"><shade>red</shade></color></D:prop></D:set></D:propertyupdate>");
        Element back = reparse(ElementSerializer.serialize(prop));
        assertEquals(new PropertyName("urn:paint", "color"), PropertyName.of(back));
        assertEquals(new PropertyName("urn:paint", "shade"), PropertyName.of(DavXml.children(back).getFirst()));
    }

    @Test
    void copiesAnInheritedXmlLangOntoTheProperty() {
        Element prop = firstProperty("<D:propertyupdate xmlns:D=\"DAV:\" xml:lang=\"de-CH\"><D:set><D:prop>"
                + "<Z:title xmlns:Z=\"urn:z\">Gr\u00fcezi</Z:title></D:prop></D:set></D:propertyupdate>");
        Element back = reparse(ElementSerializer.serialize(prop));
        assertEquals("de-CH", back.getAttributeNS(XMLConstants.XML_NS_URI, "lang"));
        assertEquals("Gr\u00fcezi", back.getTextContent());
    }

    @Test
    void keepsItsOwnXmlLang() {
        Element prop = firstProperty("<D:propertyupdate xmlns:D=\"DAV:\" xml:lang=\"de\"><D:set><D:prop>"
                + "<Z:title xmlns:Z=\"urn:z\" xml:lang=\"fr\">Salut</Z:title></D:prop></D:set></D:propertyupdate>");
        assertEquals("fr", reparse(ElementSerializer.serialize(prop)).getAttributeNS(XMLConstants.XML_NS_URI, "lang"));
    }

    @Test
    void keepsTextExactlyIncludingMarkupCharactersAndUnicode() {
        String text = "  a < b && c > d \"q\" 'a' \r\n \u65e5\u672c \ud83d\ude00 ";
        Element prop = firstProperty("<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><Z:t xmlns:Z=\"urn:z\">"
                + XmlEscape.text(text) + "</Z:t></D:prop></D:set></D:propertyupdate>");
        assertEquals(text, reparse(ElementSerializer.serialize(prop)).getTextContent());
    }

    @Test
    void dropsCommentsButKeepsCdataText() {
        Element prop = firstProperty("<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><Z:t xmlns:Z=\"urn:z\">"
                + "a<!-- hidden --><![CDATA[<b>]]></Z:t></D:prop></D:set></D:propertyupdate>");
        Element back = reparse(ElementSerializer.serialize(prop));
        assertEquals("a<b>", back.getTextContent());
        for (org.w3c.dom.Node n = back.getFirstChild(); n != null; n = n.getNextSibling()) {
            assertFalse(n instanceof org.w3c.dom.Comment, "a comment survived");
        }
    }

    private static Element firstProperty(String propertyupdate) {
        Element root = SecureXml.parse(propertyupdate.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        Element set = DavXml.children(root).getFirst();
        Element prop = DavXml.children(set).getFirst();
        return DavXml.children(prop).getFirst();
    }

    private static Element reparse(String xml) {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
    }
}
