/**
 * The WebDAV front-end (RFC 4918 classes 1 and 2) through which a branch office maps a share as a
 * network drive. {@link io.tributary.gateway.webdav.WebDavService} routes every method under
 * {@code /<share>/<path>} to one small handler per method family; the handlers parse headers and XML
 * bodies strictly and with bounded size, translate each request into calls on the share's
 * {@link io.tributary.gateway.share.ShareNamespace} and its lock manager, and map every refusal to the
 * status RFC 4918 asks for. Nothing here stores state of its own: files, properties and locks all live
 * behind the namespace, so other front-ends see the same tree.
 */
package io.tributary.gateway.webdav;
