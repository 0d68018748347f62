package io.jarl.bench;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A scenario that a runtime has nothing comparable for: printed, in place of a number, as
 * {@code # scenario=<id> runtime=<runtime> not applicable: <why>}, and shown as {@code n/a} in the
 * table. It is a comment line ({@code #}), so nothing that reads result lines mistakes it for one.
 */
public record NotApplicable(String scenario, String runtime, String why) {
    private static final Pattern LINE = Pattern.compile("# scenario=(\\S+) runtime=(\\S+) not applicable: (.+)");

    public NotApplicable {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(why, "why");
    }

    /** The output line. */
    public String line() {
        return "# scenario=" + scenario + " runtime=" + runtime + " not applicable: " + why;
    }

    /** Parses an output line of any runtime, or empty if {@code line} is not one. */
    public static Optional<NotApplicable> parse(String line) {
        var m = LINE.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new NotApplicable(m.group(1), m.group(2), m.group(3)));
    }
}
