package io.tributary.gateway.webdav;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The DAV: namespace and the few DOM walks the request parsers need. */
final class DavXml {
    static final String DAV = "DAV:";
    /** Microsoft's namespace for the Win32 properties Windows Explorer sets. */
    static final String MICROSOFT = "urn:schemas-microsoft-com:";
    static final String CONTENT_TYPE = "application/xml; charset=utf-8";
    static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

    private DavXml() {
    }

    /** True if {@code node} is the element {@code DAV:local}. */
    static boolean isDav(Node node, String local) {
        return node instanceof Element e && DAV.equals(e.getNamespaceURI()) && local.equals(e.getLocalName());
    }

    /** The child elements, skipping text (whitespace between elements) and comments. */
    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    /** The first child element {@code DAV:local}. */
    static Optional<Element> davChild(Element parent, String local) {
        for (Element e : children(parent)) {
            if (isDav(e, local)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Throws 400 unless the document's root element is {@code DAV:local}. */
    static Element requireRoot(org.w3c.dom.Document doc, String local) {
        Element root = doc.getDocumentElement();
        if (!isDav(root, local)) {
            throw DavException.badRequest("the request body must be a DAV:" + local + " element, not "
                    + PropertyName.of(root).clark());
        }
        return root;
    }
}
