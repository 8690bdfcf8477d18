package io.tributary.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte on a socket to 127.0.0.1, for requests a well-behaved client
 * would normalise or refuse to send. The body is written on its own thread while the answer is
 * read, so a server that answers early (413) and closes is still heard.
 */
public final class RawHttp {
    private static final int MAX_RESPONSE = 1 << 20;

    public record Response(int status, String reason, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + reason + " " + headers + "\n" + body;
        }
    }

    /** A body the writer thread sends after the head: fixed bytes, or a generated stream. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private final int port;
    private final String authorization;

    public RawHttp(int port, String authorization) {
        this.port = port;
        this.authorization = authorization;
    }

    /** A request with the given request-target exactly as written, auth, and Connection: close. */
    public Response send(String method, String target, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (body.length > 0 || method.equals("PUT") || method.equals("POST")) {
            all.putIfAbsent("Content-Length", Integer.toString(body.length));
        }
        return send(method, target, all, out -> out.write(body));
    }

    public Response send(String method, String target, Map<String, String> headers, Body body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        return exchange(head.toString().getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private Response exchange(byte[] head, Body body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofPlatform().daemon().name("raw-http-writer").start(() -> {
                try {
                    out.write(head);
                    body.writeTo(out);
                    out.flush();
                } catch (IOException ignored) {
                    // the server may close early (413, 431); its answer is what the test checks
                }
            });
            byte[] raw = readAll(socket.getInputStream());
            writer.join(20_000);
            return parse(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("raw request to 127.0.0.1:" + port + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads until the server closes, a full Content-Length body arrived, or 1 MiB. */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        try {
            int n;
            while (buf.size() < MAX_RESPONSE && (n = in.read(chunk)) >= 0) {
                buf.write(chunk, 0, n);
                if (complete(buf.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            if (buf.size() == 0) {
                throw e;
            }
            // a reset after the answer arrived: keep what we read
        }
        return buf.toByteArray();
    }

    private static boolean complete(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Map<String, String> headers = headers(text.substring(0, end));
        String length = headers.get("content-length");
        if (length != null) {
            return raw.length - (end + 4) >= Long.parseLong(length.strip());
        }
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return text.endsWith("\r\n0\r\n\r\n") || text.substring(end + 4).startsWith("0\r\n\r\n");
        }
        return false;
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) {
            throw new AssertionError("not an HTTP response (" + raw.length + " bytes): " + text);
        }
        String head = text.substring(0, end);
        String statusLine = head.split("\r\n", 2)[0];
        String[] parts = statusLine.split(" ", 3);
        Map<String, String> headers = headers(head);
        byte[] bodyBytes = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            bodyBytes = dechunk(bodyBytes);
        }
        return new Response(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", headers,
                new String(bodyBytes, StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        return headers;
    }

    private static byte[] dechunk(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < in.length) {
            int lineEnd = indexOfCrlf(in, pos);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(in, pos, lineEnd - pos, StandardCharsets.ISO_8859_1).split(";")[0].strip();
            int size = Integer.parseInt(sizeText, 16);
            pos = lineEnd + 2;
            if (size == 0) {
                break;
            }
            out.write(in, pos, Math.min(size, in.length - pos));
            pos += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
