package io.tributary.central.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The console's pages, scripts and styles, served from central's jar under {@code /console/};
 * uPlot comes from its WebJar. Only names of known kinds made of plain segments are looked up,
 * so no request can reach any other resource of the class path.
 */
public final class ConsoleFiles implements HttpService {
    /** Where the uPlot WebJar keeps its files; the version is the pom's. */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Pattern SAFE = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]{0,63}/){0,3}[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> send(res, "index.html"))
                .get("/*", this::file);
    }

    private void file(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        String name = path.startsWith("/console/") ? path.substring("/console/".length()) : "";
        if (name.isEmpty()) {
            send(res, "index.html");
            return;
        }
        if (!SAFE.matcher(name).matches() || name.contains("..")) {
            notFound(res);
            return;
        }
        send(res, name);
    }

    private static void send(ServerResponse res, String name) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        if (type == null) {
            notFound(res);
            return;
        }
        String resource = name.startsWith("vendor/uplot/") ? UPLOT + name.substring("vendor/uplot/".length()) : "console/" + name;
        byte[] bytes;
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                notFound(res);
                return;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            res.status(Status.INTERNAL_SERVER_ERROR_500).send("cannot read " + name);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, type);
        // Small files that change with each release: the browser asks again, cheaply.
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(bytes);
    }

    private static void notFound(ServerResponse res) {
        res.status(Status.NOT_FOUND_404);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send("no such console file".getBytes(StandardCharsets.UTF_8));
    }
}
