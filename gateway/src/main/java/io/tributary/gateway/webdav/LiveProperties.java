package io.tributary.gateway.webdav;

import io.tributary.gateway.share.Entry;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The live properties: computed from the namespace's entry and locks, never stored.
 *
 * <p>All but displayname are protected: a PROPPATCH cannot set them (403). displayname may be set, and
 * is then stored as a dead property that shadows the computed one.
 */
final class LiveProperties {
    static final PropertyName CREATION_DATE = PropertyName.dav("creationdate");
    static final PropertyName DISPLAY_NAME = PropertyName.dav("displayname");
    static final PropertyName CONTENT_LENGTH = PropertyName.dav("getcontentlength");
    static final PropertyName CONTENT_TYPE = PropertyName.dav("getcontenttype");
    static final PropertyName ETAG = PropertyName.dav("getetag");
    static final PropertyName LAST_MODIFIED = PropertyName.dav("getlastmodified");
    static final PropertyName RESOURCE_TYPE = PropertyName.dav("resourcetype");
    static final PropertyName SUPPORTED_LOCK = PropertyName.dav("supportedlock");
    static final PropertyName LOCK_DISCOVERY = PropertyName.dav("lockdiscovery");
    /** Tributary's own namespace for properties only this server has. */
    static final String TRIBUTARY = "urn:tributary:v1";
    /**
     * The durability receipt: "true" once central holds the file's current version. Asked for by
     * name only (allprop leaves it out, as it costs a lookup per file).
     */
    static final PropertyName SAFE_AT_CENTRAL = new PropertyName(TRIBUTARY, "safe-at-central");

    /** In the order allprop lists them. */
    static final List<PropertyName> ALL = List.of(RESOURCE_TYPE, DISPLAY_NAME, CONTENT_LENGTH, CONTENT_TYPE,
            ETAG, LAST_MODIFIED, CREATION_DATE, SUPPORTED_LOCK, LOCK_DISCOVERY);

    static final Set<PropertyName> PROTECTED = Set.of(RESOURCE_TYPE, CONTENT_LENGTH, CONTENT_TYPE,
            ETAG, LAST_MODIFIED, CREATION_DATE, SUPPORTED_LOCK, LOCK_DISCOVERY, SAFE_AT_CENTRAL);

    private LiveProperties() {
    }

    /** The property as an XML fragment, or empty when it does not apply to this resource. */
    static Optional<String> value(PropertyName name, DavResource r) {
        if (name.equals(SAFE_AT_CENTRAL)) {
            if (r.share() == null || r.entry() == null || r.entry().directory()) {
                return Optional.empty();
            }
            return r.share().safeAtCentral(r.address().path()).map(safe ->
                    "<T:safe-at-central xmlns:T=\"" + TRIBUTARY + "\">" + safe + "</T:safe-at-central>");
        }
        if (!name.isDav()) {
            return Optional.empty();
        }
        Entry e = r.entry();
        boolean file = e != null && !e.directory();
        return Optional.ofNullable(switch (name.local()) {
            case "resourcetype" -> r.collection() ? "<D:resourcetype><D:collection/></D:resourcetype>" : "<D:resourcetype/>";
            case "displayname" -> "<D:displayname>" + XmlEscape.text(r.displayName()) + "</D:displayname>";
            case "getcontentlength" -> file ? "<D:getcontentlength>" + e.size() + "</D:getcontentlength>" : null;
            case "getcontenttype" -> file
                    ? "<D:getcontenttype>" + XmlEscape.text(ContentTypes.forName(e.name())) + "</D:getcontenttype>" : null;
            case "getetag" -> e != null ? "<D:getetag>" + XmlEscape.text(e.etag()) + "</D:getetag>" : null;
            case "getlastmodified" -> e != null && e.modified() != null
                    ? "<D:getlastmodified>" + HttpDates.rfc1123(e.modified()) + "</D:getlastmodified>" : null;
            case "creationdate" -> e != null && e.created() != null
                    ? "<D:creationdate>" + HttpDates.rfc3339(e.created()) + "</D:creationdate>" : null;
            case "supportedlock" -> r.address().isServiceRoot() ? "<D:supportedlock/>" : LockXml.SUPPORTED_LOCK;
            case "lockdiscovery" -> LockXml.lockDiscovery(r.locks(), r.address().share());
            default -> null;
        });
    }
}
