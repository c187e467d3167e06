/**
 * LangChain4j integration of the orchestrator: {@link dev.contemplate.orchestrator.langchain4j.ContemplatingChatModel}
 * and {@link dev.contemplate.orchestrator.langchain4j.ContemplatingStreamingChatModel} make contemplate mode a
 * {@code ChatModel} and a {@code StreamingChatModel}, so AI Services, chat memory and any code written against
 * LangChain4j get it; {@link dev.contemplate.orchestrator.langchain4j.ContemplationResponseMetadata} carries the verdict
 * in each response. Needs {@code dev.langchain4j:langchain4j-core} on the class path (an optional dependency of this
 * module).
 */
@NullMarked
package dev.contemplate.orchestrator.langchain4j;

import org.jspecify.annotations.NullMarked;
