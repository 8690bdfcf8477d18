package io.tributary.central.ingest;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tributary.proto.v1.CentralMessage;
import io.tributary.proto.v1.GatewayMessage;
import io.tributary.proto.v1.Hello;
import io.tributary.proto.v1.IngestGrpc;
import io.tributary.proto.v1.ShareCursor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A test's side of one Ingest.Session, driven by a real grpc-java client. */
final class TestGateway implements AutoCloseable {
    private static final long WAIT_SECONDS = 10;

    final String id;
    private final LinkedBlockingQueue<CentralMessage> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final StreamObserver<GatewayMessage> requests;

    TestGateway(ManagedChannel channel, String id) {
        this.id = id;
        this.requests = IngestGrpc.newStub(channel).session(new StreamObserver<>() {
            @Override
            public void onNext(CentralMessage m) {
                received.add(m);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
    }

    /** Says Hello for {@code shares} from revision 0 and returns the Welcome. */
    CentralMessage hello(String branch, String... shares) throws InterruptedException {
        Hello.Builder hello = Hello.newBuilder().setGatewayId(id).setBranch(branch).setSoftwareVersion("test");
        for (String s : shares) {
            hello.addShares(ShareCursor.newBuilder().setShare(s).setRevision(0));
        }
        send(GatewayMessage.newBuilder().setHello(hello).build());
        CentralMessage welcome = next();
        assertEquals(CentralMessage.KindCase.WELCOME, welcome.getKindCase());
        return welcome;
    }

    void send(GatewayMessage m) {
        synchronized (requests) {
            requests.onNext(m);
        }
    }

    /** The next message, failing the test if none comes within the bound. */
    CentralMessage next() throws InterruptedException {
        CentralMessage m = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(m, id + ": no message from central within " + WAIT_SECONDS + " s (ended: " + ended.getNow(null) + ")");
        return m;
    }

    /** The next message of {@code kind}; other kinds before it fail the test. */
    CentralMessage next(CentralMessage.KindCase kind) throws InterruptedException {
        CentralMessage m = next();
        assertEquals(kind, m.getKindCase(), () -> id + " got " + m);
        return m;
    }

    /** The status central ended the session with. */
    Status ended() throws Exception {
        return ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    void assertNothingWaiting() {
        assertNull(received.peek(), id + " has an unexpected message");
    }

    static ByteString id(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return ByteString.copyFrom(b);
    }

    @Override
    public void close() {
        try {
            synchronized (requests) {
                requests.onCompleted();
            }
        } catch (RuntimeException ignored) {
            // already ended
        }
    }
}
