package dev.contemplate.research.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How the bench's numbers are written in its report, its CSV and its console table. */
public final class ReportFormat {

    private ReportFormat() {
    }

    /** Writes a number with up to three significant decimals: {@code 12}, {@code 1.25}, {@code 0.004}. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        double a = Math.abs(v);
        int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** Writes a share as a percentage with one decimal: {@code 0.725} as {@code 72.5%}. */
    public static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** Writes a ratio with two decimals and a multiplication sign: {@code 1.85×}. */
    public static String times(double v) {
        return String.format(Locale.ROOT, "%.2f\u00d7", v);
    }

    /** Six significant digits, no exponent, no trailing zeros; empty for a value that is not finite. */
    public static String csvNumber(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** Escapes {@code &}, {@code <}, {@code >}, {@code "} and {@code '} for XML and HTML text and attributes. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r' ? ' ' : ch);
            }
        }
        return out.toString();
    }
}
