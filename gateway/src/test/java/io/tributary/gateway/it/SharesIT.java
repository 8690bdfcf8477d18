package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One gateway serves several shares, each under its own root URL, and they do not see each other. */
class SharesIT {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void eachShareHasItsOwnRootAndItsOwnFiles() {
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("shares", dataDir)
                .extraArgs("--share", "finance", "--share", "design"))) {
            Dav finance = new Dav(gateway.shareUri("finance"), gateway.user(), gateway.password());
            Dav design = new Dav(gateway.shareUri("design"), gateway.user(), gateway.password());

            assertEquals(201, finance.put("q3.xlsx", "numbers".getBytes(StandardCharsets.UTF_8)).statusCode());
            assertEquals(404, design.get("q3.xlsx").status(), "a file of one share is not in the other");
            assertEquals(201, design.put("q3.xlsx", "a drawing".getBytes(StandardCharsets.UTF_8)).statusCode());
            assertEquals("numbers", finance.getString("q3.xlsx").body());
            assertEquals("a drawing", design.getString("q3.xlsx").body());

            Dav root = new Dav(gateway.shareUri("").resolve("/"), gateway.user(), gateway.password());
            HttpResponse<String> shares = root.propfind("", "1", "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><resourcetype/></prop></propfind>");
            assertEquals(207, shares.statusCode(), shares::body);
            assertTrue(shares.body().contains("/finance/") && shares.body().contains("/design/"), shares.body());

            Dav unknown = new Dav(gateway.shareUri("share"), gateway.user(), gateway.password());
            assertEquals(404, unknown.put("x", new byte[1]).statusCode(), "only the configured shares exist");
        }
    }
}
