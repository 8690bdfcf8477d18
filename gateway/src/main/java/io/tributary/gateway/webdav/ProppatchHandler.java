package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PROPPATCH: sets and removes dead properties all or nothing (RFC 4918 section 9.2). If any
 * instruction is refused, nothing changes and the others are reported as 424 Failed Dependency.
 *
 * <p>Protected live properties are refused with 403 and DAV:cannot-modify-protected-property. The one
 * exception is Windows Explorer's {@code Win32LastModifiedTime}, sent after it copies a file to keep
 * the original's time: it sets the file's modification time. Its other Win32 properties (creation
 * time, attributes) are kept as ordinary dead properties.
 */
final class ProppatchHandler implements DavMethod {
    static final PropertyName WIN32_LAST_MODIFIED = new PropertyName(DavXml.MICROSOFT, "Win32LastModifiedTime");

    @Override
    public void handle(DavRequest request, ServerResponse res) throws IOException {
        DavAddress target = request.target();
        ProppatchRequest patch = ProppatchRequest.parse(
                SecureXml.readBody(request.http(), request.limits().maxXmlBodyBytes())
                        .orElseThrow(() -> DavException.badRequest("PROPPATCH needs a DAV:propertyupdate body")));
        ShareNamespace ns = request.namespace();
        Entry entry = ns.stat(target.path()).orElseThrow(() -> GetHandler.notFound(target));
        WriteCheck.preconditions(request);
        WriteCheck.writable(request, target, false);

        // Decided in document order; a later instruction on the same property replaces an earlier one.
        Map<PropertyName, Refusal> refused = new LinkedHashMap<>();
        Set<PropertyName> accepted = new LinkedHashSet<>();
        Map<String, String> set = new LinkedHashMap<>();
        Set<String> remove = new LinkedHashSet<>();
        Instant modified = null;
        for (ProppatchRequest.Instruction ins : patch.instructions()) {
            PropertyName name = ins.name();
            refused.remove(name);
            accepted.remove(name);
            if (LiveProperties.PROTECTED.contains(name)) {
                refused.put(name, new Refusal(Status.FORBIDDEN_403, "cannot-modify-protected-property",
                        "DAV:" + name.local() + " is computed by the server and cannot be changed"));
                continue;
            }
            if (name.equals(WIN32_LAST_MODIFIED)) {
                if (!ins.remove()) {
                    Optional<Instant> time = HttpDates.parseRfc1123(ins.text());
                    if (time.isEmpty()) {
                        refused.put(name, new Refusal(Status.CONFLICT_409, null,
                                "Win32LastModifiedTime must be an RFC 1123 date, not '" + ins.text() + "'"));
                        continue;
                    }
                    modified = time.get();
                }
                accepted.add(name);
                continue;
            }
            if (ins.remove()) {
                set.remove(name.clark());
                remove.add(name.clark());
            } else {
                remove.remove(name.clark());
                set.put(name.clark(), ins.valueXml());
            }
            accepted.add(name);
        }

        List<Multistatus.Propstat> propstats = new ArrayList<>();
        if (refused.isEmpty()) {
            if (!set.isEmpty() || !remove.isEmpty()) {
                ns.patchProperties(target.path(), set, remove);
            }
            if (modified != null) {
                ns.setModified(target.path(), modified);
            }
            propstats.add(new Multistatus.Propstat(Status.OK_200, elements(accepted)));
        } else {
            for (Map.Entry<PropertyName, Refusal> r : refused.entrySet()) {
                propstats.add(new Multistatus.Propstat(r.getValue().status(), List.of(r.getKey().emptyElement()),
                        r.getValue().condition(), r.getValue().description()));
            }
            propstats.add(new Multistatus.Propstat(Status.FAILED_DEPENDENCY_424, elements(accepted), null,
                    "not changed because another property in the request was refused"));
        }
        Multistatus answer = new Multistatus();
        answer.add(target.href(entry.directory()), propstats);
        res.status(Status.MULTI_STATUS_207);
        res.header(HeaderNames.CONTENT_TYPE, DavXml.CONTENT_TYPE);
        res.send(answer.toBytes());
    }

    private static List<String> elements(Set<PropertyName> names) {
        return names.stream().map(PropertyName::emptyElement).toList();
    }

    /** Why one instruction was refused. */
    private record Refusal(Status status, String condition, String description) {
    }
}
