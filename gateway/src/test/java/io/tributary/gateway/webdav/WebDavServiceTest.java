package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.auth.Authenticator;
import io.tributary.gateway.auth.ShareAccess;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.Shares;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

/**
 * The service on a real server, over raw HTTP/1.1 so request lines reach it exactly as written. No share
 * is configured: what is tested here is everything before the namespace (authentication, path decoding,
 * header and body parsing, the service root) and the shape of the answers.
 */
class WebDavServiceTest {
    private static final String CREDENTIALS = "Basic " + Base64.getEncoder()
            .encodeToString("ann:secret".getBytes(StandardCharsets.UTF_8));
    private static final int MAX_XML = 4096;

    private static GatewayMetrics metrics;
    private static WebServer server;
    private static AuditTrail audit;
    @TempDir
    static Path dir;

    /** A parsed response: status, headers with lower-cased names, body. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @BeforeAll
    static void start() {
        metrics = new GatewayMetrics();
        Authenticator auth = (authorization, remote) ->
                CREDENTIALS.equals(authorization) ? Optional.of(io.tributary.gateway.auth.Principal.local("ann")) : Optional.empty();
        audit = AuditTrail.open(dir.resolve("audit"));
        WebDavService service = new WebDavService(new Shares(List.of()), auth, ShareAccess.none(),
                new WebDavLimits(1024, MAX_XML, 100), metrics, audit, io.tributary.gateway.keys.ErasureWatch.never());
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(r -> r.register("/", service))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (audit != null) {
            audit.close();
        }
    }

    @Test
    void withoutCredentialsAnswers401WithABasicChallenge() throws IOException {
        Answer a = send("PROPFIND", "/", Map.of("Depth", "0"), "", false);
        assertEquals(401, a.status());
        assertEquals("Basic realm=\"Tributary\"", a.header("WWW-Authenticate"));
        assertFalse(a.body().isBlank());
    }

    @Test
    void everyAnswerCarriesARequestIdTheClientsOwnIfItIsSafe() throws IOException {
        assertEquals("branch-7:req.42", send("OPTIONS", "/", Map.of("X-Request-Id", "branch-7:req.42"), "").header("X-Request-Id"));
        String fresh = send("OPTIONS", "/", Map.of(), "").header("X-Request-Id");
        assertTrue(fresh.matches("[0-9a-f]{16}"), fresh);
        String replaced = send("OPTIONS", "/", Map.of("X-Request-Id", "\"quoted\"<script>"), "").header("X-Request-Id");
        assertTrue(replaced.matches("[0-9a-f]{16}"), "a hostile id is not echoed: " + replaced);
        Answer refused = send("PROPFIND", "/", Map.of("Depth", "0", "X-Request-Id", "r-401"), "", false);
        assertEquals(401, refused.status());
        assertEquals("r-401", refused.header("X-Request-Id"), "refusals carry it too");
    }

    @Test
    void wrongCredentialsAnswer401() throws IOException {
        Answer a = send("GET", "/", Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("ann:wrong".getBytes(StandardCharsets.UTF_8))), "", false);
        assertEquals(401, a.status());
    }

    @Test
    void optionsAdvertisesClassesOneAndTwo() throws IOException {
        Answer a = send("OPTIONS", "/", Map.of(), "");
        assertEquals(200, a.status());
        assertEquals("1, 2", a.header("DAV"));
        assertEquals("DAV", a.header("MS-Author-Via"));
        assertTrue(a.header("Allow").contains("PROPFIND"), a.header("Allow"));
        assertFalse(a.header("Allow").contains("PUT"), "the service root is read-only: " + a.header("Allow"));
    }

    @Test
    void propfindOnTheServiceRootDescribesACollection() throws IOException {
        for (String depth : List.of("0", "1")) {
            Answer a = send("PROPFIND", "/", Map.of("Depth", depth), "");
            assertEquals(207, a.status(), a.body());
            assertTrue(a.header("Content-Type").startsWith("application/xml"), a.header("Content-Type"));
            Element root = SecureXml.parse(a.body().getBytes(StandardCharsets.UTF_8)).getDocumentElement();
            List<Element> responses = DavXml.children(root);
            assertEquals(1, responses.size(), "no shares are configured");
            assertEquals("/", DavXml.davChild(responses.getFirst(), "href").orElseThrow().getTextContent());
            assertTrue(a.body().contains("<D:collection/>"), a.body());
        }
    }

    @Test
    void propfindWithANamedPropertyReportsTheUnknownOneAs404() throws IOException {
        String body = "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:prop>"
                + "<D:resourcetype/><Z:unknown/></D:prop></D:propfind>";
        Answer a = send("PROPFIND", "/", Map.of("Depth", "0", "Content-Type", "application/xml"), body);
        assertEquals(207, a.status(), a.body());
        assertTrue(a.body().contains("HTTP/1.1 404 Not Found"), a.body());
        assertTrue(a.body().contains("<x:unknown xmlns:x=\"urn:z\"/>"), a.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"infinity", ""})
    void propfindWithInfiniteDepthIsRefusedWithFiniteDepthError(String depth) throws IOException {
        Map<String, String> headers = depth.isEmpty() ? Map.of() : Map.of("Depth", depth);
        Answer a = send("PROPFIND", "/", headers, "");
        assertEquals(403, a.status());
        assertTrue(a.body().contains("<D:propfind-finite-depth/>"), a.body());
    }

    @Test
    void propfindWithAnExternalEntityIsRefusedWith400() throws IOException {
        String body = "<?xml version=\"1.0\"?><!DOCTYPE D:propfind [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&e;</D:displayname></D:prop></D:propfind>";
        Answer a = send("PROPFIND", "/", Map.of("Depth", "0", "Content-Type", "application/xml"), body);
        assertEquals(400, a.status());
        assertTrue(a.body().contains("DOCTYPE"), a.body());
        assertFalse(a.body().contains("root:"), a.body());
    }

    @Test
    void propfindWithAnOversizedBodyIsRefusedWith413() throws IOException {
        String body = "<D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>" + " ".repeat(MAX_XML);
        Answer a = send("PROPFIND", "/", Map.of("Depth", "0", "Content-Type", "application/xml"), body);
        assertEquals(413, a.status());
    }

    @Test
    void propfindWithTheWrongRootElementIsRefusedWith400() throws IOException {
        Answer a = send("PROPFIND", "/", Map.of("Depth", "0"), "<D:lockinfo xmlns:D=\"DAV:\"/>");
        assertEquals(400, a.status());
        assertTrue(a.body().contains("DAV:propfind"), a.body());
    }

    @Test
    void getOnTheServiceRootIsAnHtmlListing() throws IOException {
        Answer a = send("GET", "/", Map.of(), "");
        assertEquals(200, a.status());
        assertTrue(a.header("Content-Type").startsWith("text/html"), a.header("Content-Type"));
        assertTrue(a.body().contains("<title>Shares</title>"), a.body());
        Answer head = send("HEAD", "/", Map.of(), "");
        assertEquals(200, head.status());
        assertEquals(a.header("Content-Length"), head.header("Content-Length"));
        assertEquals("", head.body());
    }

    @Test
    void anUnknownShareIs404() throws IOException {
        Answer a = send("GET", "/nosuch/file.txt", Map.of(), "");
        assertEquals(404, a.status());
        assertTrue(a.body().contains("nosuch"), a.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/share/a%2Fb", "/share/nul%00byte", "/share/%C0%AE%C0%AE/x", "/share/%2e%2e/x", "/share/../x"})
    void aPathThatDoesNotDecodeIsRefusedWith400(String path) throws IOException {
        Answer a = send("PUT", path, Map.of(), "x");
        assertEquals(400, a.status(), a.body());
        assertFalse(a.body().isBlank());
    }

    @Test
    void writesToTheServiceRootAre405WithAllow() throws IOException {
        for (String method : List.of("PUT", "DELETE", "MKCOL", "LOCK", "PROPPATCH", "MOVE")) {
            Answer a = send(method, "/", Map.of(), "");
            assertEquals(405, a.status(), method);
            assertEquals(DavEndpoint.SERVICE_ROOT_ALLOW, a.header("Allow"), method);
        }
    }

    @Test
    void methodsThisServerDoesNotImplementAre501AndPostIs405() throws IOException {
        assertEquals(501, send("FROBNICATE", "/", Map.of(), "").status());
        assertEquals(405, send("POST", "/", Map.of(), "").status());
    }

    @Test
    void aMalformedIfHeaderIs400() throws IOException {
        Answer a = send("PROPFIND", "/", Map.of("Depth", "0", "If", "(<unclosed"), "");
        assertEquals(400, a.status());
        assertTrue(a.body().contains("If header"), a.body());
    }

    @Test
    void countsRequestsAndClientErrors() throws IOException {
        long requests = metrics.webdavRequests.getCount();
        long clientErrors = metrics.webdavClientErrors.getCount();
        assertEquals(404, send("GET", "/nosuch/", Map.of(), "").status());
        assertEquals(200, send("OPTIONS", "/", Map.of(), "").status());
        assertEquals(requests + 2, metrics.webdavRequests.getCount());
        assertEquals(clientErrors + 1, metrics.webdavClientErrors.getCount());
    }

    private static Answer send(String method, String target, Map<String, String> headers, String body) throws IOException {
        return send(method, target, headers, body, true);
    }

    /** One request on its own connection. */
    private static Answer send(String method, String target, Map<String, String> headers, String body,
                               boolean authenticated) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(server.port()).append("\r\n")
                .append("Connection: close\r\n");
        if (authenticated && !headers.containsKey("Authorization")) {
            head.append("Authorization: ").append(CREDENTIALS).append("\r\n");
        }
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(content.length).append("\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(socket.getInputStream(), method.equals("HEAD"));
        }
    }

    /** Reads one response, its body framed by Content-Length (none for HEAD), as every answer here is. */
    private static Answer parse(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head");
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).strip().split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }
}
