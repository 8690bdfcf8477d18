package io.tributary.sync;

import io.tributary.gateway.it.Dav;
import io.tributary.gateway.it.GatewayProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/** One real gateway process with its LAN API open, for a test class; its share over WebDAV beside it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GatewayWithLanApi {
    @TempDir
    static Path root;

    GatewayProcess gateway;
    Dav dav;

    /** A label for the gateway's log file. */
    abstract String label();

    @BeforeAll
    void startGateway() {
        gateway = GatewayProcess.start(GatewayProcess.Config.of(label(), root.resolve("gateway")).extraArgs("--grpc-port", "0"));
        dav = gateway.dav(Duration.ofMinutes(3));
    }

    @AfterAll
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }
}
