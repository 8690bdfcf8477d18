package io.tributary.gateway.webdav;

import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.auth.Authenticator;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.keys.ErasureWatch;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.Shares;

/** What every WebDAV request is served with: the shares, who may use them, the limits, the counters, the audit trail. */
record DavContext(Shares shares, Authenticator authenticator, ShareAccess access, WebDavLimits limits, GatewayMetrics metrics,
                  AuditTrail audit, ErasureWatch erasure) {
}
