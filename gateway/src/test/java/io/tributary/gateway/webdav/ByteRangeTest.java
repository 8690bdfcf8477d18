package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

    @Test
    void servesOneRangeOfEachForm() {
        assertEquals(new ByteRange.Part(0, 99), ByteRange.select("bytes=0-99", 1000));
        assertEquals(new ByteRange.Part(500, 999), ByteRange.select("bytes=500-", 1000));
        assertEquals(new ByteRange.Part(900, 999), ByteRange.select("bytes=-100", 1000));
        assertEquals(new ByteRange.Part(5, 5), ByteRange.select(" Bytes=5-5 ", 1000));
    }

    @Test
    void clipsToTheEntity() {
        assertEquals(new ByteRange.Part(999, 999), ByteRange.select("bytes=999-2000", 1000));
        assertEquals(new ByteRange.Part(0, 999), ByteRange.select("bytes=-5000", 1000));
        assertEquals(new ByteRange.Part(10, 999), ByteRange.select("bytes=10-99999999999999999999999", 1000));
        assertEquals(1000, new ByteRange.Part(0, 999).length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=1000-", "bytes=1000-1001", "bytes=-0", "bytes=99999999999999999999999-"})
    void rangesPastTheEndAreUnsatisfiable(String header) {
        assertInstanceOf(ByteRange.Unsatisfiable.class, ByteRange.select(header, 1000));
    }

    @Test
    void anEmptyEntityHasNoSatisfiableRange() {
        assertInstanceOf(ByteRange.Unsatisfiable.class, ByteRange.select("bytes=0-", 0));
        assertInstanceOf(ByteRange.Unsatisfiable.class, ByteRange.select("bytes=-1", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-1,5-6", "items=0-1", "bytes=5-3", "bytes=abc", "bytes=-", "bytes=1-x", "bytes= -x", "0-1"})
    void severalRangesOtherUnitsAndMalformedHeadersGetTheWholeEntity(String header) {
        assertInstanceOf(ByteRange.Whole.class, ByteRange.select(header, 1000));
    }

    @Test
    void noHeaderIsTheWholeEntity() {
        assertInstanceOf(ByteRange.Whole.class, ByteRange.select(null, 1000));
    }
}
