package io.tributary.gateway.webdav;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The small HTML page a browser's GET on a collection gets: its members as links. File managers
 * use PROPFIND; this is only so that opening the URL in a browser shows something useful.
 */
final class CollectionPage {
    /** One member: its href (percent-encoded) and the name shown. */
    record Link(String href, String name) {
    }

    static final String CONTENT_TYPE = "text/html; charset=utf-8";
    /** No scripts, styles or frames: the page shows client-chosen names and should do nothing else. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'";

    private CollectionPage() {
    }

    /** @param omitted how many members were left out to stay within the listing bound */
    static byte[] render(String title, List<Link> links, int omitted) {
        StringBuilder html = new StringBuilder(256 + links.size() * 64)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
        XmlEscape.appendText(html, title);
        html.append("</title></head><body><h1>");
        XmlEscape.appendText(html, title);
        html.append("</h1><ul>");
        for (Link link : links) {
            html.append("<li><a href=\"");
            XmlEscape.appendAttribute(html, link.href());
            html.append("\">");
            XmlEscape.appendText(html, link.name());
            html.append("</a></li>");
        }
        html.append("</ul>");
        if (omitted > 0) {
            html.append("<p>").append(omitted).append(" more not shown.</p>");
        }
        return html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
