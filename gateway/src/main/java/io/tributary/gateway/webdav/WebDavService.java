package io.tributary.gateway.webdav;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.auth.Authenticator;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.keys.ErasureWatch;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.Shares;

import java.util.Objects;

/**
 * The WebDAV front-end: every share at {@code /<share>/}, and {@code /} as a read-only collection
 * listing the shares. Register it at the root of the routing,
 * {@code HttpRouting.builder().register("/", new WebDavService(...))}, since hrefs in responses are
 * absolute paths from {@code /}.
 *
 * <p>Each method has its own route and handler; whatever method is left gets 405 or 501. Every route
 * authenticates first: there is no anonymous access, not even to OPTIONS.
 */
public final class WebDavService implements HttpService {
    private static final PathMatcher EVERY_PATH = PathMatchers.any();

    private final DavContext context;

    /**
     * @param audit   where reads, writes, deletes, moves, copies and new folders are recorded
     * @param erasure once the tenant is erased, every request is answered 410 Gone with the reason
     */
    public WebDavService(Shares shares, Authenticator authenticator, ShareAccess access, WebDavLimits limits, GatewayMetrics metrics,
                         AuditTrail audit, ErasureWatch erasure) {
        this.context = new DavContext(Objects.requireNonNull(shares, "shares"),
                Objects.requireNonNull(authenticator, "authenticator"),
                Objects.requireNonNull(access, "access"),
                Objects.requireNonNull(limits, "limits"),
                Objects.requireNonNull(metrics, "metrics"),
                Objects.requireNonNull(audit, "audit"),
                Objects.requireNonNull(erasure, "erasure"));
    }

    @Override
    public void routing(HttpRules rules) {
        GetHandler get = new GetHandler();
        rules.route(Method.OPTIONS, EVERY_PATH, endpoint(new OptionsHandler(), true))
                .route(Method.GET, EVERY_PATH, endpoint(get, true))
                .route(Method.HEAD, EVERY_PATH, endpoint(get, true))
                .route(Method.create("PROPFIND"), EVERY_PATH, endpoint(new PropfindHandler(), true))
                .route(Method.PUT, EVERY_PATH, endpoint(new PutHandler(), false))
                .route(Method.DELETE, EVERY_PATH, endpoint(new DeleteHandler(), false))
                .route(Method.create("MKCOL"), EVERY_PATH, endpoint(new MkcolHandler(), false))
                .route(Method.create("COPY"), EVERY_PATH, endpoint(new CopyMoveHandler(false), false))
                .route(Method.create("MOVE"), EVERY_PATH, endpoint(new CopyMoveHandler(true), false))
                .route(Method.create("PROPPATCH"), EVERY_PATH, endpoint(new ProppatchHandler(), false))
                .route(Method.create("LOCK"), EVERY_PATH, endpoint(new LockHandler(), false))
                .route(Method.create("UNLOCK"), EVERY_PATH, endpoint(new UnlockHandler(), false))
                .route(method -> true, EVERY_PATH, endpoint(new UnsupportedMethodHandler(), true));
    }

    private DavEndpoint endpoint(DavMethod method, boolean servesServiceRoot) {
        return new DavEndpoint(context, method, servesServiceRoot);
    }
}
