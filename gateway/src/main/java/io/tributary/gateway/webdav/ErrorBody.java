package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Sends a {@link DavException}: a DAV:error body when it names a precondition, plain text otherwise. */
final class ErrorBody {
    private ErrorBody() {
    }

    static void send(ServerResponse res, DavException e, boolean head) {
        res.status(e.status());
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            res.header(h.getKey(), h.getValue());
        }
        String body;
        if (e.condition() != null) {
            StringBuilder xml = new StringBuilder(DavXml.DECLARATION)
                    .append("<D:error xmlns:D=\"DAV:\"><D:").append(e.condition());
            if (e.hrefs().isEmpty()) {
                xml.append("/>");
            } else {
                xml.append('>');
                for (String href : e.hrefs()) {
                    xml.append("<D:href>");
                    XmlEscape.appendText(xml, href);
                    xml.append("</D:href>");
                }
                xml.append("</D:").append(e.condition()).append('>');
            }
            // DAV:error admits any element; the description says the same to a person.
            xml.append("<D:responsedescription>");
            XmlEscape.appendText(xml, String.valueOf(e.getMessage()));
            xml.append("</D:responsedescription></D:error>\n");
            body = xml.toString();
            res.header(HeaderNames.CONTENT_TYPE, DavXml.CONTENT_TYPE);
        } else {
            body = e.getMessage() + "\n";
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (head) {
            res.contentLength(bytes.length);
            res.send();
        } else {
            res.send(bytes);
        }
    }
}
