package io.tributary.gateway.webdav;

import io.tributary.gateway.share.ActiveLock;

import java.util.List;

/** The XML of DAV:lockdiscovery and DAV:supportedlock (RFC 4918 sections 15.8 and 15.10). */
final class LockXml {
    /** Exclusive and shared write locks: all this server grants. */
    static final String SUPPORTED_LOCK = "<D:supportedlock>"
            + "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
            + "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
            + "</D:supportedlock>";

    private LockXml() {
    }

    /** {@code <D:lockdiscovery>} listing {@code locks}, whose roots lie in {@code share}. */
    static String lockDiscovery(List<ActiveLock> locks, String share) {
        StringBuilder out = new StringBuilder("<D:lockdiscovery>");
        for (ActiveLock lock : locks) {
            activeLock(out, lock, share);
        }
        return out.append("</D:lockdiscovery>").toString();
    }

    private static void activeLock(StringBuilder out, ActiveLock lock, String share) {
        out.append("<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>")
                .append(lock.exclusive() ? "<D:exclusive/>" : "<D:shared/>")
                .append("</D:lockscope><D:depth>").append(lock.deep() ? "infinity" : "0").append("</D:depth>");
        if (lock.ownerXml() != null) {
            // Serialized by ElementSerializer when the lock was taken: self-contained XML.
            out.append(lock.ownerXml());
        }
        out.append("<D:timeout>Second-").append(lock.timeout().toSeconds()).append("</D:timeout>")
                .append("<D:locktoken><D:href>");
        XmlEscape.appendText(out, lock.token());
        out.append("</D:href></D:locktoken><D:lockroot><D:href>");
        XmlEscape.appendText(out, new DavAddress(share, lock.root()).href(false));
        out.append("</D:href></D:lockroot></D:activelock>");
    }
}
