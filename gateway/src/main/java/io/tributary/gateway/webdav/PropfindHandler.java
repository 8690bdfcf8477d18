package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.gateway.share.SharePath;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PROPFIND with Depth 0 or 1. Depth infinity is refused (403, DAV:propfind-finite-depth, which RFC
 * 4918 section 9.1 allows) since it would walk a whole share per request. The service root answers
 * too, with the shares as its members.
 *
 * <p>A listing holds at most {@link WebDavLimits#maxPropfindEntries()} resources. Past that the
 * answer is cut and ends with a 507 response for the request URI saying so, in the manner of RFC
 * 5323's number-of-matches-within-limits; a client then sees a partial listing rather than none.
 */
final class PropfindHandler implements DavMethod {
    @Override
    public void handle(DavRequest request, ServerResponse res) throws IOException {
        Depth depth = Depth.parse(request.header(DavHeaders.DEPTH).orElse(null), Depth.INFINITY);
        if (depth == Depth.INFINITY) {
            throw DavException.condition(Status.FORBIDDEN_403, "propfind-finite-depth", List.of(),
                    "PROPFIND with Depth: infinity is not supported; use Depth 0 or 1");
        }
        PropfindRequest asked = PropfindRequest.parse(
                SecureXml.readBody(request.http(), request.limits().maxXmlBodyBytes()));
        int max = request.limits().maxPropfindEntries();
        Multistatus answer = new Multistatus();
        DavAddress target = request.target();
        int omitted = 0;
        if (target.isServiceRoot()) {
            DavResource root = DavResource.serviceRoot();
            answer.add(root.href(), describe(asked, root, Map.of()));
            if (depth == Depth.ONE) {
                for (ShareNamespace share : request.context().shares().all()) {
                    if (answer.responses() >= max) {
                        omitted++;
                        continue;
                    }
                    Optional<Entry> entry = share.stat(SharePath.ROOT);
                    if (entry.isPresent()) {
                        DavResource r = new DavResource(new DavAddress(share.name(), SharePath.ROOT), entry.get(),
                                share.locks().covering(SharePath.ROOT), share);
                        answer.add(r.href(), describe(asked, r, share.deadProperties(SharePath.ROOT)));
                    }
                }
            }
        } else {
            ShareNamespace ns = request.namespace();
            Entry entry = ns.stat(target.path()).orElseThrow(() -> GetHandler.notFound(target));
            add(answer, asked, ns, target, entry);
            if (depth == Depth.ONE && entry.directory()) {
                List<Entry> children = ns.list(target.path());
                for (Entry child : children) {
                    if (answer.responses() >= max) {
                        omitted = children.size() - (answer.responses() - 1);
                        break;
                    }
                    add(answer, asked, ns, target.at(target.path().child(child.name())), child);
                }
            }
        }
        if (omitted > 0) {
            answer.addStatus(target.href(true), Status.INSUFFICIENT_STORAGE_507,
                    "the listing was cut at " + max + " entries; " + omitted + " more were not listed");
        }
        res.status(Status.MULTI_STATUS_207);
        res.header(HeaderNames.CONTENT_TYPE, DavXml.CONTENT_TYPE);
        res.send(answer.toBytes());
    }

    private static void add(Multistatus answer, PropfindRequest asked, ShareNamespace ns, DavAddress address,
                            Entry entry) {
        DavResource r = new DavResource(address, entry, ns.locks().covering(address.path()), ns);
        answer.add(r.href(), describe(asked, r, ns.deadProperties(address.path())));
    }

    /** The propstats for one resource: what was found (200) and, for named properties, what was not (404). */
    static List<Multistatus.Propstat> describe(PropfindRequest asked, DavResource r, Map<String, String> dead) {
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        switch (asked.mode()) {
            case ALL -> {
                for (PropertyName name : LiveProperties.ALL) {
                    if (!dead.containsKey(name.clark())) {
                        LiveProperties.value(name, r).ifPresent(found::add);
                    }
                }
                found.addAll(dead.values());
                for (PropertyName name : asked.names()) {
                    if (!dead.containsKey(name.clark()) && LiveProperties.value(name, r).isEmpty()) {
                        missing.add(name.emptyElement());
                    }
                }
            }
            case NAMES -> {
                for (PropertyName name : LiveProperties.ALL) {
                    if (!dead.containsKey(name.clark()) && LiveProperties.value(name, r).isPresent()) {
                        found.add(name.emptyElement());
                    }
                }
                for (String key : dead.keySet()) {
                    found.add(PropertyName.parseClark(key).emptyElement());
                }
            }
            case SELECTED -> {
                for (PropertyName name : asked.names()) {
                    String value = dead.get(name.clark());
                    Optional<String> live = value != null ? Optional.of(value) : LiveProperties.value(name, r);
                    if (live.isPresent()) {
                        found.add(live.get());
                    } else {
                        missing.add(name.emptyElement());
                    }
                }
            }
        }
        return List.of(new Multistatus.Propstat(Status.OK_200, found), new Multistatus.Propstat(Status.NOT_FOUND_404, missing));
    }
}
