/**
 * Runnable recipes, each a small program with a {@code main}: contemplation over an OpenAI-compatible server,
 * over the embedded demo model, and as a LangChain4j AI Service.
 */
package dev.contemplate.examples.recipes;
