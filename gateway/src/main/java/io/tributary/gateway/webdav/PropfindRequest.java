package io.tributary.gateway.webdav;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a PROPFIND body asks for (RFC 4918 section 14.20). No body means allprop.
 *
 * @param names for {@link Mode#SELECTED} the properties asked for; for {@link Mode#ALL} those of
 *              DAV:include, to be reported besides; empty for {@link Mode#NAMES}
 */
record PropfindRequest(Mode mode, List<PropertyName> names) {
    enum Mode {
        /** allprop: dead properties and the live ones. */
        ALL,
        /** propname: the names only. */
        NAMES,
        /** prop: the properties named. */
        SELECTED
    }

    PropfindRequest {
        names = List.copyOf(names);
    }

    static PropfindRequest parse(Optional<Document> body) {
        if (body.isEmpty()) {
            return new PropfindRequest(Mode.ALL, List.of());
        }
        Element root = DavXml.requireRoot(body.get(), "propfind");
        for (Element child : DavXml.children(root)) {
            if (DavXml.isDav(child, "allprop")) {
                List<PropertyName> include = DavXml.davChild(root, "include")
                        .map(PropfindRequest::names).orElse(List.of());
                return new PropfindRequest(Mode.ALL, include);
            }
            if (DavXml.isDav(child, "propname")) {
                return new PropfindRequest(Mode.NAMES, List.of());
            }
            if (DavXml.isDav(child, "prop")) {
                List<PropertyName> names = names(child);
                if (names.isEmpty()) {
                    throw DavException.badRequest("the PROPFIND's DAV:prop names no properties");
                }
                return new PropfindRequest(Mode.SELECTED, names);
            }
        }
        throw DavException.badRequest("DAV:propfind must hold DAV:allprop, DAV:propname or DAV:prop");
    }

    private static List<PropertyName> names(Element container) {
        List<PropertyName> out = new ArrayList<>();
        for (Element e : DavXml.children(container)) {
            PropertyName name = PropertyName.of(e);
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }
}
