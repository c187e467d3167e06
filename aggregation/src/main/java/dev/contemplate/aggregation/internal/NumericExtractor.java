package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts a number and normalises it to an exact key; see {@link dev.contemplate.aggregation.AnswerExtractors#numeric()}
 * for the search order and the key format. Stateless and thread-safe.
 */
public final class NumericExtractor implements AnswerExtractor {

    /** The only instance. */
    public static final NumericExtractor INSTANCE = new NumericExtractor();

    /** A sign counts only when it is not glued to a preceding operand ({@code 5-3} is 5 and 3, not -3). */
    private static final String SIGN = "(?:(?<![\\w)\\]}.])[-+\u2212])?";
    private static final String CURRENCY = "[$\u20ac\u00a3\u00a5]?";
    private static final String FRACTION = "(?<!/)\\d+(?:\\.\\d+)?/\\d+(?:\\.\\d+)?(?![\\d/])";
    private static final String GROUPED = "\\d{1,3}(?:,\\d{3})+(?!\\d)(?:\\.\\d+)?";
    private static final String DECIMAL = "(?:\\d+(?:\\.\\d+)?|(?<!\\d)\\.\\d+)";
    /** One number as written: sign, currency symbol, fraction or (grouped) decimal, percent sign. */
    static final String NUMBER = SIGN + CURRENCY + "(?:" + FRACTION + "|" + GROUPED + "|" + DECIMAL + ")%?";

    private static final Pattern NUMBER_PATTERN = Pattern.compile(NUMBER);
    private static final Pattern GSM8K = Pattern.compile("####\\s*(" + NUMBER + ")");
    /** Possessive: backtracking over the nested runs of spaces around the period is quadratic. */
    private static final Pattern END_HASH = Pattern.compile("#\\s*(" + NUMBER + ")\\s*+\\.?\\s*+\\z");
    private static final Pattern PHRASE =
            Pattern.compile("\\banswer\\b\\s*(?:is\\b\\s*:?|[:=])", Pattern.CASE_INSENSITIVE);
    private static final Pattern FRAC = Pattern.compile("\\\\[dt]?frac\\s*\\{([^{}]*)\\}\\s*\\{([^{}]*)\\}");
    private static final Pattern FRAC_SHORT = Pattern.compile("\\\\[dt]?frac(\\d)(\\d)");
    private static final Pattern LATEX_SPACE = Pattern.compile("\\\\[!,;: ]");
    private static final String BOXED = "\\boxed";
    private static final String ANSWER = "answer";

    private static final BigInteger FIVE = BigInteger.valueOf(5);
    private static final double LOG2_FIVE = Math.log(5) / Math.log(2);

    private NumericExtractor() {
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        // both hash forms need a '#': most texts have none, and a matcher costs more than the search for one
        boolean hash = text.indexOf('#') >= 0;
        Optional<Answer> answer = hash && text.contains("####") ? lastValid(GSM8K.matcher(text), 1)
                : Optional.empty();
        if (answer.isEmpty() && hash) {
            answer = lastValid(END_HASH.matcher(text), 1);
        }
        if (answer.isEmpty()) {
            answer = boxed(text);
        }
        if (answer.isEmpty()) {
            answer = afterPhrase(text);
        }
        if (answer.isEmpty()) {
            answer = lastValid(NUMBER_PATTERN.matcher(text), 0);
        }
        return answer;
    }

    /**
     * Returns the exact key of one number as written ({@code "1,234"}, {@code "$0.50"}, {@code "-6/8"},
     * {@code "50%"}), or empty when it is not a number or divides by zero. Takes time linear in the length of a
     * decimal (its key is made by editing its digits, not by {@link BigDecimal#stripTrailingZeros()}, which is
     * quadratic in the number of zeros it strips), and near-linear for a fraction.
     */
    public static Optional<String> key(String token) {
        String s = withoutDecoration(token.strip());
        int slash = s.indexOf('/');
        if (slash < 0) {
            return Decimal.parse(s).map(Decimal::plain);
        }
        Optional<Decimal> p = Decimal.parse(s.substring(0, slash));
        Optional<Decimal> q = Decimal.parse(s.substring(slash + 1));
        return p.isPresent() && q.isPresent() ? ratio(p.get(), q.get()) : Optional.empty();
    }

    /**
     * Returns {@code token} with a Unicode minus as {@code -}, without currency symbols, percent signs and thousands
     * separators (a loop: {@code replaceAll} would compile a pattern per number, and a text may hold many).
     */
    private static String withoutDecoration(String token) {
        if (!decorated(token)) {
            return token;
        }
        StringBuilder b = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            switch (c) {
                case '$', '\u20ac', '\u00a3', '\u00a5', '%', ',' -> {
                }
                case '\u2212' -> b.append('-');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Returns whether {@code token} holds a character that {@link #withoutDecoration} removes or replaces. */
    private static boolean decorated(String token) {
        for (int i = 0; i < token.length(); i++) {
            switch (token.charAt(i)) {
                case '$', '\u20ac', '\u00a3', '\u00a5', '%', ',', '\u2212' -> {
                    return true;
                }
                default -> {
                }
            }
        }
        return false;
    }

    /**
     * A plain decimal as written: {@code negative}, the digits without the point (leading zeros kept) and how many of
     * them follow the point.
     */
    private record Decimal(boolean negative, String digits, int scale) {

        /** Reads {@code [+-]?digits[.digits]} or {@code [+-]?.digits}; empty for anything else. */
        static Optional<Decimal> parse(String s) {
            int i = 0;
            boolean negative = false;
            if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                negative = s.charAt(i) == '-';
                i++;
            }
            StringBuilder digits = new StringBuilder(s.length());
            int scale = -1;
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= '0' && c <= '9') {
                    digits.append(c);
                    if (scale >= 0) {
                        scale++;
                    }
                } else if (c == '.' && scale < 0) {
                    scale = 0;
                } else {
                    return Optional.empty();
                }
            }
            if (digits.length() == 0) {
                return Optional.empty();
            }
            return Optional.of(new Decimal(negative, digits.toString(), Math.max(scale, 0)));
        }

        BigInteger unscaled() {
            BigInteger u = new BigInteger(digits);
            return negative ? u.negate() : u;
        }

        /** The key: {@code BigDecimal.stripTrailingZeros().toPlainString()}, with {@code "0"} for any zero. */
        String plain() {
            return NumericExtractor.plain(negative, digits, scale);
        }
    }

    /**
     * Returns the plain form of {@code (negative ? -1 : 1) * digits / 10^scale} without needless zeros: what
     * {@code BigDecimal.stripTrailingZeros().toPlainString()} gives, and {@code "0"} for any zero.
     */
    private static String plain(boolean negative, String digits, int scale) {
        int intEnd = digits.length() - scale;
        int end = digits.length();
        while (end > Math.max(intEnd, 0) && digits.charAt(end - 1) == '0') {
            end--;
        }
        String fraction;
        String integer;
        if (intEnd <= 0) {
            // all digits follow the point: pad with the zeros the point is followed by
            fraction = "0".repeat(-intEnd) + digits.substring(0, end);
            integer = "";
        } else {
            integer = digits.substring(0, intEnd);
            fraction = digits.substring(intEnd, end);
        }
        int lead = 0;
        while (lead < integer.length() && integer.charAt(lead) == '0') {
            lead++;
        }
        integer = integer.substring(lead);
        if (allZeros(fraction)) {
            fraction = "";
        }
        if (integer.isEmpty() && fraction.isEmpty()) {
            return "0";
        }
        return (negative ? "-" : "") + (integer.isEmpty() ? "0" : integer) + (fraction.isEmpty() ? "" : "." + fraction);
    }

    private static boolean allZeros(String digits) {
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> ratio(Decimal p, Decimal q) {
        BigInteger num = p.unscaled();
        BigInteger den = q.unscaled();
        if (den.signum() == 0) {
            return Optional.empty();
        }
        // p/q = (pu / 10^ps) / (qu / 10^qs) = pu * 10^qs / (qu * 10^ps)
        int shift = q.scale() - p.scale();
        if (shift > 0) {
            num = num.multiply(BigInteger.TEN.pow(shift));
        } else if (shift < 0) {
            den = den.multiply(BigInteger.TEN.pow(-shift));
        }
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger gcd = num.gcd(den);
        if (gcd.signum() != 0) {
            num = num.divide(gcd);
            den = den.divide(gcd);
        }
        // a finite decimal exactly when den = 2^twos * 5^fives: then num/den = num * 2^(k-twos) * 5^(k-fives) / 10^k
        int twos = den.getLowestSetBit();
        OptionalInt fives = powerOfFive(den.shiftRight(twos));
        if (fives.isPresent()) {
            int k = Math.max(twos, fives.getAsInt());
            BigInteger unscaled = num.shiftLeft(k - twos).multiply(FIVE.pow(k - fives.getAsInt()));
            return Optional.of(plain(unscaled.signum() < 0, unscaled.abs().toString(), k));
        }
        return Optional.of(num + "/" + den);
    }

    /**
     * Returns e with {@code 5^e == n}, or empty when {@code n} (positive) is no power of five. One comparison with the
     * power that the bit length allows, rather than a division by five per factor, which is quadratic.
     */
    private static OptionalInt powerOfFive(BigInteger n) {
        // 5^e has floor(e * log2(5)) + 1 bits: e is the estimate below, give or take one for rounding
        int e = Math.max(1, (int) Math.round((n.bitLength() - 1) / LOG2_FIVE));
        BigInteger power = FIVE.pow(e);
        if (power.equals(n)) {
            return OptionalInt.of(e);
        }
        if (power.multiply(FIVE).equals(n)) {
            return OptionalInt.of(e + 1);
        }
        BigInteger[] lower = power.divideAndRemainder(FIVE);
        return lower[0].equals(n) ? OptionalInt.of(e - 1) : OptionalInt.empty();
    }

    private static Optional<Answer> lastValid(Matcher m, int group) {
        Optional<Answer> last = Optional.empty();
        while (m.find()) {
            Optional<Answer> a = answer(m.group(group));
            if (a.isPresent()) {
                last = a;
            }
        }
        return last;
    }

    private static Optional<Answer> firstValid(Matcher m) {
        while (m.find()) {
            Optional<Answer> a = answer(m.group());
            if (a.isPresent()) {
                return a;
            }
        }
        return Optional.empty();
    }

    private static Optional<Answer> answer(String token) {
        return key(token).map(k -> new Answer(k, token.strip()));
    }

    /** The last {@code \boxed{...}}: the first number after its last '=' (so units and "x = 5" both work). */
    private static Optional<Answer> boxed(String text) {
        int at = text.lastIndexOf(BOXED + "{");
        if (at < 0) {
            return Optional.empty();
        }
        int start = at + BOXED.length() + 1;
        int depth = 1;
        int end = start;
        while (end < text.length() && depth > 0) {
            char c = text.charAt(end);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
            end++;
        }
        String content = text.substring(start, depth == 0 ? end - 1 : end);
        content = content.replace("{,}", ",");
        content = LATEX_SPACE.matcher(content).replaceAll("");
        content = FRAC.matcher(content).replaceAll(r -> Matcher.quoteReplacement(
                r.group(1).strip() + "/" + r.group(2).strip()));
        content = FRAC_SHORT.matcher(content).replaceAll("$1/$2");
        content = content.substring(content.lastIndexOf('=') + 1);
        return firstValid(NUMBER_PATTERN.matcher(content));
    }

    /**
     * The first number after the last "answer is" / "answer:" phrase that is followed by one. One pass over the
     * numbers after the first phrase (a search from each phrase to the end is quadratic in the number of phrases):
     * each number belongs to the last phrase that ends before it, and the answer is the first valid number of the
     * last phrase that has one. The same numbers are found as by a search from each phrase, since a phrase ends with
     * a character no number holds ({@code s}, a space, {@code :} or {@code =}), so no number spans a phrase's end.
     */
    private static Optional<Answer> afterPhrase(String text) {
        int first = indexOfAnswerWord(text);
        if (first < 0) {
            return Optional.empty();
        }
        // no phrase starts before the first "answer": the search starts there, its word boundary still seen
        Matcher p = PHRASE.matcher(text);
        p.region(first, text.length());
        p.useTransparentBounds(true);
        List<Integer> ends = new ArrayList<>();
        while (p.find()) {
            ends.add(p.end());
        }
        if (ends.isEmpty()) {
            return Optional.empty();
        }
        Matcher n = NUMBER_PATTERN.matcher(text);
        n.region(ends.get(0), text.length());
        // lookbehinds must see the text before the region (a sign right after "is" is still a sign)
        n.useTransparentBounds(true);
        Optional<Answer> answer = Optional.empty();
        int phrase = 0;
        int answered = -1;
        while (n.find()) {
            while (phrase + 1 < ends.size() && ends.get(phrase + 1) <= n.start()) {
                phrase++;
            }
            if (phrase != answered) {
                Optional<Answer> a = answer(n.group());
                if (a.isPresent()) {
                    answer = a;
                    answered = phrase;
                }
            }
        }
        return answer;
    }

    /**
     * Returns the index of the first {@code answer} in {@code text} in any ASCII case (where every match of
     * {@code PHRASE} starts), or -1 when there is none.
     */
    static int indexOfAnswerWord(String text) {
        int last = text.length() - ANSWER.length();
        for (int i = 0; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == 'a' || c == 'A') && text.regionMatches(true, i, ANSWER, 0, ANSWER.length())) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "numeric";
    }

    @Override
    public String answerFormat() {
        return "End with a line of the form \"The answer is X.\" where X is a number.";
    }
}
