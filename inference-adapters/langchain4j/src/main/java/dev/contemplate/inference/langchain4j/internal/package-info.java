/**
 * Implementation details of the LangChain4j adapter; not an API, may change without notice.
 */
@NullMarked
package dev.contemplate.inference.langchain4j.internal;

import org.jspecify.annotations.NullMarked;
