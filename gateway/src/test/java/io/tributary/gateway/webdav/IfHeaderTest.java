package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IfHeaderTest {
    private static final String TOKEN = "urn:uuid:e71d4fae-5dec-22d6-fea5-00a0c91e6be4";
    private static final String OTHER_TOKEN = "urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092";
    private static final String ETAG = "\"7f-3\"";

    /** Resource state keyed by the header's resource string; null stands for the request URI. */
    private static final class FakeState implements IfHeader.ResourceState {
        private final Map<String, String> etags = new HashMap<>();
        private final Map<String, Set<String>> tokens = new HashMap<>();
        private final List<String> etagLookups = new ArrayList<>();

        FakeState resource(String resource, String etag, String... liveTokens) {
            etags.put(resource, etag);
            tokens.put(resource, Set.of(liveTokens));
            return this;
        }

        @Override
        public Optional<String> etag(String resource) {
            etagLookups.add(resource);
            return Optional.ofNullable(etags.get(resource));
        }

        @Override
        public boolean isLockToken(String resource, String token) {
            return tokens.getOrDefault(resource, Set.of()).contains(token);
        }
    }

    /** The request URI exists with {@link #ETAG} and is locked with {@link #TOKEN}. */
    private static FakeState locked() {
        return new FakeState().resource(null, ETAG, TOKEN);
    }

    /** The request URI exists with {@link #ETAG} and is not locked. */
    private static FakeState unlocked() {
        return new FakeState().resource(null, ETAG);
    }

    private static boolean matches(String header, IfHeader.ResourceState state) {
        return IfHeader.parse(header).matches(state);
    }

    @Test
    void lockTokenList() {
        IfHeader h = IfHeader.parse("(<" + TOKEN + ">)");
        assertEquals(Set.of(TOKEN), h.submittedTokens());
        assertTrue(h.matches(locked()));
        assertFalse(h.matches(unlocked()));
    }

    @Test
    void lockTokenAndEntityTagMustBothHold() {
        String header = "(<" + TOKEN + "> [" + ETAG + "])";
        assertTrue(matches(header, locked()));
        assertFalse(matches(header, new FakeState().resource(null, "\"7f-4\"", TOKEN)));
        assertFalse(matches(header, unlocked()));
        assertFalse(matches(header, new FakeState()));
    }

    @Test
    void notNoLockMatchesAnyResource() {
        IfHeader h = IfHeader.parse("(Not <DAV:no-lock>)");
        assertEquals(Set.of(), h.submittedTokens());
        assertTrue(h.matches(unlocked()));
        assertTrue(h.matches(new FakeState()));
    }

    @Test
    void noLockNeverMatches() {
        IfHeader h = IfHeader.parse("(<DAV:no-lock>)");
        assertFalse(h.matches(unlocked()));
        assertFalse(h.matches(locked()));
    }

    @Test
    void taggedListAppliesToItsResource() {
        IfHeader h = IfHeader.parse("<http://host/a> (<" + TOKEN + ">)");
        assertEquals(Set.of(TOKEN), h.submittedTokens());
        assertTrue(h.matches(new FakeState().resource("http://host/a", ETAG, TOKEN)));
        assertFalse(h.matches(locked()), "the token is live on the request URI, not on the tagged resource");
    }

    @Test
    void taggedListsSeveralTagsAndListsPerTag() {
        IfHeader h = IfHeader.parse("</a> ([\"1\"]) ([\"2\"]) </b> (<" + OTHER_TOKEN + ">)");
        assertTrue(h.matches(new FakeState().resource("/a", "\"2\"")));
        assertTrue(h.matches(new FakeState().resource("/b", ETAG, OTHER_TOKEN)));
        assertFalse(h.matches(new FakeState().resource("/a", "\"3\"").resource("/b", ETAG, TOKEN)));
        assertEquals("</a> ([\"1\"]) ([\"2\"]) </b> (<" + OTHER_TOKEN + ">)", h.toString());
    }

    @Test
    void badTokenFallsBackToALaterList() {
        IfHeader h = IfHeader.parse("(<bad>) (Not <DAV:no-lock>)");
        assertEquals(Set.of("bad"), h.submittedTokens());
        assertTrue(h.matches(unlocked()));
        assertFalse(matches("(<bad>) (<DAV:no-lock>)", unlocked()));
    }

    @Test
    void severalListsAreAlternatives() {
        String header = "(<" + OTHER_TOKEN + ">) (<" + TOKEN + "> [\"old\"]) ([" + ETAG + "])";
        IfHeader h = IfHeader.parse(header);
        assertEquals(Set.of(OTHER_TOKEN, TOKEN), h.submittedTokens());
        assertTrue(h.matches(unlocked()), "the last list matches on the etag alone");
        assertFalse(h.matches(new FakeState().resource(null, "\"new\"", TOKEN)));
    }

    @Test
    void negatedConditions() {
        assertFalse(matches("(Not <" + TOKEN + ">)", locked()));
        assertTrue(matches("(Not <" + TOKEN + ">)", unlocked()));
        assertFalse(matches("(Not [" + ETAG + "])", unlocked()));
        assertTrue(matches("(Not [\"other\"])", unlocked()));
        assertTrue(matches("(Not [" + ETAG + "])", new FakeState()), "a missing resource has no etag");
        IfHeader h = IfHeader.parse("(Not <" + TOKEN + "> <" + OTHER_TOKEN + ">)");
        assertEquals(Set.of(OTHER_TOKEN), h.submittedTokens());
    }

    @Test
    void notIsCaseInsensitiveAndNeedsNoSpace() {
        assertTrue(matches("(not<DAV:no-lock>)", unlocked()));
        assertTrue(matches("(NOT[\"x\"])", unlocked()));
    }

    @Test
    void weakEntityTagsCompareAsWritten() {
        assertTrue(matches("([W/\"7f-3\"])", new FakeState().resource(null, "W/\"7f-3\"")));
        assertFalse(matches("([W/\"7f-3\"])", unlocked()), "a weak tag is not the strong validator");
        assertFalse(matches("([\"7f-3\"])", new FakeState().resource(null, "W/\"7f-3\"")));
    }

    @Test
    void whitespaceIsAllowedBetweenElements() {
        String header = " \t<http://host/a>\r\n (\t<" + TOKEN + ">  [ " + ETAG + " ] )\r\n\t( Not  <DAV:no-lock> ) ";
        IfHeader h = IfHeader.parse(header);
        assertEquals(Set.of(TOKEN), h.submittedTokens());
        assertTrue(h.matches(new FakeState().resource("http://host/a", ETAG, TOKEN)));
        assertEquals("<http://host/a> (<" + TOKEN + "> [" + ETAG + "]) (Not <DAV:no-lock>)", h.toString());
    }

    @Test
    void eachResourceEtagIsLookedUpOnce() {
        FakeState state = new FakeState().resource(null, ETAG);
        assertFalse(matches("([\"a\"]) ([\"b\"]) ([\"c\"])", state));
        assertEquals(1, state.etagLookups.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "()",
        "( )",
        "(<" + TOKEN + ">",
        "<" + TOKEN + ">)",
        "(<" + TOKEN + ">))",
        "((<" + TOKEN + ">))",
        "(<" + TOKEN + ")",
        "(<>)",
        "(<a b>)",
        "([etag])",
        "([\"etag])",
        "([\"etag\")",
        "([\"etag\" x])",
        "([W\"etag\"])",
        "([w/\"etag\"])",
        "([])",
        "(Not)",
        "(Not )",
        "(Nope <a>)",
        "(<a> x)",
        "x (<a>)",
        "(<a>) x",
        "<http://host/a>",
        "<http://host/a> <http://host/b> (<a>)",
        "(<a>) <http://host/a> (<b>)",
        "<http://host/a> (<b>) (<c>) ; (<d>)",
        "(<a>) , (<b>)",
    })
    void malformedHeadersAreRefused(String header) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IfHeader.parse(header));
        assertTrue(e.getMessage().startsWith("If header"), e.getMessage());
    }

    @Test
    void nullHeaderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> IfHeader.parse(null));
    }

    @Test
    void controlCharacterInEtagIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> IfHeader.parse("([\"a\u0001b\"])"));
    }

    @Test
    void headerLengthIsBounded() {
        String padding = " ".repeat(IfHeader.MAX_LENGTH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IfHeader.parse("(<a>)" + padding));
        assertTrue(e.getMessage().contains("longer"), e.getMessage());
        IfHeader.parse("(<a>)" + " ".repeat(IfHeader.MAX_LENGTH - 5));
    }

    @Test
    void listCountIsBounded() {
        IfHeader.parse("(<a>)".repeat(IfHeader.MAX_LISTS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IfHeader.parse("(<a>)".repeat(IfHeader.MAX_LISTS + 1)));
        assertTrue(e.getMessage().contains("lists"), e.getMessage());
    }

    @Test
    void conditionCountIsBounded() {
        IfHeader.parse("(" + "<a>".repeat(IfHeader.MAX_CONDITIONS) + ")");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IfHeader.parse("(" + "<a>".repeat(IfHeader.MAX_CONDITIONS + 1) + ")"));
        assertTrue(e.getMessage().contains("conditions"), e.getMessage());
    }
}
