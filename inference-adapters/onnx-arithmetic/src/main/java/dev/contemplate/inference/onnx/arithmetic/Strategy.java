package dev.contemplate.inference.onnx.arithmetic;

import java.util.Objects;

/**
 * A solution strategy the demo model was trained on; the strategy's tag in the prompt selects it.
 *
 * @param tag the tag the prompt carries, for example {@code L}
 * @param name a short name, for example {@code forward}
 * @param description how the strategy combines the terms
 */
public record Strategy(String tag, String name, String description) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the tag or the name is blank
     */
    public Strategy {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (tag.isBlank()) {
            throw new IllegalArgumentException("tag must not be blank");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }
}
