package io.tributary.gateway.webdav;

import org.w3c.dom.Element;

/**
 * A property's qualified name. Its Clark form {@code {namespace}local} is the key dead properties are
 * stored under in the namespace.
 *
 * @param namespace the namespace URI, empty for none
 */
record PropertyName(String namespace, String local) {

    static PropertyName dav(String local) {
        return new PropertyName(DavXml.DAV, local);
    }

    static PropertyName of(Element element) {
        String ns = element.getNamespaceURI();
        String local = element.getLocalName() != null ? element.getLocalName() : element.getNodeName();
        return new PropertyName(ns == null ? "" : ns, local);
    }

    /** Parses a Clark key; a key without braces has no namespace. */
    static PropertyName parseClark(String key) {
        if (key.startsWith("{")) {
            int end = key.indexOf('}');
            if (end > 0) {
                return new PropertyName(key.substring(1, end), key.substring(end + 1));
            }
        }
        return new PropertyName("", key);
    }

    String clark() {
        return "{" + namespace + "}" + local;
    }

    boolean isDav() {
        return DavXml.DAV.equals(namespace);
    }

    /** The property as an empty element for a multistatus ({@code D} is bound to DAV: there). */
    String emptyElement() {
        if (isDav()) {
            return "<D:" + local + "/>";
        }
        if (namespace.isEmpty()) {
            return "<" + local + " xmlns=\"\"/>";
        }
        StringBuilder out = new StringBuilder("<x:").append(local).append(" xmlns:x=\"");
        XmlEscape.appendAttribute(out, namespace);
        return out.append("\"/>").toString();
    }
}
