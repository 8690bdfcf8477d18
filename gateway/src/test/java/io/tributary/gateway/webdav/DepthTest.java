package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DepthTest {

    @Test
    void parsesTheThreeValues() {
        assertEquals(Depth.ZERO, Depth.parse("0", Depth.INFINITY));
        assertEquals(Depth.ONE, Depth.parse(" 1 ", Depth.INFINITY));
        assertEquals(Depth.INFINITY, Depth.parse("Infinity", Depth.ZERO));
    }

    @Test
    void anAbsentHeaderMeansWhatTheMethodSays() {
        assertEquals(Depth.INFINITY, Depth.parse(null, Depth.INFINITY));
        assertEquals(Depth.ZERO, Depth.parse(null, Depth.ZERO));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "-1", "01", "inf", "infinite", "0,1"})
    void refusesAnythingElseWith400(String header) {
        DavException e = assertThrows(DavException.class, () -> Depth.parse(header, Depth.ZERO));
        assertEquals(400, e.status().code());
    }

    @Test
    void writesWhatItParses() {
        for (Depth d : Depth.values()) {
            assertEquals(d, Depth.parse(d.text(), null));
        }
    }
}
