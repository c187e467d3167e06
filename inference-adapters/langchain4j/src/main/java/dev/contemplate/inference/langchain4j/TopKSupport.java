package dev.contemplate.inference.langchain4j;

/**
 * How a {@link LangChain4jEngine} passes {@link dev.contemplate.inference.SamplingParameters#topK() top-k}. The SPI
 * lets an engine ignore top-k where the provider has none; top-k 0 (no limit) is never sent.
 */
public enum TopKSupport {

    /**
     * {@link #IGNORE} for models with OpenAI request parameters (the OpenAI API has no top-k, and LangChain4j's
     * OpenAI models reject it), otherwise {@link #STANDARD}. The default.
     */
    DETECT,

    /** Top-k travels as LangChain4j's common {@code ChatRequestParameters.topK}. */
    STANDARD,

    /**
     * Top-k travels as the non-standard {@code top_k} field of an OpenAI-style request body, which
     * OpenAI-compatible servers such as vLLM and SGLang accept. Needs OpenAI request parameters, like
     * {@link SeedSupport#OPENAI}.
     */
    OPENAI_COMPATIBLE_TOP_K_FIELD,

    /** Top-k is not sent. */
    IGNORE
}
