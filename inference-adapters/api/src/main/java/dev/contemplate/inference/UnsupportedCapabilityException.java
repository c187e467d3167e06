package dev.contemplate.inference;

/**
 * The request asks for something the engine cannot do (for example a seed on a provider without seeds).
 * Engines report it rather than silently ignoring the request's wish.
 */
public class UnsupportedCapabilityException extends PermanentInferenceException {

    private static final long serialVersionUID = 1L;

    private final String capability;

    /**
     * Creates an exception.
     *
     * @param engine the engine's name
     * @param capability the missing capability, e.g. {@code "seed"}
     * @param message what was asked and why it cannot be done
     */
    public UnsupportedCapabilityException(String engine, String capability, String message) {
        super(engine, message, null);
        this.capability = capability;
    }

    /** Returns the missing capability, e.g. {@code "seed"}. */
    public String capability() {
        return capability;
    }
}
