package io.tributary.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a port, which resets its first connection once the client
 * has sent {@code cutAfter} bytes through it: a connection really cut in the middle of a
 * transfer, as a network blip or a gateway shedding load would. Later connections pass whole.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final long cutAfter;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    CuttingProxy(int target, long cutAfter) throws IOException {
        this.target = target;
        this.cutAfter = cutAfter;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("cutting-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(server);
                boolean first = connections.getAndIncrement() == 0;
                AtomicLong up = new AtomicLong();
                Thread.ofPlatform().daemon().start(() -> relay(client, server, first ? up : null));
                Thread.ofPlatform().daemon().start(() -> relay(server, client, null));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies {@code from} to {@code to}; counting in {@code sent}, resets both once it passes the mark. */
    private void relay(Socket from, Socket to, AtomicLong sent) {
        byte[] buf = new byte[16 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (sent != null && sent.addAndGet(n) >= cutAfter) {
                    cuts.incrementAndGet();
                    reset(from);
                    reset(to);
                    return;
                }
            }
        } catch (IOException e) {
            // the other direction closed or reset the pair
        } finally {
            quietly(from);
            quietly(to);
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // close with a RST, not a FIN: the peer sees the connection broken
        } catch (IOException e) {
            // already closed
        }
        quietly(s);
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(CuttingProxy::quietly);
    }
}
