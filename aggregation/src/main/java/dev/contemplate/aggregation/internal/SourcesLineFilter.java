package dev.contemplate.aggregation.internal;

import dev.contemplate.inference.GenerationEvent;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Removes a leading sources line ({@code Sources: 1, 3}) from the text deltas of a synthesis stream, and the blank
 * space after it, so that what streams is exactly the answer. Text that cannot start a sources line passes at once; a
 * first line that may be one is held until its line break (at most {@value #MAX_HELD} characters). The
 * {@link GenerationEvent.Completed} event passes unchanged, with the raw text.
 */
public final class SourcesLineFilter {

    /** A first line longer than this is not held any longer: it passes as it is. */
    public static final int MAX_HELD = 300;

    private enum State { HEAD, SKIP_BLANK, PASS }

    private State state = State.HEAD;
    private final StringBuilder held = new StringBuilder();

    private SourcesLineFilter() {
    }

    /** Returns {@code events} with the leading sources line removed from its deltas; each subscription starts afresh. */
    public static Flux<GenerationEvent> apply(Flux<GenerationEvent> events) {
        return Flux.defer(() -> {
            SourcesLineFilter f = new SourcesLineFilter();
            return events.concatMapIterable(f::next);
        });
    }

    private List<GenerationEvent> next(GenerationEvent event) {
        List<GenerationEvent> out = new ArrayList<>(2);
        if (event instanceof GenerationEvent.TextDelta d) {
            String t = text(d.text());
            if (!t.isEmpty()) {
                out.add(t.equals(d.text()) ? d : new GenerationEvent.TextDelta(t));
            }
        } else {
            if (state == State.HEAD) {
                String rest = held.toString();
                state = State.PASS;
                if (!rest.isBlank() && ReplyParsers.sources(rest.strip()).isEmpty()) {
                    out.add(new GenerationEvent.TextDelta(rest));
                }
            }
            out.add(event);
        }
        return out;
    }

    private String text(String delta) {
        switch (state) {
            case PASS:
                return delta;
            case SKIP_BLANK:
                return skipBlank(delta);
            default:
                held.append(delta);
                String h = held.toString();
                int start = 0;
                while (start < h.length() && Character.isWhitespace(h.charAt(start))) {
                    start++;
                }
                int nl = h.indexOf('\n', start);
                if (nl >= 0) {
                    if (ReplyParsers.sources(h.substring(start, nl)).isPresent()) {
                        held.setLength(0);
                        state = State.SKIP_BLANK;
                        return skipBlank(h.substring(nl + 1));
                    }
                    return release(h);
                }
                if (h.length() > MAX_HELD || !ReplyParsers.maySourcesLine(h.substring(start))) {
                    return release(h);
                }
                return "";
        }
    }

    private String release(String h) {
        held.setLength(0);
        state = State.PASS;
        return h;
    }

    private String skipBlank(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return "";
        }
        state = State.PASS;
        return text.substring(i);
    }
}
