package io.tributary.gateway.webdav;

import io.tributary.gateway.share.SharePath;

import java.util.List;

/**
 * Where a URL points: a path inside one share, or the service root {@code /} that lists the shares.
 *
 * @param share the share's name, or null for the service root
 * @param path  the path inside the share; {@link SharePath#ROOT} for the share itself and the service root
 */
record DavAddress(String share, SharePath path) {
    static final DavAddress SERVICE_ROOT = new DavAddress(null, SharePath.ROOT);

    /**
     * Resolves a raw (still percent-encoded) absolute path: the first segment names the share.
     *
     * @throws DavException 400 when the path does not decode (see {@link PercentCoding})
     * @throws io.tributary.gateway.share.ShareException INVALID_NAME when a name is refused by {@link SharePath}
     */
    static DavAddress parse(String rawPath) {
        List<String> segments = PercentCoding.decodePath(rawPath);
        if (segments.isEmpty()) {
            return SERVICE_ROOT;
        }
        String rest = "/" + String.join("/", segments.subList(1, segments.size()));
        return new DavAddress(segments.getFirst(), SharePath.parse(rest));
    }

    boolean isServiceRoot() {
        return share == null;
    }

    /** The same share, another path in it. */
    DavAddress at(SharePath other) {
        return new DavAddress(share, other);
    }

    /** The percent-encoded absolute path of this resource; collections end in {@code /}. */
    String href(boolean collection) {
        if (isServiceRoot()) {
            return "/";
        }
        StringBuilder out = new StringBuilder("/").append(PercentCoding.encodeSegment(share));
        for (String name : path.names()) {
            out.append('/').append(PercentCoding.encodeSegment(name));
        }
        if (collection) {
            out.append('/');
        }
        return out.toString();
    }

    /** For messages: the decoded path, as a person would write it. */
    @Override
    public String toString() {
        return isServiceRoot() ? "/" : "/" + share + (path.isRoot() ? "" : path.toString());
    }
}
