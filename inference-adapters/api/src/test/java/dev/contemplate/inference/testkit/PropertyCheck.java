package dev.contemplate.inference.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-based testing harness on plain JUnit: a property is checked on {@code tries} generated samples,
 * each drawn from its own seeded random source, and a failing string sample is shrunk (chunks and characters removed
 * while it still fails) before it is reported, with the seed and try that reproduce it.
 *
 * <p>Runs are deterministic: the seed is {@value #DEFAULT_SEED} mixed with the calling test's name, so adding a
 * property does not change the samples of the others. {@code -Dcontemplate.properties.seed=S} explores other samples
 * (a failure message names the seed to rerun with); {@code -Dcontemplate.properties.tries=K} overrides every try
 * count (e.g. 100000 for a long local run). Shared through this test-jar by the modules whose inputs it checks.
 */
public final class PropertyCheck {

    /** The base seed when {@code contemplate.properties.seed} is not set. */
    public static final long DEFAULT_SEED = 20_250_611L;

    private static final int MAX_SHRINK_STEPS = 2_000;

    private PropertyCheck() {
    }

    /**
     * A generator of samples.
     *
     * @param <T> the sample type
     */
    @FunctionalInterface
    public interface Gen<T> {

        /** Returns the next sample, drawn from {@code random} only. */
        T next(SplittableRandom random);

        /** Returns a generator of {@code f} applied to this one's samples. */
        default <R> Gen<R> map(Function<? super T, ? extends R> f) {
            return r -> f.apply(next(r));
        }
    }

    /** Checks {@code property} on {@code tries} strings of {@code gen}; shrinks a failing string. */
    public static void forAllStrings(int tries, Gen<String> gen, Consumer<String> property) {
        check(tries, gen, property, PropertyCheck::shrinkString);
    }

    /** Checks {@code property} on {@code tries} samples of {@code gen}; reports a failing sample as it was drawn. */
    public static <T> void forAll(int tries, Gen<T> gen, Consumer<T> property) {
        check(tries, gen, property, t -> List.of());
    }

    private static <T> void check(int tries, Gen<T> gen, Consumer<T> property, Function<T, List<T>> shrinker) {
        String name = caller();
        long base = Long.getLong("contemplate.properties.seed", DEFAULT_SEED);
        long seed = base ^ (name.hashCode() * 0x9E3779B97F4A7C15L);
        int n = Integer.getInteger("contemplate.properties.tries", tries);
        for (int i = 0; i < n; i++) {
            T sample = gen.next(new SplittableRandom(seed + i));
            Throwable failure = failure(property, sample);
            if (failure != null) {
                T smallest = sample;
                Throwable smallestFailure = failure;
                int steps = 0;
                boolean shrunk = true;
                while (shrunk && steps < MAX_SHRINK_STEPS) {
                    shrunk = false;
                    for (T candidate : shrinker.apply(smallest)) {
                        if (++steps > MAX_SHRINK_STEPS) {
                            break;
                        }
                        Throwable f = failure(property, candidate);
                        if (f != null) {
                            smallest = candidate;
                            smallestFailure = f;
                            shrunk = true;
                            break;
                        }
                    }
                }
                throw new AssertionError("property " + name + " failed on try " + (i + 1) + " of " + n
                        + " (base seed " + base + "; rerun with -Dcontemplate.properties.seed=" + base + ")"
                        + "\n  sample:   " + show(smallest)
                        + (smallest.equals(sample) ? "" : "\n  (shrunk from " + show(sample) + ")")
                        + "\n  failure:  " + smallestFailure, smallestFailure);
            }
        }
    }

    private static <T> Throwable failure(Consumer<T> property, T sample) {
        try {
            property.accept(sample);
            return null;
        } catch (AssertionError | RuntimeException e) {
            return e;
        } catch (StackOverflowError e) {
            return e;
        }
    }

    /** Smaller strings: halves and quarters removed, then single characters removed, then characters made 'a'. */
    private static List<String> shrinkString(String s) {
        List<String> out = new ArrayList<>();
        for (int chunk = s.length() / 2; chunk >= 1; chunk /= 2) {
            for (int at = 0; at + chunk <= s.length(); at += chunk) {
                out.add(s.substring(0, at) + s.substring(at + chunk));
            }
            if (out.size() > 400) {
                break;
            }
        }
        if (s.length() <= 64) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) != 'a') {
                    out.add(s.substring(0, i) + 'a' + s.substring(i + 1));
                }
            }
        }
        return out;
    }

    /** Returns a sample as a Java literal (strings escaped, long ones cut) for the failure message. */
    public static String show(Object sample) {
        if (sample instanceof Object[] array) {
            return java.util.Arrays.stream(array).map(PropertyCheck::show)
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
        if (sample instanceof long[] array) {
            return java.util.Arrays.toString(array);
        }
        if (!(sample instanceof String s)) {
            return String.valueOf(sample);
        }
        StringBuilder b = new StringBuilder("\"");
        int shown = Math.min(s.length(), 400);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        b.append('"');
        if (s.length() > shown) {
            b.append(" ... (").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(PropertyCheck.class.getName()))
                .findFirst()
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .orElse("property"));
    }
}
