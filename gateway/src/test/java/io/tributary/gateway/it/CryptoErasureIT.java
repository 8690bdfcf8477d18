package io.tributary.gateway.it;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.keys.LocalKeyStore;
import io.tributary.proto.v1.AuditEntry;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.PathRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation and crypto-erasure from the command line against a running gateway: rotation
 * leaves everything readable; destroying the tenant's keys leaves the chunks on disk but makes
 * them unreadable, and the gateway, running or restarted, answers every front-end with "erased"
 * (WebDAV 410, LAN API FAILED_PRECONDITION, readiness 503 saying why) instead of failing obscurely.
 */
class CryptoErasureIT {
    @TempDir
    Path root;

    private Command.Result keys(String... args) {
        List<String> cmd = new ArrayList<>(List.of(GatewayProcess.javaBinary()));
        cmd.addAll(GatewayProcess.JVM_FLAGS);
        cmd.addAll(List.of("-cp", GatewayProcess.testClassPath(), GatewayProcess.MAIN_CLASS, "gateway", "keys"));
        cmd.addAll(List.of(args));
        return Command.run(cmd, Map.of(), root, Duration.ofSeconds(90), null);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void destroyedKeysLeaveChunksOnDiskUnreadableAndEveryFrontEndSaysErased() throws Exception {
        Path data = root.resolve("gw");
        String marker = "ERASURE-CANARY-" + Long.toHexString(System.nanoTime());
        byte[] secret = (marker + " ").repeat(20_000).getBytes(StandardCharsets.UTF_8);
        byte[] noise = new PseudoRandomStream(7, 600_000).readAllBytes();
        GatewayProcess gw = GatewayProcess.start(GatewayProcess.Config.of("erasure", data).extraArgs("--grpc-port", "0"));
        try {
            Dav dav = gw.dav(Duration.ofSeconds(30));
            Fleet.assertWritten(dav.put("minutes.txt", secret), "PUT text");
            Fleet.assertWritten(dav.put("noise.bin", noise), "PUT noise");

            Command.Result rotated = keys("rotate", "--data", data.toString());
            assertEquals(0, rotated.exitCode(), rotated.describe());
            assertTrue(rotated.output().contains("no content was re-encrypted"), rotated.describe());
            assertEquals(marker + " ", dav.getString("minutes.txt").body().substring(0, marker.length() + 1),
                    "readable after rotation");

            Command.Result unconfirmed = keys("destroy", "--data", data.toString(), "--confirm", "acme");
            assertEquals(2, unconfirmed.exitCode(), unconfirmed.describe());
            assertTrue(unconfirmed.output().contains("nothing was destroyed"), unconfirmed.describe());
            assertEquals(200, dav.get("noise.bin").status(), "a refused destroy changes nothing");

            Command.Result destroyed = keys("destroy", "--data", data.toString(), "--confirm", "default");
            assertEquals(0, destroyed.exitCode(), destroyed.describe());
            assertTrue(destroyed.output().contains("destroyed the keys of tenant default"), destroyed.describe());

            // The running gateway notices within its check period.
            Fleet.await(Duration.ofSeconds(20), "the running gateway to answer erased", () -> dav.get("noise.bin").status() == 410);
            assertErasedEverywhere(gw, dav);

            gw.kill();
            gw = gw.restart();
            assertErasedEverywhere(gw, gw.dav(Duration.ofSeconds(30)));
        } finally {
            gw.close();
        }

        // The chunks are still on disk, sealed: the text is in no file, and no key is left to open them.
        long chunkBytes = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            if (f.startsWith(data.resolve("ssd"))) {
                chunkBytes += bytes.length;
            }
            assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains(marker), "plaintext in " + data.relativize(f));
        }
        assertTrue(chunkBytes >= noise.length, "the sealed chunks are still there: " + chunkBytes + " bytes");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] password = Files.readString(data.resolve("keys").resolve(LocalKeyStore.PASSWORD_FILE)).strip().toCharArray();
        try (InputStream in = Files.newInputStream(data.resolve("keys").resolve(LocalKeyStore.KEYSTORE_FILE))) {
            ks.load(in, password);
        }
        assertEquals(List.of(), Collections.list(ks.aliases()), "no key of the tenant is left");

        List<String> keyActions = new ArrayList<>();
        try (AuditTrail trail = AuditTrail.open(data.resolve("audit")); AuditTrail.Tail tail = trail.tail(-1)) {
            for (AuditEntry e = tail.next(); e != null; e = tail.next()) {
                if (e.getAction().startsWith("key.")) {
                    keyActions.add(e.getAction() + " " + e.getActor() + " " + e.getTarget());
                }
            }
        }
        String os = "os:" + System.getProperty("user.name");
        assertEquals(List.of("key.create gateway default", "key.rotate " + os + " default", "key.destroy " + os + " default"), keyActions,
                "the first start minted the keys; the commands rotated and destroyed them");
    }

    private static void assertErasedEverywhere(GatewayProcess gw, Dav dav) throws Exception {
        HttpResponse<String> get = dav.getString("minutes.txt");
        assertEquals(410, get.statusCode(), get.body());
        assertTrue(get.body().contains("erased") && get.body().contains("tenant 'default'"), get.body());
        assertEquals(410, dav.put("new.txt", "x".getBytes(StandardCharsets.UTF_8)).statusCode(), "nothing can be written either");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(gw.httpUri().resolve("/health/ready"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("\"erased\":true"), ready.body());

        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", gw.lanPort(),
                TlsChannelCredentials.newBuilder().trustManager(gw.lanCertificate().toFile()).build()).build();
        try {
            Metadata auth = new Metadata();
            auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic " + Base64.getEncoder()
                    .encodeToString((gw.user() + ":" + gw.password()).getBytes(StandardCharsets.UTF_8)));
            FileServiceGrpc.FileServiceBlockingStub files = FileServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth)).withDeadlineAfter(30, TimeUnit.SECONDS);
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> files.stat(PathRequest.newBuilder().setShare("share").setPath("/minutes.txt").build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().contains("erased"), refused.getStatus().toString());
        } finally {
            channel.shutdownNow();
        }
    }
}
