package io.jarl.bench;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** One measured value: printed as {@code scenario=<name> runtime=<runtime> value=<number> unit=<unit>}. */
public record Result(String scenario, String runtime, double value, String unit) {
    private static final Pattern LINE =
            Pattern.compile("scenario=(\\S+) runtime=(\\S+) value=([0-9.eE+-]+) unit=(\\S+)");

    /** The output line; the number of decimals depends on the unit (the Erlang side prints the same). */
    public String line() {
        return "scenario=" + scenario + " runtime=" + runtime + " value=" + format(value, unit) + " unit=" + unit;
    }

    static String format(double value, String unit) {
        String pattern = unit.equals("bytes") || isRate(unit) ? "%.0f" : unit.equals("ratio") ? "%.3f" : "%.1f";
        return String.format(Locale.ROOT, pattern, value);
    }

    /** Whether {@code unit} is a rate ({@code calls/s}, {@code lookups/s}): printed whole, larger is better. */
    static boolean isRate(String unit) {
        return unit.endsWith("/s");
    }

    /** Parses an output line of any runtime, or empty if {@code line} is not one. */
    public static Optional<Result> parse(String line) {
        var m = LINE.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Result(m.group(1), m.group(2), Double.parseDouble(m.group(3)), m.group(4)));
    }
}
