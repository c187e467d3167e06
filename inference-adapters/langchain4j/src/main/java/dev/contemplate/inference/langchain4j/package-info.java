/**
 * Runs any LangChain4j chat model as a Contemplate {@link dev.contemplate.inference.InferenceEngine}: see
 * {@link dev.contemplate.inference.langchain4j.LangChain4jEngine}. Everything here is non-null unless a parameter
 * says otherwise.
 */
@NullMarked
package dev.contemplate.inference.langchain4j;

import org.jspecify.annotations.NullMarked;
