package io.tributary.gateway.webdav;

/**
 * Bounds on what one WebDAV request may make the gateway read or write.
 *
 * @param maxUploadBytes     largest file body a PUT may send
 * @param maxXmlBodyBytes    largest XML request body (PROPFIND, PROPPATCH, LOCK); read whole before parsing
 * @param maxPropfindEntries most resources listed in one PROPFIND answer or collection listing
 */
public record WebDavLimits(long maxUploadBytes, int maxXmlBodyBytes, int maxPropfindEntries) {
    /** Default bound on XML bodies: far above any real client's, far below what hurts. */
    public static final int DEFAULT_MAX_XML_BODY_BYTES = 1024 * 1024;
    /** Largest request headers a WebDAV request may carry; larger ones get 431 with the sizes. */
    public static final int MAX_HEADERS_BYTES = 16 * 1024;
    /** Past this the HTTP parser itself refuses the request (400), before any handler runs. */
    public static final int HARD_MAX_HEADERS_BYTES = 1024 * 1024;

    public WebDavLimits {
        if (maxUploadBytes < 0) {
            throw new IllegalArgumentException("maxUploadBytes must not be negative: " + maxUploadBytes);
        }
        if (maxXmlBodyBytes < 1) {
            throw new IllegalArgumentException("maxXmlBodyBytes must be positive: " + maxXmlBodyBytes);
        }
        if (maxPropfindEntries < 1) {
            throw new IllegalArgumentException("maxPropfindEntries must be positive: " + maxPropfindEntries);
        }
    }

    /** 64 GiB uploads, 1 MiB XML bodies, 50,000 entries per listing (a branch folder of 10,000 files lists whole). */
    public static WebDavLimits defaults() {
        return new WebDavLimits(64L << 30, DEFAULT_MAX_XML_BODY_BYTES, 50_000);
    }
}
