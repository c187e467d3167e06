package dev.contemplate.aggregation.internal;

/** A light English stemmer and the loose word equality the same-answer rule compares words with. Stateless. */
final class Stemmer {

    private Stemmer() {
    }

    /**
     * Returns the stem of a lower-case word: British to American spelling of a few endings, plurals, {@code -ing}
     * and {@code -ed} on longer words; number words unchanged.
     */
    static String stem(String w) {
        if (NumberWords.isNumberWord(w)) {
            return w;
        }
        String s = w;
        if (s.length() > 4 && s.endsWith("ies")) {
            s = s.substring(0, s.length() - 3) + "y";
        } else if (s.length() > 4 && (s.endsWith("ches") || s.endsWith("shes") || s.endsWith("xes")
                || s.endsWith("sses") || s.endsWith("oes"))) {
            s = s.substring(0, s.length() - 2);
        } else if (s.length() > 3 && s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us")
                && !s.endsWith("is")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.length() >= 6 && s.endsWith("our")) {
            s = s.substring(0, s.length() - 3) + "or";
        } else if (s.length() >= 5 && s.endsWith("tre")) {
            s = s.substring(0, s.length() - 3) + "ter";
        }
        if (s.length() >= 7 && s.endsWith("ing")) {
            s = undouble(s.substring(0, s.length() - 3));
        } else if (s.length() >= 6 && s.endsWith("ed") && !s.endsWith("eed")) {
            s = undouble(s.substring(0, s.length() - 2));
        }
        return s;
    }

    private static String undouble(String s) {
        int n = s.length();
        if (n >= 4 && s.charAt(n - 1) == s.charAt(n - 2) && "bdgmnprt".indexOf(s.charAt(n - 1)) >= 0) {
            return s.substring(0, n - 1);
        }
        if (n >= 3 && (s.endsWith("at") || s.endsWith("iz") || s.endsWith("bl"))) {
            return s + "e";
        }
        return s;
    }

    /**
     * Returns whether two stemmed word tokens count as the same word: equal, one a prefix of the other of at least
     * five letters that is not a comparative ({@code mount} and {@code mountain}, not {@code dense} and
     * {@code denser}), or both at least seven letters long with a common prefix of six ({@code gravity} and
     * {@code gravitational}). Numbers, literals, options and a negated against an asserted word never are.
     */
    static boolean sameWord(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        if (a.startsWith("¬") != b.startsWith("¬") || a.startsWith("#") || b.startsWith("#") || a.startsWith("`")
                || b.startsWith("`") || a.startsWith("opt:") || b.startsWith("opt:")) {
            return false;
        }
        String s = a.length() <= b.length() ? a : b;
        String l = a.length() <= b.length() ? b : a;
        if (s.length() >= 5 && l.startsWith(s)) {
            String rest = l.substring(s.length());
            return !(rest.equals("r") || rest.equals("er") || rest.equals("st") || rest.equals("est"));
        }
        if (s.length() >= 7) {
            int p = 0;
            while (p < s.length() && s.charAt(p) == l.charAt(p)) {
                p++;
            }
            return p >= 6;
        }
        return false;
    }
}
