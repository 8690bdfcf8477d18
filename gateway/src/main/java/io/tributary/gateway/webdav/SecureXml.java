package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads XML request bodies safely.
 *
 * <p>The body is read whole, up to the limit, before the parser sees a byte: an oversized body is a
 * 413 however it is framed. The parser then refuses any DOCTYPE, which rules out external entities
 * (XXE) and entity expansion (billion laughs) at the root; external access, XInclude and entity
 * expansion are switched off as well, in case a parser ignores one of the settings. WebDAV bodies never
 * need a DTD.
 */
final class SecureXml {
    private static final ErrorHandler FAIL_FAST = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private SecureXml() {
    }

    /**
     * The request's XML body, or empty when there is none (or only whitespace).
     *
     * @throws DavException 413 over {@code maxBytes}, 400 when not well-formed or it has a DOCTYPE
     */
    static Optional<Document> readBody(ServerRequest request, int maxBytes) throws IOException {
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (!request.content().hasEntity()) {
            return Optional.empty();
        }
        byte[] body;
        try (InputStream in = request.content().inputStream()) {
            body = readBounded(in, maxBytes);
        }
        return isBlank(body) ? Optional.empty() : Optional.of(parse(body));
    }

    /** Reads all of {@code in}, refusing with 413 once more than {@code maxBytes} arrived. */
    static byte[] readBounded(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 8192));
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (out.size() + (long) n > maxBytes) {
                throw tooLarge(maxBytes);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Parses a body namespace-aware with DTDs refused; see the class comment. */
    static Document parse(byte[] body) {
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(FAIL_FAST);
            return builder.parse(new ByteArrayInputStream(body));
        } catch (SAXParseException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("DOCTYPE")) {
                throw DavException.badRequest("the XML body has a DOCTYPE; DTDs and entity declarations are not allowed");
            }
            throw DavException.badRequest("the XML body is not well-formed (line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + "): " + message);
        } catch (SAXException e) {
            throw DavException.badRequest("the XML body could not be parsed: " + e.getMessage());
        } catch (IOException e) {
            throw DavException.badRequest("the XML body could not be read: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a required safety feature", e);
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setValidating(false);
        return f;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static DavException tooLarge(int maxBytes) {
        return DavException.of(Status.REQUEST_ENTITY_TOO_LARGE_413,
                "the XML body is larger than the limit of " + maxBytes + " bytes");
    }
}
