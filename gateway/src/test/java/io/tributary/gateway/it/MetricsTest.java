package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    private static final String EXPOSITION = """
            # HELP tributary_chunk_stored_bytes_total Generated from Dropwizard metric import
            # TYPE tributary_chunk_stored_bytes_total counter
            tributary_chunk_stored_bytes_total 1.048576E8
            # TYPE tributary_chunk_logical_bytes counter
            tributary_chunk_logical_bytes 2.097152E8
            tributary_requests{method="PUT",path="/a b,\\"c\\"}"} 3 1718000000000
            tributary_requests{method="GET"} 4
            tributary_group_commit_size{quantile="0.5"} NaN
            tributary_latency_bucket{le="+Inf"} 7
            """;

    @Test
    void counterIsFoundWithOrWithoutTheTotalSuffix() {
        Metrics m = Metrics.parse(EXPOSITION);
        assertEquals(104857600L, m.count("tributary_chunk_stored_bytes"));
        assertEquals(104857600L, m.count("tributary_chunk_stored_bytes_total"));
        assertEquals(209715200L, m.count("tributary_chunk_logical_bytes"));
        assertEquals(209715200L, m.count("tributary_chunk_logical_bytes_total"));
    }

    @Test
    void labelSetsAreSummedAndQuotedBracesAndTimestampsDoNotConfuseTheParser() {
        Metrics m = Metrics.parse(EXPOSITION);
        assertEquals(7.0, m.value("tributary_requests"));
        assertEquals("/a b,\"c\"}", m.samples().stream()
                .filter(s -> s.labels().containsKey("path")).findFirst().orElseThrow().labels().get("path"));
        assertTrue(Double.isNaN(m.value("tributary_group_commit_size")));
    }

    @Test
    void missingMetricFailsNamingWhatIsExposed() {
        AssertionError e = assertThrows(AssertionError.class, () -> Metrics.parse(EXPOSITION).value("nope"));
        assertTrue(e.getMessage().contains("tributary_chunk_logical_bytes"), e.getMessage());
    }

    @Test
    void malformedLineIsReportedWithItsNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.parse("ok 1\nbroken{a=\"x\" 2\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
