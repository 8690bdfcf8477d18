package io.tributary.gateway.webdav;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What a LOCK body asks for (RFC 4918 section 14.11): an exclusive or shared write lock, and an
 * owner the client wants to read back in lockdiscovery.
 *
 * @param ownerXml the DAV:owner element as standalone XML, or null when there was none
 */
record LockRequest(boolean exclusive, String ownerXml) {

    static LockRequest parse(Document doc) {
        Element root = DavXml.requireRoot(doc, "lockinfo");
        Element scope = DavXml.davChild(root, "lockscope")
                .orElseThrow(() -> DavException.badRequest("DAV:lockinfo must hold DAV:lockscope"));
        boolean exclusive;
        if (DavXml.davChild(scope, "exclusive").isPresent()) {
            exclusive = true;
        } else if (DavXml.davChild(scope, "shared").isPresent()) {
            exclusive = false;
        } else {
            throw DavException.badRequest("DAV:lockscope must be DAV:exclusive or DAV:shared");
        }
        Element type = DavXml.davChild(root, "locktype")
                .orElseThrow(() -> DavException.badRequest("DAV:lockinfo must hold DAV:locktype"));
        if (DavXml.davChild(type, "write").isEmpty()) {
            throw DavException.badRequest("only DAV:write locks are supported");
        }
        String owner = DavXml.davChild(root, "owner").map(ElementSerializer::serialize).orElse(null);
        return new LockRequest(exclusive, owner);
    }
}
