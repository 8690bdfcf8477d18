package io.tributary.gateway.webdav;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict percent-decoding of request paths and percent-encoding of hrefs.
 *
 * <p>Decoding splits on the literal {@code /} first and decodes each segment alone, so an encoded
 * slash could only smuggle a separator into a name; it is refused, as are control characters (raw or
 * encoded, {@code %00} included), malformed escapes, bytes that are not UTF-8 (overlong forms are not
 * UTF-8) and {@code .} or {@code ..} segments however they were spelled. Every refusal is a 400 saying
 * what was wrong, since a client that sends such a path is broken or hostile and guessing helps neither.
 */
final class PercentCoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentCoding() {
    }

    /**
     * The decoded, non-empty segments of an absolute raw path such as {@code /docs/a%20b/}.
     *
     * @throws DavException 400 for any of the refusals above
     */
    static List<String> decodePath(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            throw DavException.badRequest("the path must start with '/'");
        }
        List<String> out = new ArrayList<>();
        for (String segment : raw.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            String name = decodeSegment(segment);
            if (name.equals(".") || name.equals("..")) {
                throw DavException.badRequest("the path segment '" + name + "' is not allowed");
            }
            out.add(name);
        }
        return out;
    }

    /** Decodes one segment; see the class comment for what is refused. */
    static String decodeSegment(String segment) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw DavException.badRequest("the path has a truncated percent escape");
                }
                int high = Character.digit(segment.charAt(i + 1), 16);
                int low = Character.digit(segment.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw DavException.badRequest("the path has a malformed percent escape '"
                            + segment.substring(i, i + 3) + "'");
                }
                int b = high << 4 | low;
                if (b == '/') {
                    throw DavException.badRequest("an encoded '/' (%2F) is not allowed in a name");
                }
                if (b < 0x20 || b == 0x7f) {
                    throw DavException.badRequest("an encoded control character (%" + HEX[high] + HEX[low]
                            + ") is not allowed in a path");
                }
                bytes.write(b);
                i += 2;
            } else if (c < 0x20 || c == 0x7f) {
                throw DavException.badRequest("a control character is not allowed in a path");
            } else if (c <= 0xff) {
                // Some clients send names unencoded. The server reads the request line and headers as
                // ISO-8859-1, one char per byte, so these chars are the raw bytes, to be decoded as UTF-8.
                bytes.write(c);
            } else {
                // Only a caller holding real characters gets here; take them as they are.
                int cp = segment.codePointAt(i);
                if (Character.isSurrogate((char) cp)) {
                    throw DavException.badRequest("the path contains an unpaired surrogate");
                }
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw DavException.badRequest("the path is not valid UTF-8 after percent-decoding");
        }
    }

    /** Encodes a name for use as one href segment: everything but RFC 3986 unreserved characters. */
    static String encodeSegment(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
