package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile requests, written byte for byte on a socket where a polite client would fix them, are
 * refused with a 4xx and a message, and change nothing: the whole namespace is walked before and
 * after each one. The gateway runs with a 1 MiB upload limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
    private static final int UPLOAD_LIMIT = 1 << 20;
    private static final String PASSWD_MARK = "root:x:0:0";
    private static final String XXE_DOCTYPE = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>";
    private static final String LAUGHS_DOCTYPE = """
            <!DOCTYPE x [
             <!ENTITY l0 "lol">
             <!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">
             <!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
             <!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
             <!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
             <!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
             <!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
             <!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
             <!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">
             <!ENTITY l9 "&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;">
             <!ENTITY e "&l9;&l9;&l9;&l9;&l9;&l9;&l9;&l9;&l9;&l9;">
            ]>""";

    @TempDir
    static Path dataDir;

    private GatewayProcess gateway;
    private Dav dav;
    private RawHttp raw;
    private String hostPort;

    /** What came back: status and body, from either client. */
    record Answer(int status, String body) {
        static Answer of(RawHttp.Response r) {
            return new Answer(r.status(), r.body());
        }

        static Answer of(HttpResponse<String> r) {
            return new Answer(r.statusCode(), r.body());
        }
    }

    @BeforeAll
    void start() {
        gateway = GatewayProcess.start(GatewayProcess.Config.of("bad-input", dataDir).maxUploadBytes(UPLOAD_LIMIT));
        dav = gateway.dav();
        raw = new RawHttp(gateway.sharePort(), dav.authorization());
        hostPort = "127.0.0.1:" + gateway.sharePort();
        dav.mkdirs("bad/sub");
        assertEquals(201, dav.put("bad/existing.txt", "hello".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(201, dav.put("bad/sub/inner.txt", "inner".getBytes(StandardCharsets.UTF_8)).statusCode());
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- paths ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "PUT {0} is refused and creates nothing")
    @ValueSource(strings = {
        "/share/../escaped.txt",
        "/share/%2e%2e/escaped.txt",
        "/share/%2E%2E/escaped.txt",
        "/share/bad/../../escaped.txt",
        "/share/bad/%2e%2e%2f%2e%2e%2fescaped.txt",
        "/share/bad/..%5c..%5cescaped.txt",
        "/share/a%2Fb",
        "/share/bad/a%2Fb.txt",
        "/share/bad/nul%00byte.txt",
        "/share/bad/%00",
    })
    void putWithTraversalOrEncodedSeparatorOrNulIsRefused(String target) {
        assertRefusedWithoutChange("PUT " + target, () -> Answer.of(raw.send("PUT", target, Map.of(), bytes("x"))),
                BadInputIT::is4xx);
    }

    @ParameterizedTest(name = "GET {0} does not reach outside the share")
    @ValueSource(strings = {
        "/share/../../../../etc/passwd",
        "/share/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/share/..%2f..%2f..%2fetc%2fpasswd",
    })
    void getEscapingTheShareIsRefusedAndLeaksNothing(String target) {
        Answer a = Answer.of(raw.send("GET", target, Map.of(), new byte[0]));
        assertTrue(is4xx(a.status()), () -> "GET " + target + " -> " + a);
        assertFalse(a.body().contains(PASSWD_MARK), "GET " + target + " returned /etc/passwd");
    }

    static Stream<Arguments> badDestinations() {
        return Stream.of(
                Arguments.of("http://files.invalid/share/bad/moved.txt", true),
                Arguments.of("http://127.0.0.1:1/share/bad/moved.txt", true),
                Arguments.of("http://{host}/elsewhere/moved.txt", true),
                Arguments.of("http://{host}/share/../moved.txt", false),
                Arguments.of("http://{host}/share/%2e%2e/moved.txt", false),
                Arguments.of("/share/../../moved.txt", false),
                Arguments.of("http://{host}/share/bad/a%2Fb.txt", false));
    }

    @ParameterizedTest(name = "MOVE and COPY to {0} are refused and change nothing")
    @MethodSource("badDestinations")
    void moveAndCopyToADestinationOutsideTheShareAreRefused(String destination, boolean otherServer) {
        String dest = destination.replace("{host}", hostPort);
        IntPredicate ok = otherServer ? s -> is4xx(s) || s == 502 : BadInputIT::is4xx;
        for (String method : List.of("MOVE", "COPY")) {
            assertRefusedWithoutChange(method + " bad/existing.txt to " + dest,
                    () -> Answer.of(raw.send(method, "/share/bad/existing.txt", Map.of("Destination", dest), new byte[0])),
                    ok);
        }
    }

    // ---- XML bodies -----------------------------------------------------------------------------

    static Stream<Arguments> hostileXml() {
        String propfind = "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&e;</D:displayname></D:prop></D:propfind>";
        String proppatch = "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:T=\"urn:x-tributary-it\"><D:set><D:prop>"
                + "<T:leak>&e;</T:leak></D:prop></D:set></D:propertyupdate>";
        String lock = "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope>"
                + "<D:locktype><D:write/></D:locktype><D:owner>&e;</D:owner></D:lockinfo>";
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
        return Stream.of(
                Arguments.of("PROPFIND", "external entity", xml + XXE_DOCTYPE + propfind),
                Arguments.of("PROPFIND", "billion laughs", xml + LAUGHS_DOCTYPE + propfind),
                Arguments.of("PROPPATCH", "external entity", xml + XXE_DOCTYPE + proppatch),
                Arguments.of("PROPPATCH", "billion laughs", xml + LAUGHS_DOCTYPE + proppatch),
                Arguments.of("LOCK", "external entity", xml + XXE_DOCTYPE + lock),
                Arguments.of("LOCK", "billion laughs", xml + LAUGHS_DOCTYPE + lock));
    }

    @ParameterizedTest(name = "{0} with a DTD ({1}) is refused, expands nothing and sets nothing")
    @MethodSource("hostileXml")
    void xmlBodyWithADoctypeIsRefusedWithoutExpandingIt(String method, String kind, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/xml; charset=utf-8");
        if (method.equals("PROPFIND")) {
            headers.put("Depth", "0");
        }
        if (method.equals("LOCK")) {
            headers.put("Timeout", "Second-60");
        }
        long start = System.nanoTime();
        Answer a = assertRefusedWithoutChange(method + " with " + kind,
                () -> Answer.of(raw.send(method, "/share/bad/existing.txt", headers, bytes(body))), BadInputIT::is4xx);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertFalse(a.body().contains(PASSWD_MARK), method + " answer contains /etc/passwd");
        assertFalse(a.body().contains("lollollol"), method + " answer contains expanded entities");
        assertTrue(millis < 10_000, method + " with " + kind + " took " + millis + " ms");
        assertNoDeadPropertyAndNoLock("bad/existing.txt");
    }

    // ---- sizes ----------------------------------------------------------------------------------

    @Test
    void sixtyFourKibHeaderIsRefusedWith431Or400() {
        String filler = "a".repeat(64 * 1024);
        assertRefusedWithoutChange("PUT with a 64 KiB header",
                () -> Answer.of(raw.send("PUT", "/share/bad/big-header.txt", Map.of("X-Filler", filler), bytes("x"))),
                s -> s == 431 || s == 400);
    }

    @Test
    void bodyOverTheUploadLimitWithContentLengthIsRefusedWith413() {
        long size = 2L * UPLOAD_LIMIT;
        assertRefusedWithoutChange("PUT of 2 MiB with Content-Length",
                () -> Answer.of(raw.send("PUT", "/share/bad/too-big.bin",
                        Map.of("Content-Length", Long.toString(size)), out -> copy(new PseudoRandomStream(5, size), out))),
                s -> s == 413);
    }

    @Test
    void chunkedBodyOverTheUploadLimitIsRefusedWith413() {
        long size = 2L * UPLOAD_LIMIT;
        assertRefusedWithoutChange("PUT of 2 MiB chunked",
                () -> Answer.of(raw.send("PUT", "/share/bad/too-big-chunked.bin",
                        Map.of("Transfer-Encoding", "chunked"), out -> writeChunked(new PseudoRandomStream(6, size), out))),
                s -> s == 413);
    }

    @Test
    void bodyOfExactlyTheUploadLimitIsAccepted() {
        HttpResponse<String> r = dav.put("bad/at-the-limit.bin", () -> new PseudoRandomStream(7, UPLOAD_LIMIT), UPLOAD_LIMIT);
        assertEquals(201, r.statusCode(), () -> "PUT of exactly the limit -> " + r.statusCode() + " " + r.body());
        assertEquals(UPLOAD_LIMIT, dav.get("bad/at-the-limit.bin").bytes());
        assertEquals(204, dav.delete("bad/at-the-limit.bin").statusCode());
    }

    // ---- malformed headers ----------------------------------------------------------------------

    @Test
    void propfindWithDepthTwoIsRefused() {
        assertRefusedWithoutChange("PROPFIND Depth: 2",
                () -> Answer.of(raw.send("PROPFIND", "/share/bad/", Map.of("Depth", "2"), new byte[0])), BadInputIT::is4xx);
    }

    @Test
    void copyOfACollectionWithDepthTwoIsRefused() {
        assertRefusedWithoutChange("COPY Depth: 2",
                () -> Answer.of(raw.send("COPY", "/share/bad/sub/",
                        Map.of("Depth", "2", "Destination", "http://" + hostPort + "/share/bad/sub-copy/"), new byte[0])),
                BadInputIT::is4xx);
    }

    @Test
    void moveWithAnUnparseableDestinationIsRefused() {
        assertRefusedWithoutChange("MOVE Destination: ::://",
                () -> Answer.of(raw.send("MOVE", "/share/bad/existing.txt", Map.of("Destination", "::://"), new byte[0])),
                BadInputIT::is4xx);
    }

    @Test
    void putWithAnUnclosedIfHeaderIsRefused() {
        assertRefusedWithoutChange("PUT If: (<unclosed",
                () -> Answer.of(raw.send("PUT", "/share/bad/if-target.txt", Map.of("If", "(<unclosed"), bytes("x"))),
                BadInputIT::is4xx);
    }

    @Test
    void lockWithAMalformedTimeoutIsRefusedAndLocksNothing() {
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/>"
                + "</D:lockscope><D:locktype><D:write/></D:locktype><D:owner>it</D:owner></D:lockinfo>";
        assertRefusedWithoutChange("LOCK Timeout: Second-abc",
                () -> Answer.of(raw.send("LOCK", "/share/bad/existing.txt",
                        Map.of("Timeout", "Second-abc", "Content-Type", "application/xml"), bytes(body))),
                BadInputIT::is4xx);
        assertNoDeadPropertyAndNoLock("bad/existing.txt");
    }

    // ---- names ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "PUT, MKCOL and MOVE to the name {0} are refused")
    @ValueSource(strings = {
        "ctl%01name.txt", "tab%09name", "CON", "con", "aux.txt", "NUL.txt", "LPT1", "COM9.log", "trailing.",
        "trailing%20", "a:b", "a*b", "a%3Fb", "a%22b", "a%3Cb", "a%3Eb", "a%7Cb", "a%5Cb",
    })
    void nameInvalidOnWindowsOrWithControlCharactersIsRefused(String encodedName) {
        String target = "/share/bad/" + encodedName;
        assertRefusedWithoutChange("PUT " + target,
                () -> Answer.of(raw.send("PUT", target, Map.of(), bytes("x"))), BadInputIT::is4xx);
        assertRefusedWithoutChange("MKCOL " + target,
                () -> Answer.of(raw.send("MKCOL", target, Map.of(), new byte[0])), BadInputIT::is4xx);
        assertRefusedWithoutChange("MOVE bad/existing.txt to " + target,
                () -> Answer.of(raw.send("MOVE", "/share/bad/existing.txt",
                        Map.of("Destination", "http://" + hostPort + target), new byte[0])), BadInputIT::is4xx);
    }

    @Test
    void nameDifferingOnlyInCaseFromAnExistingFileIsRefusedWith409() {
        assertEquals(201, dav.put("bad/Report.txt", bytes("original")).statusCode());
        try {
            assertRefusedWithoutChange("PUT bad/report.txt next to bad/Report.txt",
                    () -> Answer.of(dav.put("bad/report.txt", bytes("collides"))), s -> s == 409);
            assertRefusedWithoutChange("MKCOL bad/REPORT.TXT next to bad/Report.txt",
                    () -> Answer.of(dav.mkcol("bad/REPORT.TXT")), s -> s == 409 || s == 405);
            assertEquals(Sha256.of(bytes("original")).hex(), dav.get("bad/Report.txt").sha256(),
                    "the existing file keeps its content");
        } finally {
            dav.delete("bad/Report.txt");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Sends the request, checks status and message body, and that the whole namespace is unchanged. */
    private Answer assertRefusedWithoutChange(String what, Supplier<Answer> request, IntPredicate expected) {
        TreeMap<String, String> before = dav.tree("");
        Answer a = request.get();
        String firstLine = a.body().strip().lines().findFirst().orElse("");
        System.out.println(what.replaceAll("\\s+", " ") + " -> " + a.status() + " "
                + firstLine.substring(0, Math.min(160, firstLine.length())));
        assertTrue(expected.test(a.status()), () -> what + " -> " + a.status() + " " + a.body());
        assertFalse(a.body().isBlank(), what + " -> " + a.status() + " with no message in the body");
        TreeMap<String, String> after = dav.tree("");
        assertEquals(before, after, what + " changed the namespace");
        assertTrue(gateway.isAlive(), "the gateway survived " + what);
        return a;
    }

    /** PROPFIND allprop and lockdiscovery show no property from the hostile bodies and no lock. */
    private void assertNoDeadPropertyAndNoLock(String path) {
        HttpResponse<String> all = dav.propfind(path, "0",
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>");
        assertEquals(207, all.statusCode(), all::body);
        assertFalse(all.body().contains("urn:x-tributary-it"), "a refused PROPPATCH left a property:\n" + all.body());
        assertFalse(all.body().contains(PASSWD_MARK), "a property holds /etc/passwd:\n" + all.body());
        HttpResponse<String> locks = dav.propfind(path, "0", "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:lockdiscovery/></D:prop></D:propfind>");
        assertEquals(207, locks.statusCode(), locks::body);
        assertFalse(locks.body().contains("activelock"), "a refused LOCK left a lock:\n" + locks.body());
    }

    private static boolean is4xx(int status) {
        return status >= 400 && status < 500;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void copy(InputStream in, OutputStream out) throws java.io.IOException {
        in.transferTo(out);
    }

    private static void writeChunked(InputStream in, OutputStream out) throws java.io.IOException {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(buf, 0, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
