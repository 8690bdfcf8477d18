package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.gateway.share.ShareException;
import io.tributary.gateway.share.SharePath;
import java.util.List;
import org.junit.jupiter.api.Test;

class DavAddressTest {

    @Test
    void slashIsTheServiceRoot() {
        assertTrue(DavAddress.parse("/").isServiceRoot());
        assertTrue(DavAddress.parse("//").isServiceRoot());
    }

    @Test
    void firstSegmentNamesTheShare() {
        DavAddress share = DavAddress.parse("/docs/");
        assertFalse(share.isServiceRoot());
        assertEquals("docs", share.share());
        assertEquals(SharePath.ROOT, share.path());

        DavAddress file = DavAddress.parse("/docs/a%20b/c.txt");
        assertEquals("docs", file.share());
        assertEquals(new SharePath(List.of("a b", "c.txt")), file.path());
    }

    @Test
    void backslashInANameIsRefusedAsAnInvalidName() {
        ShareException e = assertThrows(ShareException.class, () -> DavAddress.parse("/docs/a%5Cb"));
        assertEquals(ShareException.Kind.INVALID_NAME, e.kind());
        assertEquals(400, ShareRefusal.status(e.kind(), "PUT").code());
    }

    @Test
    void hrefIsPercentEncodedPerSegment() {
        DavAddress a = new DavAddress("my docs", new SharePath(List.of("a&b", "\u00e9 #1")));
        assertEquals("/my%20docs/a%26b/%C3%A9%20%231", a.href(false));
        assertEquals("/my%20docs/a%26b/%C3%A9%20%231/", a.href(true));
        assertEquals("/my%20docs/", new DavAddress("my docs", SharePath.ROOT).href(true));
        assertEquals("/", DavAddress.SERVICE_ROOT.href(true));
    }

    @Test
    void hrefParsesBackToTheSameAddress() {
        DavAddress a = new DavAddress("s", new SharePath(List.of("x y", "100%", "\u65e5")));
        assertEquals(a, DavAddress.parse(a.href(false)));
        assertEquals(a, DavAddress.parse(a.href(true)));
    }
}
