package io.tributary.gateway.webdav;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;

/**
 * The instructions of a PROPPATCH body (RFC 4918 section 14.19), in document order, which is the
 * order they apply in.
 */
record ProppatchRequest(List<Instruction> instructions) {
    /**
     * Set or remove one property.
     *
     * @param valueXml for a set, the whole property element as standalone XML; null for a remove
     * @param text     for a set, the element's text content (what Win32 time properties carry)
     */
    record Instruction(boolean remove, PropertyName name, String valueXml, String text) {
    }

    ProppatchRequest {
        instructions = List.copyOf(instructions);
    }

    static ProppatchRequest parse(Document doc) {
        Element root = DavXml.requireRoot(doc, "propertyupdate");
        List<Instruction> out = new ArrayList<>();
        for (Element action : DavXml.children(root)) {
            boolean remove;
            if (DavXml.isDav(action, "set")) {
                remove = false;
            } else if (DavXml.isDav(action, "remove")) {
                remove = true;
            } else {
                throw DavException.badRequest("DAV:propertyupdate may hold only DAV:set and DAV:remove, not "
                        + PropertyName.of(action).clark());
            }
            for (Element prop : DavXml.children(action)) {
                if (!DavXml.isDav(prop, "prop")) {
                    throw DavException.badRequest("DAV:" + (remove ? "remove" : "set") + " must hold DAV:prop");
                }
                for (Element property : DavXml.children(prop)) {
                    PropertyName name = PropertyName.of(property);
                    out.add(remove
                            ? new Instruction(true, name, null, null)
                            : new Instruction(false, name, ElementSerializer.serialize(property), property.getTextContent()));
                }
            }
        }
        if (out.isEmpty()) {
            throw DavException.badRequest("the PROPPATCH sets and removes no properties");
        }
        return new ProppatchRequest(out);
    }
}
