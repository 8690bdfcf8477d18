package io.tributary.gateway.webdav;

import io.tributary.gateway.share.ShareException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile request parts thrown at the WebDAV parsers, as mutations of real requests and as noise:
 * each is parsed or refused with a 4xx within a bound of time; nothing else may escape (no
 * NullPointerException, no index or number errors, no stack overflow, no hang). The inputs come
 * from a seed, new each run and named in any failure; {@code -Dtributary.fuzz.seed=N} replays one.
 */
class RequestParsingFuzzTest {
    static final long SEED = Long.getLong("tributary.fuzz.seed", System.nanoTime());
    private static final int BODIES_PER_RUN = 2000;
    private static final int HEADERS_PER_RUN = 4000;
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final List<String> BODIES = List.of(
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>",
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/><x:a xmlns:x=\"urn:x\"/></D:prop></D:propfind>",
            "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:set><D:prop><Z:author>Ann</Z:author>"
                    + "</D:prop></D:set><D:remove><D:prop><Z:old/></D:prop></D:remove></D:propertyupdate>",
            "<?xml version=\"1.0\"?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/>"
                    + "</D:locktype><D:owner><D:href>mailto:ann@example.com</D:href></D:owner></D:lockinfo>");
    private static final List<String> XML_NOISE = List.of("<!DOCTYPE x [<!ENTITY e \"ee\">]>", "&e;", "&#0;", "&#x110000;", "<",
            ">", "</", "/>", "xmlns:D=\"\"", "xmlns=\"urn:\"", "<![CDATA[", "]]>", "<?pi?>", "<!-- -->", "\u0000", "\uFEFF",
            "<D:prop>", "</D:prop>", "<D:set>", "<D:remove>", "<D:lockscope>", "<D:shared/>", "<D:href>", "\"", "'", "=",
            "<a b=\"1\" b=\"2\"/>", "<x:y/>", "D:", "DAV:", "<D:propfind xmlns:D=\"DAV:\">", "<!ENTITY", "SYSTEM \"file:///etc/passwd\"");
    private static final List<String> HEADER_NOISE = List.of("<", ">", "(", ")", "[", "]", "Not", "<urn:uuid:1>",
            "<opaquelocktoken:x>", "[\"etag\"]", "[W/\"e\"]", "http://", "https://h:99999/", "/share/", "%", "%2e%2e", "%2F",
            "%00", "..", "/", "\\", ",", "Second-", "Infinite", "4100000000", "99999999999999999999", "-1", "bytes=", "0-", "-5",
            "5-1", "*", ";", " ", "\t", "\u00e9", "\u0000", "\r\n", "{DAV:}", "{", "}", "0", "1", "infinity",
            "Sun, 06 Nov 1994 08:49:37 GMT", "http://127.0.0.1:8080/share/a", "//evil/", "?q", "#f");

    @Test
    void xmlBodiesAreParsedOrRefusedWith4xx() {
        SplittableRandom random = new SplittableRandom(SEED);
        assertTimeoutPreemptively(BOUND, () -> {
            for (int i = 0; i < BODIES_PER_RUN; i++) {
                byte[] body = body(random);
                refusedCleanly(() -> "body " + new String(body, StandardCharsets.UTF_8), () -> {
                    Document doc = SecureXml.parse(body);
                    for (Runnable parser : List.<Runnable>of(() -> PropfindRequest.parse(Optional.of(doc)),
                            () -> ProppatchRequest.parse(doc), () -> LockRequest.parse(doc))) {
                        refusedCleanly(() -> "a parsed body " + new String(body, StandardCharsets.UTF_8), parser);
                    }
                });
            }
        }, "seed " + SEED + ": the parsers took longer than " + BOUND);
    }

    @Test
    void headersAreParsedOrRefusedWith4xx() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        Origin origin = Origin.of("http", "127.0.0.1:8080");
        assertTimeoutPreemptively(BOUND, () -> {
            for (int i = 0; i < HEADERS_PER_RUN; i++) {
                String v = header(random);
                refusedCleanly(() -> "Depth " + v, () -> Depth.parse(v, Depth.INFINITY));
                refusedCleanly(() -> "Timeout " + v, () -> Timeout.parse(v));
                refusedCleanly(() -> "If " + v, () -> IfHeader.parse(v));
                refusedCleanly(() -> "Destination " + v, () -> Destination.resolve(v, origin));
                refusedCleanly(() -> "path " + v, () -> DavAddress.parse(v.startsWith("/") ? v : "/" + v));
                refusedCleanly(() -> "Range " + v, () -> ByteRange.select(v, 1000));
                refusedCleanly(() -> "Lock-Token " + v, () -> UnlockHandler.parseLockToken(v));
                refusedCleanly(() -> "date " + v, () -> HttpDates.parseRfc1123(v));
                refusedCleanly(() -> "property " + v, () -> PropertyName.parseClark(v));
            }
        }, "seed " + SEED + ": the parsers took longer than " + BOUND);
    }

    /** A real body with noise spliced in (and a stretch cut out), several such, deep nesting, or random bytes. */
    private static byte[] body(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> randomBytes(r, 512);
            case 1 -> {
                int n = 1 + r.nextInt(5000);
                yield ("<D:propfind xmlns:D=\"DAV:\">" + "<D:prop>".repeat(n) + "</D:prop>".repeat(n) + "</D:propfind>")
                        .getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                String s = BODIES.get(r.nextInt(BODIES.size()));
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    int at = r.nextInt(s.length() + 1);
                    s = s.substring(0, at) + XML_NOISE.get(r.nextInt(XML_NOISE.size())) + s.substring(Math.min(s.length(), at + r.nextInt(40)));
                }
                yield s.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static String header(SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            return new String(randomBytes(r, 64), StandardCharsets.ISO_8859_1);
        }
        StringBuilder s = new StringBuilder();
        for (int k = r.nextInt(9); k > 0; k--) {
            s.append(HEADER_NOISE.get(r.nextInt(HEADER_NOISE.size())));
        }
        return s.toString();
    }

    private static byte[] randomBytes(SplittableRandom r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static void refusedCleanly(java.util.function.Supplier<String> what, Runnable parse) {
        try {
            parse.run();
        } catch (DavException e) {
            int code = e.status().code();
            assertTrue(code >= 400 && code < 500 || code == 502, () -> "seed " + SEED + ", " + what.get() + ": answered " + code
                    + " " + e.getMessage());
        } catch (IllegalArgumentException | ShareException e) {
            // the refusals the endpoint turns into 400 (If) or a name error (paths): they must say why
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), () -> "seed " + SEED + ", " + what.get() + ": no reason");
        } catch (RuntimeException | StackOverflowError e) {
            fail("seed " + SEED + ", " + what.get() + ": " + e, e);
        }
    }
}
