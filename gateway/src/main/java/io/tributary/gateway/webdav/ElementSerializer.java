package io.tributary.gateway.webdav;

import org.w3c.dom.Attr;
import org.w3c.dom.CharacterData;
import org.w3c.dom.Comment;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes one element of a parsed request as standalone XML text: dead property values and lock owners
 * are kept this way, then pasted verbatim into later responses.
 *
 * <p>The text must mean the same wherever it is pasted, so every namespace it uses is declared on the
 * element that first needs it (including {@code xmlns=""} to leave a default namespace), and an
 * {@code xml:lang} inherited from an ancestor is copied onto the top element (RFC 4918 section 4.3).
 * Comments and processing instructions are dropped; text is kept exactly.
 */
final class ElementSerializer {
    private ElementSerializer() {
    }

    static String serialize(Element element) {
        StringBuilder out = new StringBuilder();
        write(element, out, Map.of(), inheritedLang(element));
        return out.toString();
    }

    private static void write(Element e, StringBuilder out, Map<String, String> inScope, String addLang) {
        Map<String, String> scope = new HashMap<>(inScope);
        String ns = nullToEmpty(e.getNamespaceURI());
        String prefix = nullToEmpty(e.getPrefix());
        String local = e.getLocalName() != null ? e.getLocalName() : e.getNodeName();
        String qname = prefix.isEmpty() ? local : prefix + ":" + local;
        out.append('<').append(qname);
        declare(prefix, ns, scope, out);
        NamedNodeMap attributes = e.getAttributes();
        boolean hasLang = false;
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            String ans = nullToEmpty(a.getNamespaceURI());
            if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(ans)) {
                continue;  // declarations are re-derived from what is actually used
            }
            String aLocal = a.getLocalName() != null ? a.getLocalName() : a.getName();
            String aName;
            if (XMLConstants.XML_NS_URI.equals(ans)) {
                aName = "xml:" + aLocal;
                hasLang |= aLocal.equals("lang");
            } else if (ans.isEmpty()) {
                aName = aLocal;
            } else {
                String aPrefix = a.getPrefix() == null || a.getPrefix().isEmpty() ? "a" + i : a.getPrefix();
                declare(aPrefix, ans, scope, out);
                aName = aPrefix + ":" + aLocal;
            }
            out.append(' ').append(aName).append("=\"");
            XmlEscape.appendAttribute(out, a.getValue());
            out.append('"');
        }
        if (addLang != null && !hasLang) {
            out.append(" xml:lang=\"");
            XmlEscape.appendAttribute(out, addLang);
            out.append('"');
        }
        if (e.getFirstChild() == null) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                write(child, out, scope, null);
            } else if (n instanceof CharacterData text && !(n instanceof Comment)) {
                XmlEscape.appendText(out, text.getData());
            }
        }
        out.append("</").append(qname).append('>');
    }

    /** Declares {@code prefix} as {@code ns} unless the output already binds it so. */
    private static void declare(String prefix, String ns, Map<String, String> scope, StringBuilder out) {
        if (ns.equals(scope.getOrDefault(prefix, ""))) {
            return;
        }
        scope.put(prefix, ns);
        out.append(prefix.isEmpty() ? " xmlns=\"" : " xmlns:" + prefix + "=\"");
        XmlEscape.appendAttribute(out, ns);
        out.append('"');
    }

    private static String inheritedLang(Element element) {
        if (element.hasAttributeNS(XMLConstants.XML_NS_URI, "lang")) {
            return null;
        }
        for (Node n = element.getParentNode(); n instanceof Element ancestor; n = ancestor.getParentNode()) {
            if (ancestor.hasAttributeNS(XMLConstants.XML_NS_URI, "lang")) {
                return ancestor.getAttributeNS(XMLConstants.XML_NS_URI, "lang");
            }
        }
        return null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
