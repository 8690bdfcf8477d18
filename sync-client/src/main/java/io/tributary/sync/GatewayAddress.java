package io.tributary.sync;

/** Where a sync goes: {@code host:port/share}. */
public record GatewayAddress(String host, int port, String share) {
    public static GatewayAddress parse(String text) {
        int slash = text.indexOf('/');
        int colon = slash < 0 ? -1 : text.lastIndexOf(':', slash);
        if (slash < 0 || colon <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("a gateway is HOST:PORT/SHARE, e.g. gw.branch:8443/share; got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1, slash));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port in '" + text + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port in '" + text + "' is not 1 to 65535");
        }
        return new GatewayAddress(host, port, text.substring(slash + 1));
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/" + share;
    }
}
