package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.gateway.share.SharePath;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationTest {
    private static final Origin HERE = Origin.of("http", "gateway.local:8080");
    private static final DavAddress MOVED = new DavAddress("share", new SharePath(List.of("dir", "moved file.txt")));

    @ParameterizedTest
    @ValueSource(strings = {
        "http://gateway.local:8080/share/dir/moved%20file.txt",
        "HTTP://Gateway.Local:8080/share/dir/moved%20file.txt",
        "/share/dir/moved%20file.txt",
        "  /share/dir/moved%20file.txt  ",
    })
    void resolvesAnAbsoluteUriOrPathOnThisServer(String value) {
        assertEquals(MOVED, Destination.resolve(value, HERE));
    }

    @Test
    void treatsTheDefaultPortAsTheSamePort() {
        Origin plain = Origin.of("http", "gateway.local");
        assertEquals(MOVED, Destination.resolve("http://gateway.local:80/share/dir/moved%20file.txt", plain));
        Origin tls = Origin.of("https", "gateway.local:443");
        assertEquals(MOVED, Destination.resolve("https://gateway.local/share/dir/moved%20file.txt", tls));
    }

    @Test
    void understandsIpv6Literals() {
        Origin v6 = Origin.of("http", "[::1]:8080");
        assertEquals(MOVED, Destination.resolve("http://[::1]:8080/share/dir/moved%20file.txt", v6));
        assertEquals(502, assertThrows(DavException.class,
                () -> Destination.resolve("http://[::2]:8080/share/x", v6)).status().code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://files.invalid:8080/share/x",
        "http://gateway.local:8081/share/x",
        "http://gateway.local/share/x",
        "https://gateway.local:8080/share/x",
        "ftp://gateway.local:8080/share/x",
    })
    void refusesAnotherServerPortOrSchemeWith502(String value) {
        assertEquals(502, assertThrows(DavException.class, () -> Destination.resolve(value, HERE)).status().code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "share/x", "::://", "//gateway.local:8080/share/x", "http:///share/x",
        "/share/x?query", "/share/x#fragment", "http://user@gateway.local:8080/share/x",
        "http://gateway.local:99999/share/x", "http://gateway.local:port/share/x",
    })
    void refusesWhatIsNotAnAbsoluteUriOrPathWith400(String value) {
        assertEquals(400, assertThrows(DavException.class, () -> Destination.resolve(value, HERE)).status().code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://gateway.local:8080/share/../moved.txt",
        "http://gateway.local:8080/share/%2e%2e/moved.txt",
        "/share/../../moved.txt",
        "http://gateway.local:8080/share/dir/a%2Fb.txt",
        "/share/nul%00.txt",
        "/share/%C0%AE%C0%AE/x",
    })
    void decodesThePathAsStrictlyAsARequestPath(String value) {
        assertEquals(400, assertThrows(DavException.class, () -> Destination.resolve(value, HERE)).status().code());
    }

    @Test
    void aRequestWithoutHostStillComparesSchemeAndPort() {
        Origin noHost = Origin.of("http", null);
        assertEquals(MOVED, Destination.resolve("http://anything:80/share/dir/moved%20file.txt", noHost));
        assertEquals(502, assertThrows(DavException.class,
                () -> Destination.resolve("https://anything/share/x", noHost)).status().code());
    }
}
