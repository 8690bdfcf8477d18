// WebDAV upload client for the upload benchmark (Java single-file program).
//
//   java bench/DavUpload.java --url http://127.0.0.1:PORT/share/ --tree DIR
//        [--user U --pass P] [--connections 8] [--verify 20] [--label NAME]
//        [--watch-pid PID] [--clk-tck 100]
//
// What it does, in this order:
//   1. walks DIR and creates every directory with MKCOL, parents first, on one
//      keep-alive connection;
//   2. PUTs every file over N concurrent persistent HTTP/1.1 connections (one
//      thread per connection, largest files first so all connections stay busy
//      to the end), streaming each file from disk: files up to 1 MiB are read
//      into a buffer and written together with the request head, larger ones
//      go out with FileChannel.transferTo (sendfile);
//   3. outside the timed part, GETs a deterministic sample of files back and
//      compares SHA-256 digests, so a server that answers 201 but loses data
//      cannot score.
// Every response status is checked; any non-2xx response, short body or
// stalled connection (no progress for 120 s) aborts with exit status 1.
//
// Wall time covers steps 1+2; MB/s uses 1 MB = 10^6 bytes. Client CPU is the
// process CPU time (all threads) consumed during steps 1+2, so JVM start-up
// and source compilation are not counted. With --watch-pid (the server's
// pid), the same window also yields the server's CPU time (the pid and its
// descendants, from /proc/PID/stat) and the machine's busy CPU time (from
// /proc/stat); what is left after subtracting client, server and kernel
// threads (write-back, journal and softirq threads, mostly working for the
// server) is CPU used by other processes, which the caller uses to reject runs
// disturbed by other load on the machine.
// The last stdout line is
//   DAVUPLOAD label=.. files=.. dirs=.. bytes=.. mkcol_s=.. put_s=.. wall_s=..
//             files_per_s=.. mb_per_s=.. client_cpu_s=.. verified=..
//             [server_cpu_s=.. machine_busy_s=.. kernel_threads_s=.. other_cpu_s=..]
//
// The HTTP/1.1 client is written directly on SocketChannel: it is small, adds
// no per-request allocation beyond the request head, and treats all servers
// the same (no Expect: 100-continue, no chunked uploads, Basic auth on every
// request, TCP_NODELAY).

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

public class DavUpload {

    static final int SMALL_BODY = 1 << 20;          // files up to this size go out in one gathering write
    static final long STALL_NANOS = 120_000_000_000L;

    record Item(Path file, String urlPath, long size) {}

    static InetSocketAddress address;
    static String hostHeader;
    static String authHeader = "";
    static final ConcurrentLinkedQueue<Conn> OPEN = new ConcurrentLinkedQueue<>();

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parseArgs(args);
        URI url = URI.create(need(opt, "url"));
        if (!"http".equals(url.getScheme())) fail("only http:// URLs are supported");
        Path tree = Path.of(need(opt, "tree")).toAbsolutePath().normalize();
        int connections = Integer.parseInt(opt.getOrDefault("connections", "8"));
        int verify = Integer.parseInt(opt.getOrDefault("verify", "20"));
        String label = opt.getOrDefault("label", "server");
        long watchPid = Long.parseLong(opt.getOrDefault("watch-pid", "0"));
        double clkTck = Double.parseDouble(opt.getOrDefault("clk-tck", "100"));

        int port = url.getPort() == -1 ? 80 : url.getPort();
        address = new InetSocketAddress(url.getHost(), port);
        hostHeader = url.getHost() + ":" + port;
        if (opt.containsKey("user")) {
            String token = opt.get("user") + ":" + opt.getOrDefault("pass", "");
            authHeader = "Authorization: Basic "
                    + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)) + "\r\n";
        }
        String base = url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (!base.endsWith("/")) base += "/";

        // ---- collect the tree -----------------------------------------------
        List<String> dirs = new ArrayList<>();
        List<Item> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(tree)) continue;
                String rel = encode(tree.relativize(p));
                if (Files.isDirectory(p)) dirs.add(base + rel + "/");
                else if (Files.isRegularFile(p)) files.add(new Item(p, base + rel, Files.size(p)));
            }
        }
        dirs.sort(Comparator.comparingLong((String d) -> d.chars().filter(c -> c == '/').count())
                .thenComparing(Comparator.naturalOrder()));
        List<Item> order = new ArrayList<>(files);
        order.sort(Comparator.comparingLong(Item::size).reversed().thenComparing(Item::urlPath));
        long totalBytes = files.stream().mapToLong(Item::size).sum();
        System.err.printf("DavUpload %s: %d dirs, %d files, %.1f MB -> %s (%d connections)%n",
                label, dirs.size(), files.size(), totalBytes / 1e6, url, connections);

        Thread watchdog = Thread.ofPlatform().daemon().name("stall-watchdog").start(DavUpload::watchdog);

        // ---- timed part -------------------------------------------------------
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long busy0 = watchPid > 0 ? machineBusyTicks() : 0;
        long kernel0 = watchPid > 0 ? kernelThreadTicks() : 0;
        long server0 = watchPid > 0 ? treeTicks(watchPid) : 0;
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();

        try (Conn c = new Conn()) {
            for (String d : dirs) c.exchange("MKCOL", d, null, 0, null).expect2xx();
        }
        long t1 = System.nanoTime();

        AtomicInteger next = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            workers.add(Thread.ofPlatform().name("put-" + w).start(() -> {
                try (Conn c = new Conn()) {
                    for (int i; error.get() == null && (i = next.getAndIncrement()) < order.size(); ) {
                        Item it = order.get(i);
                        c.exchange("PUT", it.urlPath(), it.file(), it.size(), null).expect2xx();
                        sent.addAndGet(it.size());
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }));
        }
        Thread progress = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Thread.sleep(10_000);
                    System.err.printf("  %s: %d/%d files, %.0f MB%n", label,
                            Math.min(next.get(), order.size()), order.size(), sent.get() / 1e6);
                }
            } catch (InterruptedException ignored) {
            }
        });
        for (Thread t : workers) t.join();
        progress.interrupt();
        if (error.get() != null) fail("upload failed: " + error.get());
        long t2 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        long server1 = watchPid > 0 ? treeTicks(watchPid) : 0;
        long kernel1 = watchPid > 0 ? kernelThreadTicks() : 0;
        long busy1 = watchPid > 0 ? machineBusyTicks() : 0;

        // ---- verification (not timed) --------------------------------------
        int verified = verifySample(files, verify);
        watchdog.interrupt();

        double mkcolS = (t1 - t0) / 1e9, putS = (t2 - t1) / 1e9, wallS = (t2 - t0) / 1e9;
        double clientCpu = (cpu1 - cpu0) / 1e9;
        String line = String.format(Locale.ROOT,
                "DAVUPLOAD label=%s files=%d dirs=%d bytes=%d mkcol_s=%.3f put_s=%.3f wall_s=%.3f "
                        + "files_per_s=%.1f mb_per_s=%.1f client_cpu_s=%.2f verified=%d",
                label, files.size(), dirs.size(), totalBytes, mkcolS, putS, wallS,
                files.size() / wallS, totalBytes / 1e6 / wallS, clientCpu, verified);
        if (watchPid > 0) {
            double server = (server1 - server0) / clkTck, busy = (busy1 - busy0) / clkTck;
            double kernel = (kernel1 - kernel0) / clkTck;
            line += String.format(Locale.ROOT,
                    " server_cpu_s=%.2f machine_busy_s=%.2f kernel_threads_s=%.2f other_cpu_s=%.2f",
                    server, busy, kernel, Math.max(0, busy - server - clientCpu - kernel));
        }
        System.out.println(line);
    }

    /** GETs up to n files (evenly spread over the sorted list, plus the smallest one above 32 MiB). */
    static int verifySample(List<Item> files, int n) throws Exception {
        if (n <= 0 || files.isEmpty()) return 0;
        List<Item> sample = new ArrayList<>();
        files.stream().filter(f -> f.size() > 32L << 20).min(Comparator.comparingLong(Item::size))
                .ifPresent(sample::add);
        for (int k = 0; sample.size() < n && k < n; k++) {
            Item it = files.get((int) ((long) k * files.size() / n));
            if (!sample.contains(it)) sample.add(it);
        }
        try (Conn c = new Conn()) {
            for (Item it : sample) {
                MessageDigest remote = sha256();
                long[] count = {0};
                Response r = c.exchange("GET", it.urlPath(), null, 0, (buf, off, len) -> {
                    remote.update(buf, off, len);
                    count[0] += len;
                });
                if (r.status != 200) fail("verify GET " + it.urlPath() + " -> " + r.status + " " + r.reason);
                MessageDigest local = sha256();
                try (var in = Files.newInputStream(it.file())) {
                    byte[] b = new byte[1 << 16];
                    for (int k; (k = in.read(b)) > 0; ) local.update(b, 0, k);
                }
                if (count[0] != it.size() || !MessageDigest.isEqual(local.digest(), remote.digest())) {
                    fail("verify GET " + it.urlPath() + ": content differs (got " + count[0]
                            + " bytes, expected " + it.size() + ")");
                }
            }
        }
        return sample.size();
    }

    // ---- HTTP/1.1 over a blocking SocketChannel --------------------------------

    interface BodySink { void accept(byte[] buf, int off, int len) throws IOException; }

    static final class Response {
        int status;
        String reason = "";
        boolean keepAlive = true;
        final StringBuilder snippet = new StringBuilder();
        String method, path;

        Response expect2xx() {
            if (status < 200 || status > 299) {
                fail(method + " " + path + " -> " + status + " " + reason
                        + (snippet.isEmpty() ? "" : " | " + snippet.toString().strip()));
            }
            return this;
        }
    }

    static final class Conn implements Closeable {
        private SocketChannel ch;
        private int served;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
        private final ByteBuffer body = ByteBuffer.allocateDirect(SMALL_BODY);
        private final byte[] scratch = new byte[1 << 16];
        volatile long busySince;                      // 0 when idle
        volatile long lastProgress;
        private boolean responseStarted;

        Conn() { OPEN.add(this); }

        Response exchange(String method, String path, Path file, long size, BodySink sink) throws IOException {
            for (int attempt = 0; ; attempt++) {
                if (ch == null) open();
                boolean reused = served > 0;
                responseStarted = false;
                busySince = lastProgress = System.nanoTime();
                try {
                    try {
                        writeRequest(method, path, file, size);
                    } catch (IOException writeFailure) {
                        // the server may have answered early (e.g. 4xx) and closed; report that status
                        if (reused && attempt == 0) throw writeFailure;
                        try {
                            Response early = readResponse(method, path, sink);
                            early.keepAlive = false;
                            return early;
                        } catch (IOException ignored) {
                            throw writeFailure;
                        }
                    }
                    Response r = readResponse(method, path, sink);
                    served++;
                    if (!r.keepAlive) closeChannel();
                    return r;
                } catch (IOException e) {
                    closeChannel();
                    // a kept-alive connection the server closed while idle: retry once on a new one
                    if (reused && attempt == 0 && !responseStarted) continue;
                    throw new IOException(method + " " + path + ": " + e, e);
                } finally {
                    busySince = 0;
                }
            }
        }

        private void open() throws IOException {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(address);
            served = 0;
            in.clear().flip();
        }

        private void writeRequest(String method, String path, Path file, long size) throws IOException {
            StringBuilder h = new StringBuilder(256)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader).append("\r\n")
                    .append(authHeader)
                    .append("User-Agent: tributary-bench\r\n");
            if (file != null) {
                h.append("Content-Type: application/octet-stream\r\n")
                        .append("Content-Length: ").append(size).append("\r\n");
            }
            h.append("\r\n");
            ByteBuffer head = ByteBuffer.wrap(h.toString().getBytes(StandardCharsets.US_ASCII));
            if (file == null) {
                writeFully(head);
                return;
            }
            try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
                if (size <= SMALL_BODY) {
                    body.clear().limit((int) size);
                    while (body.hasRemaining()) {
                        if (fc.read(body) < 0) throw new IOException(file + " shrank while uploading");
                    }
                    body.flip();
                    ByteBuffer[] both = {head, body};
                    while (head.hasRemaining() || body.hasRemaining()) {
                        ch.write(both);
                        lastProgress = System.nanoTime();
                    }
                } else {
                    writeFully(head);
                    long pos = 0;
                    while (pos < size) {
                        long n = fc.transferTo(pos, Math.min(size - pos, 8L << 20), ch);
                        if (n <= 0 && pos >= fc.size()) throw new IOException(file + " shrank while uploading");
                        pos += n;
                        lastProgress = System.nanoTime();
                    }
                }
            }
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                ch.write(b);
                lastProgress = System.nanoTime();
            }
        }

        private Response readResponse(String method, String path, BodySink sink) throws IOException {
            Response r = new Response();
            r.method = method;
            r.path = path;
            String statusLine;
            long contentLength;
            boolean chunked;
            while (true) {
                statusLine = readLine();
                if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                    throw new IOException("bad status line: " + statusLine);
                }
                r.status = Integer.parseInt(statusLine.substring(9, 12));
                r.reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
                boolean http10 = statusLine.startsWith("HTTP/1.0");
                contentLength = -1;
                chunked = false;
                String connection = "";
                for (String line; !(line = readLine()).isEmpty(); ) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) continue;
                    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim();
                    switch (name) {
                        case "content-length" -> contentLength = Long.parseLong(value);
                        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                        case "connection" -> connection = value.toLowerCase(Locale.ROOT);
                        default -> { }
                    }
                }
                r.keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
                if (r.status >= 100 && r.status < 200 && r.status != 101) continue;   // interim response
                break;
            }
            if (method.equals("HEAD") || r.status == 204 || r.status == 304) return r;
            BodySink out = sink != null ? sink : (b, off, len) -> {
                if (r.snippet.length() < 600) {
                    r.snippet.append(new String(b, off, Math.min(len, 600), StandardCharsets.UTF_8));
                }
            };
            if (chunked) {
                while (true) {
                    String sizeLine = readLine();
                    int semi = sizeLine.indexOf(';');
                    long n = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                    if (n == 0) {
                        while (!readLine().isEmpty()) { }   // trailers
                        break;
                    }
                    readBody(n, out);
                    if (!readLine().isEmpty()) throw new IOException("bad chunk terminator");
                }
            } else if (contentLength >= 0) {
                readBody(contentLength, out);
            } else {
                r.keepAlive = false;                   // body runs to end of stream
                while (fill()) {
                    out.accept(in.array(), in.position(), in.remaining());
                    in.position(in.limit());
                }
            }
            return r;
        }

        private void readBody(long n, BodySink out) throws IOException {
            while (n > 0) {
                if (!in.hasRemaining() && !fill()) throw new EOFException("connection closed inside body");
                int k = (int) Math.min(n, in.remaining());
                out.accept(in.array(), in.position(), k);
                in.position(in.position() + k);
                n -= k;
            }
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                if (!in.hasRemaining() && !fill()) {
                    throw new EOFException(sb.isEmpty() ? "connection closed by server" : "truncated header");
                }
                byte b = in.get();
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
                    return sb.toString();
                }
                if (sb.length() > 16_384) throw new IOException("header line too long");
                sb.append((char) (b & 0xff));
            }
        }

        /** Reads more bytes into the (empty) input buffer; false at end of stream. */
        private boolean fill() throws IOException {
            in.clear();
            int n = ch.read(in);
            in.flip();
            if (n > 0) {
                responseStarted = true;
                lastProgress = System.nanoTime();
            }
            return n > 0;
        }

        private void closeChannel() {
            if (ch != null) {
                try { ch.close(); } catch (IOException ignored) { }
                ch = null;
            }
        }

        /** Called from the watchdog: abort a request that has made no progress for too long. */
        void abortIfStalled(long now) {
            SocketChannel c = ch;
            if (c != null && busySince != 0 && now - lastProgress > STALL_NANOS) {
                System.err.println("DavUpload: request stalled for 120 s, aborting");
                try { c.close(); } catch (IOException ignored) { }
            }
        }

        @Override
        public void close() {
            closeChannel();
            OPEN.remove(this);
        }
    }

    static void watchdog() {
        try {
            while (true) {
                Thread.sleep(1000);
                long now = System.nanoTime();
                for (Conn c : OPEN) c.abortIfStalled(now);
            }
        } catch (InterruptedException ignored) {
        }
    }

    // ---- /proc accounting ------------------------------------------------------

    /** user+nice+system+irq+softirq+steal of all CPUs, in clock ticks. */
    static long machineBusyTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += i < f.length ? Long.parseLong(f[i]) : 0;
        return busy;
    }

    /** utime+stime of all kernel threads (kthreadd and its children), in clock ticks. */
    static long kernelThreadTicks() throws IOException {
        long total = 0;
        try (var procs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (p.getFileName().toString().equals("2") || f[1].equals("2")) {
                        total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        }
        return total;
    }

    /** utime+stime of pid and its descendants, in clock ticks. */
    static long treeTicks(long pid) {
        long total = 0;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : tasks) {
                    for (String child : Files.readString(t.resolve("children")).trim().split(" ")) {
                        if (!child.isEmpty()) total += treeTicks(Long.parseLong(child));
                    }
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process exited meanwhile
        }
        return total;
    }

    // ---- helpers ---------------------------------------------------------------

    /** Percent-encodes each path segment (RFC 3986 unreserved characters stay as they are). */
    static String encode(Path rel) {
        StringBuilder sb = new StringBuilder();
        for (Path seg : rel) {
            if (!sb.isEmpty()) sb.append('/');
            for (byte b : seg.toString().getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_' || c == '~') {
                    sb.append(c);
                } else {
                    sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
                }
            }
        }
        return sb.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail("usage: java DavUpload.java --url URL --tree DIR [--user U --pass P] "
                        + "[--connections 8] [--verify 20] [--label NAME]");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    static String need(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) fail("missing --" + key);
        return v;
    }

    static void fail(String message) {
        System.err.println("DavUpload FAILED: " + message);
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }
}
