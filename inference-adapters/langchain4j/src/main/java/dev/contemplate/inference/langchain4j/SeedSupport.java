package dev.contemplate.inference.langchain4j;

/**
 * How a {@link LangChain4jEngine} passes {@link dev.contemplate.inference.SamplingParameters#seed() seeds} to its
 * model. LangChain4j's common {@code ChatRequestParameters} have no seed, so a seed can only travel in a provider's
 * own parameter type. A seeded request on an engine that cannot pass it fails with
 * {@link dev.contemplate.inference.UnsupportedCapabilityException} (capability {@code "seed"}); it is never dropped.
 */
public enum SeedSupport {

    /**
     * {@link #OPENAI} when the model's {@code defaultRequestParameters()} are LangChain4j's
     * {@code OpenAiChatRequestParameters} (OpenAI and every OpenAI-compatible server: vLLM, SGLang, llama.cpp,
     * Ollama's OpenAI endpoint), otherwise {@link #NONE}. The default.
     */
    DETECT,

    /**
     * The seed travels as {@code OpenAiChatRequestParameters.seed}, the {@code seed} field of the request body.
     * It is a 32-bit integer there, so a seed outside the {@code int} range fails as unsupported. Needs
     * {@code langchain4j-open-ai} on the class path (building the engine fails otherwise) and a model that sends
     * these parameters as an OpenAI-style request: LangChain4j's OpenAI models do, and so does a wrapper that
     * forwards its requests to one (LangChain4j keeps provider-specific parameters when it merges them with a
     * model's plain defaults). Choose it explicitly for such wrappers, which {@link #DETECT} cannot recognise.
     * How faithfully a seed reproduces a sample is up to the server: vLLM and SGLang reproduce it, OpenAI's own
     * API documents seeds as best effort.
     */
    OPENAI,

    /** Seeds are not passed; seeded requests fail with {@code UnsupportedCapabilityException}. */
    NONE
}
