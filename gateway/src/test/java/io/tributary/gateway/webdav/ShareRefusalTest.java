package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.gateway.share.ShareException;
import io.tributary.gateway.share.ShareException.Kind;
import org.junit.jupiter.api.Test;

class ShareRefusalTest {

    @Test
    void mapsEveryKindAsRfc4918Says() {
        assertEquals(404, status(Kind.NOT_FOUND, "GET"));
        assertEquals(409, status(Kind.PARENT_MISSING, "PUT"));
        assertEquals(409, status(Kind.PARENT_MISSING, "MKCOL"));
        assertEquals(405, status(Kind.ALREADY_EXISTS, "MKCOL"));
        assertEquals(412, status(Kind.ALREADY_EXISTS, "COPY"));
        assertEquals(412, status(Kind.ALREADY_EXISTS, "MOVE"));
        assertEquals(409, status(Kind.NOT_A_DIRECTORY, "PUT"));
        assertEquals(405, status(Kind.IS_A_DIRECTORY, "PUT"));
        assertEquals(409, status(Kind.IS_A_DIRECTORY, "MOVE"));
        assertEquals(400, status(Kind.INVALID_NAME, "PUT"));
        assertEquals(409, status(Kind.NAME_COLLISION, "MKCOL"));
        assertEquals(403, status(Kind.INTO_ITSELF, "COPY"));
        assertEquals(423, status(Kind.LOCKED, "DELETE"));
        assertEquals(413, status(Kind.TOO_LARGE, "PUT"));
        assertEquals(507, status(Kind.NO_SPACE, "PUT"));
    }

    @Test
    void keepsTheNamespacesMessage() {
        DavException e = ShareRefusal.of(new ShareException(Kind.NAME_COLLISION, "Report.txt already exists as report.txt"), "PUT");
        assertEquals("Report.txt already exists as report.txt", e.getMessage());
    }

    private static int status(Kind kind, String method) {
        return ShareRefusal.status(kind, method).code();
    }
}
