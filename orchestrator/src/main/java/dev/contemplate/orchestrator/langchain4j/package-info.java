/**
 * LangChain4j integration of the orchestrator: {@link dev.contemplate.orchestrator.langchain4j.ContemplatingChatModel}
 * makes contemplate mode a {@code ChatModel}, so AI Services and any code written against LangChain4j get it.
 * Needs {@code dev.langchain4j:langchain4j-core} on the class path (an optional dependency of this module).
 */
@NullMarked
package dev.contemplate.orchestrator.langchain4j;

import org.jspecify.annotations.NullMarked;
