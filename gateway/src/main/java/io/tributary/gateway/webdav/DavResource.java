package io.tributary.gateway.webdav;

import io.tributary.gateway.share.ActiveLock;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;

import java.util.List;

/**
 * A resource as PROPFIND and LOCK describe it.
 *
 * @param entry the namespace's entry; null for the service root, which is not in any share
 * @param locks the live locks covering it
 * @param share the share it is in; null for the service root
 */
record DavResource(DavAddress address, Entry entry, List<ActiveLock> locks, ShareNamespace share) {
    DavResource {
        locks = List.copyOf(locks);
    }

    static DavResource serviceRoot() {
        return new DavResource(DavAddress.SERVICE_ROOT, null, List.of(), null);
    }

    boolean collection() {
        return entry == null || entry.directory();
    }

    String href() {
        return address.href(collection());
    }

    /** The name a client shows: the file name, the share's name for a share root. */
    String displayName() {
        if (address.isServiceRoot()) {
            return "";
        }
        return address.path().isRoot() ? address.share() : address.path().name();
    }
}
