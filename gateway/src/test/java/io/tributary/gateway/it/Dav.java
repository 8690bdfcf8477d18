package io.tributary.gateway.it;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * A small WebDAV client for one share, on {@link HttpClient} over HTTP/1.1 with keep-alive and
 * preemptive Basic auth. Paths are relative to the share root and given decoded
 * ({@code "dir/my file.txt"}); each segment is percent-encoded here. {@link #send} takes an
 * already-encoded path for requests whose exact bytes matter.
 */
public final class Dav {
    private static final String DAV = "DAV:";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final URI shareUri;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    public Dav(URI shareUri, String user, String password) {
        this(shareUri, user, password, DEFAULT_TIMEOUT);
    }

    public Dav(URI shareUri, String user, String password, Duration timeout) {
        String s = shareUri.toString();
        this.shareUri = URI.create(s.endsWith("/") ? s : s + "/");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** An entry of a PROPFIND listing; {@code path} is decoded, relative to the share, without a trailing slash. */
    public record Entry(String path, boolean collection, long length) {
        public String name() {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** A GET answered and read to its end while hashing, never held in memory. */
    public record Download(int status, String sha256, long bytes, long contentLength, String errorBody) {
    }

    public URI shareUri() {
        return shareUri;
    }

    public String authorization() {
        return authorization;
    }

    /** The absolute URI of a decoded share-relative path. */
    public URI uri(String path) {
        return shareUri.resolve(encodePath(path));
    }

    public HttpResponse<String> put(String path, byte[] body) {
        return send("PUT", encodePath(path), Map.of(), BodyPublishers.ofByteArray(body));
    }

    /** PUT with the given request id (the client's {@code X-Request-Id}). */
    public HttpResponse<String> put(String path, byte[] body, String requestId) {
        return send("PUT", encodePath(path), Map.of("X-Request-Id", requestId), BodyPublishers.ofByteArray(body));
    }

    /** PUT streaming {@code length} bytes from a fresh stream of the supplier, with a Content-Length. */
    public HttpResponse<String> put(String path, Supplier<InputStream> body, long length) {
        return put(path, body, length, timeout);
    }

    public HttpResponse<String> put(String path, Supplier<InputStream> body, long length, Duration requestTimeout) {
        BodyPublisher publisher = BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(body), length);
        return send("PUT", encodePath(path), Map.of(), publisher, requestTimeout);
    }

    public HttpResponse<String> getString(String path) {
        return send("GET", encodePath(path), Map.of(), BodyPublishers.noBody());
    }

    public Download get(String path) {
        return get(path, timeout);
    }

    public Download get(String path, Duration requestTimeout) {
        HttpRequest request = request("GET", uri(path), Map.of(), BodyPublishers.noBody(), requestTimeout);
        HttpResponse<InputStream> response = exchange(request, BodyHandlers.ofInputStream());
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (response.statusCode() / 100 != 2) {
            return new Download(response.statusCode(), null, -1, declared, readText(response.body()));
        }
        Sha256.Digest digest = Sha256.of(response.body());
        return new Download(response.statusCode(), digest.hex(), digest.bytes(), declared, null);
    }

    public HttpResponse<String> mkcol(String path) {
        return send("MKCOL", encodePath(path), Map.of(), BodyPublishers.noBody());
    }

    /** MKCOL of each missing ancestor and the path itself; fails unless each is created or exists. */
    public void mkdirs(String path) {
        StringBuilder prefix = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            prefix.append(segment).append('/');
            HttpResponse<String> r = mkcol(prefix.toString());
            if (r.statusCode() != 201 && r.statusCode() != 405) {
                throw new AssertionError("MKCOL " + prefix + " -> " + r.statusCode() + " " + r.body());
            }
        }
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", encodePath(path), Map.of(), BodyPublishers.noBody());
    }

    public HttpResponse<String> move(String from, String to, boolean overwrite) {
        return send("MOVE", encodePath(from),
                Map.of("Destination", uri(to).toString(), "Overwrite", overwrite ? "T" : "F"),
                BodyPublishers.noBody());
    }

    public HttpResponse<String> copy(String from, String to, boolean overwrite) {
        return send("COPY", encodePath(from),
                Map.of("Destination", uri(to).toString(), "Overwrite", overwrite ? "T" : "F"),
                BodyPublishers.noBody());
    }

    public HttpResponse<String> propfind(String path, String depth, String body) {
        return send("PROPFIND", encodePath(path),
                Map.of("Depth", depth, "Content-Type", "application/xml; charset=utf-8"),
                BodyPublishers.ofString(body));
    }

    /** True if the path exists (PROPFIND Depth 0 answers 207). */
    public boolean stat(String path) {
        HttpResponse<String> r = propfind(path, "0", """
                <?xml version="1.0" encoding="utf-8"?>
                <D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>
                """);
        if (r.statusCode() != 207 && r.statusCode() != 404) {
            throw new AssertionError("PROPFIND " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.statusCode() == 207;
    }

    /** PROPFIND Depth 1 of a collection: its members (not itself), sorted by path. */
    public List<Entry> list(String collection) {
        String dir = collection.isEmpty() || collection.endsWith("/") ? collection : collection + "/";
        HttpResponse<String> r = propfind(dir, "1", """
                <?xml version="1.0" encoding="utf-8"?>
                <D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/></D:prop></D:propfind>
                """);
        if (r.statusCode() != 207) {
            throw new AssertionError("PROPFIND " + dir + " -> " + r.statusCode() + " " + r.body());
        }
        String self = stripSlashes(dir);
        List<Entry> entries = new ArrayList<>();
        for (Entry e : parseMultistatus(r.body())) {
            if (!e.path().equals(self)) {
                entries.add(e);
            }
        }
        entries.sort((a, b) -> a.path().compareTo(b.path()));
        return entries;
    }

    /**
     * The whole namespace under a collection, walked with Depth 1 PROPFINDs: path to
     * {@code "dir"} or the file's length. Bounded in entries so a looping server cannot hang a test.
     */
    public TreeMap<String, String> tree(String collection) {
        TreeMap<String, String> tree = new TreeMap<>();
        List<String> pending = new ArrayList<>(List.of(collection));
        while (!pending.isEmpty()) {
            String dir = pending.removeLast();
            for (Entry e : list(dir)) {
                if (tree.size() > 20_000) {
                    throw new AssertionError("namespace walk exceeded 20000 entries");
                }
                if (tree.put(e.path(), e.collection() ? "dir" : Long.toString(e.length())) == null
                        && e.collection()) {
                    pending.add(e.path());
                }
            }
        }
        return tree;
    }

    public HttpResponse<String> send(String method, String encodedPath, Map<String, String> headers,
                                     BodyPublisher body) {
        return send(method, encodedPath, headers, body, timeout);
    }

    /** Any method on an already-encoded share-relative path (e.g. {@code "dir/a%20b"}). */
    public HttpResponse<String> send(String method, String encodedPath, Map<String, String> headers,
                                     BodyPublisher body, Duration requestTimeout) {
        HttpRequest request = request(method, shareUri.resolve(encodedPath), headers, body, requestTimeout);
        return exchange(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpRequest request(String method, URI uri, Map<String, String> headers, BodyPublisher body,
                                Duration requestTimeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(method, body)
                .timeout(requestTimeout)
                .header("Authorization", authorization);
        headers.forEach(b::header);
        return b.build();
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static String readText(InputStream in) {
        try (in) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable body: " + e + ">";
        }
    }

    /** Parses a 207 multistatus into entries; hrefs are decoded and made relative to the share. */
    public List<Entry> parseMultistatus(String xml) {
        Document doc = parseXml(xml);
        List<Entry> entries = new ArrayList<>();
        NodeList responses = doc.getElementsByTagNameNS(DAV, "response");
        for (int i = 0; i < responses.getLength(); i++) {
            Element response = (Element) responses.item(i);
            String href = text(response, "href");
            if (href == null) {
                throw new AssertionError("multistatus response without href: " + xml);
            }
            boolean collection = false;
            long length = -1;
            NodeList propstats = response.getElementsByTagNameNS(DAV, "propstat");
            for (int j = 0; j < propstats.getLength(); j++) {
                Element propstat = (Element) propstats.item(j);
                String status = text(propstat, "status");
                if (status == null || !status.contains(" 200")) {
                    continue;
                }
                NodeList types = propstat.getElementsByTagNameNS(DAV, "resourcetype");
                if (types.getLength() > 0
                        && ((Element) types.item(0)).getElementsByTagNameNS(DAV, "collection").getLength() > 0) {
                    collection = true;
                }
                String len = text(propstat, "getcontentlength");
                if (len != null && !len.isBlank()) {
                    length = Long.parseLong(len.strip());
                }
            }
            entries.add(new Entry(relativePath(href), collection, length));
        }
        return entries;
    }

    private String relativePath(String href) {
        String rawPath = URI.create(href.strip()).getRawPath();
        String sharePath = shareUri.getRawPath();
        String decoded = decode(rawPath);
        String decodedShare = decode(sharePath);
        if (!decoded.startsWith(decodedShare) && !(decoded + "/").equals(decodedShare)) {
            throw new AssertionError("href " + href + " is outside the share " + sharePath);
        }
        String rel = decoded.length() <= decodedShare.length() ? "" : decoded.substring(decodedShare.length());
        return stripSlashes(rel);
    }

    private static String stripSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }

    private static String text(Element parent, String davName) {
        NodeList nodes = parent.getElementsByTagNameNS(DAV, davName);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    /** Parses XML from the server with DTDs refused: test code treats answers as untrusted too. */
    public static Document parseXml(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("unparseable XML from server: " + e + "\n" + xml, e);
        }
    }

    /** Percent-encodes each segment of a decoded path; keeps the slashes. */
    public static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** Percent-decodes a path as UTF-8 ('+' stays a plus: this is a path, not a form). */
    public static String decode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    bytes = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(bytes);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
