package io.tributary.gateway.webdav;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The If request header (RFC 4918 section 10.4): parsed once, evaluated against resource state.
 *
 * <p>The header is either a sequence of untagged lists, which apply to the request URI, or a sequence of
 * tagged lists, each tag naming the resource its following lists apply to; the two forms do not mix.
 * A list matches when every condition in it holds; the header matches when at least one list does.
 * State tokens that are not live lock tokens, such as {@code <DAV:no-lock>}, never match.
 *
 * <p>Parsing is bounded ({@link #MAX_LENGTH}, {@link #MAX_LISTS}, {@link #MAX_CONDITIONS}) because the
 * header is client input evaluated before any work is done for the request.
 */
public final class IfHeader {
    /** Longest header accepted, in characters. */
    public static final int MAX_LENGTH = 8 * 1024;
    /** Most lists accepted in one header. */
    public static final int MAX_LISTS = 64;
    /** Most conditions accepted across all lists of one header. */
    public static final int MAX_CONDITIONS = 256;

    /** What a condition compares against. */
    private enum Subject { STATE_TOKEN, ENTITY_TAG }

    /** One {@code [Not] <state-token>} or {@code [Not] [entity-tag]}; an entity tag keeps its quotes and W/ prefix. */
    private record Condition(boolean negated, Subject subject, String value) { }

    /** One parenthesized list; {@code resource} is its tag as written, or null for the request URI. */
    private record ConditionList(String resource, List<Condition> conditions) { }

    private final List<ConditionList> lists;

    private IfHeader(List<ConditionList> lists) {
        this.lists = List.copyOf(lists);
    }

    /**
     * Parses an If header value.
     *
     * @throws IllegalArgumentException with a message saying what is wrong and where, for a malformed or
     *                                  oversized header (the handler answers 400)
     */
    public static IfHeader parse(String header) {
        if (header == null) {
            throw new IllegalArgumentException("If header is missing");
        }
        if (header.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("If header is longer than " + MAX_LENGTH + " characters");
        }
        return new Parser(header).parse();
    }

    /** Every state token named positively (not under Not), in header order: the lock tokens the client submits. */
    public Set<String> submittedTokens() {
        Set<String> out = new LinkedHashSet<>();
        for (ConditionList list : lists) {
            for (Condition c : list.conditions()) {
                if (!c.negated() && c.subject() == Subject.STATE_TOKEN) {
                    out.add(c.value());
                }
            }
        }
        return out;
    }

    /** True when at least one list matches (the header's semantics); handlers answer 412 when false. */
    public boolean matches(ResourceState state) {
        Objects.requireNonNull(state, "state");
        // A resource named in several conditions is looked up once per evaluation; null keys the request URI.
        Map<String, Optional<String>> etags = new HashMap<>();
        for (ConditionList list : lists) {
            if (listMatches(list, state, etags)) {
                return true;
            }
        }
        return false;
    }

    private static boolean listMatches(ConditionList list, ResourceState state, Map<String, Optional<String>> etags) {
        String resource = list.resource();
        for (Condition c : list.conditions()) {
            boolean holds = switch (c.subject()) {
                case STATE_TOKEN -> state.isLockToken(resource, c.value());
                case ENTITY_TAG -> etags.computeIfAbsent(resource, r -> Objects.requireNonNull(state.etag(r), "etag"))
                        .map(c.value()::equals).orElse(false);
            };
            if (holds == c.negated()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        String tag = null;
        for (ConditionList list : lists) {
            if (list.resource() != null && !list.resource().equals(tag)) {
                tag = list.resource();
                out.append(out.isEmpty() ? "" : " ").append('<').append(tag).append('>');
            }
            out.append(out.isEmpty() ? "" : " ").append('(');
            for (int i = 0; i < list.conditions().size(); i++) {
                Condition c = list.conditions().get(i);
                out.append(i == 0 ? "" : " ").append(c.negated() ? "Not " : "");
                out.append(c.subject() == Subject.STATE_TOKEN ? "<" + c.value() + ">" : "[" + c.value() + "]");
            }
            out.append(')');
        }
        return out.toString();
    }

    /** The state of the resources a header names, as the handler sees them at evaluation time. */
    public interface ResourceState {
        /**
         * The resource's current ETag as sent in an ETag header (quotes included, {@code W/} if weak).
         *
         * @param resource the tagged list's URI exactly as written in the header (absolute URI or absolute
         *                 path), or null for the request URI
         * @return empty if the resource does not exist
         */
        Optional<String> etag(String resource);

        /** True if {@code token} is a lock token of a live lock covering that resource (null: the request URI). */
        boolean isLockToken(String resource, String token);
    }

    /**
     * A recursive-descent parser over the grammar of RFC 4918 section 10.4. Linear whitespace is allowed
     * between any two elements; entity tags follow RFC 9110 (no escapes inside the quotes).
     */
    private static final class Parser {
        private final String text;
        private int pos;
        private int conditionCount;

        Parser(String text) {
            this.text = text;
        }

        IfHeader parse() {
            List<ConditionList> lists = new ArrayList<>();
            Boolean tagged = null;
            String tag = null;
            skipWhitespace();
            if (atEnd()) {
                throw error("is empty");
            }
            while (!atEnd()) {
                char c = text.charAt(pos);
                if (c == '<') {
                    if (Boolean.FALSE.equals(tagged)) {
                        throw error("mixes untagged and tagged lists at position " + pos);
                    }
                    tagged = true;
                    tag = readAngled("resource tag");
                    skipWhitespace();
                    if (atEnd() || text.charAt(pos) != '(') {
                        throw error("resource tag <" + tag + "> is not followed by a list");
                    }
                } else if (c == '(') {
                    if (tagged == null) {
                        tagged = false;
                    }
                    if (lists.size() == MAX_LISTS) {
                        throw error("has more than " + MAX_LISTS + " lists");
                    }
                    lists.add(new ConditionList(tag, readList()));
                } else {
                    throw error("has unexpected character '" + printable(c) + "' at position " + pos
                            + "; expected '(' or '<'");
                }
                skipWhitespace();
            }
            return new IfHeader(lists);
        }

        private List<Condition> readList() {
            int open = pos;
            pos++; // '('
            List<Condition> conditions = new ArrayList<>();
            while (true) {
                skipWhitespace();
                if (atEnd()) {
                    throw error("list opened at position " + open + " is not closed");
                }
                if (text.charAt(pos) == ')') {
                    if (conditions.isEmpty()) {
                        throw error("has an empty list at position " + open);
                    }
                    pos++;
                    return conditions;
                }
                if (++conditionCount > MAX_CONDITIONS) {
                    throw error("has more than " + MAX_CONDITIONS + " conditions");
                }
                conditions.add(readCondition());
            }
        }

        private Condition readCondition() {
            boolean negated = false;
            if (text.regionMatches(true, pos, "Not", 0, 3)) {
                pos += 3;
                int afterKeyword = pos;
                skipWhitespace();
                if (atEnd() || (text.charAt(pos) != '<' && text.charAt(pos) != '[')) {
                    throw error("'Not' at position " + (afterKeyword - 3) + " is not followed by a state token or entity tag");
                }
                negated = true;
            }
            char c = text.charAt(pos);
            if (c == '<') {
                return new Condition(negated, Subject.STATE_TOKEN, readAngled("state token"));
            }
            if (c == '[') {
                return new Condition(negated, Subject.ENTITY_TAG, readBracketedEntityTag());
            }
            throw error("has unexpected character '" + printable(c) + "' at position " + pos
                    + "; expected a state token <...>, an entity tag [...] or 'Not'");
        }

        /** Reads {@code <...>} and returns the text between the brackets. */
        private String readAngled(String what) {
            int open = pos;
            pos++; // '<'
            while (!atEnd()) {
                char c = text.charAt(pos);
                if (c == '>') {
                    if (pos == open + 1) {
                        throw error("has an empty " + what + " at position " + open);
                    }
                    String value = text.substring(open + 1, pos);
                    pos++;
                    return value;
                }
                if (c <= ' ' || c == 0x7f || c == '<') {
                    throw error(what + " at position " + open + " contains '" + printable(c) + "'");
                }
                pos++;
            }
            throw error(what + " opened at position " + open + " is not closed with '>'");
        }

        /** Reads {@code [W/"..."]} and returns the entity tag with its quotes and weak prefix. */
        private String readBracketedEntityTag() {
            int open = pos;
            pos++; // '['
            skipWhitespace();
            int start = pos;
            if (text.startsWith("W/", pos)) {
                pos += 2;
            }
            if (atEnd() || text.charAt(pos) != '"') {
                throw error("entity tag at position " + open + " does not start with a double quote");
            }
            pos++;
            while (!atEnd() && text.charAt(pos) != '"') {
                char c = text.charAt(pos);
                // etagc: any visible character except the double quote, plus obs-text.
                if (c < 0x21 || c == 0x7f) {
                    throw error("entity tag at position " + open + " contains '" + printable(c) + "'");
                }
                pos++;
            }
            if (atEnd()) {
                throw error("entity tag at position " + open + " is missing its closing double quote");
            }
            pos++; // closing '"'
            String value = text.substring(start, pos);
            skipWhitespace();
            if (atEnd() || text.charAt(pos) != ']') {
                throw error("entity tag opened at position " + open + " is not closed with ']'");
            }
            pos++;
            return value;
        }

        private void skipWhitespace() {
            while (!atEnd()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                    return;
                }
                pos++;
            }
        }

        private boolean atEnd() {
            return pos >= text.length();
        }

        private static String printable(char c) {
            return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
        }

        private static IllegalArgumentException error(String detail) {
            return new IllegalArgumentException("If header " + detail);
        }
    }
}
