package io.tributary.gateway.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which realm users may do what in which share, from rules such as
 * {@code finance:role:finance-staff=write} or {@code *:group:/auditors=read}. A user gets the
 * highest level any rule grants them for the share; a realm user no rule names gets nothing.
 * Local users, whom the gateway's operator set up, may do anything in every share.
 */
public final class ShareAccess {
    /** In order: each level allows what the ones before it do. */
    public enum Level {
        NONE, READ, WRITE, ADMIN;

        public boolean allows(Level needed) {
            return compareTo(needed) >= 0;
        }
    }

    private record Rule(String share, boolean role, String name, Level level) {
        boolean matches(String s, Principal p) {
            return (share.equals("*") || share.equals(s)) && (role ? p.roles() : p.groups()).contains(name);
        }
    }

    private static final Pattern RULE = Pattern.compile("([^:]+):(role|group):([^=]+)=(read|write|admin)");
    private final List<Rule> rules;

    private ShareAccess(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Rules as given on the command line; throws with the offending rule named. */
    public static ShareAccess parse(List<String> specs) {
        List<Rule> rules = new ArrayList<>();
        for (String spec : specs) {
            Matcher m = RULE.matcher(spec.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--acl takes SHARE:role:NAME=LEVEL or SHARE:group:/PATH=LEVEL (SHARE may be *, "
                        + "LEVEL is read, write or admin), got '" + spec + "'");
            }
            rules.add(new Rule(m.group(1), m.group(2).equals("role"), m.group(3), Level.valueOf(m.group(4).toUpperCase(Locale.ROOT))));
        }
        return new ShareAccess(rules);
    }

    public static ShareAccess none() {
        return new ShareAccess(List.of());
    }

    public Level of(String share, Principal p) {
        if (p.local()) {
            return Level.ADMIN;
        }
        Level best = Level.NONE;
        for (Rule r : rules) {
            if (r.matches(share, p) && r.level().compareTo(best) > 0) {
                best = r.level();
            }
        }
        return best;
    }

    /** The rules as {@code SHARE:role|group:NAME=LEVEL}, in the order given. */
    public List<String> specs() {
        return rules.stream().map(r -> r.share() + ":" + (r.role() ? "role" : "group") + ":" + r.name() + "="
                + r.level().name().toLowerCase(Locale.ROOT)).toList();
    }

    /** The shares the rules name, '*' aside, so a rule for a share the gateway lacks can be caught at start. */
    public List<String> sharesNamed() {
        return rules.stream().map(Rule::share).filter(s -> !s.equals("*")).distinct().toList();
    }
}
