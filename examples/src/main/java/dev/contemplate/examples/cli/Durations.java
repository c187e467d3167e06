package dev.contemplate.examples.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses budgets: {@code 3s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code 1.5s}, or ISO-8601 {@code PT3S}. */
final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ms|s|m|h)");

    private Durations() {
    }

    /**
     * Returns the positive duration {@code text} names.
     *
     * @throws IllegalArgumentException with a one-line reason if it does not parse or is not positive
     */
    static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        if (s.startsWith("p")) {
            try {
                d = Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        } else {
            Matcher m = SIMPLE.matcher(s);
            if (!m.matches()) {
                throw invalid(text);
            }
            BigDecimal nanosPerUnit = switch (m.group(2)) {
                case "ms" -> BigDecimal.valueOf(1_000_000L);
                case "s" -> BigDecimal.valueOf(1_000_000_000L);
                case "m" -> BigDecimal.valueOf(60_000_000_000L);
                default -> BigDecimal.valueOf(3_600_000_000_000L);
            };
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(nanosPerUnit);
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("budget " + CliException.quote(text) + " is too long");
            }
            d = Duration.ofNanos(nanos.longValue());
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("budget must be positive but was " + CliException.quote(text));
        }
        return d;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("cannot read budget " + CliException.quote(text)
                + "; write it like 3s, 500ms, 2m, 1.5s or PT3S");
    }

    /** Returns a short human form: {@code 500 ms}, {@code 3 s}, {@code 1.5 s}, {@code 2 min}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + " s";
        }
        return BigDecimal.valueOf(ms).divide(BigDecimal.valueOf(60_000), 1, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString() + " min";
    }
}
