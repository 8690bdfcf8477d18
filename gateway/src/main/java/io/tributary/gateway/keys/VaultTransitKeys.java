package io.tributary.gateway.keys;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tributary.proto.fs.PrivateFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Tenant keys wrapped by a key-encryption key that never leaves HashiCorp Vault's Transit engine.
 * Vault mints each data key ({@code datakey/plaintext}) and returns it with its wrapped form; only
 * the wrapped forms ({@code vault:vN:...}) are kept, in {@value #FILE} (mode 0600) beside the
 * tenant's other key files, and unwrapped ({@code decrypt}) into memory at start. Rotation makes a
 * new key-encryption key version ({@code rotate}) and re-wraps the data keys under it
 * ({@code rewrap}): the data keys, and so every chunk sealed under them, stay as they were.
 *
 * <p>Gateways of one tenant must share {@value #FILE}, as they share a local keystore. Thread-safe.
 */
public final class VaultTransitKeys implements KeyProvider {
    public static final String FILE = "vault-wrapped-keys";
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern WRAPPED = Pattern.compile("vault:v\\d+:[A-Za-z0-9+/=]+");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_RESPONSE = 64 * 1024;

    private record Wrapped(String dedupe, String data) {
    }

    private final URI vault;
    private final String mount;
    private final String token;
    private final Path file;
    private final ErasedTenants erased;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Wrapped> wrapped = new TreeMap<>();   // guarded by this
    private final ConcurrentHashMap<String, TenantKeys> cache = new ConcurrentHashMap<>();

    private VaultTransitKeys(URI vault, String mount, String token, Path file) {
        this.vault = vault;
        this.mount = mount;
        this.token = token;
        this.file = file;
        this.erased = new ErasedTenants(file.getParent());
    }

    /**
     * @param vault the Vault server, e.g. {@code https://vault.example.com:8200}
     * @param mount where the Transit engine is mounted, usually {@code transit}
     * @param token a Vault token allowed to use the {@code tributary-TENANT} transit keys
     * @param dir   the tenant key directory; {@value #FILE} is read from and written there
     */
    public static VaultTransitKeys open(URI vault, String mount, String token, Path dir) throws IOException {
        if (vault.getScheme() == null || !(vault.getScheme().equals("https") || vault.getScheme().equals("http") && isLoopback(vault))) {
            throw new IllegalArgumentException("--vault must be https (plain http only on this machine), got " + vault);
        }
        if (!mount.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")) {
            throw new IllegalArgumentException("the transit mount '" + mount + "' is not a Vault path");
        }
        if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("the Vault token is empty or holds characters a token cannot have");
        }
        VaultTransitKeys keys = new VaultTransitKeys(vault, mount, token, dir.resolve(FILE));
        if (Files.exists(keys.file)) {
            for (String line : Files.readAllLines(keys.file, StandardCharsets.UTF_8)) {
                String[] parts = line.split(":", 2);
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] forms = parts.length == 2 ? parts[1].split(" ") : new String[0];
                if (forms.length != 2 || !WRAPPED.matcher(forms[0]).matches() || !WRAPPED.matcher(forms[1]).matches()) {
                    throw new IOException(keys.file + " has a malformed line for '" + parts[0] + "'; restore it from backup");
                }
                keys.wrapped.put(parts[0], new Wrapped(forms[0], forms[1]));
            }
        }
        return keys;
    }

    private static boolean isLoopback(URI uri) {
        return "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
    }

    @Override
    public TenantKeys keys(String tenant) {
        checkTenant(tenant);
        TenantKeys cached = cache.get(tenant);
        if (cached != null) {
            return cached;
        }
        erased.checkNotErased(tenant);
        // One load per tenant at a time: a second caller waits for the first's answer from Vault.
        return cache.computeIfAbsent(tenant, t -> {
            synchronized (this) {
                try {
                    Wrapped w = wrapped.get(t);
                    return w != null ? unwrap(t, w) : mint(t);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot get the keys of tenant " + t + " from Vault: " + e.getMessage(), e);
                }
            }
        });
    }

    @Override
    public synchronized boolean holds(String tenant) {
        checkTenant(tenant);
        return wrapped.containsKey(tenant);
    }

    /**
     * Makes a new version of the tenant's key-encryption key and re-wraps its data keys under it;
     * the data keys do not change, so nothing sealed before needs sealing again.
     *
     * @return the key version the data keys are now wrapped under
     */
    @Override
    public synchronized String rotate(String tenant) throws IOException {
        return "re-wrapped the keys of tenant " + tenant + " under version " + rotateKey(tenant) + " of Vault transit key "
                + keyName(tenant) + "; no content was re-encrypted";
    }

    /** As {@link #rotate}; returns the key version the data keys are now wrapped under. */
    public synchronized int rotateKey(String tenant) throws IOException {
        checkTenant(tenant);
        Wrapped w = wrapped.get(tenant);
        if (w == null) {
            throw new IllegalArgumentException("tenant " + tenant + " has no keys here to rotate");
        }
        call("keys/" + keyName(tenant) + "/rotate", "{}");
        String dedupe = string(call("rewrap/" + keyName(tenant), "{\"ciphertext\":\"" + w.dedupe() + "\"}"), "ciphertext");
        String data = string(call("rewrap/" + keyName(tenant), "{\"ciphertext\":\"" + w.data() + "\"}"), "ciphertext");
        Wrapped rewrapped = new Wrapped(checkedWrapped(dedupe), checkedWrapped(data));
        wrapped.put(tenant, rewrapped);
        save();
        return version(rewrapped.data());
    }

    /**
     * Writes the tenant's tombstone, drops its wrapped keys here, and deletes its transit key in
     * Vault (allowing deletion first, as Vault requires): every wrapped copy anywhere, on any
     * gateway or backup, can then never be unwrapped again.
     */
    @Override
    public synchronized String destroy(String tenant) throws IOException {
        checkTenant(tenant);
        erased.mark(tenant, java.time.Instant.now());
        cache.remove(tenant);
        if (wrapped.remove(tenant) != null) {
            save();
        }
        call("keys/" + keyName(tenant) + "/config", "{\"deletion_allowed\":true}");
        send("DELETE", "keys/" + keyName(tenant), null);
        return "deleted Vault transit key " + keyName(tenant) + " and the keys of tenant " + tenant + " wrapped under it;"
                + " its tombstone is in " + file.resolveSibling(ErasedTenants.FILE);
    }

    /** The key-encryption key version the tenant's data keys are wrapped under, or 0 if it has none here. */
    public synchronized int wrappedVersion(String tenant) {
        Wrapped w = wrapped.get(tenant);
        return w == null ? 0 : version(w.data());
    }

    private TenantKeys unwrap(String tenant, Wrapped w) throws IOException {
        return new TenantKeys(tenant, decrypt(tenant, w.dedupe()), decrypt(tenant, w.data()));
    }

    private byte[] decrypt(String tenant, String ciphertext) throws IOException {
        return key(string(call("decrypt/" + keyName(tenant), "{\"ciphertext\":\"" + ciphertext + "\"}"), "plaintext"));
    }

    private TenantKeys mint(String tenant) throws IOException {
        // Creating a key that exists changes nothing, so two gateways racing here are harmless.
        call("keys/" + keyName(tenant), "{\"type\":\"aes256-gcm96\"}");
        Map<String, Object> dedupe = call("datakey/plaintext/" + keyName(tenant), "{\"bits\":256}");
        Map<String, Object> data = call("datakey/plaintext/" + keyName(tenant), "{\"bits\":256}");
        wrapped.put(tenant, new Wrapped(checkedWrapped(string(dedupe, "ciphertext")), checkedWrapped(string(data, "ciphertext"))));
        try {
            save();   // persisted before use: nothing is sealed under a key a restart would lose
        } catch (IOException e) {
            wrapped.remove(tenant);
            throw e;
        }
        return new TenantKeys(tenant, key(string(dedupe, "plaintext")), key(string(data, "plaintext")));
    }

    private void save() throws IOException {
        StringBuilder out = new StringBuilder("# Tenant keys wrapped by Vault Transit: TENANT:DEDUPE_CIPHERTEXT DATA_CIPHERTEXT\n");
        wrapped.forEach((t, w) -> out.append(t).append(':').append(w.dedupe()).append(' ').append(w.data()).append('\n'));
        PrivateFile.replace(file, out);
    }

    /** POSTs to the transit engine; answers the response's {@code data} object (empty for 204). */
    private Map<String, Object> call(String path, String body) throws IOException {
        return send("POST", path, body);
    }

    private Map<String, Object> send(String method, String path, String body) throws IOException {
        URI uri = vault.resolve("/v1/" + mount + "/" + path);
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("X-Vault-Token", token)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking Vault", e);
        } catch (IOException e) {
            throw new IOException("cannot reach Vault at " + vault + ": " + e.getMessage(), e);
        }
        if (response.body().length > MAX_RESPONSE) {
            throw new IOException("Vault answered " + uri.getPath() + " with " + response.body().length + " bytes");
        }
        Map<String, Object> json;
        try {
            json = response.body().length == 0 ? Map.of() : JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IOException("Vault answered " + uri.getPath() + " with something that is not JSON (" + response.statusCode() + ")");
        }
        if (response.statusCode() / 100 != 2) {
            Object errors = json.get("errors");
            throw new IOException("Vault refused " + uri.getPath() + " (" + response.statusCode() + "): "
                    + (errors instanceof List<?> l && !l.isEmpty() ? String.valueOf(l) : "no reason given"));
        }
        return json.get("data") instanceof Map<?, ?> data ? castMap(data) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static String string(Map<String, Object> data, String field) throws IOException {
        if (!(data.get(field) instanceof String s) || s.isEmpty()) {
            throw new IOException("Vault's answer has no " + field);
        }
        return s;
    }

    private static String checkedWrapped(String ciphertext) throws IOException {
        if (!WRAPPED.matcher(ciphertext).matches()) {
            throw new IOException("Vault returned a ciphertext that is not vault:vN:...");
        }
        return ciphertext;
    }

    private static byte[] key(String base64) throws IOException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException("Vault returned a key that is not base64");
        }
        if (key.length != TenantKeys.KEY_LENGTH) {
            throw new IOException("Vault returned a " + (key.length * 8) + "-bit key, not 256");
        }
        return key;
    }

    private static int version(String ciphertext) {
        return Integer.parseInt(ciphertext.substring("vault:v".length(), ciphertext.indexOf(':', "vault:v".length())));
    }

    private static String keyName(String tenant) {
        return "tributary-" + tenant;
    }

    private static void checkTenant(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant name \"" + tenant + "\" must be 1 to 64 of a-z, 0-9, '.', '_' and '-'");
        }
    }
}
