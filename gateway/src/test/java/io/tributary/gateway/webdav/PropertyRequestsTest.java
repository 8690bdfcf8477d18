package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.Status;
import io.tributary.gateway.share.ActiveLock;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.SharePath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** PROPFIND, PROPPATCH and LOCK bodies as parsed, and the properties PROPFIND reports for an entry. */
class PropertyRequestsTest {
    private static final Instant MODIFIED = Instant.parse("2025-03-04T05:06:07Z");
    private static final Entry FILE = new Entry(7, "report.pdf", false, 1234, MODIFIED, MODIFIED.minusSeconds(60), 3);
    private static final Entry DIR = new Entry(8, "dir", true, 0, MODIFIED, MODIFIED, 1);
    private static final DavAddress FILE_AT = new DavAddress("share", new SharePath(List.of("dir", "report.pdf")));

    @Test
    void noBodyIsAllprop() {
        assertEquals(PropfindRequest.Mode.ALL, PropfindRequest.parse(Optional.empty()).mode());
    }

    @Test
    void parsesTheThreeKindsOfPropfind() {
        assertEquals(PropfindRequest.Mode.NAMES, propfind("<D:propname/>").mode());
        PropfindRequest all = propfind("<D:allprop/><D:include><Z:extra xmlns:Z=\"urn:z\"/></D:include>");
        assertEquals(PropfindRequest.Mode.ALL, all.mode());
        assertEquals(List.of(new PropertyName("urn:z", "extra")), all.names());
        PropfindRequest prop = propfind("<D:prop><D:getetag/><Z:a xmlns:Z=\"urn:z\"/><D:getetag/></D:prop>");
        assertEquals(List.of(PropertyName.dav("getetag"), new PropertyName("urn:z", "a")), prop.names());
    }

    @Test
    void refusesAPropfindWithoutAKind() {
        assertEquals(400, assertThrows(DavException.class, () -> propfind("")).status().code());
        assertEquals(400, assertThrows(DavException.class, () -> propfind("<D:prop/>")).status().code());
    }

    @Test
    void describesAFileWithEveryLiveProperty() {
        DavResource r = new DavResource(FILE_AT, FILE, List.of(), null);
        List<Multistatus.Propstat> propstats = PropfindHandler.describe(propfind("<D:allprop/>"), r, Map.of());
        String found = String.join("", propstats.get(0).properties());
        assertTrue(found.contains("<D:getcontentlength>1234</D:getcontentlength>"), found);
        assertTrue(found.contains("<D:getcontenttype>application/pdf</D:getcontenttype>"), found);
        assertTrue(found.contains("<D:getetag>" + FILE.etag() + "</D:getetag>"), found);
        assertTrue(found.contains("<D:getlastmodified>Tue, 04 Mar 2025 05:06:07 GMT</D:getlastmodified>"), found);
        assertTrue(found.contains("<D:creationdate>2025-03-04T05:05:07Z</D:creationdate>"), found);
        assertTrue(found.contains("<D:resourcetype/>"), found);
        assertTrue(found.contains("<D:displayname>report.pdf</D:displayname>"), found);
        assertTrue(found.contains("<D:exclusive/>") && found.contains("<D:shared/>"), found);
        assertTrue(propstats.get(1).properties().isEmpty());
    }

    @Test
    void aCollectionHasNoContentLengthOrType() {
        DavResource r = new DavResource(new DavAddress("share", new SharePath(List.of("dir"))), DIR, List.of(), null);
        List<Multistatus.Propstat> propstats = PropfindHandler.describe(
                propfind("<D:prop><D:resourcetype/><D:getcontentlength/><D:getcontenttype/></D:prop>"), r, Map.of());
        assertEquals(List.of("<D:resourcetype><D:collection/></D:resourcetype>"), propstats.get(0).properties());
        assertEquals(Status.NOT_FOUND_404, propstats.get(1).status());
        assertEquals(List.of("<D:getcontentlength/>", "<D:getcontenttype/>"), propstats.get(1).properties());
        assertEquals("/share/dir/", r.href());
    }

    @Test
    void reportsDeadPropertiesAndUnknownOnesAs404() {
        String author = "<Z:author xmlns:Z=\"urn:z\">Ann</Z:author>";
        Map<String, String> dead = Map.of("{urn:z}author", author);
        DavResource r = new DavResource(FILE_AT, FILE, List.of(), null);
        List<Multistatus.Propstat> named = PropfindHandler.describe(
                propfind("<D:prop><Z:author xmlns:Z=\"urn:z\"/><Z:other xmlns:Z=\"urn:z\"/></D:prop>"), r, dead);
        assertEquals(List.of(author), named.get(0).properties());
        assertEquals(List.of("<x:other xmlns:x=\"urn:z\"/>"), named.get(1).properties());
        List<Multistatus.Propstat> names = PropfindHandler.describe(propfind("<D:propname/>"), r, dead);
        assertTrue(names.get(0).properties().contains("<x:author xmlns:x=\"urn:z\"/>"), names.get(0).properties()::toString);
        assertTrue(names.get(0).properties().contains("<D:getetag/>"), names.get(0).properties()::toString);
        assertFalse(String.join("", names.get(0).properties()).contains("Ann"));
    }

    @Test
    void aDeadDisplaynameShadowsTheComputedOne() {
        String mine = "<D:displayname xmlns:D=\"DAV:\">Quarterly</D:displayname>";
        DavResource r = new DavResource(FILE_AT, FILE, List.of(), null);
        String found = String.join("", PropfindHandler.describe(propfind("<D:allprop/>"), r,
                Map.of("{DAV:}displayname", mine)).get(0).properties());
        assertTrue(found.contains("Quarterly"), found);
        assertFalse(found.contains("<D:displayname>report.pdf"), found);
    }

    @Test
    void lockdiscoveryListsTheLocksWithTheirOwnerTokenAndRoot() {
        ActiveLock lock = new ActiveLock("urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e", new SharePath(List.of("dir")),
                true, true, "<D:owner xmlns:D=\"DAV:\"><D:href>mailto:ann@example.org</D:href></D:owner>", "ann",
                Duration.ofSeconds(600), MODIFIED.plusSeconds(600));
        String xml = "<D:prop xmlns:D=\"DAV:\">" + LockXml.lockDiscovery(List.of(lock), "my share") + "</D:prop>";
        Element active = DavXml.davChild(DavXml.davChild(parse(xml).getDocumentElement(), "lockdiscovery").orElseThrow(),
                "activelock").orElseThrow();
        assertEquals("infinity", DavXml.davChild(active, "depth").orElseThrow().getTextContent());
        assertEquals("Second-600", DavXml.davChild(active, "timeout").orElseThrow().getTextContent());
        assertEquals(lock.token(), DavXml.davChild(active, "locktoken").orElseThrow().getTextContent());
        assertEquals("/my%20share/dir", DavXml.davChild(active, "lockroot").orElseThrow().getTextContent());
        assertEquals("mailto:ann@example.org", DavXml.davChild(active, "owner").orElseThrow().getTextContent());
        assertTrue(DavXml.davChild(DavXml.davChild(active, "lockscope").orElseThrow(), "exclusive").isPresent());
    }

    @Test
    void proppatchKeepsDocumentOrderValuesAndLanguage() {
        ProppatchRequest patch = ProppatchRequest.parse(parse("<D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\">"
                + "<D:set xml:lang=\"fr\"><D:prop><Z:title>Bonjour</Z:title></D:prop></D:set>"
                + "<D:remove><D:prop><Z:old/></D:prop></D:remove>"
                + "<D:set><D:prop><M:Win32LastModifiedTime xmlns:M=\"urn:schemas-microsoft-com:\">"
                + "Tue, 04 Mar 2025 05:06:07 GMT</M:Win32LastModifiedTime></D:prop></D:set>"
                + "</D:propertyupdate>"));
        List<ProppatchRequest.Instruction> ins = patch.instructions();
        assertEquals(3, ins.size());
        assertFalse(ins.get(0).remove());
        Element title = parse(ins.get(0).valueXml()).getDocumentElement();
        assertEquals(new PropertyName("urn:z", "title"), PropertyName.of(title));
        assertEquals("fr", title.getAttributeNS(XMLConstants.XML_NS_URI, "lang"));
        assertTrue(ins.get(1).remove());
        assertNull(ins.get(1).valueXml());
        assertEquals(ProppatchHandler.WIN32_LAST_MODIFIED, ins.get(2).name());
        assertEquals(Optional.of(MODIFIED), HttpDates.parseRfc1123(ins.get(2).text()));
    }

    @Test
    void refusesAProppatchThatChangesNothingOrIsMisshapen() {
        assertEquals(400, assertThrows(DavException.class, () -> ProppatchRequest.parse(parse(
                "<D:propertyupdate xmlns:D=\"DAV:\"/>"))).status().code());
        assertEquals(400, assertThrows(DavException.class, () -> ProppatchRequest.parse(parse(
                "<D:propertyupdate xmlns:D=\"DAV:\"><D:frob/></D:propertyupdate>"))).status().code());
        assertEquals(400, assertThrows(DavException.class, () -> ProppatchRequest.parse(parse(
                "<D:propfind xmlns:D=\"DAV:\"/>"))).status().code());
    }

    @Test
    void theProtectedPropertiesAreTheComputedOnes() {
        assertTrue(LiveProperties.PROTECTED.contains(PropertyName.dav("getetag")));
        assertTrue(LiveProperties.PROTECTED.contains(PropertyName.dav("lockdiscovery")));
        assertFalse(LiveProperties.PROTECTED.contains(PropertyName.dav("displayname")));
        assertFalse(LiveProperties.PROTECTED.contains(ProppatchHandler.WIN32_LAST_MODIFIED));
    }

    @Test
    void parsesLockinfo() {
        LockRequest shared = LockRequest.parse(parse("<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:shared/></D:lockscope>"
                + "<D:locktype><D:write/></D:locktype><D:owner>Ann &amp; Bob</D:owner></D:lockinfo>"));
        assertFalse(shared.exclusive());
        assertEquals("Ann & Bob", parse(shared.ownerXml()).getDocumentElement().getTextContent());
        LockRequest anonymous = LockRequest.parse(parse("<lockinfo xmlns=\"DAV:\"><lockscope><exclusive/></lockscope>"
                + "<locktype><write/></locktype></lockinfo>"));
        assertTrue(anonymous.exclusive());
        assertNull(anonymous.ownerXml());
    }

    @Test
    void refusesLockinfoWithoutScopeOrWriteType() {
        assertEquals(400, assertThrows(DavException.class, () -> LockRequest.parse(parse(
                "<D:lockinfo xmlns:D=\"DAV:\"><D:locktype><D:write/></D:locktype></D:lockinfo>"))).status().code());
        assertEquals(400, assertThrows(DavException.class, () -> LockRequest.parse(parse(
                "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope>"
                        + "<D:locktype><D:read/></D:locktype></D:lockinfo>"))).status().code());
    }

    @Test
    void lockTokenHeaderNeedsAngleBrackets() {
        assertEquals("urn:uuid:1", UnlockHandler.parseLockToken(" <urn:uuid:1> "));
        assertEquals(400, assertThrows(DavException.class, () -> UnlockHandler.parseLockToken("urn:uuid:1")).status().code());
        assertEquals(400, assertThrows(DavException.class, () -> UnlockHandler.parseLockToken("<>")).status().code());
    }

    @Test
    void overwriteIsTOrF() {
        assertTrue(CopyMoveHandler.overwrite(null));
        assertTrue(CopyMoveHandler.overwrite("T"));
        assertFalse(CopyMoveHandler.overwrite(" F "));
        assertEquals(400, assertThrows(DavException.class, () -> CopyMoveHandler.overwrite("yes")).status().code());
    }

    private static PropfindRequest propfind(String inner) {
        return PropfindRequest.parse(Optional.of(parse("<D:propfind xmlns:D=\"DAV:\">" + inner + "</D:propfind>")));
    }

    private static Document parse(String xml) {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
    }
}
