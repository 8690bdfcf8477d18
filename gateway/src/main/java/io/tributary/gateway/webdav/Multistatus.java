package io.tributary.gateway.webdav;

import io.helidon.http.Status;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a {@code DAV:multistatus} body (RFC 4918 section 13) one response at a time.
 *
 * <p>Hrefs must arrive percent-encoded ({@link DavAddress#href}); everything written here is XML-escaped
 * besides. Property fragments are trusted XML: live values built by this package, or dead values and
 * names produced by {@link ElementSerializer} and {@link PropertyName}. The prefix {@code D} is bound to
 * {@code DAV:} on the root, and only there, so fragments may rebind any prefix locally.
 */
final class Multistatus {
    /**
     * One propstat: a status and the properties, as XML fragments, it applies to.
     *
     * @param condition   a DAV: precondition element's local name for a DAV:error, or null
     * @param description a human-readable DAV:responsedescription, or null
     */
    record Propstat(Status status, List<String> properties, String condition, String description) {
        Propstat {
            properties = List.copyOf(properties);
        }

        Propstat(Status status, List<String> properties) {
            this(status, properties, null, null);
        }
    }

    private final StringBuilder xml = new StringBuilder(1024)
            .append(DavXml.DECLARATION).append("<D:multistatus xmlns:D=\"DAV:\">");
    private int responses;

    /** Adds a response with properties; empty propstats are left out. */
    Multistatus add(String href, List<Propstat> propstats) {
        xml.append("<D:response><D:href>");
        XmlEscape.appendText(xml, href);
        xml.append("</D:href>");
        for (Propstat p : propstats) {
            if (p.properties().isEmpty()) {
                continue;
            }
            xml.append("<D:propstat><D:prop>");
            p.properties().forEach(xml::append);
            xml.append("</D:prop><D:status>").append(statusLine(p.status())).append("</D:status>");
            if (p.condition() != null) {
                xml.append("<D:error><D:").append(p.condition()).append("/></D:error>");
            }
            if (p.description() != null) {
                xml.append("<D:responsedescription>");
                XmlEscape.appendText(xml, p.description());
                xml.append("</D:responsedescription>");
            }
            xml.append("</D:propstat>");
        }
        xml.append("</D:response>");
        responses++;
        return this;
    }

    /** Adds a response that is only a status, with an optional human-readable description. */
    Multistatus addStatus(String href, Status status, String description) {
        xml.append("<D:response><D:href>");
        XmlEscape.appendText(xml, href);
        xml.append("</D:href><D:status>").append(statusLine(status)).append("</D:status>");
        if (description != null) {
            xml.append("<D:responsedescription>");
            XmlEscape.appendText(xml, description);
            xml.append("</D:responsedescription>");
        }
        xml.append("</D:response>");
        responses++;
        return this;
    }

    int responses() {
        return responses;
    }

    byte[] toBytes() {
        return new StringBuilder(xml).append("</D:multistatus>").toString().getBytes(StandardCharsets.UTF_8);
    }

    static String statusLine(Status status) {
        return "HTTP/1.1 " + status.code() + " " + XmlEscape.text(status.reasonPhrase());
    }
}
